// Ratings (好差评) with their follow-up, and complaints answered by the county.

#include "node/hall/feedback.h"

#include "hall_city.h"

namespace yimen::hall::testing {
namespace {

class FeedbackTest : public HallCityTest {
 protected:
  // A case taken at the village, handled to its result at the county, and
  // delivered back.
  std::string finished_case() {
    auto no = village().submit(clerk(), application())->case_no;
    city.deliver(kVillage, kCounty);
    act(kCounty, no, CaseAction::kAccept);
    act(kCounty, no, CaseAction::kApprove, "准予");
    act(kCounty, no, CaseAction::kIssueResult, "最低生活保障证");
    city.deliver(kCounty, kVillage);
    return no;
  }
};

TEST_F(FeedbackTest, ARatingComesAfterTheResultAndOnlyOnce) {
  auto no = village().submit(clerk(), application())->case_no;
  EXPECT_EQ(village().rate(no, {5, {}, ""}).code(), ErrorCode::kFailedPrecondition);

  no = finished_case();
  EXPECT_EQ(village().rate(no, {0, {}, ""}).code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(village().rate(no, {3, {"rude"}, ""}).message(), "tags: unknown tag 'rude'");
  ASSERT_TRUE(village().rate(no, {2, {"slow", "many_visits"}, "跑了三趟"}).ok());
  Status second = village().rate(no, {5, {}, ""});
  EXPECT_EQ(second.code(), ErrorCode::kAlreadyExists);
  EXPECT_EQ(second.message(), "case " + no + " was already rated on 2026-02-12");

  city.deliver(kVillage, kCounty);
  const auto calendar = load_calendar(city[kCounty].db).value();
  auto rating = load_rating(city[kCounty].db, no, calendar).value();
  ASSERT_TRUE(rating.has_value());
  EXPECT_EQ(rating->score, 2);
  EXPECT_EQ(rating->tags, (std::vector<std::string>{"slow", "many_visits"}));
  EXPECT_EQ(rating->comment, "跑了三趟");
  // 2026-02-12 (Thu) + 5 working days: 02-13, 02-14 (make-up Saturday), then the
  // Spring Festival holiday to 02-23, then 02-24, 02-25, 02-26.
  ASSERT_TRUE(rating->follow_up_due.has_value());
  EXPECT_EQ(rating->follow_up_due->to_string(), "2026-02-26");
  // The county rating also refuses a second one: it holds the village's.
  EXPECT_EQ(county().rate(no, {4, {}, ""}).code(), ErrorCode::kAlreadyExists);
}

TEST_F(FeedbackTest, APoorRatingOpensAFollowUpAtTheHandlingNode) {
  const auto no = finished_case();
  const std::string good = finished_case();
  ASSERT_TRUE(village().rate(no, {1, {"impolite"}, ""}).ok());
  ASSERT_TRUE(village().rate(good, {5, {"quick"}, ""}).ok());
  city.deliver(kVillage, kCounty);
  const auto calendar = load_calendar(city[kCounty].db).value();
  auto tasks = follow_up_tasks(city[kCounty].db, code(kCounty), calendar, false).value();
  ASSERT_EQ(tasks.size(), 1u);
  EXPECT_EQ(tasks[0].case_no, no);
  // The city supervises the county's follow-ups too.
  city.deliver(kCounty, kCity);
  EXPECT_EQ(follow_up_tasks(city[kCity].db, code(kCity), calendar, false)->size(), 1u);

  EXPECT_EQ(village().follow_up_rating(clerk(), no, "已回访").code(), ErrorCode::kPermissionDenied);
  EXPECT_EQ(county().follow_up_rating(officer(), good, "回访").code(),
            ErrorCode::kFailedPrecondition);
  EXPECT_EQ(county().follow_up_rating(officer(), no, " ").code(), ErrorCode::kInvalidArgument);
  ASSERT_TRUE(county().follow_up_rating(officer(), no, "已电话回访并致歉").ok());
  EXPECT_EQ(county().follow_up_rating(officer(), no, "again").code(), ErrorCode::kAlreadyExists);
  EXPECT_TRUE(follow_up_tasks(city[kCounty].db, code(kCounty), calendar, false)->empty());
  city.deliver(kCounty, kVillage);
  auto seen = load_rating(city[kVillage].db, no, calendar).value();
  ASSERT_TRUE(seen.has_value());
  EXPECT_EQ(seen->follow_up, "已电话回访并致歉");
  EXPECT_EQ(seen->follow_up_by, "li.officer");
}

TEST_F(FeedbackTest, AComplaintIsAnsweredByTheCountyAboveTheOffice) {
  EXPECT_EQ(complaint_handler(code(kVillage)).str(), kCounty);
  EXPECT_EQ(complaint_handler(code(kCounty)).str(), kCity);
  EXPECT_EQ(complaint_handler(code(kCity)).str(), kCity);

  ComplaintInput c{
      code(kVillage), "", "complaint", "窗口人员态度差", "办理低保时被要求反复提交材料", "", ""};
  auto filed = village().file_complaint(Actor{}, c);
  ASSERT_TRUE(filed.ok()) << filed.status().message();
  EXPECT_EQ(filed->complaint_no, std::string(kVillage) + "-C20260212-000001");
  EXPECT_EQ(filed->code.size(), 8u);
  EXPECT_EQ(filed->handler.str(), kCounty);
  auto kept = load_complaint(city[kVillage].db, filed->complaint_no).value().value();
  EXPECT_TRUE(crypto::verify_password(kept.code_hash, filed->code));
  EXPECT_EQ(kept.contact_name, "");  // anonymous

  ComplaintInput bad = c;
  bad.kind = "praise";
  EXPECT_EQ(village().file_complaint(Actor{}, bad).status().code(), ErrorCode::kInvalidArgument);
  bad = c;
  bad.about = code("440100000000");
  EXPECT_EQ(village().file_complaint(Actor{}, bad).status().code(), ErrorCode::kInvalidArgument);

  EXPECT_EQ(village().answer_complaint(clerk(), filed->complaint_no, "已处理", true).code(),
            ErrorCode::kPermissionDenied);
  city.deliver(kVillage, kCounty);
  const auto calendar = load_calendar(city[kCounty].db).value();
  auto listed = complaints_handled_in(city[kCounty].db, code(kCounty)).value();
  ASSERT_EQ(listed.size(), 1u);
  // Ten working days, the make-up Saturday 02-28 among them.
  EXPECT_EQ(complaint_due(calendar, listed[0].filed_on)->to_string(), "2026-03-04");
  ASSERT_TRUE(county()
                  .answer_complaint(officer(), filed->complaint_no, "经核查属实，已批评教育", true)
                  .ok());
  EXPECT_EQ(county().answer_complaint(officer(), filed->complaint_no, "x", false).code(),
            ErrorCode::kAlreadyExists);
  city.deliver(kCounty, kVillage);
  auto answered = load_complaint(city[kVillage].db, filed->complaint_no).value().value();
  EXPECT_EQ(answered.answer, "经核查属实，已批评教育");
  EXPECT_TRUE(answered.upheld);
  EXPECT_EQ(answered.answered_by, "li.officer");
}

}  // namespace
}  // namespace yimen::hall::testing
