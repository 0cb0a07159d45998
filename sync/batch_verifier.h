#pragma once

// Signature checks of received batches on a worker thread, while the writer
// appends and commits the previous batch (DESIGN.md section 9). Whether a
// signer is certified for its origin is the writer's question (EventLog),
// since only it sees every certificate committed so far.

#include <condition_variable>
#include <deque>
#include <future>
#include <mutex>
#include <thread>
#include <vector>

#include "sync/event.h"

namespace yimen::sync {

using VerifiedBatch = std::vector<Result<DecodedEvent>>;

// One worker thread and a bounded queue. verify() may be called from one
// producer thread; the futures may be waited on from any thread.
class BatchVerifier {
 public:
  // At most `max_queued` batches wait for the worker; verify() blocks beyond.
  explicit BatchVerifier(size_t max_queued = 2);
  ~BatchVerifier();  // finishes the queued batches, then joins the worker
  BatchVerifier(const BatchVerifier&) = delete;
  BatchVerifier& operator=(const BatchVerifier&) = delete;

  // Queues `envelopes` for decode_envelope() on the worker; the future holds
  // one result per envelope, in order.
  std::future<VerifiedBatch> verify(std::vector<Bytes> envelopes);

 private:
  struct Job {
    std::vector<Bytes> envelopes;
    std::promise<VerifiedBatch> done;
  };
  void work();

  const size_t max_queued_;
  std::mutex mu_;
  std::condition_variable changed_;
  std::deque<Job> queue_;
  bool stopping_ = false;
  std::thread worker_;
};

}  // namespace yimen::sync
