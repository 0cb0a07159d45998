// /api/v1/cases: intake at the window, the staff's case lists and case pages,
// handling and intake actions, and the one-time notification.
// /api/v1/applications: a resident's online application.

#include "crypto/crypto.h"
#include "node/hall/feedback.h"
#include "node/hall/hall_projection.h"
#include "node/hall/one_time_notice.h"
#include "node/hall/online_application.h"
#include "node/hall/parallel_review.h"
#include "node/hall/supervision.h"
#include "storage/blob_store.h"
#include "web/api_support.h"

namespace yimen::web {
json::value date_or_null(const std::optional<hall::Date>& d) {
  if (!d) return nullptr;
  return json::value(d->to_string());
}

json::array findings_json(const hall::ServiceItem* item,
                          const std::vector<hall::MaterialFinding>& findings) {
  json::array out;
  for (const auto& f : findings) {
    const bool known = item != nullptr && f.material < item->materials.size();
    out.push_back(json::object{
        {"material", static_cast<std::int64_t>(f.material)},
        {"material_name", known ? json::value(item->materials[f.material].name) : nullptr},
        {"problem", hall::material_problem_name(f.problem)},
        {"problem_label", hall::material_problem_label_zh(f.problem)},
        {"note", f.note},
        {"copies_received", f.copies_received}});
  }
  return out;
}

namespace {

constexpr std::size_t kMaxMaterials = 100;

const char* half_name(hall::CaseHalf half) {
  return half == hall::CaseHalf::kIntake ? "intake" : "handling";
}

// What the list shows of a case.
json::object case_summary_json(const hall::CaseFile& file, const std::string& item_name,
                               const hall::CaseDeadline& deadline) {
  return json::object{
      {"case_no", file.case_no},
      {"item_code", file.item_code},
      {"item_name", item_name},
      {"state", hall::case_state_name(file.state)},
      {"state_label", hall::case_state_label_zh(file.state)},
      {"applicant_name", file.applicant_name},
      {"applicant_id_masked", hall::masked_id_number(file.applicant_id)},
      {"intake_node", file.intake_node.str()},
      {"handling_node", file.handling_node.str()},
      {"submitted_on", file.submitted_on.to_string()},
      {"due", date_or_null(deadline.due)},
      {"card", deadline.card ? json::value(hall::card_name(*deadline.card)) : nullptr},
      {"responsible_name", file.responsible_name},
      {"channel", file.channel},
      {"identity", file.identity},
  };
}

// The actions this node may take on the case now.
// `awaiting_opinions`: parallel departments have yet to give their opinion,
// so the lead cannot approve alone.
json::array available_actions(const hall::CaseFile& file, const RegionCode& self,
                              bool awaiting_opinions) {
  json::array out;
  static constexpr hall::CaseAction kHandling[] = {
      hall::CaseAction::kAccept,           hall::CaseAction::kRefuse,
      hall::CaseAction::kRequestMaterials, hall::CaseAction::kAcceptSupplement,
      hall::CaseAction::kStartNotice,      hall::CaseAction::kEndNotice,
      hall::CaseAction::kApprove,          hall::CaseAction::kReject,
      hall::CaseAction::kIssueResult,      hall::CaseAction::kClose,
      hall::CaseAction::kWithdraw};
  static constexpr hall::CaseAction kIntake[] = {
      hall::CaseAction::kReturnIncomplete, hall::CaseAction::kSupplyMaterials,
      hall::CaseAction::kRequestWithdrawal, hall::CaseAction::kDeliverResult,
      hall::CaseAction::kVerifyIdentity};
  if (file.handling_node == self) {
    for (auto a : kHandling) {
      if (a == hall::CaseAction::kApprove &&
          (awaiting_opinions || file.identity == hall::kIdentityUnverified)) {
        continue;
      }
      if (hall::next_state(file.state, a).ok())
        out.push_back(json::value(hall::case_action_name(a)));
    }
    if (file.commitment && file.post_check.empty() && hall::decided_in_favour(file.state)) {
      out.push_back(json::value(hall::case_action_name(hall::CaseAction::kConfirmCommitment)));
      out.push_back(json::value(hall::case_action_name(hall::CaseAction::kFalseCommitment)));
    }
  }
  if (file.intake_node == self) {
    for (auto a : kIntake) {
      if (a == hall::CaseAction::kVerifyIdentity && file.identity != hall::kIdentityUnverified) {
        continue;
      }
      if (hall::check_intake_action(file.state, a, file.returned).ok()) {
        out.push_back(json::value(hall::case_action_name(a)));
      }
    }
  }
  return out;
}

struct Loaded {
  hall::CaseFile file;
  std::optional<hall::ServiceItem> item;
  hall::CaseDeadline deadline;
};

// Loads a case with its item version and today's deadline; NotFound when absent.
Result<Loaded> load(storage::Database& db, Call& call, const std::string& case_no,
                    const hall::WorkingDayCalendar& calendar) {
  YIMEN_ASSIGN_OR_RETURN(auto file, hall::load_case(db, case_no));
  if (!file) return not_found("no case has this number here");
  Loaded out{std::move(*file), std::nullopt, {}};
  YIMEN_ASSIGN_OR_RETURN(out.item, hall::load_item(db, out.file.item_code, out.file.item_version));
  out.deadline = hall::case_deadline(calendar, out.file, hall::cst_date(call.now),
                                     call.backend().yellow_card_working_days());
  return out;
}

Result<json::object> case_page_json(storage::Database& db, Call& call, const std::string& case_no) {
  YIMEN_ASSIGN_OR_RETURN(auto calendar, hall::load_calendar(db));
  YIMEN_ASSIGN_OR_RETURN(auto c, load(db, call, case_no, calendar));
  json::object out = case_summary_json(c.file, c.item ? c.item->name : "", c.deadline);
  out["applicant"] = json::object{{"id_number", c.file.applicant_id},
                                  {"name", c.file.applicant_name},
                                  {"phone", c.file.applicant_phone},
                                  {"domicile", c.file.domicile.str()}};
  out["item_version"] = c.file.item_version;
  out["decision"] = c.file.decision;
  out["result"] = c.file.result;
  out["returned"] = c.file.returned;
  out["withdrawal_requested"] = c.file.withdrawal_requested;
  out["repeat_of"] = c.file.repeat_of;
  out["committed_limit"] = time_limit_json(c.file.committed_limit);
  out["accepted_on"] = date_or_null(c.file.accepted_on);
  out["unknown_reason"] = c.deadline.unknown_reason;
  YIMEN_ASSIGN_OR_RETURN(auto transitions, hall::load_transitions(db, case_no));
  json::array history;
  // The current handler: whoever last acted on the case at the handling
  // office (null until then); the first-contact clerk is responsible_name.
  json::value handler = nullptr;
  for (const auto& t : transitions) {
    if (t.half == hall::CaseHalf::kHandling) {
      handler = json::object{
          {"name", t.actor_name}, {"office", t.actor_office}, {"phone", t.actor_phone}};
    }
  }
  out["handler"] = std::move(handler);
  for (const auto& t : transitions) {
    json::object entry{{"position", t.position},
                       {"half", half_name(t.half)},
                       {"action", hall::case_action_name(t.action)},
                       {"actor_name", t.actor_name},
                       {"actor_office", t.actor_office},
                       {"on", t.on.to_string()},
                       {"at", t.at},
                       {"note", t.note}};
    if (!t.findings.empty()) {
      entry["findings"] = findings_json(c.item ? &*c.item : nullptr, t.findings);
      entry["supply_by"] = date_or_null(t.supply_by);
    }
    history.push_back(std::move(entry));
  }
  out["history"] = std::move(history);
  out["materials"] = c.item ? item_guide_json(*c.item)["materials"] : json::array();
  out["identity_note"] = c.file.identity_note;
  YIMEN_ASSIGN_OR_RETURN(const auto supplied, hall::case_materials(db, case_no));
  json::array supplied_json;
  for (const auto& m : supplied) {
    json::object o{{"material", m.material}, {"how", m.how}, {"note", m.note}};
    if (m.file) {
      YIMEN_ASSIGN_OR_RETURN(const bool here, storage::blob_held(db, {m.file->hash, m.file->size}));
      o["file"] = json::object{{"name", m.file->name},
                               {"media_type", m.file->media_type},
                               {"size", static_cast<std::int64_t>(m.file->size)},
                               {"here", here}};
    }
    supplied_json.push_back(std::move(o));
  }
  out["supplied"] = std::move(supplied_json);
  YIMEN_ASSIGN_OR_RETURN(auto opinions, hall::load_opinions(db, case_no));
  json::array parallel;
  bool awaiting = false;
  if (c.item) {
    for (const auto& t :
         hall::parallel_tasks(calendar, c.file, *c.item, opinions, hall::cst_date(call.now),
                              call.backend().yellow_card_working_days())) {
      awaiting = awaiting || !t.opinion;
      parallel.push_back(json::object{
          {"department", t.department},
          {"limit", time_limit_json(t.limit)},
          {"due", date_or_null(t.due)},
          {"card", t.card ? json::value(hall::card_name(*t.card)) : nullptr},
          {"opinion", t.opinion ? json::value(json::object{{"agreed", t.opinion->agreed},
                                                           {"note", t.opinion->note},
                                                           {"on", t.opinion->on.to_string()},
                                                           {"by_name", t.opinion->by_name},
                                                           {"by_office", t.opinion->by_office}})
                                : nullptr}});
    }
  }
  out["parallel"] = std::move(parallel);
  out["actions"] = available_actions(c.file, call.backend().node_id(), awaiting);
  out["visits"] = c.file.visits;
  out["agent"] = c.file.agent.name.empty()
                     ? json::value(nullptr)
                     : json::value(json::object{
                           {"name", c.file.agent.name},
                           {"id_number_masked", hall::masked_id_number(c.file.agent.id_number)},
                           {"phone", c.file.agent.phone},
                           {"authorisation", c.file.agent.authorisation}});
  out["commitment"] = c.file.commitment;
  out["post_check"] = c.file.post_check;
  out["approved_on"] = date_or_null(c.file.approved_on);
  out["finished_on"] = date_or_null(c.file.finished_on);
  YIMEN_ASSIGN_OR_RETURN(auto flagged, hall::false_commitment_of(db, c.file.applicant_id));
  out["applicant_false_commitment"] = flagged;
  YIMEN_ASSIGN_OR_RETURN(auto rating, hall::load_rating(db, case_no, calendar));
  if (rating) {
    out["rating"] = json::object{{"score", rating->score},
                                 {"tags", json::array(rating->tags.begin(), rating->tags.end())},
                                 {"comment", rating->comment},
                                 {"rated_on", rating->rated_on.to_string()},
                                 {"follow_up_due", date_or_null(rating->follow_up_due)},
                                 {"follow_up", rating->follow_up}};
  } else {
    out["rating"] = nullptr;
  }
  YIMEN_ASSIGN_OR_RETURN(auto orders, hall::supervision_orders_of_case(db, case_no, calendar));
  json::array supervision;
  for (const auto& o : orders) {
    supervision.push_back(json::object{{"order_no", o.order_no},
                                       {"ordered_by_node", o.ordered_by_node.str()},
                                       {"instruction", o.instruction},
                                       {"ordered_on", o.ordered_on.to_string()},
                                       {"due", date_or_null(o.due)},
                                       {"response", o.response}});
  }
  out["supervision"] = std::move(supervision);
  return out;
}

HttpResponse case_page(Call& call, const std::string& case_no, int status) {
  json::object page;
  const Status s = call.backend().read([&](storage::Database& db) -> Status {
    YIMEN_ASSIGN_OR_RETURN(page, case_page_json(db, call, case_no));
    return {};
  });
  if (!s.ok()) return status_response(s);
  return json_response(page, status);
}

// --- request bodies ---

Result<std::vector<hall::SuppliedMaterial>> parse_supplied(const json::object& body) {
  std::vector<hall::SuppliedMaterial> out;
  YIMEN_ASSIGN_OR_RETURN(const json::array* list, optional_array(body, "materials", "materials"));
  if (list == nullptr) return out;
  if (list->size() > kMaxMaterials) return invalid_argument("materials: too many entries");
  for (size_t i = 0; i < list->size(); ++i) {
    const std::string where = "materials[" + std::to_string(i) + "]";
    if (!(*list)[i].is_object()) return invalid_argument(where + ": expected an object");
    const auto& m = (*list)[i].get_object();
    YIMEN_ASSIGN_OR_RETURN(auto index,
                           optional_integer(m, "material", where + ".material", 0, 999));
    if (!index) return invalid_argument(where + ".material: required");
    YIMEN_ASSIGN_OR_RETURN(auto how, optional_string(m, "how", where + ".how", 20));
    YIMEN_ASSIGN_OR_RETURN(auto note, optional_string(m, "note", where + ".note", 1000));
    hall::SuppliedMaterial supplied{static_cast<int>(*index), how.value_or("paper"),
                                    note.value_or(""), std::nullopt};
    YIMEN_ASSIGN_OR_RETURN(const json::object* file,
                           optional_object(m, "attachment", where + ".attachment"));
    if (file != nullptr) {
      const std::string at = where + ".attachment";
      YIMEN_ASSIGN_OR_RETURN(auto hash, required_string(*file, "hash", at + ".hash", 64));
      YIMEN_ASSIGN_OR_RETURN(
          auto size, optional_integer(*file, "size", at + ".size", 1, hall::kMaxMaterialFileBytes));
      YIMEN_ASSIGN_OR_RETURN(auto name, required_string(*file, "name", at + ".name", 200));
      YIMEN_ASSIGN_OR_RETURN(auto type,
                             required_string(*file, "media_type", at + ".media_type", 40));
      auto bytes = crypto::from_hex(hash);
      if (!bytes.ok() || bytes->size() != 32) {
        return invalid_argument(at + ".hash: expected 64 hexadecimal digits");
      }
      if (!size) return invalid_argument(at + ".size: required");
      if (supplied.how != "electronic") {
        return invalid_argument(at +
                                ": a file is attached only to a material supplied "
                                "electronically");
      }
      supplied.attachment =
          hall::MaterialFile{*bytes, static_cast<std::uint64_t>(*size), name, type};
    }
    out.push_back(std::move(supplied));
  }
  return out;
}

Result<std::vector<hall::MaterialFinding>> parse_findings(const json::object& body) {
  std::vector<hall::MaterialFinding> out;
  YIMEN_ASSIGN_OR_RETURN(const json::array* list, optional_array(body, "findings", "findings"));
  if (list == nullptr) return out;
  if (list->size() > kMaxMaterials) return invalid_argument("findings: too many entries");
  for (size_t i = 0; i < list->size(); ++i) {
    const std::string where = "findings[" + std::to_string(i) + "]";
    if (!(*list)[i].is_object()) return invalid_argument(where + ": expected an object");
    const auto& f = (*list)[i].get_object();
    YIMEN_ASSIGN_OR_RETURN(auto index,
                           optional_integer(f, "material", where + ".material", 0, 999));
    if (!index) return invalid_argument(where + ".material: required");
    YIMEN_ASSIGN_OR_RETURN(auto problem_name,
                           optional_string(f, "problem", where + ".problem", 40));
    const auto problem = hall::parse_material_problem(problem_name.value_or("missing"));
    if (!problem) {
      return invalid_argument(where +
                              ".problem: missing, incomplete, wrong_copies or needs_original");
    }
    YIMEN_ASSIGN_OR_RETURN(auto note, optional_string(f, "note", where + ".note", 1000));
    YIMEN_ASSIGN_OR_RETURN(
        auto copies, optional_integer(f, "copies_received", where + ".copies_received", 0, 20));
    out.push_back({static_cast<size_t>(*index), *problem, note.value_or(""),
                   static_cast<int>(copies.value_or(0))});
  }
  return out;
}

Result<hall::Application> parse_application(const json::object& body, const RegionCode& self) {
  hall::Application app;
  YIMEN_ASSIGN_OR_RETURN(app.item_code, required_string(body, "item_code", "item_code", 64));
  YIMEN_ASSIGN_OR_RETURN(const json::object* applicant,
                         optional_object(body, "applicant", "applicant"));
  if (applicant == nullptr) return invalid_argument("applicant: required");
  YIMEN_ASSIGN_OR_RETURN(app.applicant.id_number,
                         required_string(*applicant, "id_number", "applicant.id_number", 18));
  YIMEN_ASSIGN_OR_RETURN(app.applicant.name,
                         required_string(*applicant, "name", "applicant.name", 100));
  YIMEN_ASSIGN_OR_RETURN(app.applicant.phone,
                         required_string(*applicant, "phone", "applicant.phone", 20));
  YIMEN_ASSIGN_OR_RETURN(auto domicile,
                         optional_string(*applicant, "domicile", "applicant.domicile", 12));
  app.applicant.domicile = domicile.value_or(self.str());
  YIMEN_ASSIGN_OR_RETURN(auto channel, optional_string(body, "channel", "channel", 20));
  app.channel = channel.value_or("window");
  YIMEN_ASSIGN_OR_RETURN(app.materials, parse_supplied(body));
  YIMEN_ASSIGN_OR_RETURN(auto visits, optional_integer(body, "visits", "visits", 0, 20));
  if (visits) app.visits = static_cast<int>(*visits);
  YIMEN_ASSIGN_OR_RETURN(const json::object* agent, optional_object(body, "agent", "agent"));
  if (agent != nullptr) {
    hall::Agent a;
    YIMEN_ASSIGN_OR_RETURN(a.id_number,
                           required_string(*agent, "id_number", "agent.id_number", 18));
    YIMEN_ASSIGN_OR_RETURN(a.name, required_string(*agent, "name", "agent.name", 100));
    YIMEN_ASSIGN_OR_RETURN(a.phone, required_string(*agent, "phone", "agent.phone", 20));
    YIMEN_ASSIGN_OR_RETURN(a.authorisation,
                           required_string(*agent, "authorisation", "agent.authorisation", 500));
    app.agent = std::move(a);
  }
  return app;
}

// --- handlers ---

// Takes `app` at this node as `actor` and answers with the receipt (201).
HttpResponse take_case(Call& call, const hall::Application& app, const hall::Actor& actor,
                       const std::string& audit_action) {
  if (call.backend().recovering()) {
    return recovering_response();
  }
  std::optional<hall::SubmittedCase> submitted;
  const Status s = call.backend().write([&](hall::Hall& hall, storage::Database& db) -> Status {
    YIMEN_ASSIGN_OR_RETURN(auto result, hall.submit(actor, app));
    submitted = std::move(result);
    return audit(db, call, audit_action, submitted->case_no, "ok");
  });
  if (!s.ok()) return status_response(s);
  return json_response(json::object{{"case_no", submitted->case_no},
                                    {"query_code", submitted->query_code},
                                    {"handling_node", submitted->handling_node.str()},
                                    {"repeat_of", submitted->repeat_of},
                                    {"identity", submitted->identity}},
                       201);
}

HttpResponse submit_case(Call& call) {
  auto body = body_object(call);
  if (!body.ok()) return status_response(body.status());
  auto app = parse_application(*body, call.backend().node_id());
  if (!app.ok()) return status_response(app.status());
  return take_case(call, *app, call.actor(), "case.submit");
}

// An online application (网上申请) from a resident's browser: channel
// "online", no visit, the materials uploaded first (api_materials.cpp). The
// office pre-reviews it before acceptance; the identity stays unverified
// unless data sharing vouches for the applicant.
HttpResponse submit_online(Call& call) {
  const std::string address = call.request.peer;
  if (auto blocked = call.state.applications_by_address.blocked_for(address, call.now);
      blocked > 0) {
    return rate_limited(blocked, "too many applications from this address; try later");
  }
  auto body = body_object(call);
  if (!body.ok()) return status_response(body.status());
  for (const char* staff_only : {"channel", "visits", "agent"}) {
    if (body->contains(staff_only)) {
      return error_response(400, "bad_request",
                            std::string(staff_only) + ": not part of an online application");
    }
  }
  auto app = parse_application(*body, call.backend().node_id());
  if (!app.ok()) return status_response(app.status());
  app->channel = "online";
  HttpResponse answer = take_case(call, *app, hall::Actor{}, "case.apply_online");
  if (answer.status == 201) {
    call.state.applications_by_address.record_failure(address, call.now);
  }
  return answer;
}

// Which cases a list shows: those still being handled, those finished, or
// both; optionally one state or one card.
struct CaseFilter {
  enum class View { kOpen, kFinished, kAll } view = View::kAll;
  std::optional<hall::CaseState> state;
  std::optional<hall::Card> card;
};

// The order of urgency: red, then yellow, then by due date (the earliest
// first), cases without a due date last; newest first among equals.
int urgency_rank(const hall::CaseDeadline& d) {
  if (d.card == hall::Card::kRed) return 0;
  if (d.card == hall::Card::kYellow) return 1;
  return d.due ? 2 : 3;
}

// The cases of this node's subtree among `numbers` that `filter` admits, in
// the order of urgency, at most kMaxListedCases of them; the card counts and
// the total are over every case of the view, so the tiles match the list.
Result<json::object> case_list_json(storage::Database& db, Call& call,
                                    const std::vector<std::string>& numbers,
                                    const CaseFilter& filter) {
  YIMEN_ASSIGN_OR_RETURN(auto calendar, hall::load_calendar(db));
  const hall::Date today = hall::cst_date(call.now);
  struct Listed {
    hall::CaseFile file;
    hall::CaseDeadline deadline;
  };
  std::vector<Listed> listed;
  std::int64_t counts[3] = {0, 0, 0};
  for (const auto& no : numbers) {
    YIMEN_ASSIGN_OR_RETURN(auto file, hall::load_case(db, no));
    if (!file) continue;
    if (filter.state && file->state != *filter.state) continue;
    const bool finished = hall::is_finished(file->state);
    if (filter.view == CaseFilter::View::kOpen && finished) continue;
    if (filter.view == CaseFilter::View::kFinished && !finished) continue;
    auto deadline =
        hall::case_deadline(calendar, *file, today, call.backend().yellow_card_working_days());
    if (deadline.card) ++counts[static_cast<int>(*deadline.card)];
    if (filter.card && deadline.card != filter.card) continue;
    listed.push_back({std::move(*file), std::move(deadline)});
  }
  std::sort(listed.begin(), listed.end(), [](const Listed& a, const Listed& b) {
    const int ra = urgency_rank(a.deadline);
    const int rb = urgency_rank(b.deadline);
    if (ra != rb) return ra < rb;
    if (a.deadline.due != b.deadline.due) return a.deadline.due < b.deadline.due;
    return a.file.case_no > b.file.case_no;
  });
  json::array cases;
  // Each item version is decoded once, and only for the cases listed.
  std::map<std::pair<std::string, int>, std::string> item_names;
  for (const auto& l : listed) {
    if (cases.size() >= kMaxListedCases) break;
    const auto key = std::make_pair(l.file.item_code, l.file.item_version);
    auto name = item_names.find(key);
    if (name == item_names.end()) {
      YIMEN_ASSIGN_OR_RETURN(auto item, hall::load_item(db, key.first, key.second));
      name = item_names.emplace(key, item ? item->name : std::string()).first;
    }
    cases.push_back(case_summary_json(l.file, name->second, l.deadline));
  }
  return json::object{
      {"cases", std::move(cases)},
      {"total", static_cast<std::int64_t>(listed.size())},
      {"cards", json::object{{"green", counts[0]}, {"yellow", counts[1]}, {"red", counts[2]}}}};
}

Result<CaseFilter> parse_case_filter(const std::optional<std::string>& view,
                                     const std::optional<std::string>& state,
                                     const std::optional<std::string>& card) {
  CaseFilter filter;
  if (view && !view->empty()) {
    if (*view == "open") {
      filter.view = CaseFilter::View::kOpen;
    } else if (*view == "finished") {
      filter.view = CaseFilter::View::kFinished;
    } else if (*view != "all") {
      return invalid_argument("view: open, finished or all");
    }
  }
  if (state && !state->empty()) {
    filter.state = hall::parse_case_state(*state);
    if (!filter.state) return invalid_argument("state: unknown case state");
  }
  if (card && !card->empty()) {
    if (*card == "green") filter.card = hall::Card::kGreen;
    if (*card == "yellow") filter.card = hall::Card::kYellow;
    if (*card == "red") filter.card = hall::Card::kRed;
    if (!filter.card) return invalid_argument("card: green, yellow or red");
  }
  return filter;
}

HttpResponse list_cases(Call& call) {
  auto filter =
      parse_case_filter(call.request.query_value("view"), call.request.query_value("state"),
                        call.request.query_value("card"));
  if (!filter.ok()) return status_response(filter.status());
  json::object out;
  const Status s = call.backend().read([&](storage::Database& db) -> Status {
    YIMEN_ASSIGN_OR_RETURN(auto numbers,
                           hall::case_numbers(db, call.backend().node_id(), filter->state));
    YIMEN_ASSIGN_OR_RETURN(out, case_list_json(db, call, numbers, *filter));
    return {};
  });
  if (!s.ok()) return status_response(s);
  return json_response(out);
}

std::string trim(const std::string& s) {
  const auto first = s.find_first_not_of(" \t\r\n");
  if (first == std::string::npos) return {};
  return s.substr(first, s.find_last_not_of(" \t\r\n") - first + 1);
}

// POST /api/v1/cases/search {"query", "view"}: cases of this node's subtree by
// case number (or its start), the applicant's ID number, or part of the
// applicant's name. In the body, never in a URL: it is personal data.
HttpResponse search_cases(Call& call) {
  auto body = body_object(call);
  if (!body.ok()) return status_response(body.status());
  auto query = required_string(*body, "query", "query", 100);
  if (!query.ok()) return status_response(query.status());
  auto view = optional_string(*body, "view", "view", 10);
  if (!view.ok()) return status_response(view.status());
  auto filter = parse_case_filter(*view, std::nullopt, std::nullopt);
  if (!filter.ok()) return status_response(filter.status());
  const std::string text = trim(*query);
  if (text.empty()) return error_response(400, "bad_request", "query: required");
  json::object out;
  const Status s = call.backend().read([&](storage::Database& db) -> Status {
    YIMEN_ASSIGN_OR_RETURN(auto numbers,
                           hall::search_case_numbers(db, call.backend().node_id(), text));
    YIMEN_ASSIGN_OR_RETURN(out, case_list_json(db, call, numbers, *filter));
    return {};
  });
  if (!s.ok()) return status_response(s);
  audit_or_warn(call, "case.search", "", "ok");
  return json_response(out);
}

HttpResponse show_case(Call& call) { return case_page(call, call.params.at("no"), 200); }

HttpResponse act_on_case(Call& call) {
  const std::string& case_no = call.params.at("no");
  auto body = body_object(call);
  if (!body.ok()) return status_response(body.status());
  auto action_name = required_string(*body, "action", "action", 40);
  if (!action_name.ok()) return status_response(action_name.status());
  const auto action = hall::parse_case_action(*action_name);
  if (!action || *action == hall::CaseAction::kSubmit) {
    return error_response(400, "bad_request", "action: unknown action");
  }
  hall::CaseCommand command;
  command.action = *action;
  auto note = optional_string(*body, "note", "note", 2000);
  if (!note.ok()) return status_response(note.status());
  command.note = note->value_or("");
  auto findings = parse_findings(*body);
  if (!findings.ok()) return status_response(findings.status());
  command.findings = std::move(*findings);
  auto supplied = parse_supplied(*body);
  if (!supplied.ok()) return status_response(supplied.status());
  command.supplied = std::move(*supplied);
  if (call.backend().recovering()) {
    return recovering_response();
  }
  const Status s = call.backend().write([&](hall::Hall& hall, storage::Database& db) -> Status {
    YIMEN_TRY(hall.act(call.actor(), case_no, command));
    return audit(db, call, std::string("case.act.") + *action_name, case_no, "ok");
  });
  if (!s.ok()) return status_response(s);
  return case_page(call, case_no, 200);
}

json::object notice_json(const hall::OneTimeNotice& n) {
  json::array lines;
  for (const auto& l : n.lines) {
    json::array mistakes(l.common_mistakes.begin(), l.common_mistakes.end());
    lines.push_back(json::object{{"material_name", l.material_name},
                                 {"form", hall::material_form_name(l.form)},
                                 {"form_label", hall::material_form_label_zh(l.form)},
                                 {"copies_required", l.copies_required},
                                 {"problem", hall::material_problem_name(l.problem)},
                                 {"problem_label", hall::material_problem_label_zh(l.problem)},
                                 {"note", l.note},
                                 {"copies_received", l.copies_received},
                                 {"commitment_allowed", l.commitment_allowed},
                                 {"common_mistakes", std::move(mistakes)},
                                 {"sample_text", l.sample_text}});
  }
  return json::object{{"title", n.title},
                      {"case_number", n.case_number},
                      {"applicant_name", n.applicant_name},
                      {"item_name", n.item_name},
                      {"item_code", n.item_code},
                      {"item_version", n.item_version},
                      {"date", n.date.to_string()},
                      {"accepting_unit", n.accepting_unit},
                      {"lines", std::move(lines)},
                      {"consultation_phone", n.consultation_phone},
                      {"office_address", n.office_address},
                      {"office_hours", n.office_hours},
                      {"closing", n.closing},
                      {"issuing_office", n.issuing_office},
                      {"handler", n.handler},
                      {"supply_by", date_or_null(n.supply_by)},
                      {"text", hall::render_text(n)}};
}

// A parallel department's opinion (并联审批): an officer gives their own
// department's; an administrator records one received on paper.
HttpResponse record_opinion(Call& call) {
  const std::string& case_no = call.params.at("no");
  auto body = body_object(call);
  if (!body.ok()) return status_response(body.status());
  auto department = required_string(*body, "department", "department", hall::kMaxNameBytes);
  auto agreed = optional_bool(*body, "agreed", "agreed");
  auto note = optional_string(*body, "note", "note", 2000);
  for (const Status& st : {department.status(), agreed.status(), note.status()}) {
    if (!st.ok()) return status_response(st);
  }
  if (!agreed->has_value()) return status_response(invalid_argument("agreed: required"));
  if (call.user().role == hall::Role::kOfficer && call.user().department != *department) {
    return error_response(403, "forbidden",
                          "an officer gives the opinion of their own department only");
  }
  if (call.backend().recovering()) {
    return recovering_response();
  }
  const Status s = call.backend().write([&](hall::Hall& hall, storage::Database& db) -> Status {
    YIMEN_TRY(
        hall.record_opinion(call.actor(), case_no, *department, **agreed, note->value_or("")));
    return audit(db, call, "case.opinion", case_no, "ok");
  });
  if (!s.ok()) return status_response(s);
  json::object out;
  const Status r = call.backend().read([&](storage::Database& db) -> Status {
    YIMEN_ASSIGN_OR_RETURN(out, case_page_json(db, call, case_no));
    return {};
  });
  if (!r.ok()) return status_response(r);
  return json_response(out);
}

// A case held here with its item version; NotFound when either is not.
struct CaseWithItem {
  hall::CaseFile file;
  hall::ServiceItem item;
};
Result<CaseWithItem> case_with_item(storage::Database& db, const std::string& case_no) {
  YIMEN_ASSIGN_OR_RETURN(auto file, hall::load_case(db, case_no));
  if (!file) return not_found("no case has this number here");
  YIMEN_ASSIGN_OR_RETURN(auto item, hall::load_item(db, file->item_code, file->item_version));
  if (!item) return not_found("the case's item version is not held here");
  return CaseWithItem{std::move(*file), std::move(*item)};
}

HttpResponse one_time_notice(Call& call) {
  const std::string& case_no = call.params.at("no");
  auto body = body_object(call);
  if (!body.ok()) return status_response(body.status());
  auto findings = parse_findings(*body);
  if (!findings.ok()) return status_response(findings.status());
  json::object out;
  const Status s = call.backend().read([&](storage::Database& db) -> Status {
    YIMEN_ASSIGN_OR_RETURN(auto held, case_with_item(db, case_no));
    YIMEN_ASSIGN_OR_RETURN(auto notice,
                           hall::make_one_time_notice(held.item, case_no, held.file.applicant_name,
                                                      hall::cst_date(call.now), *findings));
    out = notice_json(notice);
    return {};
  });
  if (!s.ok()) return status_response(s);
  return json_response(out);
}

// The one-time notification a recorded materials request or incomplete
// return made, to print again at any node holding the case: its findings,
// the day to supply by, the office and handler who issued it.
HttpResponse recorded_notice(Call& call) {
  const std::string& case_no = call.params.at("no");
  const std::string& position_text = call.params.at("position");
  if (position_text.empty() || position_text.size() > 4 ||
      position_text.find_first_not_of("0123456789") != std::string::npos) {
    return error_response(400, "bad_request", "position: expected a number");
  }
  const int position = std::stoi(position_text);
  json::object out;
  const Status s = call.backend().read([&](storage::Database& db) -> Status {
    YIMEN_ASSIGN_OR_RETURN(auto held, case_with_item(db, case_no));
    YIMEN_ASSIGN_OR_RETURN(const auto transitions, hall::load_transitions(db, case_no));
    for (const auto& t : transitions) {
      if (t.position != position || t.findings.empty()) continue;
      YIMEN_ASSIGN_OR_RETURN(
          auto notice, hall::make_one_time_notice(held.item, case_no, held.file.applicant_name,
                                                  t.on, t.findings));
      // The handler's department, else the unit the guide names as accepting.
      notice.issuing_office = t.actor_office.empty() ? held.item.accepting_unit : t.actor_office;
      notice.handler = t.actor_name;
      notice.handler_phone = t.actor_phone;
      notice.supply_by = t.supply_by;
      out = notice_json(notice);
      return {};
    }
    return not_found("no materials request is recorded at this step of the case");
  });
  if (!s.ok()) return status_response(s);
  return json_response(out);
}

}  // namespace

void add_case_routes(std::vector<Route>& routes) {
  using hall::Role;
  routes.push_back({"POST", "/api/v1/cases", roles({Role::kClerk, Role::kAdmin}), submit_case});
  routes.push_back({"POST", "/api/v1/applications", anyone(), submit_online});
  routes.push_back({"GET", "/api/v1/cases", staff(), list_cases});
  routes.push_back({"POST", "/api/v1/cases/search", staff(), search_cases});
  routes.push_back({"GET", "/api/v1/cases/{no}", staff(), show_case});
  routes.push_back({"POST", "/api/v1/cases/{no}/actions",
                    roles({Role::kClerk, Role::kOfficer, Role::kAdmin}), act_on_case});
  routes.push_back({"POST", "/api/v1/cases/{no}/notice", staff(), one_time_notice});
  routes.push_back({"GET", "/api/v1/cases/{no}/notices/{position}", staff(), recorded_notice});
  routes.push_back({"POST", "/api/v1/cases/{no}/opinions", roles({Role::kOfficer, Role::kAdmin}),
                    record_opinion});
}

}  // namespace yimen::web
