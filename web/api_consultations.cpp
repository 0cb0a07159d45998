// /api/v1/questions: consultations (咨询) — anyone asks a question about an
// item of the catalogue, named or not, and reads the answer later with the
// question's number and its code (in the body, never in a URL, under the same
// failed-lookup limits as case tracking); staff of the node that publishes
// the item answer it.

#include "node/hall/consultation.h"
#include "node/hall/hall_projection.h"
#include "web/api_support.h"

namespace yimen::web {
namespace {

// The item's name and the office that answers for it, as the catalogue of
// this node knows them ("" when it does not).
struct ItemLabel {
  std::string name;
  std::string office;
};

Result<ItemLabel> item_label(storage::Database& db, const std::string& code,
                             std::map<std::string, ItemLabel>& seen) {
  if (auto it = seen.find(code); it != seen.end()) return it->second;
  YIMEN_ASSIGN_OR_RETURN(auto item, hall::load_item(db, code));
  ItemLabel label;
  if (item) label = {item->name, item->provider.name};
  seen.emplace(code, label);
  return label;
}

// A question as the asker sees it; with its contact and who answered for staff.
json::object question_json(const hall::QuestionRecord& q, const ItemLabel& item,
                           const RegionCode* staff_node) {
  json::value answer = nullptr;
  if (!q.answer.empty()) {
    answer = json::object{
        {"text", q.answer},
        {"answered_on", q.answered_on ? json::value(q.answered_on->to_string()) : nullptr}};
  }
  json::object o{{"question_no", q.question_no},
                 {"item_code", q.item_code},
                 {"item_name", item.name},
                 {"office", item.office},
                 {"question", q.question},
                 {"asked_on", q.asked_on.to_string()},
                 {"answering_node", q.answering_node.str()},
                 {"answer", std::move(answer)}};
  if (staff_node != nullptr) {
    o["asking_node"] = q.asking_node.str();
    o["must_answer"] = q.answering_node == *staff_node && q.answer.empty();
    o["contact_name"] = q.contact_name;
    o["contact_phone"] = q.contact_phone;
    o["answered_by"] = q.answered_by;
  }
  return o;
}

HttpResponse ask_question(Call& call) {
  auto body = body_object(call);
  if (!body.ok()) return status_response(body.status());
  const std::string address = call.request.peer;
  // Staff asking for a resident at a window PC are not limited.
  const bool staff_asking = call.session && call.session->user;
  if (auto blocked = call.state.questions_by_address.blocked_for(address, call.now);
      blocked > 0 && !staff_asking) {
    return rate_limited(blocked, "too many questions from this address; try later");
  }
  auto item_code = required_string(*body, "item_code", "item_code", 64);
  auto question = required_string(*body, "question", "question", hall::kMaxQuestionBytes);
  auto name = optional_string(*body, "contact_name", "contact_name", 100);
  auto phone = optional_string(*body, "contact_phone", "contact_phone", 20);
  for (const Status& st : {item_code.status(), question.status(), name.status(), phone.status()}) {
    if (!st.ok()) return status_response(st);
  }
  const hall::QuestionInput q{*item_code, *question, name->value_or(""), phone->value_or("")};
  if (call.backend().recovering()) {
    return recovering_response();
  }
  std::optional<hall::AskedQuestion> asked;
  const Status s = call.backend().write([&](hall::Hall& hall, storage::Database& db) -> Status {
    const hall::Actor actor = staff_asking ? call.actor() : hall::Actor{};
    YIMEN_ASSIGN_OR_RETURN(auto result, hall.ask_question(actor, q));
    asked = std::move(result);
    return audit(db, call, "question.ask", asked->question_no, "ok");
  });
  if (!s.ok()) return status_response(s);
  if (!staff_asking) call.state.questions_by_address.record_failure(address, call.now);
  return json_response(json::object{{"question_no", asked->question_no},
                                    {"code", asked->code},
                                    {"answering_node", asked->answering_node.str()}},
                       201);
}

HttpResponse look_up_question(Call& call) {
  auto body = body_object(call);
  if (!body.ok()) return status_response(body.status());
  auto no = required_string(*body, "question_no", "question_no", hall::kMaxQuestionNumberBytes);
  if (!no.ok()) return status_response(no.status());
  auto code = required_string(*body, "code", "code", 16);
  if (!code.ok()) return status_response(code.status());
  std::optional<hall::QuestionRecord> record;
  ItemLabel item;
  const Status s = call.backend().read([&](storage::Database& db) -> Status {
    YIMEN_ASSIGN_OR_RETURN(record, hall::load_question(db, *no));
    if (!record) return {};
    std::map<std::string, ItemLabel> seen;
    YIMEN_ASSIGN_OR_RETURN(item, item_label(db, record->item_code, seen));
    return {};
  });
  if (!s.ok()) return status_response(s);
  if (auto refused = check_code(call, *no, record ? record->code_hash : "", *code)) return *refused;
  return json_response(question_json(*record, item, nullptr));
}

HttpResponse list_questions(Call& call) {
  const std::string state = call.request.query_value("state").value_or("open");
  hall::QuestionFilter filter = hall::QuestionFilter::kOpen;
  if (state == "answered") {
    filter = hall::QuestionFilter::kAnswered;
  } else if (state == "all") {
    filter = hall::QuestionFilter::kAll;
  } else if (state != "open") {
    return error_response(400, "bad_request", "state: expected open, answered or all");
  }
  const RegionCode& self = call.backend().node_id();
  json::array list;
  const Status s = call.backend().read([&](storage::Database& db) -> Status {
    YIMEN_ASSIGN_OR_RETURN(auto questions, hall::questions_in(db, self, self, filter));
    std::map<std::string, ItemLabel> seen;
    for (const auto& q : questions) {
      YIMEN_ASSIGN_OR_RETURN(auto item, item_label(db, q.item_code, seen));
      list.push_back(question_json(q, item, &self));
    }
    return {};
  });
  if (!s.ok()) return status_response(s);
  return json_response(json::object{{"questions", std::move(list)}});
}

HttpResponse answer_question(Call& call) {
  const std::string& no = call.params.at("no");
  auto body = body_object(call);
  if (!body.ok()) return status_response(body.status());
  auto answer = required_string(*body, "answer", "answer", hall::kMaxAnswerBytes);
  if (!answer.ok()) return status_response(answer.status());
  if (call.backend().recovering()) {
    return recovering_response();
  }
  const Status s = call.backend().write([&](hall::Hall& hall, storage::Database& db) -> Status {
    YIMEN_TRY(hall.answer_question(call.actor(), no, *answer));
    return audit(db, call, "question.answer", no, "ok");
  });
  if (!s.ok()) return status_response(s);
  return json_response(json::object{{"question_no", no}, {"answer", *answer}});
}

}  // namespace

void add_consultation_routes(std::vector<Route>& routes) {
  using hall::Role;
  routes.push_back({"POST", "/api/v1/questions", anyone(), ask_question});
  routes.push_back({"POST", "/api/v1/questions/lookup", anyone(), look_up_question});
  routes.push_back({"GET", "/api/v1/questions", staff(), list_questions});
  routes.push_back({"POST", "/api/v1/questions/{no}/answer",
                    roles({Role::kClerk, Role::kOfficer, Role::kAdmin}), answer_question});
}

}  // namespace yimen::web
