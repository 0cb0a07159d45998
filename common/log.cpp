#include "common/log.h"

#include <chrono>
#include <cstdio>
#include <ctime>
#include <mutex>
#include <string>

namespace yimen::log {
namespace {

// Kinds are call-site names, so there are few; a bound all the same.
constexpr std::size_t kMaxKinds = 1024;

}  // namespace

void write(Level level, std::string_view component, std::string_view message) {
  const auto now = std::chrono::system_clock::now();
  const std::time_t seconds = std::chrono::system_clock::to_time_t(now);
  const auto ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()) % 1000;
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char stamp[32];
  std::strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%S", &utc);
  const char* name = level == Level::kInfo ? "INFO" : level == Level::kWarn ? "WARN" : "ERROR";
  std::string line = std::string(stamp) + "." + std::to_string(1000 + ms.count()).substr(1) + "Z " +
                     name + " " + std::string(component) + ": " + std::string(message) + "\n";
  static std::mutex mu;
  std::lock_guard lock(mu);
  std::fwrite(line.data(), 1, line.size(), stderr);
  std::fflush(stderr);
}

RepeatLimit::RepeatLimit(std::size_t burst, std::chrono::seconds window, Clock clock)
    : burst_(burst), window_(window), clock_(std::move(clock)) {}

RepeatLimit::Verdict RepeatLimit::allow(std::string_view key) {
  const auto now = clock_();
  std::lock_guard lock(mutex_);
  auto it = entries_.find(key);
  if (it == entries_.end()) {
    if (entries_.size() >= kMaxKinds) entries_.clear();
    it = entries_.emplace(std::string(key), Entry{now, 0, 0}).first;
  }
  Entry& e = it->second;
  if (now - e.window_start >= window_) {
    e.window_start = now;
    e.written = 0;
  }
  if (e.written >= burst_) {
    ++e.held_back;
    return {false, 0};
  }
  ++e.written;
  const std::uint64_t held = e.held_back;
  e.held_back = 0;
  return {true, held};
}

void write_limited(Level level, std::string_view component, std::string_view key,
                   std::string_view message) {
  static RepeatLimit limit;
  const auto verdict = limit.allow(key);
  if (!verdict.write) return;
  if (verdict.held_back == 0) return write(level, component, message);
  write(level, component,
        std::string(message) + " (" + std::to_string(verdict.held_back) +
            " more like it were not logged)");
}

}  // namespace yimen::log
