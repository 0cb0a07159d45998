#include "common/bytes.h"

#include <gtest/gtest.h>

namespace yimen {
namespace {

TEST(Bytes, RoundTripBigEndian) {
  ByteWriter w;
  w.u8(7);
  w.u16(0x1234);
  w.i64(-2);
  w.str16(std::string_view("一门"));
  ByteReader r(w.bytes());
  EXPECT_EQ(r.u8(), 7);
  EXPECT_EQ(r.u16(), 0x1234);
  EXPECT_EQ(r.i64(), -2);
  EXPECT_EQ(r.text16(), "一门");
  EXPECT_TRUE(r.at_end());
  EXPECT_EQ(w.bytes()[1], 0x12);
}

TEST(Bytes, ReaderNeverReadsPastTheEnd) {
  const Bytes short_input = {0x00, 0x05, 'a', 'b'};  // claims 5 bytes, holds 2
  ByteReader r(short_input);
  EXPECT_TRUE(r.str16().empty());
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(r.u64(), 0u);  // stays failed
  EXPECT_FALSE(r.at_end());
}

}  // namespace
}  // namespace yimen
