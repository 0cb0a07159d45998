#pragma once

// The receiving end of one link direction (DESIGN.md section 3): where the
// sender's log stands as this node holds it, and the rule deciding what a
// received batch may do to that. Pure: no sockets, no clock, no database, so
// tests and fuzzers drive it directly.
//
// A batch covers the positions (after, through] of the sender's log,
// including the positions of events filtered out for this receiver. It is
//   a replay   when this node holds all of it durably already: acknowledge
//              again what is durable;
//   taken      when it continues what went to the writer (after <= accepted
//              < through), covers at least as many positions as it carries
//              events, and — from a child — reaches no further than the
//              child's log can have grown (head_bound);
//   dropped    otherwise, with the reason: another epoch, a gap, positions
//              already in the writer's hands, or a lie about positions.

#include <cstdint>
#include <string>

#include "common/bytes.h"
#include "sync/link_message.h"

namespace yimen::sync {

struct Inbound {
  Bytes epoch;                // the sender's log epoch
  std::int64_t accepted = 0;  // position through which batches went to the writer
  std::int64_t durable = 0;   // position committed with the checkpoint
  // From a child only: the furthest position its log can have reached. Its
  // log grows only by the events it sends up (carried in its batches) and the
  // events it gets from this node (filtered out of its batches up), so: the
  // head it announced in its hello, plus both since. A position beyond it is
  // a lie that would make every later batch of the real child look like a
  // replay (a copied key).
  std::int64_t head_bound = 0;
};

enum class BatchVerdict { kTake, kReplay, kDrop };

struct BatchJudgement {
  BatchVerdict verdict = BatchVerdict::kTake;
  std::string why;  // kDrop: the reason, for the log
};

// Judges `batch` against `in`. On kTake `in` moves on (accepted, and the
// child's head_bound by the events carried); a parent's batch of a new epoch
// starting at 0 resets `in` first. `from_child` says which side sent it.
BatchJudgement judge_batch(Inbound& in, const Batch& batch, bool from_child);

// A batch this node sent to a child: each of its events may take one more
// position of the child's log.
void count_sent_to_child(Inbound& in, const Batch& batch);

}  // namespace yimen::sync
