#pragma once

// Counts failures per key (an account, an address, a case number) in a sliding
// window, so that guessing passwords or query codes is slow: once a key has
// `max_failures` within `window_seconds` it is blocked until the oldest of them
// leaves the window. Memory is bounded: beyond `max_keys` the key whose newest
// failure is oldest is forgotten.
//
// Thread-safe: one mutex guards the table.

#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <string>

namespace yimen::web {

class FailureLimiter {
 public:
  FailureLimiter(int max_failures, std::int64_t window_seconds, std::size_t max_keys = 50000)
      : max_failures_(max_failures), window_(window_seconds), max_keys_(max_keys) {}

  // Seconds until `key` may try again; 0 when it is not blocked.
  std::int64_t blocked_for(const std::string& key, std::int64_t now);
  void record_failure(const std::string& key, std::int64_t now);
  // Forgets the key's failures (after a success).
  void clear(const std::string& key);

 private:
  void prune(std::deque<std::int64_t>& times, std::int64_t now) const;

  const int max_failures_;
  const std::int64_t window_;
  const std::size_t max_keys_;
  std::mutex mutex_;
  std::map<std::string, std::deque<std::int64_t>> failures_;
};

}  // namespace yimen::web
