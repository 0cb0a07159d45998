#include "web/failure_limiter.h"

namespace yimen::web {

void FailureLimiter::prune(std::deque<std::int64_t>& times, std::int64_t now) const {
  while (!times.empty() && times.front() <= now - window_) times.pop_front();
}

std::int64_t FailureLimiter::blocked_for(const std::string& key, std::int64_t now) {
  std::lock_guard lock(mutex_);
  auto it = failures_.find(key);
  if (it == failures_.end()) return 0;
  prune(it->second, now);
  if (it->second.empty()) {
    failures_.erase(it);
    return 0;
  }
  if (static_cast<int>(it->second.size()) < max_failures_) return 0;
  return it->second.front() + window_ - now;
}

void FailureLimiter::record_failure(const std::string& key, std::int64_t now) {
  std::lock_guard lock(mutex_);
  if (!failures_.contains(key) && failures_.size() >= max_keys_) {
    auto stalest = failures_.begin();
    for (auto it = failures_.begin(); it != failures_.end(); ++it) {
      const auto newest = it->second.empty() ? 0 : it->second.back();
      const auto stalest_newest = stalest->second.empty() ? 0 : stalest->second.back();
      if (newest < stalest_newest) stalest = it;
    }
    failures_.erase(stalest);
  }
  auto& times = failures_[key];
  prune(times, now);
  times.push_back(now);
  // Never keep more than needed to decide.
  while (static_cast<int>(times.size()) > max_failures_) times.pop_front();
}

void FailureLimiter::clear(const std::string& key) {
  std::lock_guard lock(mutex_);
  failures_.erase(key);
}

}  // namespace yimen::web
