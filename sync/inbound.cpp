#include "sync/inbound.h"

namespace yimen::sync {
namespace {

BatchJudgement drop(std::string why) { return {BatchVerdict::kDrop, std::move(why)}; }

}  // namespace

BatchJudgement judge_batch(Inbound& in, const Batch& batch, bool from_child) {
  if (batch.log_epoch != in.epoch) {
    // A child's epoch is the one its hello named; a parent starts a new one from 0.
    if (from_child || batch.after != 0) return drop("it is of another epoch of the sender's log");
    in = Inbound{batch.log_epoch, 0, 0, 0};
  }
  if (batch.through <= in.durable) return {BatchVerdict::kReplay, {}};
  if (batch.after > in.accepted) {
    return drop("it leaves a gap after position " + std::to_string(in.accepted));
  }
  if (batch.through <= in.accepted) return drop("its positions are being stored already");
  if (batch.after < 0 ||
      static_cast<std::uint64_t>(batch.through - batch.after) < batch.events.size()) {
    return drop("it carries more events than positions");
  }
  const auto carried = static_cast<std::int64_t>(batch.events.size());
  if (from_child) {
    if (batch.through - carried > in.head_bound) {
      return drop("it reaches beyond position " + std::to_string(in.head_bound + carried) +
                  ", the furthest the sender's log can have grown to");
    }
    in.head_bound += carried;
  }
  in.accepted = batch.through;
  return {};
}

void count_sent_to_child(Inbound& in, const Batch& batch) {
  in.head_bound += static_cast<std::int64_t>(batch.events.size());
}

}  // namespace yimen::sync
