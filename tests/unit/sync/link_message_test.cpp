#include "sync/link_message.h"

#include <gtest/gtest.h>

namespace yimen::sync {
namespace {

TEST(LinkMessage, EveryKindRoundTrips) {
  Hello hello;
  hello.welcome = true;
  hello.node = "441802001001";
  hello.software = "yimen 0.1.0";
  hello.log_epoch = Bytes(16, 3);
  hello.wall_ms = 1793500800000;
  hello.resume_epoch = Bytes(16, 4);
  hello.resume_after = 42;
  hello.recovering = true;
  hello.log_head = 99;
  auto back = decode_link_message(encode_link_message(hello));
  ASSERT_TRUE(back.ok()) << back.status().message();
  const auto& h = std::get<Hello>(*back);
  EXPECT_TRUE(h.welcome);
  EXPECT_EQ(h.node, hello.node);
  EXPECT_EQ(h.log_epoch, hello.log_epoch);
  EXPECT_EQ(h.resume_epoch, hello.resume_epoch);
  EXPECT_EQ(h.resume_after, 42);
  EXPECT_TRUE(h.recovering);
  EXPECT_EQ(h.log_head, 99);

  Batch batch{Bytes(16, 1), 10, 20, {Bytes(8, 1), Bytes(24, 2)}};
  back = decode_link_message(encode_link_message(batch));
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(std::get<Batch>(*back).events, batch.events);
  EXPECT_EQ(std::get<Batch>(*back).through, 20);

  StatusReport report{{NodeStatus{"441802001001", 1, true, 2, 3, 4, 5, -6, "v", 7, 8}}};
  back = decode_link_message(encode_link_message(report));
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(std::get<StatusReport>(*back).nodes.at(0).clock_offset_ms, -6);
  EXPECT_EQ(std::get<StatusReport>(*back).nodes.at(0).forks, 8);
}

TEST(LinkMessage, BadFramesAreRejectedNeverCrash) {
  EXPECT_EQ(decode_link_message(Bytes{}).status().code(), ErrorCode::kRejected);
  EXPECT_EQ(decode_link_message(Bytes(7, 0)).status().message(),
            "link message rejected: frame is not a whole number of 8-byte words");
  EXPECT_EQ(decode_link_message(Bytes(64, 0xff)).status().code(), ErrorCode::kRejected);
  EXPECT_EQ(decode_link_message(Bytes(kMaxFrameBytes + 8, 0)).status().message(),
            "link message rejected: frame of 8388616 bytes is over the limit");
  // Every truncation of a valid message is rejected or decodes; never a crash.
  const Bytes whole = encode_link_message(Batch{Bytes(16, 1), 0, 5, {Bytes(800, 9)}});
  for (size_t n = 8; n < whole.size(); n += 8) {
    auto r = decode_link_message(ByteView(whole.data(), n));
    EXPECT_FALSE(r.ok()) << n;
  }
  // Trailing bytes after a whole message are refused.
  Bytes longer = encode_link_message(Heartbeat{5});
  longer.resize(longer.size() + 8, 0);
  EXPECT_EQ(decode_link_message(longer).status().message(),
            "link message rejected: trailing bytes after the message");
  // A batch whose positions run backwards.
  EXPECT_EQ(
      decode_link_message(encode_link_message(Batch{Bytes(16, 1), 9, 3, {}})).status().message(),
      "link message rejected: batch positions 9..3 are out of order");
}

}  // namespace
}  // namespace yimen::sync
