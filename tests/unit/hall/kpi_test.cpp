// KPIs of a subtree: the five targets of task 9, handling time, timeliness,
// satisfaction and demand, rolled up at the county from its villages.

#include "node/hall/kpi.h"

#include "hall_city.h"

namespace yimen::hall::testing {
namespace {

using KpiTest = HallCityTest;

TEST_F(KpiTest, TheCountyRollsUpItsVillagesCases) {
  // Three cases at the village: two at the window, one online.
  Application window = application();
  Application online = application();
  online.channel = "online";
  online.applicant.id_number = "440102198001010013";
  Application rejected = application();
  rejected.applicant.id_number = "110105194912310038";
  const auto a = village().submit(clerk(), window)->case_no;
  const auto b = village().submit(clerk(), online)->case_no;
  const auto c = village().submit(clerk(), rejected)->case_no;
  act(kVillage, b, CaseAction::kVerifyIdentity, "视频核验");
  city.deliver(kVillage, kCounty);
  for (const auto& no : {a, b, c}) act(kCounty, no, CaseAction::kAccept);
  act(kCounty, a, CaseAction::kApprove, "准予");
  act(kCounty, a, CaseAction::kIssueResult, "证");
  act(kCounty, b, CaseAction::kApprove, "准予");
  // The online case is finished after its deadline (2026-02-26).
  city.clock_ms = morning("2026-02-27");
  act(kCounty, b, CaseAction::kIssueResult, "证");
  act(kCounty, c, CaseAction::kReject, "家庭收入超过当地低保标准");
  city.deliver(kCounty, kVillage);
  ASSERT_TRUE(village().rate(a, {5, {}, ""}).ok());
  ASSERT_TRUE(village().rate(b, {2, {"slow"}, ""}).ok());
  city.deliver(kVillage, kCounty);

  const auto calendar = load_calendar(city[kCounty].db).value();
  auto k = compute_kpis(city[kCounty].db, code(kCounty), Date::from_string("2026-02-01").value(),
                        Date::from_string("2026-02-28").value(), calendar);
  ASSERT_TRUE(k.ok()) << k.status().message();
  EXPECT_EQ(k->cases, 3);
  EXPECT_EQ(k->finished, 2);
  EXPECT_EQ(k->applied_online.numerator, 1);
  EXPECT_EQ(k->applied_online.denominator, 3);
  EXPECT_FALSE(k->applied_online.met());
  EXPECT_EQ(k->zero_visits.numerator, 1);  // the online case
  EXPECT_TRUE(k->zero_visits.met());       // 1/3 ≥ 20 %
  EXPECT_EQ(k->completed_online.numerator, 1);
  EXPECT_EQ(k->completed_online.denominator, 2);
  EXPECT_TRUE(k->completed_online.met());
  EXPECT_EQ(k->online_at_most_one_visit.numerator, 1);
  EXPECT_EQ(k->items_fully_online.denominator, 1);
  EXPECT_EQ(k->items_fully_online.numerator, 0);  // dibao needs one visit
  EXPECT_EQ(k->on_time.denominator, 2);
  EXPECT_EQ(k->on_time.numerator, 1);
  // a: accepted and finished the same day, 0 working days; b: 02-12 to 02-27 is
  // 02-13, 02-14 (make-up), 02-24, 02-25, 02-26, 02-27: 6 working days.
  ASSERT_TRUE(k->average_handling_working_days.has_value());
  EXPECT_DOUBLE_EQ(*k->average_handling_working_days, 3.0);
  EXPECT_EQ(k->ratings, 2);
  EXPECT_DOUBLE_EQ(k->average_score.value(), 3.5);
  EXPECT_EQ(k->satisfied.numerator, 1);
  ASSERT_EQ(k->top_items.size(), 1u);
  EXPECT_EQ(k->top_items[0].label, "最低生活保障金给付");
  EXPECT_EQ(k->top_items[0].count, 3);
  ASSERT_EQ(k->rejection_reasons.size(), 1u);
  EXPECT_EQ(k->rejection_reasons[0].key, "家庭收入超过当地低保标准");
  EXPECT_EQ(k->by_hour[9], 3);     // taken at 09:00 CST
  EXPECT_EQ(k->by_weekday[3], 3);  // a Thursday

  // The other county sees none of them; a bad range is refused.
  EXPECT_EQ(
      compute_kpis(city[kCounty].db, code("441803000000"), Date::from_string("2026-02-01").value(),
                   Date::from_string("2026-02-28").value(), calendar)
          ->cases,
      0);
  EXPECT_EQ(compute_kpis(city[kCounty].db, code(kCounty), Date::from_string("2026-03-01").value(),
                         Date::from_string("2026-02-01").value(), calendar)
                .status()
                .code(),
            ErrorCode::kInvalidArgument);
}

}  // namespace
}  // namespace yimen::hall::testing
