#pragma once

// Web sessions (DESIGN.md section 7). Every visitor gets a session — anonymous
// until a login — identified by a random token in an HttpOnly, SameSite=Strict
// cookie, and carrying a CSRF token that every state-changing request sends
// back in a header. Sessions live in memory only: a restart logs everyone out.
//
// Thread-safe: one mutex guards the table.

#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>

#include "node/hall/users.h"

namespace yimen::web {

struct Session {
  std::string token;  // cookie value: 64 hex digits
  std::string csrf;   // 64 hex digits
  std::optional<hall::User> user;
  std::int64_t last_seen = 0;  // Unix seconds
};

class SessionStore {
 public:
  struct Limits {
    std::int64_t staff_idle_seconds = 30 * 60;  // a logged-in session expires after this idle time
    std::int64_t anonymous_idle_seconds = 2 * 60 * 60;
    // Beyond this the least recently seen anonymous sessions are dropped
    // first, so visitors cannot push the staff out; staff sessions only when
    // nothing else is left.
    std::size_t max_sessions = 20000;
  };
  SessionStore() : SessionStore(Limits{}) {}
  explicit SessionStore(Limits limits) : limits_(limits) {}

  // How long a logged-in session lives without a request.
  std::int64_t staff_idle_seconds() const { return limits_.staff_idle_seconds; }

  // The live session with this token (touching it), or nullopt.
  std::optional<Session> find(const std::string& token, std::int64_t now);
  // A new anonymous session.
  Session create_anonymous(std::int64_t now);
  // The generation of the account `login`: it changes whenever
  // end_sessions_of() ends the account's sessions (disabled, password reset or
  // changed). A login reads it before it checks the password and hands it to
  // log_in(), so that a change made meanwhile refuses the session.
  std::uint64_t account_generation(const std::string& login) const;
  // A new session for `user` (a fresh token and CSRF token: the old session, if
  // any, is ended, so a token fixed before login is worthless after it), or
  // nullopt — and nothing changes — when the account's generation is no longer
  // `generation`: its password was checked against a state that has ended
  // since. Checked under the lock end_sessions_of() takes, so no session is
  // made for an account after its sessions were ended by a change the login
  // did not see.
  std::optional<Session> log_in(const std::string& old_token, const hall::User& user,
                                std::int64_t now, std::uint64_t generation);
  void end(const std::string& token);
  // Ends every session logged in as `login` (an account disabled or given a
  // new password) but the one whose token is `except`, and moves the account
  // to a new generation; returns how many sessions ended. Call it after the
  // change is durable.
  int end_sessions_of(const std::string& login, const std::string& except = "");
  std::size_t size() const;

 private:
  Session make(std::int64_t now);
  void evict(std::int64_t now);  // mutex held

  Limits limits_;
  mutable std::mutex mutex_;
  std::map<std::string, Session> sessions_;
  // Accounts whose sessions were ended at least once; bounded by the node's
  // accounts (only an administrator's or the owner's change adds one).
  std::map<std::string, std::uint64_t> generations_;
};

// A CSRF token or session token as sent, compared in constant time.
bool tokens_equal(const std::string& a, const std::string& b);

}  // namespace yimen::web
