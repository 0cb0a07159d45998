// Supervision orders (督办): from a county or the city, on overdue cases of
// its subtree, answered by the handling node.

#include "node/hall/supervision.h"

#include "hall_city.h"

namespace yimen::hall::testing {
namespace {

class SupervisionTest : public HallCityTest {
 protected:
  // A case accepted at the county on 2026-02-12, due five working days later
  // (2026-02-26 across the Spring Festival), seen by the city.
  std::string accepted_case() {
    auto no = village().submit(clerk(), application())->case_no;
    city.deliver(kVillage, kCounty);
    act(kCounty, no, CaseAction::kAccept);
    city.deliver(kCounty, kCity);
    return no;
  }
  Actor supervisor() { return {"chen.sup", "陈督查", "市政务服务管理局", "0763-3360009"}; }
};

TEST_F(SupervisionTest, AnOverdueCaseIsOrderedAndTheResponseComesBack) {
  const auto no = accepted_case();
  Hall& city_hall = city[kCity].hall;
  // Not overdue yet.
  EXPECT_EQ(city_hall.order_supervision(supervisor(), no, "请加快办理", 3).status().code(),
            ErrorCode::kFailedPrecondition);
  city.clock_ms = morning("2026-03-02");
  EXPECT_EQ(city_hall.order_supervision(supervisor(), no, "", 3).status().code(),
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(city_hall.order_supervision(supervisor(), no, "请加快", 0).status().code(),
            ErrorCode::kInvalidArgument);
  auto order =
      city_hall.order_supervision(supervisor(), no, "请于3个工作日内办结并说明超期原因", 3);
  ASSERT_TRUE(order.ok()) << order.status().message();
  EXPECT_EQ(*order, std::string(kCity) + "-S20260302-000001");
  // A second order on the same case waits for the answer to the first.
  auto second = city_hall.order_supervision(supervisor(), no, "请加快", 3);
  EXPECT_EQ(second.status().code(), ErrorCode::kAlreadyExists);
  EXPECT_NE(second.status().message().find(*order), std::string::npos);

  city.deliver(kCity, kCounty);
  const auto calendar = load_calendar(city[kCounty].db).value();
  auto queue = supervision_orders(city[kCounty].db, code(kCounty), calendar, false).value();
  ASSERT_EQ(queue.size(), 1u);
  EXPECT_EQ(queue[0].case_no, no);
  EXPECT_EQ(queue[0].ordered_by, "chen.sup");
  ASSERT_TRUE(queue[0].due.has_value());
  EXPECT_EQ(queue[0].due->to_string(), "2026-03-05");

  EXPECT_EQ(village().respond_supervision(clerk(), *order, "x").code(), ErrorCode::kNotFound);
  ASSERT_TRUE(county().respond_supervision(officer(), *order, "已于当日办结，超期系材料核查").ok());
  EXPECT_EQ(county().respond_supervision(officer(), *order, "again").code(),
            ErrorCode::kAlreadyExists);
  city.deliver(kCounty, kCity);
  auto seen = load_supervision_order(city[kCity].db, *order, calendar).value().value();
  EXPECT_EQ(seen.response, "已于当日办结，超期系材料核查");
  EXPECT_EQ(seen.responded_by, "li.officer");
  EXPECT_TRUE(supervision_orders(city[kCity].db, code(kCity), calendar, false)->empty());
  EXPECT_EQ(supervision_orders(city[kCity].db, code(kCity), calendar, true)->size(), 1u);
  // Answered: a new order may follow.
  EXPECT_TRUE(city_hall.order_supervision(supervisor(), no, "仍未办结，请说明", 2).ok());
}

TEST_F(SupervisionTest, AnOrderFromOutsideTheSubtreeIsRefusedEverywhere) {
  const auto no = accepted_case();
  city.clock_ms = morning("2026-03-02");
  // The other county holds the case (say, through a misrouted delivery) but
  // does not supervise it.
  city.deliver(kCounty, "441803000000");
  auto refused = city["441803000000"].hall.order_supervision({}, no, "请加快", 3);
  EXPECT_EQ(refused.status().code(), ErrorCode::kPermissionDenied);
  // A town does not supervise either, even its own subtree.
  EXPECT_FALSE(may_supervise(code("441802001000"), code(kVillage)));
  EXPECT_TRUE(may_supervise(code(kCounty), code(kVillage)));
  EXPECT_FALSE(may_supervise(code("441803000000"), code(kCounty)));

  // An order the other county signs anyway is quarantined by the receiver.
  auto& other = city["441803000000"];
  const sync::EventDraft draft{"intruder",
                               {{sync::AudienceEntry::Kind::kNode, code(kCounty)}},
                               [&](schema::Body::Builder b) {
                                 auto o = b.initSupervisionOrder();
                                 o.setOrderNo("441803000000-S20260302-000001");
                                 o.setCaseNo(no);
                                 o.setHandlingNode(kCounty);
                                 o.setInstruction("请加快");
                                 o.setRespondWithin(3);
                               }};
  // The other county has emitted nothing, so this is its first event.
  const Bytes envelope = sync::sign_event(
      draft, other.region, 1, {}, static_cast<std::uint64_t>(city.clock_ms) << 16, other.key);
  auto decoded = sync::decode_envelope(envelope).value();
  auto& county_node = city[kCounty];
  auto tx = county_node.db.begin().value();
  auto r = county_node.hall.log().append(std::move(decoded), city.clock_ms / 1000);
  ASSERT_TRUE(r.ok()) << r.status().message();
  ASSERT_TRUE(tx.commit().ok());
  EXPECT_EQ(r->outcome, sync::AppendOutcome::kQuarantined);
  EXPECT_NE(r->detail.find("outside the subtree"), std::string::npos) << r->detail;
}

}  // namespace
}  // namespace yimen::hall::testing
