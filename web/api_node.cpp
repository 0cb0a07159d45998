// /api/v1/node, /api/v1/sync and /api/v1/users: what this node is, the sync
// status of its subtree, and its accounts.

#include "node/hall/hall_projection.h"
#include "sync/link_store.h"
#include "web/api_support.h"

namespace yimen::web {
namespace {

// A report older than this is stale: the node or a link on the way is down
// (the same threshold as `yimen status`).
constexpr std::int64_t kStaleAfterMs = 30'000;

HttpResponse node_info(Call& call) {
  const auto& id = call.backend().node_id();
  const auto parent = id.parent();
  return json_response(json::object{
      {"id", id.str()},
      {"name", call.backend().node_name()},
      {"level", region_level_name(id.level())},
      {"parent", parent ? json::value(parent->str()) : nullptr},
      {"version", YIMEN_VERSION},
      {"today", hall::cst_date(call.now).to_string()},
      {"recovering", call.backend().recovering()},
  });
}

HttpResponse sync_status(Call& call) {
  json::array nodes;
  const Status s = call.backend().read([&](storage::Database& db) -> Status {
    YIMEN_ASSIGN_OR_RETURN(auto rows, sync::load_status(db));
    const std::int64_t now_ms = call.now * 1000;
    const std::string self = call.backend().node_id().str();
    for (const auto& row : rows) {
      const auto& st = row.status;
      auto code = RegionCode::parse(st.node);
      const bool is_self = st.node == self;
      const std::int64_t last = is_self ? row.received_ms : st.last_contact_ms;
      nodes.push_back(json::object{
          {"id", st.node},
          {"name", is_self ? call.backend().node_name() : std::string()},
          {"level", code.ok() ? region_level_name(code->level()) : ""},
          {"self", is_self},
          {"link", is_self ? "self" : (st.link_up ? "up" : (last > 0 ? "down" : "never"))},
          {"last_contact", last > 0 ? json::value(last / 1000) : nullptr},
          {"reported_at", st.reported_at_ms / 1000},
          {"backlog", st.backlog},
          {"quarantined", st.quarantined},
          {"refused", st.refused},
          {"conflicts", st.conflicts},
          {"pending", st.pending},
          {"forks", st.forks},
          {"clock_offset_ms", st.clock_offset_ms},
          {"software", st.software},
          {"stale", !is_self && now_ms - row.received_ms > kStaleAfterMs},
      });
    }
    return {};
  });
  if (!s.ok()) return status_response(s);
  return json_response(json::object{{"nodes", std::move(nodes)}});
}

json::object user_json(const hall::User& u) {
  return json::object{{"login", u.login},
                      {"name", u.display_name},
                      {"role", hall::role_name(u.role)},
                      {"department", u.department},
                      {"office_phone", u.office_phone},
                      {"active", u.active},
                      {"created_at", u.created_at}};
}

HttpResponse list_users(Call& call) {
  json::array users;
  const Status s = call.backend().read([&](storage::Database& db) -> Status {
    YIMEN_ASSIGN_OR_RETURN(auto list, hall::UserDirectory(db).list());
    for (const auto& u : list) users.push_back(user_json(u));
    return {};
  });
  if (!s.ok()) return status_response(s);
  return json_response(json::object{{"users", std::move(users)}});
}

// The second half of adding a user, on the server's worker pool (the
// password's Argon2id hash).
HttpResponse store_new_user(Call& call, const hall::NewUser& user, const std::string& password) {
  hall::User added;
  const Status s = call.backend().write([&](hall::Hall&, storage::Database& db) -> Status {
    YIMEN_ASSIGN_OR_RETURN(added, hall::UserDirectory(db).add(user, password, call.now));
    return audit(db, call, "user.add", added.login, "ok");
  });
  if (!s.ok()) return status_response(s);
  return json_response(user_json(added), 201);
}

HttpResponse add_user(Call& call) {
  auto body = body_object(call);
  if (!body.ok()) return status_response(body.status());
  hall::NewUser user;
  const Status parsed = [&]() -> Status {
    YIMEN_ASSIGN_OR_RETURN(user.login, required_string(*body, "login", "login", 64));
    YIMEN_ASSIGN_OR_RETURN(user.display_name, required_string(*body, "name", "name", 200));
    YIMEN_ASSIGN_OR_RETURN(auto role, required_string(*body, "role", "role", 20));
    YIMEN_ASSIGN_OR_RETURN(user.role, hall::parse_role(role));
    YIMEN_ASSIGN_OR_RETURN(auto department,
                           optional_string(*body, "department", "department", 200));
    user.department = department.value_or("");
    YIMEN_ASSIGN_OR_RETURN(auto phone, optional_string(*body, "office_phone", "office_phone", 40));
    user.office_phone = phone.value_or("");
    return {};
  }();
  if (!parsed.ok()) return status_response(parsed);
  auto password = required_string(*body, "password", "password", hall::kMaxPasswordBytes);
  if (!password.ok()) return status_response(password.status());
  if (call.backend().recovering()) {
    return recovering_response();
  }
  // Hashing the password (Argon2id) happens on the worker pool.
  return on_worker(call, [user = std::move(user), password = std::move(*password)](Call& later) {
    return store_new_user(later, user, password);
  });
}

// The account named in the path, when it exists here; NotFound otherwise.
Result<hall::User> named_user(Call& call) {
  std::optional<hall::User> found;
  YIMEN_TRY(call.backend().read([&](storage::Database& db) -> Status {
    YIMEN_ASSIGN_OR_RETURN(found, hall::UserDirectory(db).find(call.params.at("login")));
    return {};
  }));
  if (!found) return not_found("no user has this login");
  return *found;
}

// Disables (a clerk who left, a lost password) or enables an account. A
// disabled account cannot log in and its open sessions end at once. An
// administrator cannot disable their own account.
HttpResponse set_user_active(Call& call) {
  auto body = body_object(call);
  if (!body.ok()) return status_response(body.status());
  const auto* active = body->if_contains("active");
  if (active == nullptr || !active->is_bool()) {
    return error_response(400, "bad_request", "active: expected true or false");
  }
  auto user = named_user(call);
  if (!user.ok()) return status_response(user.status());
  if (!active->get_bool() && user->login == call.user().login) {
    return error_response(409, "conflict", "you cannot disable your own account");
  }
  if (call.backend().recovering()) {
    return recovering_response();
  }
  const Status s = call.backend().write([&](hall::Hall&, storage::Database& db) -> Status {
    YIMEN_TRY(hall::UserDirectory(db).set_active(user->login, active->get_bool()));
    return audit(db, call, active->get_bool() ? "user.enable" : "user.disable", user->login, "ok");
  });
  if (!s.ok()) return status_response(s);
  // After the change is durable; a login that checked the password meanwhile
  // gets no session (SessionStore::log_in). Enabling needs no such care: a
  // disabled account has no sessions.
  if (!active->get_bool()) call.state.sessions.end_sessions_of(user->login);
  user->active = active->get_bool();
  return json_response(user_json(*user));
}

// The second half of giving an account a new password, on the server's
// worker pool (the password's Argon2id hash).
HttpResponse store_password_of(Call& call, const hall::User& user, const std::string& password) {
  const Status s = call.backend().write([&](hall::Hall&, storage::Database& db) -> Status {
    YIMEN_TRY(hall::UserDirectory(db).set_password(user.login, password));
    return audit(db, call, "user.password", user.login, "ok");
  });
  if (!s.ok()) return status_response(s);
  // After the new password is durable; a login that checked the old one
  // meanwhile gets no session (SessionStore::log_in).
  call.state.sessions.end_sessions_of(user.login, call.session->token);
  return json_response(user_json(user));
}

// Gives an account a new password (the administrator tells its owner); the
// account's open sessions end, except the one making the change.
HttpResponse set_user_password(Call& call) {
  auto body = body_object(call);
  if (!body.ok()) return status_response(body.status());
  auto password = required_string(*body, "password", "password", hall::kMaxPasswordBytes);
  if (!password.ok()) return status_response(password.status());
  auto user = named_user(call);
  if (!user.ok()) return status_response(user.status());
  if (call.backend().recovering()) {
    return recovering_response();
  }
  // Hashing the password (Argon2id) happens on the worker pool.
  return on_worker(call, [user = std::move(*user), password = std::move(*password)](Call& later) {
    return store_password_of(later, user, password);
  });
}

}  // namespace

void add_node_routes(std::vector<Route>& routes) {
  using hall::Role;
  routes.push_back({"GET", "/api/v1/node", anyone(), node_info});
  routes.push_back({"GET", "/api/v1/sync", roles({Role::kSupervisor, Role::kAdmin}), sync_status});
  routes.push_back({"GET", "/api/v1/users", roles({Role::kAdmin}), list_users});
  routes.push_back({"POST", "/api/v1/users", roles({Role::kAdmin}), add_user});
  routes.push_back(
      {"POST", "/api/v1/users/{login}/active", roles({Role::kAdmin}), set_user_active});
  routes.push_back(
      {"POST", "/api/v1/users/{login}/password", roles({Role::kAdmin}), set_user_password});
}

}  // namespace yimen::web
