#pragma once

// A small fixed set of worker threads with a bounded queue, for the work the
// web server must never run on its I/O threads: an Argon2id password check
// takes 64 MiB and a good part of a second, so a few of them at once would
// stall every connection (DESIGN.md section 9). When every worker is busy and
// the queue is full, try_post() refuses at once and the caller answers 503:
// nothing waits without bound. The workers run kWorkerNiceness below the
// process's priority, so that on a busy core the I/O threads (pages, /healthz)
// come first and a burst of logins only slows the logins.
//
// Thread-safe: try_post() and counts() from any thread; stop() from the
// owning thread only (the destructor stops).

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace yimen::web {

class WorkPool {
 public:
  // Starts `workers` threads (at least 1) taking jobs from a queue of at most
  // `queue_limit` jobs waiting beside the ones being run.
  WorkPool(int workers, std::size_t queue_limit);
  ~WorkPool();  // stops
  WorkPool(const WorkPool&) = delete;
  WorkPool& operator=(const WorkPool&) = delete;

  // Queues `job` to run on a worker; false (and `job` is dropped unrun) when
  // the queue is full or the pool is stopping. A job must not throw: one that
  // does ends the process (std::terminate), as in any thread.
  bool try_post(std::function<void()> job);

  static constexpr int kWorkerNiceness = 10;

  struct Counts {
    std::size_t running = 0;  // jobs a worker is running now
    std::size_t queued = 0;   // jobs waiting for a worker
  };
  Counts counts() const;

  // Refuses new jobs, runs the ones already queued, and returns when every
  // worker has ended.
  void stop();

 private:
  void work();

  const std::size_t queue_limit_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<std::function<void()>> queue_;
  std::size_t running_ = 0;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace yimen::web
