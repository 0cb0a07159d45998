// Parallel approval (并联审批): departments named by the item review an
// accepted case in parallel, each with its own deadline; the case is approved
// when all agree and rejected as soon as one disagrees.

#include "node/hall/parallel_review.h"

#include "hall_city.h"

namespace yimen::hall::testing {
namespace {

const std::string kJoint = "JF-00105-009-441802000000";

class ParallelReviewTest : public HallCityTest {
 protected:
  void SetUp() override {
    HallCityTest::SetUp();
    ServiceItem item = dibao(kCounty);
    item.code = parse_item_code(kJoint).value();
    item.name = "困难群众联办救助";
    item.public_notice.reset();
    item.parallel_departments = {{"区卫生健康局", {3, DayKind::kWorking}},
                                 {"区医疗保障局", {5, DayKind::kWorking}}};
    ASSERT_TRUE(county().publish_item(officer(), item).ok());
    city.deliver(kCounty, kVillage);
  }

  // A joint case taken at the village and accepted at the county on 2026-02-12.
  std::string accepted_joint_case() {
    Application a = application();
    a.item_code = kJoint;
    auto submitted = village().submit(clerk(), a);
    EXPECT_TRUE(submitted.ok()) << submitted.status().message();
    city.deliver(kVillage, kCounty);
    act(kCounty, submitted->case_no, CaseAction::kAccept);
    return submitted->case_no;
  }

  Actor health() { return {"zhao.health", "赵卫健", "区卫生健康局", "0763-3360011"}; }
  Actor insurance() { return {"qian.yibao", "钱医保", "区医疗保障局", "0763-3360012"}; }

