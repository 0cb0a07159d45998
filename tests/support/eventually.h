#pragma once

// Waiting for a condition in tests: polled, with a bound, never a bare sleep.

#include <chrono>
#include <functional>
#include <thread>

namespace yimen::testing {

// Polls `done` every `every` until it holds or `limit` passes; returns whether it held.
inline bool eventually(const std::function<bool()>& done,
                       std::chrono::milliseconds limit = std::chrono::seconds(30),
                       std::chrono::milliseconds every = std::chrono::milliseconds(10)) {
  const auto until = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < until) {
    if (done()) return true;
    std::this_thread::sleep_for(every);
  }
  return done();
}

}  // namespace yimen::testing
