#include "sync/routing.h"

#include <gtest/gtest.h>

namespace yimen::sync {
namespace {

RegionCode code(const char* s) { return RegionCode::parse(s).value(); }

EventRoute route(const char* origin, std::vector<AudienceEntry> audience) {
  return {code(origin), std::move(audience)};
}
AudienceEntry node(const char* c) { return {AudienceEntry::Kind::kNode, code(c)}; }
AudienceEntry region(const char* c) { return {AudienceEntry::Kind::kRegion, code(c)}; }

TEST(Routing, EverythingFromTheSubtreeGoesUpAndNothingElse) {
  const auto town = code("441802001000");
  EXPECT_TRUE(goes_up(route("441802001000", {node("441802001000")}), town));     // its own
  EXPECT_TRUE(goes_up(route("441802001002", {node("441802001002")}), town));     // a village's
  EXPECT_FALSE(goes_up(route("441802000000", {region("441800000000")}), town));  // the county's
  EXPECT_FALSE(goes_up(route("441802002001", {node("441802001002")}), town));    // another town's
}

TEST(Routing, DownByAudienceButNeverBackIntoTheSubtreeItCameFrom) {
  const auto v1 = code("441802001001"), town1 = code("441802001000"), town2 = code("441802002000");
  // A case of village 1 handled by the county: not back down to village 1's town.
  const auto up_case = route("441802001001", {node("441802001001"), node("441802000000")});
  EXPECT_FALSE(goes_down(up_case, town1));
  EXPECT_FALSE(goes_down(up_case, town2));
  // The county's handling event for it: to town 1 (village 1 is below), not town 2.
  const auto handling = route("441802000000", {node("441802001001"), node("441802000000")});
  EXPECT_TRUE(goes_down(handling, town1));
  EXPECT_TRUE(goes_down(handling, v1));
  EXPECT_FALSE(goes_down(handling, town2));
  // The city's catalogue: everywhere.
  const auto catalogue = route("441800000000", {region("441800000000")});
  EXPECT_TRUE(goes_down(catalogue, town2));
  EXPECT_TRUE(goes_down(catalogue, v1));
  // A region entry below the child reaches it too (the child relays it).
  EXPECT_TRUE(goes_down(route("441800000000", {region("441802001000")}), code("441802000000")));
}

TEST(Routing, ARecoveringChildGetsItsOwnEventsBack) {
  const auto v1 = code("441802001001");
  const auto own = route("441802001001", {node("441802001001"), node("441802000000")});
  EXPECT_FALSE(goes_down(own, v1));
  EXPECT_TRUE(goes_down(own, v1, true));
}

}  // namespace
}  // namespace yimen::sync
