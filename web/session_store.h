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

  // The live session with this token (touching it), or nullopt.
  std::optional<Session> find(const std::string& token, std::int64_t now);
  // A new anonymous session.
  Session create_anonymous(std::int64_t now);
  // A new session for `user` (a fresh token and CSRF token: the old session, if
  // any, is ended, so a token fixed before login is worthless after it).
  Session log_in(const std::string& old_token, const hall::User& user, std::int64_t now);
  void end(const std::string& token);
  // Ends every session logged in as `login` (an account disabled or given a
  // new password) but the one whose token is `except`; returns how many.
  int end_sessions_of(const std::string& login, const std::string& except = "");
  std::size_t size() const;

 private:
  Session make(std::int64_t now);
  void evict(std::int64_t now);  // mutex held

  Limits limits_;
  mutable std::mutex mutex_;
  std::map<std::string, Session> sessions_;
};

// A CSRF token or session token as sent, compared in constant time.
bool tokens_equal(const std::string& a, const std::string& b);

}  // namespace yimen::web
