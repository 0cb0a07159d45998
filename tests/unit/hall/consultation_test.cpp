// Consultations (咨询): a question asked at a village about an item reaches
// the node that publishes the item, is answered there once, and the answer
// comes back to the village, where the asker reads it with the code.

#include "node/hall/consultation.h"

#include "hall_city.h"

namespace yimen::hall::testing {
namespace {

constexpr const char* kTown = "441802001000";
constexpr const char* kOtherCounty = "441803000000";

class ConsultationTest : public HallCityTest {
 protected:
  QuestionInput question(std::string text = "低保申请需要提供几个月的银行流水？") {
    return {kDibao, std::move(text), "", ""};
  }

  QuestionRecord at_node(const char* node, const std::string& no) {
    return load_question(city[node].db, no).value().value();
  }

  static std::function<void(schema::Body::Builder)> answer_body(std::string no, std::string text) {
    return [no = std::move(no), text = std::move(text)](schema::Body::Builder b) {
      auto a = b.initQuestionAnswer();
      a.setQuestionNo(no);
      a.setText(text);
    };
  }
};

TEST_F(ConsultationTest, AVillageQuestionIsAnsweredByTheCountyThatPublishesTheItem) {
  auto asked = village().ask_question(
      Actor{}, {kDibao, "低保申请需要提供几个月的银行流水？", "张三", "138 0013 8000"});
  ASSERT_TRUE(asked.ok()) << asked.status().message();
  EXPECT_EQ(asked->question_no, std::string(kVillage) + "-Q20260212-000001");
  ASSERT_EQ(asked->code.size(), 8u);
  EXPECT_EQ(asked->code.find_first_not_of("0123456789"), std::string::npos);
  EXPECT_EQ(asked->answering_node.str(), kCounty);
  const auto kept = at_node(kVillage, asked->question_no);
  EXPECT_TRUE(crypto::verify_password(kept.code_hash, asked->code));
  std::string wrong = asked->code;
  wrong[7] = wrong[7] == '9' ? '0' : static_cast<char>(wrong[7] + 1);
  EXPECT_FALSE(crypto::verify_password(kept.code_hash, wrong));
  EXPECT_EQ(kept.item_code, kDibao);
  EXPECT_EQ(kept.asked_on.to_string(), "2026-02-12");
  // The next one of the day takes the next number.
  EXPECT_EQ(village().ask_question(Actor{}, question())->question_no,
            std::string(kVillage) + "-Q20260212-000002");

  // Only the county answers, and only once it holds the question.
  Status by_village = village().answer_question(clerk(), asked->question_no, "三个月");
  EXPECT_EQ(by_village.code(), ErrorCode::kPermissionDenied);
  EXPECT_NE(by_village.message().find(kCounty), std::string::npos);
  EXPECT_EQ(county().answer_question(officer(), asked->question_no, "三个月").code(),
            ErrorCode::kNotFound);

  city.deliver(kVillage, kCounty);
  const auto open =
      questions_in(city[kCounty].db, code(kCounty), code(kCounty), QuestionFilter::kOpen).value();
  ASSERT_EQ(open.size(), 2u);
  EXPECT_EQ(open[0].question_no, asked->question_no);  // the oldest first
  EXPECT_EQ(open[0].asking_node.str(), kVillage);
  EXPECT_EQ(open[0].question, "低保申请需要提供几个月的银行流水？");
  EXPECT_EQ(open[0].contact_name, "张三");
  EXPECT_EQ(open[0].contact_phone, "138 0013 8000");

  ASSERT_TRUE(county()
                  .answer_question(officer(), asked->question_no,
                                   "需提供近六个月的银行流水。\n可在窗口打印。")
                  .ok());
  Status again = county().answer_question(officer(), asked->question_no, "改为三个月");
  EXPECT_EQ(again.code(), ErrorCode::kAlreadyExists);
  EXPECT_EQ(again.message(), "question " + asked->question_no + " was already answered");
  EXPECT_EQ(
      questions_in(city[kCounty].db, code(kCounty), code(kCounty), QuestionFilter::kOpen)->size(),
      1u);
  EXPECT_EQ(questions_in(city[kCounty].db, code(kCounty), code(kCounty), QuestionFilter::kAnswered)
                ->size(),
            1u);

  // Before the answer travels the village shows none; after, the asker reads it.
  EXPECT_EQ(at_node(kVillage, asked->question_no).answer, "");
  city.deliver(kCounty, kVillage);
  const auto answered = at_node(kVillage, asked->question_no);
  EXPECT_EQ(answered.answer, "需提供近六个月的银行流水。\n可在窗口打印。");
  ASSERT_TRUE(answered.answered_on.has_value());
  EXPECT_EQ(answered.answered_on->to_string(), "2026-02-12");
  EXPECT_EQ(answered.answered_by, "li.officer");
  // The village lists what it asked too, though it answers none of it.
  const auto seen_at_village =
      questions_in(city[kVillage].db, code(kVillage), code(kVillage), QuestionFilter::kAll).value();
  EXPECT_EQ(seen_at_village.size(), 2u);

  // Rebuilt from the log, the county holds the same.
  ASSERT_TRUE(county().rebuild().ok());
  EXPECT_EQ(at_node(kCounty, asked->question_no).answer, answered.answer);
}

TEST_F(ConsultationTest, TheCountyAnswersWhatIsAskedAtItsOwnHall) {
  auto asked = county().ask_question(clerk(), question());
  ASSERT_TRUE(asked.ok()) << asked.status().message();
  EXPECT_EQ(asked->answering_node.str(), kCounty);
  ASSERT_TRUE(county().answer_question(officer(), asked->question_no, "六个月").ok());
  EXPECT_EQ(at_node(kCounty, asked->question_no).answer, "六个月");
}

TEST_F(ConsultationTest, BadQuestionsAndAnswersAreRefusedNamingTheField) {
  const auto refused = [&](QuestionInput q) { return village().ask_question(Actor{}, q).status(); };
  QuestionInput q = question();
  q.item_code = "JF-105";
  EXPECT_EQ(refused(q).code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(refused(q).message().rfind("item_code", 0), 0u) << refused(q).message();
  q.item_code = "JF-00999-001-441802000000";
  EXPECT_EQ(refused(q).code(), ErrorCode::kNotFound);
  q.item_code = "JF-00105-001-440100000000";  // another city's
  EXPECT_EQ(refused(q).message(),
            "item_code: JF-00105-001-440100000000 is not an item of this city");

  for (const std::string& text :
       {std::string(), std::string(" \n "), std::string(2001, 'x'), std::string("a\x01")}) {
    Status s = refused(question(text));
    EXPECT_EQ(s.code(), ErrorCode::kInvalidArgument);
    EXPECT_EQ(s.message(), "question must be 1 to 2000 bytes of text");
  }
  EXPECT_TRUE(village().ask_question(Actor{}, question(std::string(2000, 'x'))).ok());
  q = question();
  q.contact_phone = "call me";
  EXPECT_EQ(refused(q).message(), "contact_phone must be 5 to 20 digits, spaces, '-' or '+'");
  q = question();
  q.contact_name = std::string(101, 'x');
  EXPECT_EQ(refused(q).message(), "contact_name must be at most 100 bytes of text");

  auto asked = county().ask_question(Actor{}, question());
  ASSERT_TRUE(asked.ok());
  for (const std::string& text : {std::string(""), std::string(4001, 'x')}) {
    Status s = county().answer_question(officer(), asked->question_no, text);
    EXPECT_EQ(s.message(), "answer must be 1 to 4000 bytes of text");
  }
  EXPECT_TRUE(county().answer_question(officer(), asked->question_no, std::string(4000, 'x')).ok());
  EXPECT_EQ(county().answer_question(officer(), "441802000000-Q20260212-000099", "x").code(),
            ErrorCode::kNotFound);
}

TEST_F(ConsultationTest, EventsBreakingTheRulesAreQuarantinedOnReceipt) {
  auto asked = village().ask_question(Actor{}, question());
  ASSERT_TRUE(asked.ok());
  city.deliver(kVillage, kCounty);
  const std::string no = asked->question_no;

  // The asking village may not answer an item the county publishes, even
  // though it signs the answer itself.
  auto r = append_at(kCounty, signed_by(kVillage, answer_body(no, "三个月")));
  EXPECT_EQ(r.outcome, sync::AppendOutcome::kQuarantined);
  EXPECT_EQ(r.detail, "question " + no + " is answered only by 441802000000");
  // Nor the other county.
  r = append_at(kCounty, signed_by(kOtherCounty, answer_body(no, "三个月")));
  EXPECT_EQ(r.outcome, sync::AppendOutcome::kQuarantined);
  EXPECT_EQ(at_node(kCounty, no).answer, "");

  // A question numbered by another node.
  r = append_at(kCounty, signed_by(kTown, [](schema::Body::Builder b) {
                  auto q = b.initQuestion();
                  q.setQuestionNo(std::string(kVillage) + "-Q20260212-000009");
                  q.setItemCode(kDibao);
                  q.setAnswerer(kCounty);
                  q.setText("问");
                  q.setCodeHash("$argon2id$x");
                }));
  EXPECT_EQ(r.outcome, sync::AppendOutcome::kQuarantined);
  EXPECT_EQ(r.detail, "question " + std::string(kVillage) +
                          "-Q20260212-000009 is not numbered by its origin");

  // An oversized answer never becomes valid, even where the question has not
  // arrived (the other village: nothing waits there).
  r = append_at(kOtherVillage, signed_by(kCounty, answer_body(no, std::string(4001, 'x'))));
  EXPECT_EQ(r.outcome, sync::AppendOutcome::kQuarantined);
  EXPECT_EQ(r.detail, "the answer to " + no + " must be 1 to 4000 bytes of text");

  // The county's answer is accepted; a second one is not.
  ASSERT_TRUE(county().answer_question(officer(), no, "六个月").ok());
  city.deliver(kCounty, kVillage);
  r = append_at(kVillage, signed_by(kCounty, answer_body(no, "改为三个月")));
  EXPECT_EQ(r.outcome, sync::AppendOutcome::kQuarantined);
  EXPECT_EQ(r.detail, "question " + no + " was already answered");
  EXPECT_EQ(at_node(kVillage, no).answer, "六个月");
}

TEST_F(ConsultationTest, AnAnswerArrivingBeforeItsQuestionWaitsForIt) {
  auto asked = village().ask_question(Actor{}, question());
  ASSERT_TRUE(asked.ok());
  city.deliver(kVillage, kCounty);
  ASSERT_TRUE(county().answer_question(officer(), asked->question_no, "六个月").ok());

  // The town hears the county's answer before the village's question.
  Bytes answer;
  const auto events = county().log().read_from(0, 100000).value();
  for (const auto& e : events) {
    auto decoded = sync::decode_envelope(e.envelope).value();
    if (decoded.reader().getBody().which() == schema::Body::QUESTION_ANSWER) answer = e.envelope;
  }
  ASSERT_FALSE(answer.empty());
  auto r = append_at(kTown, answer);
  EXPECT_EQ(r.outcome, sync::AppendOutcome::kPending);
  EXPECT_EQ(r.detail, "question:" + asked->question_no);
  EXPECT_FALSE(load_question(city[kTown].db, asked->question_no)->has_value());

  city.deliver(kVillage, kTown);
  EXPECT_EQ(at_node(kTown, asked->question_no).answer, "六个月");
}

}  // namespace
}  // namespace yimen::hall::testing
