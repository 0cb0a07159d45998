#include "common/log.h"

#include <gtest/gtest.h>

namespace yimen::log {
namespace {

using namespace std::chrono_literals;

struct FakeClock {
  std::chrono::steady_clock::time_point now{};
  RepeatLimit::Clock fn() {
    return [this] { return now; };
  }
};

TEST(RepeatLimit, WritesABurstOfAKindThenHoldsBackUntilTheWindowEnds) {
  FakeClock clock;
  RepeatLimit limit(3, 60s, clock.fn());
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(limit.allow("sync.refused").write);
  for (int i = 0; i < 1000; ++i) EXPECT_FALSE(limit.allow("sync.refused").write);
  // Another kind is not held back by the first.
  EXPECT_TRUE(limit.allow("web.accept").write);

  clock.now += 59s;
  EXPECT_FALSE(limit.allow("sync.refused").write);
  clock.now += 1s;
  const auto next = limit.allow("sync.refused");
  EXPECT_TRUE(next.write);
  EXPECT_EQ(next.held_back, 1001u);  // the line after says how many were left out
  EXPECT_EQ(limit.allow("sync.refused").held_back, 0u);
}

}  // namespace
}  // namespace yimen::log
