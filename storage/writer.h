#pragma once

// The one writer of a node's database (DESIGN.md sections 5 and 9): a thread
// that owns the write connection and runs every write as a job, so
// transactions never contend. Jobs queued together are grouped into one
// durable commit (group commit); each job runs in its own nested transaction,
// so a failing job undoes only itself, and each is acknowledged only after
// the commit that made it durable. A job that throws fails like one that
// returns an error: the writer thread never dies of a job.

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <future>
#include <mutex>
#include <thread>

#include "common/status.h"
#include "storage/database.h"

namespace yimen::storage {

class Writer {
 public:
  // Runs on the writer thread inside the group's transaction. Returning an
  // error rolls back this job's changes only.
  using Job = std::function<Status()>;
  // Called on the writer thread once the job's fate is durable: OK when its
  // changes are committed, else the job's error or the commit's.
  using Done = std::function<void(const Status&)>;
  // Called on the writer thread after a job's changes or a whole group were
  // rolled back, so owners of caches over the database can drop them.
  using AfterRollback = std::function<void()>;

  struct Options {
    std::size_t max_queued = 256;  // post() and run() block beyond this
    std::size_t max_group = 64;    // jobs per commit at most
  };

  // Borrows `db`, which must outlive the Writer and is used only by its
  // thread from now on.
  Writer(Database& db, Options options, AfterRollback after_rollback = {});
  ~Writer();  // runs the queued jobs, then joins the thread
  Writer(const Writer&) = delete;
  Writer& operator=(const Writer&) = delete;

  // Queues `job`; `done` is called once it is durable or failed. After
  // stop(), `done` is called at once with kUnavailable.
  void post(Job job, Done done);

  // Queues `job` and waits until it is durable or failed.
  Status run(Job job);

  // Refuses new jobs, finishes the queued ones and joins the thread.
  void stop();

  // From inside a job, on the writer thread: runs `step` in a nested
  // transaction of its own. When the step fails — returns an error or throws
  // — its changes alone are undone, the owners of caches are told, and its
  // error is returned (an exception as Internal with its text). A job uses it
  // to try something it can do without (one received event of a batch).
  Status attempt(const Job& step);

 private:
  struct Entry {
    Job job;
    Done done;
  };
  void work();
  void run_group(std::deque<Entry>& group);

  Database& db_;
  const Options options_;
  AfterRollback after_rollback_;
  std::mutex mu_;
  std::condition_variable changed_;
  std::deque<Entry> queue_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace yimen::storage
