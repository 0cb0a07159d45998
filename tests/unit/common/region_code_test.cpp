#include "common/region_code.h"

#include <gtest/gtest.h>

namespace yimen {
namespace {

RegionCode code(const char* s) { return RegionCode::parse(s).value(); }

TEST(RegionCode, LevelsFromTheDigitGroups) {
  EXPECT_EQ(code("441800000000").level(), RegionLevel::kCity);
  EXPECT_EQ(code("441802000000").level(), RegionLevel::kCounty);
  EXPECT_EQ(code("441802001000").level(), RegionLevel::kTown);
  EXPECT_EQ(code("441802100000").level(), RegionLevel::kTown);
  EXPECT_EQ(code("441802001001").level(), RegionLevel::kVillage);
}

TEST(RegionCode, ParentZeroesTheLowestNonZeroGroup) {
  EXPECT_EQ(code("441802001001").parent()->str(), "441802001000");
  EXPECT_EQ(code("441802001000").parent()->str(), "441802000000");
  EXPECT_EQ(code("441802000000").parent()->str(), "441800000000");
  EXPECT_FALSE(code("441800000000").parent().has_value());
  EXPECT_EQ(code("441802001001").city().str(), "441800000000");
}

TEST(RegionCode, ContainmentAndDirectChildren) {
  EXPECT_TRUE(code("441802000000").contains(code("441802001001")));
  EXPECT_TRUE(code("441802000000").contains(code("441802000000")));
  EXPECT_FALSE(code("441802000000").contains(code("441803001001")));
  EXPECT_FALSE(code("441802001001").contains(code("441802001000")));
  EXPECT_TRUE(code("441802001000").is_direct_child_of(code("441802000000")));
  EXPECT_FALSE(code("441802001001").is_direct_child_of(code("441802000000")));
  EXPECT_EQ(code("441800000000").prefix(), "4418");
  EXPECT_EQ(code("441802000000").prefix(), "441802");
  EXPECT_EQ(code("441802001000").prefix(), "441802001");
  EXPECT_EQ(code("441802001001").prefix(), "441802001001");
}

TEST(RegionCode, RejectsWithAClearMessage) {
  auto msg = [](const char* s) { return RegionCode::parse(s).status().message(); };
  EXPECT_EQ(msg("44180200100"), "region code must be 12 digits, got 11 characters");
  EXPECT_EQ(msg("44180200100a"), "region code must be 12 digits, got a non-digit");
  EXPECT_EQ(msg("991800000000"), "region code 991800000000: 99 is not a province prefix");
  EXPECT_EQ(msg("440000000000"),
            "region code 440000000000 names a province; a node is a city, county, town or village");
  EXPECT_EQ(msg("440000001000"),
            "region code 440000001000: a town code needs non-zero city digits");
  EXPECT_EQ(msg("441800000001"),
            "region code 441800000001: a village code needs non-zero county digits");
}

}  // namespace
}  // namespace yimen
