// The hall as an application service: catalogue, calendar, a case from
// intake at a village to its result at the county, deadlines and rebuild.

#include "node/hall/hall.h"

#include "hall_city.h"
#include "support/status.h"

namespace yimen::hall::testing {
namespace {

constexpr const char* kCity = "441800000000";
constexpr const char* kCounty = "441802000000";
constexpr const char* kVillage = "441802001001";
constexpr const char* kOtherVillage = "441803001001";
const std::string kDibao = "JF-00105-001-441802000000";

Application application(const char* domicile = kVillage) {
  Application a;
  a.item_code = kDibao;
  a.applicant = {"11010519491231002X", "张三", "13800138000", domicile};
  a.materials = {{0, "paper", "", std::nullopt}, {1, "shared", "市公安局人口库", std::nullopt}};
  return a;
}

// A county with its catalogue and the city calendar, seen by a village.
class HallTest : public ::testing::Test {
 protected:
  HallTest() : city(morning("2026-02-12")) {}

  void SetUp() override {
    publish_2026(city[kCity].hall);
    ASSERT_EQ(city[kCounty].hall.publish_item(officer(), dibao(kCounty)).value(), 1);
    for (const char* to : {kCounty, kVillage, kOtherVillage}) city.deliver(kCity, to);
    for (const char* to : {kVillage, kOtherVillage}) city.deliver(kCounty, to);
  }

  Hall& village() { return city[kVillage].hall; }
  Hall& county() { return city[kCounty].hall; }
  CaseFile at(const char* node, const std::string& no) {
    return load_case(city[node].db, no).value().value();
  }
  void act(const char* node, const std::string& no, CaseAction action, std::string note = "",
           std::vector<MaterialFinding> findings = {}) {
    CaseCommand c{action, std::move(note), std::move(findings), {}};
    Status s = city[node].hall.act(node == std::string(kCounty) ? officer() : clerk(), no, c);
    ASSERT_TRUE(s.ok()) << case_action_name(action) << ": " << s.message();
  }

