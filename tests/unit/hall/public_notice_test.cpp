// Village affairs notices (村务公开): published by a village, public, seen by
// its county, withdrawn only by their publisher.

#include "node/hall/public_notice.h"

#include "hall_city.h"

namespace yimen::hall::testing {
namespace {

using PublicNoticeTest = HallCityTest;

TEST_F(PublicNoticeTest, AVillagePublishesAndWithdrawsItsNotices) {
  NoticeInput n{"subsidy", "2026年第一季度低保金发放名单公示", "张某 600元\n李某 450元",
                Date::from_string("2026-02-20").value()};
  auto no = village().publish_notice(clerk(), n);
  ASSERT_TRUE(no.ok()) << no.status().message();
  EXPECT_EQ(*no, std::string(kVillage) + "-N20260212-000001");
  auto shown =
      notices_in(city[kVillage].db, code(kVillage), Date::from_string("2026-02-12").value(), false)
          .value();
  ASSERT_EQ(shown.size(), 1u);
  EXPECT_EQ(shown[0].title, "2026年第一季度低保金发放名单公示");
  EXPECT_EQ(shown[0].published_by, "wang.clerk");
  // After its last day it is no longer shown, but stays on record.
  EXPECT_TRUE(
      notices_in(city[kVillage].db, code(kVillage), Date::from_string("2026-02-21").value(), false)
          ->empty());
  EXPECT_EQ(
      notices_in(city[kVillage].db, code(kVillage), Date::from_string("2026-02-21").value(), true)
          ->size(),
      1u);

  city.deliver(kVillage, kCounty);
  EXPECT_EQ(
      notices_in(city[kCounty].db, code(kCounty), Date::from_string("2026-02-12").value(), false)
          ->size(),
      1u);
  EXPECT_EQ(county().withdraw_notice(officer(), *no, "").code(), ErrorCode::kPermissionDenied);
  ASSERT_TRUE(village().withdraw_notice(clerk(), *no, "名单有误，更正后重新公示").ok());
  EXPECT_EQ(village().withdraw_notice(clerk(), *no, "").code(), ErrorCode::kAlreadyExists);
  city.deliver(kVillage, kCounty);
  auto withdrawn = load_notice(city[kCounty].db, *no).value().value();
  EXPECT_TRUE(withdrawn.withdrawn);
  EXPECT_EQ(withdrawn.withdraw_reason, "名单有误，更正后重新公示");
}

TEST_F(PublicNoticeTest, BadNoticesAreRefusedNamingTheField) {
  NoticeInput n{"gossip", "标题", "正文", std::nullopt};
  EXPECT_EQ(village().publish_notice(clerk(), n).status().message(),
            "category must be affairs, finance, subsidy or other");
  n.category = "affairs";
  n.title = "";
  EXPECT_EQ(village().publish_notice(clerk(), n).status().code(), ErrorCode::kInvalidArgument);
  n.title = "标题";
  n.body = std::string(8001, 'x');
  EXPECT_EQ(village().publish_notice(clerk(), n).status().code(), ErrorCode::kInvalidArgument);
  n.body = "正文";
  n.valid_until = Date::from_string("2026-01-01").value();
  EXPECT_EQ(village().publish_notice(clerk(), n).status().message(),
            "valid_until 2026-01-01 is in the past");
}

}  // namespace
}  // namespace yimen::hall::testing