  std::vector<ParallelTask> tasks(const char* node, const std::string& no) {
    auto& db = city[node].db;
    const CaseFile file = at(node, no);
    const ServiceItem item = load_item(db, file.item_code, file.item_version).value().value();
    return parallel_tasks(load_calendar(db).value(), file, item, load_opinions(db, no).value(),
                          Date::from_string("2026-02-12").value(), 1);
  }
};

TEST_F(ParallelReviewTest, TheCaseIsApprovedWhenEveryDepartmentAgrees) {
  const auto no = accepted_joint_case();
  auto open = tasks(kCounty, no);
  ASSERT_EQ(open.size(), 2u);
  EXPECT_EQ(open[0].department, "区卫生健康局");
  // Three working days from Thursday 2026-02-12: Friday, the make-up Saturday
  // 2026-02-14, and the first day after the Spring Festival.
  ASSERT_TRUE(open[0].due.has_value());
  EXPECT_EQ(open[0].due->to_string(), "2026-02-24");
  EXPECT_EQ(open[1].due->to_string(), "2026-02-26");
  ASSERT_TRUE(open[0].card.has_value());
  EXPECT_EQ(*open[0].card, Card::kGreen);

  // The lead department cannot approve alone.
  const Status alone = county().act(officer(), no, {CaseAction::kApprove, "准予", {}, {}});
  EXPECT_EQ(alone.code(), ErrorCode::kFailedPrecondition);
  EXPECT_NE(alone.message().find("区卫生健康局, 区医疗保障局"), std::string::npos)
      << alone.message();

  EXPECT_EQ(county().record_opinion(health(), no, "区公安分局", true, "").code(),
            ErrorCode::kInvalidArgument);
  ASSERT_TRUE(
      county().record_opinion(health(), no, "区卫生健康局", true, "出生医学证明核验无误").ok());
  EXPECT_EQ(county().record_opinion(health(), no, "区卫生健康局", true, "").code(),
            ErrorCode::kAlreadyExists);
  EXPECT_EQ(at(kCounty, no).state, CaseState::kAccepted);
  auto half = tasks(kCounty, no);
  ASSERT_TRUE(half[0].opinion.has_value());
  EXPECT_FALSE(half[0].card.has_value());  // answered: no card
  EXPECT_TRUE(half[1].card.has_value());

  ASSERT_TRUE(county().record_opinion(insurance(), no, "区医疗保障局", true, "").ok());
  const CaseFile decided = at(kCounty, no);
  EXPECT_EQ(decided.state, CaseState::kApproved);
  EXPECT_EQ(decided.decision, "并联审批：区卫生健康局、区医疗保障局均同意，准予办理。");

  // The intake node sees the opinions and the decision.
  city.deliver(kCounty, kVillage);
  EXPECT_EQ(at(kVillage, no).state, CaseState::kApproved);
  const auto seen = load_opinions(city[kVillage].db, no).value();
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(tasks(kVillage, no)[1].opinion->note, "同意");
  EXPECT_EQ(tasks(kVillage, no)[0].opinion->by_office, "区卫生健康局");
}

TEST_F(ParallelReviewTest, AnApprovalWithoutTheOpinionsIsQuarantinedOnReceipt) {
  const auto no = accepted_joint_case();
  city.deliver(kCounty, kVillage);
  ASSERT_TRUE(county().record_opinion(health(), no, "区卫生健康局", true, "").ok());
  city.deliver(kCounty, kVillage);
  // The county's own command side refuses; a county that signs the approval
  // anyway (an old or altered build) is refused by the receiver.
  auto r = append_at(kVillage, signed_by(kCounty, [&](schema::Body::Builder b) {
                       auto h = b.initCaseHandling();
                       h.setCaseNo(no);
                       h.setApproved("准予");
                     }));
  EXPECT_EQ(r.outcome, sync::AppendOutcome::kQuarantined);
  EXPECT_EQ(r.detail, "case " + no +
                          " was approved while the opinion of 区医疗保障局 was awaited "
                          "(并联审批)");
  EXPECT_EQ(at(kVillage, no).state, CaseState::kAccepted);
}

TEST_F(ParallelReviewTest, OneDisagreementRejectsTheCase) {
  const auto no = accepted_joint_case();
  EXPECT_EQ(county().record_opinion(insurance(), no, "区医疗保障局", false, "").code(),
            ErrorCode::kInvalidArgument);
  ASSERT_TRUE(
      county().record_opinion(insurance(), no, "区医疗保障局", false, "参保信息与申报不符").ok());
  const CaseFile decided = at(kCounty, no);
  EXPECT_EQ(decided.state, CaseState::kRejected);
  EXPECT_EQ(decided.decision, "并联审批：区医疗保障局不同意。参保信息与申报不符");
  // The case is decided: no more opinions.
  EXPECT_EQ(county().record_opinion(health(), no, "区卫生健康局", true, "").code(),
            ErrorCode::kFailedPrecondition);
  ASSERT_TRUE(county().rebuild().ok());
  EXPECT_EQ(at(kCounty, no).state, CaseState::kRejected);
  EXPECT_EQ(load_opinions(city[kCounty].db, no)->size(), 1u);
}

TEST_F(ParallelReviewTest, OpinionsComeOnlyFromTheHandlingNodeOnAnAcceptedCase) {
  Application a = application();
  a.item_code = kJoint;
  const auto no = village().submit(clerk(), a)->case_no;
  city.deliver(kVillage, kCounty);
  EXPECT_EQ(county().record_opinion(health(), no, "区卫生健康局", true, "").code(),
            ErrorCode::kFailedPrecondition);
  act(kCounty, no, CaseAction::kAccept);
  city.deliver(kCounty, kVillage);
  EXPECT_EQ(village().record_opinion(health(), no, "区卫生健康局", true, "").code(),
            ErrorCode::kPermissionDenied);
  // An item without parallel departments is decided by the lead alone.
  const auto plain = village().submit(clerk(), application())->case_no;
  city.deliver(kVillage, kCounty);
  act(kCounty, plain, CaseAction::kAccept);
  EXPECT_TRUE(tasks(kCounty, plain).empty());
  act(kCounty, plain, CaseAction::kApprove, "准予");
}

TEST_F(ParallelReviewTest, ParallelDepartmentsMustFitTheCommittedLimit) {
  ServiceItem item = dibao(kCounty);
  item.parallel_departments = {{"区卫生健康局", {6, DayKind::kWorking}}};
  EXPECT_EQ(validate(item).message(),
            "parallel_departments[0].limit: 6 working days is not within committed_limit 5 "
            "working days");
  item.parallel_departments = {{"区卫生健康局", {3, DayKind::kWorking}},
                               {"区卫生健康局", {2, DayKind::kWorking}}};
  EXPECT_EQ(validate(item).message(),
            "parallel_departments[1].department: duplicate of parallel_departments[0]");
}

}  // namespace
}  // namespace yimen::hall::testing
