// /api/v1/enrolments: an administrator enrols a child node from the request
// token the child printed (`yimen enrol request`), and gets the certificate
// token to take back to it (`yimen enrol install`).

#include "web/api_support.h"

namespace yimen::web {
namespace {

// A request token is about 400 characters; a long node name makes it longer.
constexpr std::size_t kMaxTokenBytes = 4096;

HttpResponse enrol_child(Call& call) {
  auto body = body_object(call);
  if (!body.ok()) return status_response(body.status());
  auto token = required_string(*body, "request", "request", kMaxTokenBytes);
  if (!token.ok()) return status_response(token.status());
  auto approve = optional_bool(*body, "approve", "approve");
  if (!approve.ok()) return status_response(approve.status());
  const bool approving = approve->value_or(false);
  if (approving && call.backend().recovering()) return recovering_response();
  auto answer = call.backend().enrol_child(
      *token, approving, [&call](storage::Database& db, const std::string& child) {
        return audit(db, call, "enrol.approve", child, "ok");
      });
  if (!answer.ok()) return status_response(answer.status());
  json::object out{{"child", answer->child},
                   {"name", answer->name},
                   {"key_fingerprint", answer->key_fingerprint},
                   {"requested_at", answer->requested_at},
                   {"approved", approving}};
  if (approving) out["certificate"] = answer->certificate;
  return json_response(out, approving ? 201 : 200);
}

}  // namespace

void add_enrolment_routes(std::vector<Route>& routes) {
  routes.push_back({"POST", "/api/v1/enrolments", roles({hall::Role::kAdmin}), enrol_child});
}

}  // namespace yimen::web
