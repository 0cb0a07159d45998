#include "storage/writer.h"

#include <exception>
#include <utility>
#include <vector>

namespace yimen::storage {

Writer::Writer(Database& db, Options options, AfterRollback after_rollback)
    : db_(db), options_(options), after_rollback_(std::move(after_rollback)) {
  thread_ = std::thread([this] { work(); });
}

Writer::~Writer() { stop(); }

void Writer::stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  changed_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void Writer::post(Job job, Done done) {
  std::unique_lock lock(mu_);
  changed_.wait(lock, [&] { return stopping_ || queue_.size() < options_.max_queued; });
  if (stopping_) {
    lock.unlock();
    done(failed_precondition("the node is shutting down"));
    return;
  }
  queue_.push_back({std::move(job), std::move(done)});
  lock.unlock();
  changed_.notify_all();
}

Status Writer::run(Job job) {
  std::promise<Status> result;
  auto future = result.get_future();
  post(std::move(job), [&result](const Status& s) { result.set_value(s); });
  return future.get();
}

void Writer::work() {
  for (;;) {
    std::deque<Entry> group;
    {
      std::unique_lock lock(mu_);
      changed_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping, nothing left
      while (!queue_.empty() && group.size() < options_.max_group) {
        group.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
    }
    changed_.notify_all();
    run_group(group);
  }
}

Status Writer::attempt(const Job& step) {
  auto nested = db_.begin();
  if (!nested.ok()) return nested.status();
  Status result;
  try {
    result = step();
  } catch (const std::exception& e) {
    result = internal_error(std::string("a write failed with an exception: ") + e.what());
  }
  if (result.ok()) return nested->commit();
  if (Status undone = nested->rollback(); !undone.ok()) {
    result = undone;  // the group's commit will fail too
  }
  if (after_rollback_) after_rollback_();
  return result;
}

void Writer::run_group(std::deque<Entry>& group) {
  std::vector<Status> results(group.size());
  auto outer = db_.begin();
  if (!outer.ok()) {
    for (auto& e : group) e.done(outer.status());
    return;
  }
  for (std::size_t i = 0; i < group.size(); ++i) results[i] = attempt(group[i].job);
  const Status committed = outer->commit();
  if (!committed.ok()) {
    static_cast<void>(outer->rollback());  // the commit's error is what each job reports
    if (after_rollback_) after_rollback_();
  }
  for (std::size_t i = 0; i < group.size(); ++i) {
    group[i].done(committed.ok() ? results[i] : committed);
  }
}

}  // namespace yimen::storage
