// The web server's worker pool: bounded, refuses at once when full, and runs
// what it took before it stops.

#include "web/work_pool.h"

#include <gtest/gtest.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "support/eventually.h"

namespace yimen::web {
namespace {

// A gate jobs wait at until the test opens it.
class Gate {
 public:
  void wait() {
    std::unique_lock lock(mutex_);
    ++waiting_;
    opened_.wait(lock, [this] { return open_; });
  }
  void open() {
    {
      std::lock_guard lock(mutex_);
      open_ = true;
    }
    opened_.notify_all();
  }
  int waiting() {
    std::lock_guard lock(mutex_);
    return waiting_;
  }

 private:
  std::mutex mutex_;
  std::condition_variable opened_;
  bool open_ = false;
  int waiting_ = 0;
};

using yimen::testing::eventually;

TEST(WorkPool, RefusesAtOnceWhenEveryWorkerIsBusyAndTheQueueIsFull) {
  WorkPool pool(2, 3);
  Gate gate;
  std::atomic<int> done{0};
  const auto job = [&] {
    gate.wait();
    ++done;
  };
  // Two jobs the workers take, then three that wait in the queue.
  for (int i = 0; i < 2; ++i) EXPECT_TRUE(pool.try_post(job)) << i;
  ASSERT_TRUE(eventually([&] { return gate.waiting() == 2; }));
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(pool.try_post(job)) << i;
  EXPECT_EQ(pool.counts().running, 2u);
  EXPECT_EQ(pool.counts().queued, 3u);
  EXPECT_FALSE(pool.try_post(job));  // no room: refused, never run
  gate.open();
  ASSERT_TRUE(eventually([&] { return done == 5; }));
  EXPECT_TRUE(eventually([&] { return pool.counts().running == 0; }));
  EXPECT_TRUE(pool.try_post(job));  // room again
  ASSERT_TRUE(eventually([&] { return done == 6; }));
}

TEST(WorkPool, StopRunsWhatWasQueuedAndRefusesMore) {
  std::atomic<int> done{0};
  Gate gate;
  WorkPool pool(1, 4);
  for (int i = 0; i < 4; ++i) {
    EXPECT_TRUE(pool.try_post([&] {
      gate.wait();
      ++done;
    }));
  }
  std::thread opener([&] {
    // Opens once the stop below has begun waiting for the worker.
    eventually([&] { return gate.waiting() == 1; });
    gate.open();
  });
  pool.stop();
  opener.join();
  EXPECT_EQ(done, 4);
  EXPECT_FALSE(pool.try_post([&] { ++done; }));
}

}  // namespace
// Password checks yield to the I/O threads: a worker runs below the priority of
// the thread that made the pool (nice is per thread on Linux).
TEST(WorkPool, WorkersRunBelowTheIoThreadsPriority) {
  errno = 0;
  const int mine = ::getpriority(PRIO_PROCESS, static_cast<id_t>(::gettid()));
  ASSERT_EQ(errno, 0);
  WorkPool pool(1, 1);
  std::atomic<int> worker{-100};
  ASSERT_TRUE(
      pool.try_post([&] { worker = ::getpriority(PRIO_PROCESS, static_cast<id_t>(::gettid())); }));
  ASSERT_TRUE(eventually([&] { return worker != -100; }));
  EXPECT_EQ(worker, std::min(mine + WorkPool::kWorkerNiceness, 19));
  // The caller's own priority is untouched.
  EXPECT_EQ(::getpriority(PRIO_PROCESS, static_cast<id_t>(::gettid())), mine);
}

}  // namespace yimen::web
