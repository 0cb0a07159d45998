#include "sync/inbound.h"

#include <gtest/gtest.h>

namespace yimen::sync {
namespace {

const Bytes kEpoch(16, 1);

Batch batch(std::int64_t after, std::int64_t through, std::size_t events, Bytes epoch = kEpoch) {
  return Batch{std::move(epoch), after, through, std::vector<Bytes>(events, Bytes{1})};
}

// A child's link after its hello: it announced head 10; 4 positions are durable.
Inbound child_link() { return Inbound{kEpoch, 4, 4, 10}; }

TEST(Inbound, AChildsBatchIsTakenUpToTheHeadItAnnouncedPlusWhatItCarries) {
  Inbound in = child_link();
  EXPECT_EQ(judge_batch(in, batch(4, 10, 0), true).verdict, BatchVerdict::kTake);
  EXPECT_EQ(in.accepted, 10);
  // Beyond the head only as far as the events it carries.
  EXPECT_EQ(judge_batch(in, batch(10, 13, 3), true).verdict, BatchVerdict::kTake);
  EXPECT_EQ(in.head_bound, 13);
  EXPECT_EQ(judge_batch(in, batch(13, 15, 1), true).verdict, BatchVerdict::kDrop);
  EXPECT_EQ(in.accepted, 13);
}

TEST(Inbound, APositionFarBeyondTheChildsLogIsDroppedNotTaken) {
  Inbound in = child_link();
  const auto judged = judge_batch(in, batch(4, std::int64_t{1} << 62, 0), true);
  EXPECT_EQ(judged.verdict, BatchVerdict::kDrop);
  EXPECT_EQ(judged.why,
            "it reaches beyond position 10, the furthest the sender's log can have grown to");
  EXPECT_EQ(in.accepted, 4);  // nothing moved: the real child's next batch is taken
  EXPECT_EQ(judge_batch(in, batch(4, 6, 2), true).verdict, BatchVerdict::kTake);
}

TEST(Inbound, EventsSentToTheChildLetItsLogGrowByAsMany) {
  Inbound in = child_link();
  // 5 events went down; the child's next batch up covers their positions, filtered out.
  count_sent_to_child(in, batch(0, 5, 5));
  EXPECT_EQ(judge_batch(in, batch(4, 15, 0), true).verdict, BatchVerdict::kTake);
  EXPECT_EQ(judge_batch(in, batch(15, 16, 0), true).verdict, BatchVerdict::kDrop);
}

TEST(Inbound, MoreEventsThanPositionsGapsAndOtherEpochsAreDropped) {
  Inbound in = child_link();
  EXPECT_EQ(judge_batch(in, batch(4, 6, 3), true).why, "it carries more events than positions");
  EXPECT_EQ(judge_batch(in, batch(5, 6, 1), true).why, "it leaves a gap after position 4");
  EXPECT_EQ(judge_batch(in, batch(0, 6, 1, Bytes(16, 2)), true).why,
            "it is of another epoch of the sender's log");
  EXPECT_EQ(judge_batch(in, batch(4, 6, 2), true).verdict, BatchVerdict::kTake);
  EXPECT_EQ(judge_batch(in, batch(4, 6, 2), true).why, "its positions are being stored already");
  EXPECT_EQ(in.accepted, 6);
}

TEST(Inbound, WhatIsDurableIsAReplay) {
  Inbound in = child_link();
  EXPECT_EQ(judge_batch(in, batch(0, 4, 4), true).verdict, BatchVerdict::kReplay);
  EXPECT_EQ(judge_batch(in, batch(2, 3, 1), true).verdict, BatchVerdict::kReplay);
}

TEST(Inbound, AParentsNewEpochStartsAgainFromZero) {
  Inbound in{kEpoch, 40, 40, 0};
  EXPECT_EQ(judge_batch(in, batch(3, 9, 1, Bytes(16, 2)), false).verdict, BatchVerdict::kDrop);
  EXPECT_EQ(judge_batch(in, batch(0, 9, 1, Bytes(16, 2)), false).verdict, BatchVerdict::kTake);
  EXPECT_EQ(in.epoch, Bytes(16, 2));
  EXPECT_EQ(in.accepted, 9);
  EXPECT_EQ(in.durable, 0);
  // A parent is not held to a head bound.
  EXPECT_EQ(judge_batch(in, batch(9, 1000, 0, Bytes(16, 2)), false).verdict, BatchVerdict::kTake);
}

}  // namespace
}  // namespace yimen::sync
