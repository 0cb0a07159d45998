#include "sync/batch_verifier.h"

namespace yimen::sync {

BatchVerifier::BatchVerifier(size_t max_queued)
    : max_queued_(max_queued == 0 ? 1 : max_queued), worker_([this] { work(); }) {}

BatchVerifier::~BatchVerifier() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  changed_.notify_all();
  worker_.join();
}

std::future<VerifiedBatch> BatchVerifier::verify(std::vector<Bytes> envelopes) {
  std::unique_lock lock(mu_);
  changed_.wait(lock, [this] { return queue_.size() < max_queued_; });
  queue_.push_back(Job{std::move(envelopes), {}});
  auto future = queue_.back().done.get_future();
  lock.unlock();
  changed_.notify_all();
  return future;
}

void BatchVerifier::work() {
  for (;;) {
    Job job;
    {
      std::unique_lock lock(mu_);
      changed_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping, and nothing left to do
      job = std::move(queue_.front());
      queue_.pop_front();
    }
    changed_.notify_all();
    VerifiedBatch out;
    out.reserve(job.envelopes.size());
    for (const Bytes& envelope : job.envelopes) out.push_back(decode_envelope(envelope));
    job.done.set_value(std::move(out));
  }
}

}  // namespace yimen::sync
