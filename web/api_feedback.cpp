// /api/v1/ratings and /api/v1/complaints: residents rate a finished case with
// its query code (好差评) and file complaints, reports or suggestions, named
// or anonymous, which they follow with the complaint's own code; staff follow
// up poor ratings and answer complaints.

#include "crypto/crypto.h"
#include "node/hall/feedback.h"
#include "node/hall/hall_projection.h"
#include "web/api_support.h"

namespace yimen::web {
namespace {

json::value date_or_null(const std::optional<hall::Date>& d) {
  if (!d) return nullptr;
  return json::value(d->to_string());
}

json::value card_or_null(const hall::WorkingDayCalendar& calendar, hall::Date today,
                         const std::optional<hall::Date>& due, bool open, int yellow) {
  if (!due || !open) return nullptr;
  auto card = calendar.card(today, *due, yellow);
  if (!card.ok()) return nullptr;
  return json::value(hall::card_name(*card));
}

json::object rating_json(const hall::CaseRating& r) {
  return json::object{{"score", r.score},
                      {"tags", json::array(r.tags.begin(), r.tags.end())},
                      {"comment", r.comment},
                      {"rated_on", r.rated_on.to_string()},
                      {"rated_at", r.rated_at.str()},
                      {"follow_up_due", date_or_null(r.follow_up_due)},
                      {"follow_up", r.follow_up},
                      {"follow_up_by", r.follow_up_by}};
}

HttpResponse rate_case(Call& call) {
  auto body = body_object(call);
  if (!body.ok()) return status_response(body.status());
  auto case_no = required_string(*body, "case_no", "case_no", hall::kMaxCaseNumberBytes);
  if (!case_no.ok()) return status_response(case_no.status());
  auto code = required_string(*body, "code", "code", 16);
  if (!code.ok()) return status_response(code.status());
  hall::RatingInput rating;
  auto score = optional_integer(*body, "score", "score", 1, 5);
  if (!score.ok()) return status_response(score.status());
  if (!*score) return error_response(400, "bad_request", "score: required");
  rating.score = static_cast<int>(**score);
  auto tags = optional_array(*body, "tags", "tags");
  if (!tags.ok()) return status_response(tags.status());
  if (*tags != nullptr) {
    if ((*tags)->size() > 9) return error_response(400, "bad_request", "tags: too many");
    for (const auto& t : **tags) {
      if (!t.is_string()) return error_response(400, "bad_request", "tags: expected strings");
      rating.tags.emplace_back(t.get_string());
    }
  }
  auto comment = optional_string(*body, "comment", "comment", hall::kMaxFeedbackTextBytes);
  if (!comment.ok()) return status_response(comment.status());
  rating.comment = comment->value_or("");

  std::string hash;
  const Status read = call.backend().read([&](storage::Database& db) -> Status {
    YIMEN_ASSIGN_OR_RETURN(auto file, hall::load_case(db, *case_no));
    if (file) hash = file->query_code_hash;
    return {};
  });
  if (!read.ok()) return status_response(read);
  if (auto refused = check_code(call, *case_no, hash, *code)) return *refused;
  if (call.backend().recovering()) {
    return recovering_response();
  }
  const Status s = call.backend().write([&](hall::Hall& hall, storage::Database& db) -> Status {
    YIMEN_TRY(hall.rate(*case_no, rating));
    return audit(db, call, "case.rate", *case_no, "ok");
  });
  if (!s.ok()) return status_response(s);
  return json_response(json::object{{"case_no", *case_no}, {"score", rating.score}}, 201);
}

HttpResponse list_follow_ups(Call& call) {
  const bool all = call.request.query_value("all").value_or("") == "1";
  json::array tasks;
  const Status s = call.backend().read([&](storage::Database& db) -> Status {
    YIMEN_ASSIGN_OR_RETURN(auto calendar, hall::load_calendar(db));
    YIMEN_ASSIGN_OR_RETURN(auto list,
                           hall::follow_up_tasks(db, call.backend().node_id(), calendar, all));
    const hall::Date today = hall::cst_date(call.now);
    for (const auto& t : list) {
      json::object o = rating_json(t.rating);
      o["case_no"] = t.case_no;
      o["handling_node"] = t.handling_node.str();
      o["card"] = card_or_null(calendar, today, t.rating.follow_up_due, t.rating.follow_up.empty(),
                               call.backend().yellow_card_working_days());
      tasks.push_back(std::move(o));
    }
    return {};
  });
  if (!s.ok()) return status_response(s);
  return json_response(json::object{{"follow_ups", std::move(tasks)}});
}

HttpResponse follow_up(Call& call) {
  const std::string& case_no = call.params.at("no");
  auto body = body_object(call);
  if (!body.ok()) return status_response(body.status());
  auto note = required_string(*body, "note", "note", hall::kMaxFeedbackTextBytes);
  if (!note.ok()) return status_response(note.status());
  if (call.backend().recovering()) {
    return recovering_response();
  }
  const Status s = call.backend().write([&](hall::Hall& hall, storage::Database& db) -> Status {
    YIMEN_TRY(hall.follow_up_rating(call.actor(), case_no, *note));
    return audit(db, call, "case.follow_up", case_no, "ok");
  });
  if (!s.ok()) return status_response(s);
  return json_response(json::object{{"case_no", case_no}, {"follow_up", *note}});
}

json::object complaint_json(const hall::ComplaintRecord& c,
                            const hall::WorkingDayCalendar& calendar, hall::Date today, int yellow,
                            bool staff) {
  auto due = hall::complaint_due(calendar, c.filed_on);
  const std::optional<hall::Date> due_date = due.ok() ? std::optional(*due) : std::nullopt;
  json::object o{{"complaint_no", c.complaint_no},
                 {"kind", c.kind},
                 {"about", c.about.str()},
                 {"handler", c.handler.str()},
                 {"case_no", c.case_no},
                 {"subject", c.subject},
                 {"body", c.body},
                 {"filed_on", c.filed_on.to_string()},
                 {"due", date_or_null(due_date)},
                 {"card", card_or_null(calendar, today, due_date, c.answer.empty(), yellow)},
                 {"answer", c.answer},
                 {"upheld", c.upheld},
                 {"answered_on", date_or_null(c.answered_on)}};
  if (staff) {
    o["anonymous"] = c.contact_name.empty() && c.contact_phone.empty();
    o["contact_name"] = c.contact_name;
    o["contact_phone"] = c.contact_phone;
    o["taken_by"] = c.taken_by.str();
    o["answered_by"] = c.answered_by;
  }
  return o;
}

HttpResponse file_complaint(Call& call) {
  auto body = body_object(call);
  if (!body.ok()) return status_response(body.status());
  const std::string address = call.request.peer;
  // Staff filing for walk-in residents at a window PC are not limited.
  const bool staff_filing = call.session && call.session->user;
  if (auto blocked = call.state.complaints_by_address.blocked_for(address, call.now);
      blocked > 0 && !staff_filing) {
    return rate_limited(blocked, "too many complaints from this address; try later");
  }
  auto about = optional_string(*body, "about", "about", 12);
  if (!about.ok()) return status_response(about.status());
  auto about_code = RegionCode::parse(about->value_or(call.backend().node_id().str()));
  if (!about_code.ok()) return status_response(about_code.status().with_context("about"));
  hall::ComplaintInput c{*about_code, "", "complaint", "", "", "", ""};
  auto case_no = optional_string(*body, "case_no", "case_no", hall::kMaxCaseNumberBytes);
  auto kind = optional_string(*body, "kind", "kind", 20);
  auto subject = required_string(*body, "subject", "subject", 200);
  auto text = required_string(*body, "body", "body", hall::kMaxFeedbackTextBytes);
  auto name = optional_string(*body, "contact_name", "contact_name", 100);
  auto phone = optional_string(*body, "contact_phone", "contact_phone", 20);
  for (const Status& st : {case_no.status(), kind.status(), subject.status(), text.status(),
                           name.status(), phone.status()}) {
    if (!st.ok()) return status_response(st);
  }
  c.case_no = case_no->value_or("");
  c.kind = kind->value_or("complaint");
  c.subject = *subject;
  c.body = *text;
  c.contact_name = name->value_or("");
  c.contact_phone = phone->value_or("");
  if (call.backend().recovering()) {
    return recovering_response();
  }
  std::optional<hall::FiledComplaint> filed;
  const Status s = call.backend().write([&](hall::Hall& hall, storage::Database& db) -> Status {
    const hall::Actor actor = call.session && call.session->user ? call.actor() : hall::Actor{};
    YIMEN_ASSIGN_OR_RETURN(auto result, hall.file_complaint(actor, c));
    filed = std::move(result);
    return audit(db, call, "complaint.file", filed->complaint_no, "ok");
  });
  if (!s.ok()) return status_response(s);
  if (!staff_filing) call.state.complaints_by_address.record_failure(address, call.now);
  return json_response(json::object{{"complaint_no", filed->complaint_no},
                                    {"code", filed->code},
                                    {"handler", filed->handler.str()}},
                       201);
}

HttpResponse track_complaint(Call& call) {
  auto body = body_object(call);
  if (!body.ok()) return status_response(body.status());
  auto no = required_string(*body, "complaint_no", "complaint_no", 40);
  if (!no.ok()) return status_response(no.status());
  auto code = required_string(*body, "code", "code", 16);
  if (!code.ok()) return status_response(code.status());
  std::optional<hall::ComplaintRecord> record;
  hall::WorkingDayCalendar calendar;
  const Status s = call.backend().read([&](storage::Database& db) -> Status {
    YIMEN_ASSIGN_OR_RETURN(record, hall::load_complaint(db, *no));
    YIMEN_ASSIGN_OR_RETURN(calendar, hall::load_calendar(db));
    return {};
  });
  if (!s.ok()) return status_response(s);
  if (auto refused = check_code(call, *no, record ? record->code_hash : "", *code)) return *refused;
  return json_response(complaint_json(*record, calendar, hall::cst_date(call.now),
                                      call.backend().yellow_card_working_days(), false));
}

HttpResponse list_complaints(Call& call) {
  json::array list;
  const Status s = call.backend().read([&](storage::Database& db) -> Status {
    YIMEN_ASSIGN_OR_RETURN(auto calendar, hall::load_calendar(db));
    YIMEN_ASSIGN_OR_RETURN(auto records, hall::complaints_handled_in(db, call.backend().node_id()));
    for (const auto& c : records) {
      list.push_back(complaint_json(c, calendar, hall::cst_date(call.now),
                                    call.backend().yellow_card_working_days(), true));
    }
    return {};
  });
  if (!s.ok()) return status_response(s);
  return json_response(json::object{{"complaints", std::move(list)}});
}

HttpResponse answer_complaint(Call& call) {
  const std::string& no = call.params.at("no");
  auto body = body_object(call);
  if (!body.ok()) return status_response(body.status());
  auto answer = required_string(*body, "answer", "answer", hall::kMaxFeedbackTextBytes);
  if (!answer.ok()) return status_response(answer.status());
  auto upheld = optional_bool(*body, "upheld", "upheld");
  if (!upheld.ok()) return status_response(upheld.status());
  if (call.backend().recovering()) {
    return recovering_response();
  }
  const Status s = call.backend().write([&](hall::Hall& hall, storage::Database& db) -> Status {
    YIMEN_TRY(hall.answer_complaint(call.actor(), no, *answer, upheld->value_or(false)));
    return audit(db, call, "complaint.answer", no, "ok");
  });
  if (!s.ok()) return status_response(s);
  return json_response(json::object{{"complaint_no", no}, {"answer", *answer}});
}

}  // namespace

void add_feedback_routes(std::vector<Route>& routes) {
  using hall::Role;
  routes.push_back({"POST", "/api/v1/ratings", anyone(), rate_case});
  routes.push_back({"GET", "/api/v1/ratings/follow-ups", staff(), list_follow_ups});
  routes.push_back({"POST", "/api/v1/ratings/{no}/follow-up",
                    roles({Role::kOfficer, Role::kSupervisor, Role::kAdmin}), follow_up});
  routes.push_back({"POST", "/api/v1/complaints", anyone(), file_complaint});
  routes.push_back({"POST", "/api/v1/complaints/track", anyone(), track_complaint});
  routes.push_back({"GET", "/api/v1/complaints", staff(), list_complaints});
  routes.push_back({"POST", "/api/v1/complaints/{no}/answer",
                    roles({Role::kOfficer, Role::kSupervisor, Role::kAdmin}), answer_complaint});
}

}  // namespace yimen::web
