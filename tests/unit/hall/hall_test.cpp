// The hall as an application service: catalogue, calendar, a case from
// intake at a village to its result at the county, deadlines and rebuild.

#include "node/hall/hall.h"

#include "hall_city.h"
#include "support/status.h"

namespace yimen::hall::testing {
namespace {

using HallTest = HallCityTest;

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

// Hall migration 10: a database from before it finds each catalogue item's event by
// (publisher, seq) afterwards, as a new one does.
TEST_F(HallTest, AnOlderDatabaseFindsItsItemsAfterTheUpgrade) {
  auto& db = city[kVillage].db;
  ASSERT_TRUE(load_item(db, kDibao)->has_value());
  // catalogue_item as hall migration 1 made it.
  EXPECT_OK(db.exec(
      "CREATE TABLE catalogue_item_v9 (code TEXT NOT NULL, version INTEGER NOT NULL, name TEXT "
      "NOT NULL, publisher TEXT NOT NULL, event_id BLOB NOT NULL, withdrawn INTEGER NOT NULL "
      "DEFAULT 0, PRIMARY KEY (code, version));"
      "INSERT INTO catalogue_item_v9 SELECT code, version, name, publisher, event_id, withdrawn "
      "FROM catalogue_item;"
      "DROP TABLE catalogue_item; ALTER TABLE catalogue_item_v9 RENAME TO catalogue_item;"
      // What migrations 12 and 13 added, undone.
      "CREATE TABLE calendar_year_v11 (year INTEGER PRIMARY KEY, holidays TEXT NOT NULL, makeup "
      "TEXT NOT NULL, notice TEXT NOT NULL);"
      "INSERT INTO calendar_year_v11 SELECT year, holidays, makeup, notice FROM calendar_year;"
      "DROP TABLE calendar_year; ALTER TABLE calendar_year_v11 RENAME TO calendar_year;"
      "DROP TABLE case_finding;"
      "CREATE TABLE case_transition_v11 (case_no TEXT NOT NULL REFERENCES case_file (case_no), "
      "position INTEGER NOT NULL, half TEXT NOT NULL, action TEXT NOT NULL, actor_login TEXT NOT "
      "NULL, actor_name TEXT NOT NULL, actor_office TEXT NOT NULL, actor_phone TEXT NOT NULL, "
      "on_date TEXT NOT NULL, at INTEGER NOT NULL, note TEXT NOT NULL, PRIMARY KEY (case_no, "
      "position));"
      "INSERT INTO case_transition_v11 SELECT case_no, position, half, action, actor_login, "
      "actor_name, actor_office, actor_phone, on_date, at, note FROM case_transition;"
      "DROP TABLE case_transition; ALTER TABLE case_transition_v11 RENAME TO case_transition;"
      "DELETE FROM schema_migration WHERE component = 'hall' AND version >= 10;"));
  EXPECT_OK(Hall::migrate(db));
  const auto item = load_item(db, kDibao, 1);
  ASSERT_TRUE(item.ok()) << item.status().message();
  ASSERT_TRUE(item->has_value());
  EXPECT_EQ(format_item_code((*item)->code), kDibao);
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
  EXPECT_EQ(county().publish_calendar(officer(), {2027, {}, {}, "", false}).code(),
            ErrorCode::kPermissionDenied);
  // A provisional year (published before the official arrangement) says so at
  // every node it reaches.
  ASSERT_TRUE(city[kCity].hall.publish_calendar(officer(), {2027, {}, {}, "临时", true}).ok());
  city.deliver(kCity, kVillage);
  auto years = load_calendar_years(city[kVillage].db).value();
  ASSERT_EQ(years.size(), 2u);
  EXPECT_FALSE(years[0].provisional);
  EXPECT_TRUE(years[1].provisional);
  EXPECT_EQ(years[1].year, 2027);
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
  // The findings and the day to supply by (30 days unless configured) came
  // with the request: the village can show and print them.
  {
    auto t = load_transitions(city[kVillage].db, no).value();
    ASSERT_EQ(t.size(), 3u);
    ASSERT_EQ(t[2].findings.size(), 1u);
    EXPECT_EQ(t[2].findings[0].material, 2u);
    EXPECT_EQ(t[2].findings[0].problem, MaterialProblem::kMissing);
    ASSERT_TRUE(t[2].supply_by.has_value());
    EXPECT_EQ(*t[2].supply_by, Date::from_string("2026-03-14").value());
    EXPECT_TRUE(t[1].findings.empty());
  }
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

TEST_F(HallTest, ACommitmentBringsAPostCheckAndAFalseOneRevokesTheDecision) {
  Application a = application();
  a.materials.push_back({2, "commitment", "签署家庭收入承诺书", std::nullopt});
  Application wrong = application();
  wrong.materials = {{0, "commitment", "", std::nullopt}};
  EXPECT_EQ(village().submit(clerk(), wrong).status().message(),
            "materials[0]: 最低生活保障申请书 cannot be replaced by a commitment");

  const auto no = village().submit(clerk(), a)->case_no;
  const auto plain = village().submit(clerk(), application("441802001001"))->case_no;
  city.deliver(kVillage, kCounty);
  EXPECT_TRUE(at(kCounty, no).commitment);
  for (const auto& n : {no, plain}) {
    act(kCounty, n, CaseAction::kAccept);
    act(kCounty, n, CaseAction::kApprove, "准予");
  }
  const auto calendar = load_calendar(city[kCounty].db).value();
  auto tasks = post_check_tasks(city[kCounty].db, code(kCounty), calendar, 10).value();
  ASSERT_EQ(tasks.size(), 1u);
  EXPECT_EQ(tasks[0].case_no, no);
  ASSERT_TRUE(tasks[0].due.has_value());
  EXPECT_EQ(tasks[0].due->to_string(), "2026-03-04");  // 10 working days across the holiday

  CaseCommand confirm{CaseAction::kConfirmCommitment, "入户核查属实", {}, {}};
  EXPECT_EQ(county().act(officer(), plain, confirm).code(), ErrorCode::kFailedPrecondition);
  CaseCommand refute{CaseAction::kFalseCommitment, "核查发现家庭成员有经营性收入未申报", {}, {}};
  ASSERT_TRUE(county().act(officer(), no, refute).ok());
  EXPECT_EQ(county().act(officer(), no, confirm).code(), ErrorCode::kFailedPrecondition);
  EXPECT_TRUE(post_check_tasks(city[kCounty].db, code(kCounty), calendar, 10)->empty());
  city.deliver(kCounty, kVillage);
  const CaseFile revoked = at(kVillage, no);
  EXPECT_EQ(revoked.state, CaseState::kRevoked);
  EXPECT_EQ(revoked.post_check, "false");
  // The applicant is flagged: no commitment until the materials are handed in.
  EXPECT_EQ(false_commitment_of(city[kVillage].db, "11010519491231002X").value(), no);
  Status again = village().submit(clerk(), a).status();
  EXPECT_EQ(again.code(), ErrorCode::kFailedPrecondition);
  EXPECT_EQ(again.message().find("11010519491231002X"), std::string::npos);
  EXPECT_TRUE(village().submit(clerk(), application()).ok());
}

TEST_F(HallTest, VisitsAndAgentsAreRecordedWithTheCase) {
  Application a = application();
  a.channel = "agent";
  a.agent = Agent{"440102198001010013", "村代办员李四", "13900139000", "委托书（2026-02-10 签）"};
  const auto no = village().submit(clerk(), a)->case_no;
  const CaseFile f = at(kVillage, no);
  EXPECT_EQ(f.visits, 1);
  EXPECT_EQ(f.agent.name, "村代办员李四");
  EXPECT_EQ(f.agent.authorisation, "委托书（2026-02-10 签）");
  a.agent->authorisation = "";
  EXPECT_EQ(village().submit(clerk(), a).status().code(), ErrorCode::kInvalidArgument);
  a.agent->authorisation = "委托书";
  a.agent->id_number = "440102198001010018";
  EXPECT_EQ(village().submit(clerk(), a).status().message().rfind("agent: ", 0), 0u);

  Application online = application();
  online.channel = "online";
  const auto web = village().submit(clerk(), online)->case_no;
  EXPECT_EQ(at(kVillage, web).visits, 0);
  city.deliver(kVillage, kCounty);
  act(kCounty, web, CaseAction::kAccept);
  act(kCounty, web, CaseAction::kRequestMaterials, "", {{2, MaterialProblem::kMissing, "", 0}});
  city.deliver(kCounty, kVillage);
  CaseCommand supply{CaseAction::kSupplyMaterials, "", {}, {{2, "paper", "", std::nullopt}}};
  ASSERT_TRUE(village().act(clerk(), web, supply).ok());
  EXPECT_EQ(at(kVillage, web).visits, 1);  // came in with paper
}

}  // namespace
}  // namespace yimen::hall::testing
