// /api/v1/notices: public notices (村务公开) — anyone reads the current ones of
// this node's subtree; clerks and administrators publish and withdraw.

#include "node/hall/hall_projection.h"
#include "node/hall/public_notice.h"
#include "web/api_support.h"

namespace yimen::web {
namespace {

json::object notice_json(const hall::NoticeRecord& n) {
  return json::object{
      {"notice_no", n.notice_no},
      {"node", n.origin.str()},
      {"category", n.category},
      {"title", n.title},
      {"body", n.body},
      {"valid_until", n.valid_until ? json::value(n.valid_until->to_string()) : nullptr},
      {"published_on", n.published_on.to_string()},
      {"withdrawn", n.withdrawn},
      {"withdraw_reason", n.withdraw_reason}};
}

HttpResponse list_notices(Call& call) {
  const bool logged_in = call.session && call.session->user;
  const bool all = logged_in && call.request.query_value("all").value_or("") == "1";
  json::array list;
  const Status s = call.backend().read([&](storage::Database& db) -> Status {
    YIMEN_ASSIGN_OR_RETURN(auto notices, hall::notices_in(db, call.backend().node_id(),
                                                          hall::cst_date(call.now), all));
    for (const auto& n : notices) list.push_back(notice_json(n));
    return {};
  });
  if (!s.ok()) return status_response(s);
  return json_response(json::object{{"notices", std::move(list)}});
}

HttpResponse publish_notice(Call& call) {
  auto body = body_object(call);
  if (!body.ok()) return status_response(body.status());
  hall::NoticeInput n;
  auto category = optional_string(*body, "category", "category", 20);
  auto title = required_string(*body, "title", "title", 200);
  auto text = required_string(*body, "body", "body", 8000);
  auto until = optional_string(*body, "valid_until", "valid_until", 10);
  for (const Status& st : {category.status(), title.status(), text.status(), until.status()}) {
    if (!st.ok()) return status_response(st);
  }
  n.category = category->value_or("affairs");
  n.title = *title;
  n.body = *text;
  if (until->has_value() && !(*until)->empty()) {
    auto d = hall::Date::from_string(**until);
    if (!d.ok()) return status_response(d.status().with_context("valid_until"));
    n.valid_until = *d;
  }
  if (call.backend().recovering()) {
    return recovering_response();
  }
  std::string no;
  const Status s = call.backend().write([&](hall::Hall& hall, storage::Database& db) -> Status {
    YIMEN_ASSIGN_OR_RETURN(no, hall.publish_notice(call.actor(), n));
    return audit(db, call, "notice.publish", no, "ok");
  });
  if (!s.ok()) return status_response(s);
  return json_response(json::object{{"notice_no", no}}, 201);
}

HttpResponse withdraw_notice(Call& call) {
  const std::string& no = call.params.at("no");
  auto body = body_object(call);
  if (!body.ok()) return status_response(body.status());
  auto reason = optional_string(*body, "reason", "reason", 500);
  if (!reason.ok()) return status_response(reason.status());
  if (call.backend().recovering()) {
    return recovering_response();
  }
  const Status s = call.backend().write([&](hall::Hall& hall, storage::Database& db) -> Status {
    YIMEN_TRY(hall.withdraw_notice(call.actor(), no, reason->value_or("")));
    return audit(db, call, "notice.withdraw", no, "ok");
  });
  if (!s.ok()) return status_response(s);
  return json_response(json::object{{"notice_no", no}, {"withdrawn", true}});
}

}  // namespace

void add_notice_routes(std::vector<Route>& routes) {
  using hall::Role;
  routes.push_back({"GET", "/api/v1/notices", anyone(), list_notices});
  routes.push_back(
      {"POST", "/api/v1/notices", roles({Role::kClerk, Role::kAdmin}), publish_notice});
  routes.push_back({"POST", "/api/v1/notices/{no}/withdraw", roles({Role::kClerk, Role::kAdmin}),
                    withdraw_notice});
}

}  // namespace yimen::web