  HallCity city;
};

TEST_F(HallTest, EveryPublishIsANewVersionAndOldOnesStayReadable) {
  ServiceItem v2 = dibao(kCounty);
  v2.committed_limit = {10, DayKind::kWorking};
  auto published = county().publish_item(officer(), v2);
  ASSERT_TRUE(published.ok()) << published.status().message();
  ASSERT_EQ(*published, 2);
  EXPECT_EQ(load_item(city[kCounty].db, kDibao)->value().committed_limit.days, 10);
  EXPECT_EQ(load_item(city[kCounty].db, kDibao, 1)->value().committed_limit.days, 5);
  // A node publishes only its own region's items.
  auto refused = village().publish_item(clerk(), dibao(kCounty));
  EXPECT_EQ(refused.status().code(), ErrorCode::kPermissionDenied);
  // An invalid item is refused with the field named.
  ServiceItem bad = dibao(kCounty);
  bad.materials[0].copies = 0;
  EXPECT_EQ(county().publish_item(officer(), bad).status().message(),
            "materials[0].copies: expected 1 to 20, got 0");
}

TEST_F(HallTest, TheCatalogueIsSearchableAtEveryNodeThatHoldsIt) {
  auto index = load_catalogue_index(city[kVillage].db);
  ASSERT_TRUE(index.ok()) << index.status().message();
  auto hits = index->search_codes("低保").value();
  ASSERT_EQ(hits.size(), 1u);
  EXPECT_EQ(format_item_code(hits[0]), kDibao);
  EXPECT_TRUE(index->search_codes("户口").value().empty());
  EXPECT_EQ(index->search_codes("", Theme::kSocialSecurity)->size(), 1u);
  EXPECT_TRUE(index->search_codes("", Theme::kHousing)->empty());
}

TEST_F(HallTest, TheCalendarComesFromTheCity) {
  EXPECT_TRUE(load_calendar(city[kVillage].db)->is_published(2026));
  EXPECT_EQ(county().publish_calendar(officer(), 2027, {}, {}, "").code(),
            ErrorCode::kPermissionDenied);
}

TEST_F(HallTest, ACaseFromIntakeAtAVillageToItsResultAtTheCounty) {
  auto submitted = village().submit(clerk(), application());
  ASSERT_TRUE(submitted.ok()) << submitted.status().message();
  EXPECT_EQ(submitted->case_no, "441802001001-20260212-000001");
  EXPECT_EQ(submitted->handling_node.str(), kCounty);
  EXPECT_EQ(submitted->query_code.size(), 8u);
  const std::string no = submitted->case_no;
  CaseFile f = at(kVillage, no);
  EXPECT_EQ(f.state, CaseState::kSubmitted);
  EXPECT_EQ(f.responsible_login, "wang.clerk");  // first-contact responsibility
  EXPECT_NE(f.query_code_hash.find("$argon2id$"), std::string::npos);
  EXPECT_EQ(f.query_code_hash.find(submitted->query_code), std::string::npos);
  EXPECT_TRUE(crypto::verify_password(f.query_code_hash, submitted->query_code));

  city.deliver(kVillage, kCounty);
  act(kCounty, no, CaseAction::kAccept);
  act(kCounty, no, CaseAction::kRequestMaterials, "", {{2, MaterialProblem::kMissing, "", 0}});
  city.deliver(kCounty, kVillage);
  EXPECT_EQ(at(kVillage, no).state, CaseState::kAwaitingMaterials);
  CaseCommand supply{
      CaseAction::kSupplyMaterials, "", {}, {{2, "commitment", "签署承诺书", std::nullopt}}};
  ASSERT_TRUE(village().act(clerk(), no, supply).ok());
  city.deliver(kVillage, kCounty);
  act(kCounty, no, CaseAction::kAcceptSupplement);
  act(kCounty, no, CaseAction::kApprove, "准予享受最低生活保障，月保障金600元");
  act(kCounty, no, CaseAction::kIssueResult, "最低生活保障证");
  act(kCounty, no, CaseAction::kClose);
  city.deliver(kCounty, kVillage);
  act(kVillage, no, CaseAction::kDeliverResult, "窗口领取");
  city.deliver(kVillage, kCounty);

  for (const char* node : {kVillage, kCounty}) {
    CaseFile done = at(node, no);
    EXPECT_EQ(done.state, CaseState::kClosed) << node;
    EXPECT_EQ(done.decision, "准予享受最低生活保障，月保障金600元");
    auto t = load_transitions(city[node].db, no).value();
    ASSERT_EQ(t.size(), 9u) << node;
    EXPECT_EQ(t[0].action, CaseAction::kSubmit);
    EXPECT_EQ(t[1].action, CaseAction::kAccept);
    EXPECT_EQ(t[1].actor_name, "李审批");
    EXPECT_EQ(t[1].actor_phone, "0763-3360002");
    EXPECT_EQ(t[8].action, CaseAction::kDeliverResult);
  }
}

TEST_F(HallTest, IllegalTransitionsAreRefusedNamingStateAndAction) {
  auto no = village().submit(clerk(), application())->case_no;
  city.deliver(kVillage, kCounty);
  Status s = county().act(officer(), no, {CaseAction::kApprove, "ok", {}, {}});
  EXPECT_EQ(s.message(), "cannot approve a case that is submitted");
  act(kCounty, no, CaseAction::kAccept);
  EXPECT_EQ(county().act(officer(), no, {CaseAction::kAccept, "", {}, {}}).message(),
            "cannot accept a case that is accepted");
  EXPECT_EQ(county().act(officer(), no, {CaseAction::kClose, "", {}, {}}).message(),
            "cannot close a case that is accepted");
  EXPECT_EQ(county().act(officer(), no, {CaseAction::kReject, "", {}, {}}).message(),
            "reject needs a note (the decision, reason or result)");
}

TEST_F(HallTest, EachHalfIsWrittenOnlyByItsOwnNode) {
  auto no = village().submit(clerk(), application())->case_no;
  city.deliver(kVillage, kCounty);
  Status s = village().act(clerk(), no, {CaseAction::kAccept, "", {}, {}});
  EXPECT_EQ(s.code(), ErrorCode::kPermissionDenied);
  EXPECT_EQ(s.message(), "case " + no + " is handled by 441802000000, not by this node");
  EXPECT_EQ(county().act(officer(), no, {CaseAction::kRequestWithdrawal, "搬家", {}, {}}).code(),
            ErrorCode::kPermissionDenied);

  // A handling event forged by the village (signed with its own key) is
  // quarantined at the county with the reason.
  sync::EventDraft forged{"wang.clerk",
                          {{sync::AudienceEntry::Kind::kNode, code(kCounty)}},
                          [&](schema::Body::Builder b) {
                            auto h = b.initCaseHandling();
                            h.setCaseNo(no);
                            h.setAccepted();
                          }};
  auto head = village().log().head(code(kVillage)).value().value();
  const Bytes env =
      sync::sign_event(forged, code(kVillage), head.seq + 1, head.id,
                       (static_cast<std::uint64_t>(city.clock_ms) + 5) << 16, city[kVillage].key);
  auto tx = city[kCounty].db.begin().value();
  auto r = county().log().append(sync::decode_envelope(env).value(), city.clock_ms / 1000);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->outcome, sync::AppendOutcome::kQuarantined);
  EXPECT_EQ(r->detail, "handling events of " + no + " come only from 441802000000");
  ASSERT_TRUE(tx.commit().ok());
  EXPECT_EQ(at(kCounty, no).state, CaseState::kSubmitted);
}

TEST_F(HallTest, SameCityHandlingReachesTheCountyOfTheDomicile) {
  // Taken at a village of the other county for a resident of this county.
  auto submitted = city[kOtherVillage].hall.submit(clerk(), application(kVillage));
  ASSERT_TRUE(submitted.ok()) << submitted.status().message();
  EXPECT_EQ(submitted->handling_node.str(), kCounty);
  city.deliver(kOtherVillage, kCounty);
  EXPECT_EQ(at(kCounty, submitted->case_no).intake_node.str(), kOtherVillage);
}

TEST_F(HallTest, BadApplicationsAreRefusedWithoutEchoingPersonalData) {
  Application a = application();
  a.applicant.id_number = "110105194912310021";
  Status s = village().submit(clerk(), a).status();
  EXPECT_EQ(s.message(), "ID number: check character should be X, not 1");
  a = application();
  a.materials = {{2, "shared", "", std::nullopt}};
  EXPECT_EQ(village().submit(clerk(), a).status().message(),
            "materials[0]: 家庭收入和财产状况申报表 cannot be obtained by data sharing");
  a = application();
  a.item_code = "JF-00999-001-441802000000";
  EXPECT_EQ(village().submit(clerk(), a).status().code(), ErrorCode::kNotFound);
  a = application("445102001001");
  EXPECT_EQ(village().submit(clerk(), a).status().message(),
            "the applicant's domicile 445102001001 is outside this city");
}

TEST_F(HallTest, ARepeatedSubmissionIsFlagged) {
  auto first = village().submit(clerk(), application()).value();
  EXPECT_TRUE(first.repeat_of.empty());
  auto second = village().submit(clerk(), application()).value();
  EXPECT_EQ(second.case_no, "441802001001-20260212-000002");
  EXPECT_EQ(second.repeat_of, first.case_no);
}

TEST_F(HallTest, CaseNumbersContinueAfterARestart) {
  village().submit(clerk(), application()).value();
  Hall again(city[kVillage].db, code(kVillage), city[kVillage].key,
             [this] { return city.clock_ms; });
  EXPECT_EQ(again.submit(clerk(), application())->case_no, "441802001001-20260212-000002");
  city.clock_ms += kDayMs;
  EXPECT_EQ(again.submit(clerk(), application())->case_no, "441802001001-20260213-000001");
}

TEST_F(HallTest, DeadlinesAcrossTheSpringFestivalAndAPauseAndCards) {
  // Accepted Thu 2026-02-12, 5 working days: 02-13, 02-14 (make-up Sat),
  // then the holiday to 02-23, then 02-24, 02-25, 02-26.
  auto no = village().submit(clerk(), application())->case_no;
  city.deliver(kVillage, kCounty);
  act(kCounty, no, CaseAction::kAccept);
  auto d = county().deadline(at(kCounty, no)).value();
  ASSERT_TRUE(d.due.has_value()) << d.unknown_reason;
  EXPECT_EQ(d.due->to_string(), "2026-02-26");
  EXPECT_EQ(d.card, Card::kGreen);

  // Materials requested on 02-13 and accepted on 02-25: days 02-14..02-25
  // do not count, so 4 working days remain after 02-25: due 03-02.
  city.clock_ms = morning("2026-02-13");
  act(kCounty, no, CaseAction::kRequestMaterials, "", {{0, MaterialProblem::kMissing, "", 0}});
  auto paused = county().deadline(at(kCounty, no)).value();
  EXPECT_FALSE(paused.due.has_value());
  EXPECT_NE(paused.unknown_reason.find("paused"), std::string::npos);
  city.clock_ms = morning("2026-02-25");
  act(kCounty, no, CaseAction::kAcceptSupplement);
  d = county().deadline(at(kCounty, no)).value();
  ASSERT_TRUE(d.due.has_value()) << d.unknown_reason;
  EXPECT_EQ(d.due->to_string(), "2026-03-02");

  // Fri 02-27: three working days left (02-27, the make-up Saturday 02-28 and
  // 03-02): green at the default threshold of 1 and at 2, yellow at 3.
  city.clock_ms = morning("2026-02-27");
  EXPECT_EQ(county().deadline(at(kCounty, no))->card, Card::kGreen);
  EXPECT_OK(county().set_yellow_card_working_days(2));
  EXPECT_EQ(county().deadline(at(kCounty, no))->card, Card::kGreen);
  EXPECT_OK(county().set_yellow_card_working_days(3));
  EXPECT_EQ(county().deadline(at(kCounty, no))->card, Card::kYellow);
  EXPECT_EQ(county().set_yellow_card_working_days(21).message(),
            "yellow card threshold must be 0 to 20 working days, got 21");
  EXPECT_OK(county().set_yellow_card_working_days(1));

  city.clock_ms = morning("2026-03-02");
  EXPECT_EQ(county().deadline(at(kCounty, no))->card, Card::kYellow);
  EXPECT_EQ(county().cases_with_card(Card::kYellow).value(), std::vector<std::string>{no});
  city.clock_ms = morning("2026-03-03");
  EXPECT_EQ(county().deadline(at(kCounty, no))->card, Card::kRed);
  EXPECT_EQ(county().cases_with_card(Card::kRed).value(), std::vector<std::string>{no});
  EXPECT_TRUE(county().cases_with_card(Card::kYellow)->empty());
}

TEST_F(HallTest, AOneTimeNoticeListsEveryFinding) {
  auto no = village().submit(clerk(), application())->case_no;
  auto notice = village().one_time_notice(
      no, {{0, MaterialProblem::kIncomplete, "未签名", 0}, {2, MaterialProblem::kMissing, "", 0}});
  ASSERT_TRUE(notice.ok()) << notice.status().message();
  ASSERT_EQ(notice->lines.size(), 2u);
  const std::string text = render_text(*notice);
  EXPECT_NE(text.find("最低生活保障申请书"), std::string::npos);
  EXPECT_NE(text.find("家庭收入和财产状况申报表"), std::string::npos);
  act(kVillage, no, CaseAction::kReturnIncomplete, "", {{2, MaterialProblem::kMissing, "", 0}});
  EXPECT_TRUE(at(kVillage, no).returned);
}

TEST_F(HallTest, RebuildGivesIdenticalQueryResults) {
  auto no = village().submit(clerk(), application())->case_no;
  city.deliver(kVillage, kCounty);
  act(kCounty, no, CaseAction::kAccept);
  act(kCounty, no, CaseAction::kRequestMaterials, "", {{0, MaterialProblem::kMissing, "", 0}});
  auto snapshot = [&] {
    std::string out;
    auto& db = city[kCounty].db;
    for (const char* q :
         {"SELECT * FROM case_file", "SELECT * FROM case_transition", "SELECT * FROM case_pause",
          "SELECT * FROM catalogue_item", "SELECT * FROM calendar_year"}) {
      auto stmt = db.prepare(std::string(q) + " ORDER BY 1, 2").value();
      while (stmt.step().value()) {
        for (int i = 0; i < stmt.column_count(); ++i) out += stmt.column_text(i) + "|";
        out += "\n";
      }
    }
    return out;
  };
  const std::string before = snapshot();
  ASSERT_TRUE(county().rebuild().ok());
  EXPECT_EQ(snapshot(), before);
  EXPECT_FALSE(before.empty());
}

}  // namespace
}  // namespace yimen::hall::testing
