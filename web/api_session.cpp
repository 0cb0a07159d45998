// /api/v1/session: every visitor's session (anonymous until a login), log in
// and log out. Logins are limited per account and per address, and every
// attempt is audited.

#include "web/api_support.h"

namespace yimen::web {
namespace {

std::string session_cookie(const Call& call, const std::string& token, bool clear) {
  std::string c = std::string(kSessionCookie) + "=" + token + "; Path=/; HttpOnly; SameSite=Strict";
  if (call.state.options.tls) c += "; Secure";
  if (clear) c += "; Max-Age=0";
  return c;
}

json::value user_json(const std::optional<hall::User>& user) {
  if (!user) return nullptr;
  return json::object{{"login", user->login},
                      {"name", user->display_name},
                      {"role", hall::role_name(user->role)},
                      {"department", user->department},
                      {"office_phone", user->office_phone}};
}

HttpResponse session_answer(const Call& call, const Session& session, bool set_cookie) {
  json::object body{{"user", user_json(session.user)}, {"csrf", session.csrf}};
  // A staff page warns before the session ends for want of requests.
  if (session.user) body["idle_seconds"] = call.state.sessions.staff_idle_seconds();
  HttpResponse r = json_response(body);
  if (set_cookie) r.add_header("Set-Cookie", session_cookie(call, session.token, false));
  return r;
}

HttpResponse get_session(Call& call) {
  if (call.session) return session_answer(call, *call.session, false);
  return session_answer(call, call.state.sessions.create_anonymous(call.now), true);
}

// What a login's audit row says it came to.
const char* login_outcome_name(hall::LoginOutcome outcome) {
  switch (outcome) {
    case hall::LoginOutcome::kAccepted:
      return "ok";
    case hall::LoginOutcome::kWrongLoginOrPassword:
      return "wrong_password";
    case hall::LoginOutcome::kDisabled:
      return "disabled";
  }
  return "error";
}

// Every refused login gets this answer: unknown login, wrong password,
// disabled account, or an account changed while its password was checked —
// alike, so a guesser learns nothing from it.
HttpResponse login_refused() {
  return error_response(401, "unauthenticated", "wrong login or password");
}

// The second half of a login, on the server's worker pool: the password check
// (Argon2id), its audit row, and the session.
HttpResponse check_password_and_log_in(Call& call, const std::string& login,
                                       const std::string& password, const std::string& account_key,
                                       const std::string& address_key) {
  auto& backend = call.backend();
  // Read before the password is checked: a disable or a reset that lands
  // meanwhile moves it on, and no session is made from the old state.
  const std::uint64_t generation = call.state.sessions.account_generation(account_key);
  hall::LoginCheck checked;
  const Status read = backend.read([&](storage::Database& db) -> Status {
    hall::UserDirectory users(db);
    YIMEN_ASSIGN_OR_RETURN(checked, users.check_login(login, password));
    return {};
  });
  bool accepted = read.ok() && checked.outcome == hall::LoginOutcome::kAccepted;
  const char* outcome = read.ok() ? login_outcome_name(checked.outcome) : "error";
  if (accepted && call.state.sessions.account_generation(account_key) != generation) {
    accepted = false;
    outcome = "account_changed";
  }
  const Status audited = backend.write([&](hall::Hall&, storage::Database& db) {
    return audit(db, call, "login", account_key, outcome);
  });
  if (!read.ok()) return status_response(read);
  if (!audited.ok() && audited.code() != ErrorCode::kFailedPrecondition) {
    return status_response(audited);  // no login that could not be audited
  }
  if (!accepted) {
    // A disabled account counts like a wrong password, so the limit comes
    // at the same attempt and tells nothing either.
    if (checked.outcome != hall::LoginOutcome::kAccepted) {
      call.state.login_by_account.record_failure(account_key, call.now);
      call.state.login_by_address.record_failure(address_key, call.now);
    }
    return login_refused();
  }
  call.state.login_by_account.clear(account_key);
  const auto session = call.state.sessions.log_in(
      call.session ? call.session->token : std::string(), *checked.user, call.now, generation);
  if (!session) {
    // Disabled or given a new password between the check above and now.
    audit_or_warn(call, "login", account_key, "account_changed");
    return login_refused();
  }
  return session_answer(call, *session, true);
}

HttpResponse log_in(Call& call) {
  auto body = body_object(call);
  if (!body.ok()) return status_response(body.status());
  auto login = required_string(*body, "login", "login", 64);
  if (!login.ok()) return status_response(login.status());
  auto password = required_string(*body, "password", "password", hall::kMaxPasswordBytes);
  if (!password.ok()) return status_response(password.status());

  // Limits are keyed by the normalised login, so "Clerk" and "clerk" count together.
  const auto normalised = hall::normalise_login(*login);
  const std::string account_key = normalised.ok() ? *normalised : std::string("?");
  const std::string address_key = call.request.peer;
  const auto blocked = std::max(call.state.login_by_account.blocked_for(account_key, call.now),
                                call.state.login_by_address.blocked_for(address_key, call.now));
  if (blocked > 0) {
    // Audited too, so an attack shows in the log — once per account and address a
    // minute, so refused attempts cannot make the node fsync at the attacker's pace.
    const std::string noted = account_key + '\x1f' + address_key;
    if (call.state.refusals_noted.blocked_for(noted, call.now) == 0) {
      call.state.refusals_noted.record_failure(noted, call.now);
      audit_or_warn(call, "login", account_key, "rate_limited");
    }
    return rate_limited(blocked, "too many failed logins; try again later");
  }
  return on_worker(call, [login = std::move(*login), password = std::move(*password), account_key,
                          address_key](Call& later) {
    return check_password_and_log_in(later, login, password, account_key, address_key);
  });
}

HttpResponse log_out(Call& call) {
  call.state.sessions.end(call.session->token);
  audit_or_warn(call, "logout", call.user().login, "ok");
  HttpResponse r = json_response(json::object{{"user", nullptr}});
  r.add_header("Set-Cookie", session_cookie(call, "", true));
  return r;
}

// The second half of changing one's own password, on the server's worker
// pool: the current password checked, the new one hashed and stored.
HttpResponse replace_own_password(Call& call, const std::string& login, const std::string& current,
                                  const std::string& fresh) {
  bool wrong = false;
  const Status s = call.backend().write([&](hall::Hall&, storage::Database& db) -> Status {
    hall::UserDirectory users(db);
    if (auto checked = users.authenticate(login, current); !checked.ok()) {
      if (checked.status().code() != ErrorCode::kPermissionDenied) return checked.status();
      wrong = true;
      return audit(db, call, "user.password_own", login, "wrong_password");
    }
    YIMEN_TRY(users.set_password(login, fresh));
    return audit(db, call, "user.password_own", login, "ok");
  });
  if (!s.ok()) return status_response(s);
  if (wrong) {
    call.state.login_by_account.record_failure(login, call.now);
    return error_response(403, "forbidden", "the current password is wrong");
  }
  call.state.sessions.end_sessions_of(login, call.session->token);
  return json_response(json::object{{"changed", true}});
}

// A logged-in user changes their own password (after an administrator set
// one for them): the current password first, counted like a failed login
// when wrong; then every other session of the account ends.
HttpResponse change_own_password(Call& call) {
  auto body = body_object(call);
  if (!body.ok()) return status_response(body.status());
  auto current =
      required_string(*body, "current_password", "current_password", hall::kMaxPasswordBytes);
  if (!current.ok()) return status_response(current.status());
  auto fresh = required_string(*body, "new_password", "new_password", hall::kMaxPasswordBytes);
  if (!fresh.ok()) return status_response(fresh.status());
  const std::string login = call.user().login;
  if (auto blocked = call.state.login_by_account.blocked_for(login, call.now); blocked > 0) {
    return rate_limited(blocked, "too many wrong passwords; try again later");
  }
  if (call.backend().recovering()) {
    return recovering_response();
  }
  // Two Argon2id computations (the check and the new hash): on the worker pool.
  return on_worker(call,
                   [login, current = std::move(*current), fresh = std::move(*fresh)](Call& later) {
                     return replace_own_password(later, login, current, fresh);
                   });
}

}  // namespace

void add_session_routes(std::vector<Route>& routes) {
  routes.push_back({"GET", "/api/v1/session", anyone(), get_session});
  routes.push_back({"POST", "/api/v1/session", anyone(), log_in});
  routes.push_back({"DELETE", "/api/v1/session", staff(), log_out});
  routes.push_back({"POST", "/api/v1/session/password", staff(), change_own_password});
}

}  // namespace yimen::web
