#pragma once

// The node's log: one line per record on standard error,
//   2026-11-25T22:44:22.123Z WARN sync: refused a connection from ...
// Messages never carry personal data (names, ID numbers, phones, materials):
// name cases by number and nodes by region code.
//
// A line that a stranger can make the node repeat at their own pace (a
// refused connection, a dropped message, a failed accept) is written through
// a repeat limit (`warn_limited`): at most a few lines per kind a minute, and
// the next line written of that kind says how many were held back, so the log
// still shows that it happens and how often without filling the disk.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <string_view>

namespace yimen::log {

enum class Level { kInfo, kWarn, kError };

// Thread-safe; records of different threads never interleave within a line.
void write(Level level, std::string_view component, std::string_view message);

inline void info(std::string_view component, std::string_view message) {
  write(Level::kInfo, component, message);
}
inline void warn(std::string_view component, std::string_view message) {
  write(Level::kWarn, component, message);
}
inline void error(std::string_view component, std::string_view message) {
  write(Level::kError, component, message);
}

// How many lines of one kind may be written in a window. Thread-safe.
class RepeatLimit {
 public:
  using Clock = std::function<std::chrono::steady_clock::time_point()>;

  struct Verdict {
    bool write = true;
    std::uint64_t held_back = 0;  // lines of this kind not written since the last one that was
  };

  // `burst` lines per `key` in each `window`; the clock is injectable for tests.
  explicit RepeatLimit(std::size_t burst = 5,
                       std::chrono::seconds window = std::chrono::seconds(60),
                       Clock clock = std::chrono::steady_clock::now);

  // Whether a line of kind `key` may be written now.
  Verdict allow(std::string_view key);

 private:
  struct Entry {
    std::chrono::steady_clock::time_point window_start;
    std::size_t written = 0;
    std::uint64_t held_back = 0;
  };
  const std::size_t burst_;
  const std::chrono::seconds window_;
  const Clock clock_;
  std::mutex mutex_;
  std::map<std::string, Entry, std::less<>> entries_;  // by kind; bounded (see allow)
};

// Writes `message` unless lines of kind `key` (a fixed name of the call site's
// event, e.g. "sync.refused_curve", never an address or other input) went
// over the process-wide repeat limit; a line after held-back ones ends with
// how many there were.
void write_limited(Level level, std::string_view component, std::string_view key,
                   std::string_view message);

inline void warn_limited(std::string_view component, std::string_view key,
                         std::string_view message) {
  write_limited(Level::kWarn, component, key, message);
}
inline void error_limited(std::string_view component, std::string_view key,
                          std::string_view message) {
  write_limited(Level::kError, component, key, message);
}

}  // namespace yimen::log
