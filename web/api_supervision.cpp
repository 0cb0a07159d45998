// /api/v1/supervision: supervision orders (督办) on overdue cases, issued by a
// county's or the city's supervisors and answered by the handling node; and
// /api/v1/post-checks, the 告知承诺 post-checks waiting at this node.

#include "node/hall/hall_projection.h"
#include "node/hall/supervision.h"
#include "web/api_support.h"

namespace yimen::web {
namespace {

json::value date_or_null(const std::optional<hall::Date>& d) {
  if (!d) return nullptr;
  return json::value(d->to_string());
}

json::value open_card(const hall::WorkingDayCalendar& calendar, hall::Date today,
                      const std::optional<hall::Date>& due, int yellow) {
  if (!due) return nullptr;
  auto card = calendar.card(today, *due, yellow);
  if (!card.ok()) return nullptr;
  return json::value(hall::card_name(*card));
}

json::object order_json(const hall::SupervisionRecord& o, const hall::WorkingDayCalendar& calendar,
                        hall::Date today, int yellow) {
  return json::object{
      {"order_no", o.order_no},
      {"case_no", o.case_no},
      {"ordered_by_node", o.ordered_by_node.str()},
      {"ordered_by", o.ordered_by},
      {"handling_node", o.handling_node.str()},
      {"instruction", o.instruction},
      {"respond_within", o.respond_within},
      {"ordered_on", o.ordered_on.to_string()},
      {"due", date_or_null(o.due)},
      {"card", o.response.empty() ? open_card(calendar, today, o.due, yellow) : nullptr},
      {"response", o.response},
      {"responded_on", date_or_null(o.responded_on)},
      {"responded_by", o.responded_by}};
}

HttpResponse list_orders(Call& call) {
  const bool all = call.request.query_value("all").value_or("") == "1";
  json::array list;
  const Status s = call.backend().read([&](storage::Database& db) -> Status {
    YIMEN_ASSIGN_OR_RETURN(auto calendar, hall::load_calendar(db));
    YIMEN_ASSIGN_OR_RETURN(auto orders,
                           hall::supervision_orders(db, call.backend().node_id(), calendar, all));
    for (const auto& o : orders) {
      list.push_back(order_json(o, calendar, hall::cst_date(call.now),
                                call.backend().yellow_card_working_days()));
    }
    return {};
  });
  if (!s.ok()) return status_response(s);
  return json_response(json::object{{"orders", std::move(list)}});
}

HttpResponse issue_order(Call& call) {
  auto body = body_object(call);
  if (!body.ok()) return status_response(body.status());
  auto case_no = required_string(*body, "case_no", "case_no", hall::kMaxCaseNumberBytes);
  if (!case_no.ok()) return status_response(case_no.status());
  auto instruction = required_string(*body, "instruction", "instruction", 2000);
  if (!instruction.ok()) return status_response(instruction.status());
  auto within =
      optional_integer(*body, "respond_within", "respond_within", 1, hall::kMaxRespondWithin);
  if (!within.ok()) return status_response(within.status());
  if (call.backend().recovering()) {
    return recovering_response();
  }
  std::string order_no;
  const Status s = call.backend().write([&](hall::Hall& hall, storage::Database& db) -> Status {
    YIMEN_ASSIGN_OR_RETURN(order_no, hall.order_supervision(call.actor(), *case_no, *instruction,
                                                            static_cast<int>(within->value_or(3))));
    return audit(db, call, "supervision.order", order_no, "ok");
  });
  if (!s.ok()) return status_response(s);
  return json_response(json::object{{"order_no", order_no}, {"case_no", *case_no}}, 201);
}

HttpResponse respond_order(Call& call) {
  const std::string& no = call.params.at("no");
  auto body = body_object(call);
  if (!body.ok()) return status_response(body.status());
  auto response = required_string(*body, "response", "response", 2000);
  if (!response.ok()) return status_response(response.status());
  if (call.backend().recovering()) {
    return recovering_response();
  }
  const Status s = call.backend().write([&](hall::Hall& hall, storage::Database& db) -> Status {
    YIMEN_TRY(hall.respond_supervision(call.actor(), no, *response));
    return audit(db, call, "supervision.respond", no, "ok");
  });
  if (!s.ok()) return status_response(s);
  return json_response(json::object{{"order_no", no}, {"response", *response}});
}

HttpResponse list_post_checks(Call& call) {
  json::array list;
  const Status s = call.backend().read([&](storage::Database& db) -> Status {
    YIMEN_ASSIGN_OR_RETURN(auto calendar, hall::load_calendar(db));
    YIMEN_ASSIGN_OR_RETURN(auto tasks,
                           hall::post_check_tasks(db, call.backend().node_id(), calendar,
                                                  call.backend().post_check_working_days()));
    const hall::Date today = hall::cst_date(call.now);
    for (const auto& t : tasks) {
      YIMEN_ASSIGN_OR_RETURN(auto file, hall::load_case(db, t.case_no));
      list.push_back(json::object{
          {"case_no", t.case_no},
          {"handling_node", t.handling_node.str()},
          {"applicant_name", file ? file->applicant_name : ""},
          {"item_code", file ? file->item_code : ""},
          {"approved_on", t.approved_on.to_string()},
          {"due", date_or_null(t.due)},
          {"card", open_card(calendar, today, t.due, call.backend().yellow_card_working_days())}});
    }
    return {};
  });
  if (!s.ok()) return status_response(s);
  return json_response(json::object{{"post_checks", std::move(list)}});
}

}  // namespace

void add_supervision_routes(std::vector<Route>& routes) {
  using hall::Role;
  routes.push_back({"GET", "/api/v1/supervision", staff(), list_orders});
  routes.push_back({"POST", "/api/v1/supervision", roles({Role::kSupervisor}), issue_order});
  routes.push_back({"POST", "/api/v1/supervision/{no}/response",
                    roles({Role::kOfficer, Role::kAdmin}), respond_order});
  routes.push_back({"GET", "/api/v1/post-checks", staff(), list_post_checks});
}

}  // namespace yimen::web
