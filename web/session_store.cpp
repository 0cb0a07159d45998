#include "web/session_store.h"

#include <sodium.h>

#include <array>

#include "crypto/crypto.h"

namespace yimen::web {
namespace {

std::string random_token() {
  std::array<std::uint8_t, 32> bytes{};
  crypto::random_fill(bytes);
  return crypto::to_hex(bytes);
}

}  // namespace

bool tokens_equal(const std::string& a, const std::string& b) {
  if (a.size() != b.size() || a.empty()) return false;
  return sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

Session SessionStore::make(std::int64_t now) {
  return Session{random_token(), random_token(), std::nullopt, now};
}

std::optional<Session> SessionStore::find(const std::string& token, std::int64_t now) {
  if (token.size() != 64) return std::nullopt;
  std::lock_guard lock(mutex_);
  auto it = sessions_.find(token);
  if (it == sessions_.end()) return std::nullopt;
  const auto idle = it->second.user ? limits_.staff_idle_seconds : limits_.anonymous_idle_seconds;
  if (now - it->second.last_seen > idle) {
    sessions_.erase(it);
    return std::nullopt;
  }
  it->second.last_seen = now;
  return it->second;
}

Session SessionStore::create_anonymous(std::int64_t now) {
  Session s = make(now);
  std::lock_guard lock(mutex_);
  evict(now);
  sessions_[s.token] = s;
  return s;
}

std::uint64_t SessionStore::account_generation(const std::string& login) const {
  std::lock_guard lock(mutex_);
  const auto it = generations_.find(login);
  return it == generations_.end() ? 0 : it->second;
}

std::optional<Session> SessionStore::log_in(const std::string& old_token, const hall::User& user,
                                            std::int64_t now, std::uint64_t generation) {
  Session s = make(now);
  s.user = user;
  std::lock_guard lock(mutex_);
  const auto current = generations_.find(user.login);
  if ((current == generations_.end() ? 0 : current->second) != generation) return std::nullopt;
  sessions_.erase(old_token);
  evict(now);
  sessions_[s.token] = s;
  return s;
}

void SessionStore::end(const std::string& token) {
  std::lock_guard lock(mutex_);
  sessions_.erase(token);
}

int SessionStore::end_sessions_of(const std::string& login, const std::string& except) {
  std::lock_guard lock(mutex_);
  ++generations_[login];
  int ended = 0;
  for (auto it = sessions_.begin(); it != sessions_.end();) {
    if (it->second.user && it->second.user->login == login && it->first != except) {
      it = sessions_.erase(it);
      ++ended;
    } else {
      ++it;
    }
  }
  return ended;
}

std::size_t SessionStore::size() const {
  std::lock_guard lock(mutex_);
  return sessions_.size();
}

void SessionStore::evict(std::int64_t now) {
  if (sessions_.size() < limits_.max_sessions) return;
  // Drop the expired first, then the least recently seen until there is room.
  for (auto it = sessions_.begin(); it != sessions_.end();) {
    const auto idle = it->second.user ? limits_.staff_idle_seconds : limits_.anonymous_idle_seconds;
    it = now - it->second.last_seen > idle ? sessions_.erase(it) : std::next(it);
  }
  while (sessions_.size() >= limits_.max_sessions) {
    // The least recently seen anonymous session; a staff one only when all are staff.
    auto oldest = sessions_.begin();
    for (auto it = sessions_.begin(); it != sessions_.end(); ++it) {
      const bool staff = it->second.user.has_value();
      const bool oldest_staff = oldest->second.user.has_value();
      if ((oldest_staff && !staff) ||
          (staff == oldest_staff && it->second.last_seen < oldest->second.last_seen)) {
        oldest = it;
      }
    }
    sessions_.erase(oldest);
  }
}

}  // namespace yimen::web
