// The audit log: appended rows chain, verify names the row that was edited or
// deleted, and the head's anchors (signed events to the parent) make deleting
// the newest rows and rewriting the chain detectable too.

#include "node/hall/audit_log.h"

#include "hall_city.h"
#include "support/status.h"

namespace yimen::hall::testing {
namespace {

using yimen::testing::must;

constexpr const char* kTown = "441802001000";

AuditEntry entry(std::int64_t at, const std::string& target, const std::string& outcome = "ok") {
  return {at, "wang.clerk", "case.act.accept", target, outcome, "127.0.0.1"};
}

// Appends rows 1..n: targets "case-1" .. "case-n".
void append_rows(storage::Database& db, int n, std::int64_t at = 1'770'000'000) {
  for (int i = 1; i <= n; ++i) {
    const std::int64_t seq = must(append_audit(db, entry(at + i, "case-" + std::to_string(i))));
    ASSERT_GT(seq, 0);
  }
}

void run_sql(storage::Database& db, const std::string& sql) { EXPECT_OK(db.exec(sql)); }

AuditReport verify_own(TestNode& node) {
  return must(verify_audit(node.db, must(own_audit_anchors(node.db, node.region))));
}

class AuditLog : public ::testing::Test {
 protected:
  AuditLog() : city(morning("2026-03-02")) {}

  TestNode& village() { return city[kVillage]; }

  HallCity city;
};

TEST_F(AuditLog, AppendedRowsChainAndVerify) {
  auto& db = village().db;
  EXPECT_EQ(must(audit_head(db)).seq, 0);
  EXPECT_EQ(must(audit_head(db)).hash, Bytes(32, 0));
  const AuditReport empty = must(verify_audit(db, {}));
  EXPECT_TRUE(empty.ok);
  EXPECT_EQ(empty.rows, 0);

  EXPECT_EQ(must(append_audit(db, {100, "", "login", "li.officer", "wrong_password", "::1"})), 1);
  EXPECT_EQ(must(append_audit(db, {101, "cli:li.officer", "case.submit",
                                   "441802001001-20260302-000001", "ok", ""})),
            2);
  append_rows(db, 3);

  const auto rows = must(load_audit(db, 0, 100));
  ASSERT_EQ(rows.size(), 5u);
  EXPECT_EQ(rows[0].seq, 1);
  EXPECT_EQ(rows[0].entry, (AuditEntry{100, "", "login", "li.officer", "wrong_password", "::1"}));
  EXPECT_EQ(rows[0].prev_hash, Bytes(32, 0));
  for (std::size_t i = 1; i < rows.size(); ++i) {
    EXPECT_EQ(rows[i].seq, static_cast<std::int64_t>(i + 1));
    EXPECT_EQ(rows[i].prev_hash, rows[i - 1].hash);
    EXPECT_EQ(rows[i].hash.size(), 32u);
  }
  const AuditHead head = must(audit_head(db));
  EXPECT_EQ(head.seq, 5);
  EXPECT_EQ(head.hash, rows[4].hash);
  EXPECT_EQ(must(load_audit(db, 3, 1)).front().seq, 4);

  const AuditReport report = must(verify_audit(db, {}));
  EXPECT_TRUE(report.ok) << report.problem;
  EXPECT_EQ(report.rows, 5);
  EXPECT_EQ(report.broken_seq, 0);
  EXPECT_EQ(report.problem, "");
}

TEST_F(AuditLog, AppendRollsBackWithTheCallersTransaction) {
  auto& db = village().db;
  append_rows(db, 1);
  {
    auto tx = must(db.begin());
    EXPECT_EQ(must(append_audit(db, entry(5, "case-2"))), 2);
    EXPECT_OK(tx.rollback());
  }
  EXPECT_EQ(must(audit_head(db)).seq, 1);
  EXPECT_EQ(must(append_audit(db, entry(6, "case-2"))), 2);
  EXPECT_TRUE(must(verify_audit(db, {})).ok);
}

TEST_F(AuditLog, FieldsAreIdentifiersNeverDisplayText) {
  auto& db = village().db;
  const auto refused = [&](const AuditEntry& e) {
    auto r = append_audit(db, e);
    EXPECT_FALSE(r.ok());
    return r.ok() ? std::string() : r.status().message();
  };
  EXPECT_EQ(refused({1, "", "login", "张三", "ok", ""}),
            "audit target must be at most 128 bytes of printable ASCII without spaces");
  EXPECT_EQ(refused({1, "", "login", "a b", "ok", ""}),
            "audit target must be at most 128 bytes of printable ASCII without spaces");
  EXPECT_EQ(refused({1, "", "", "x", "ok", ""}),
            "audit action must be 1 to 64 bytes of printable ASCII without spaces");
  EXPECT_EQ(refused({1, "", "login", "x", "", ""}),
            "audit outcome must be 1 to 64 bytes of printable ASCII without spaces");
  EXPECT_EQ(refused({1, "a\nb", "login", "x", "ok", ""}),
            "audit actor must be at most 64 bytes of printable ASCII without spaces");
  EXPECT_EQ(refused({1, "", "login", std::string(129, 'x'), "ok", ""}),
            "audit target must be at most 128 bytes of printable ASCII without spaces");
  EXPECT_EQ(refused({-1, "", "login", "x", "ok", ""}), "audit time must not be before 1970");
  EXPECT_EQ(must(audit_head(db)).seq, 0);
}

TEST_F(AuditLog, AnEditedRowIsNamed) {
  auto& db = village().db;
  append_rows(db, 5);
  run_sql(db, "UPDATE audit_log SET target = 'case-x' WHERE seq = 3");
  const AuditReport r = must(verify_audit(db, {}));
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.broken_seq, 3);
  EXPECT_EQ(r.problem, "row 3 was edited: its hash does not match its fields");

  // Every field counts, the time and the outcome included.
  TestNode other(kVillage, city.clock_ms);
  append_rows(other.db, 4);
  run_sql(other.db, "UPDATE audit_log SET at = at + 1 WHERE seq = 2");
  EXPECT_EQ(must(verify_audit(other.db, {})).problem,
            "row 2 was edited: its hash does not match its fields");
  run_sql(other.db, "UPDATE audit_log SET at = at - 1 WHERE seq = 2");
  EXPECT_TRUE(must(verify_audit(other.db, {})).ok);
  run_sql(other.db, "UPDATE audit_log SET outcome = 'forbidden' WHERE seq = 4");
  EXPECT_EQ(must(verify_audit(other.db, {})).broken_seq, 4);
}

TEST_F(AuditLog, ADeletedMiddleRowIsNamed) {
  auto& db = village().db;
  append_rows(db, 6);
  run_sql(db, "DELETE FROM audit_log WHERE seq = 3");
  AuditReport r = must(verify_audit(db, {}));
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.broken_seq, 3);
  EXPECT_EQ(r.rows, 2);
  EXPECT_EQ(r.problem, "row 3 is missing");

  run_sql(db, "DELETE FROM audit_log WHERE seq = 4");
  EXPECT_EQ(must(verify_audit(db, {})).problem, "rows 3 to 4 are missing");
  run_sql(db, "DELETE FROM audit_log WHERE seq = 1");
  EXPECT_EQ(must(verify_audit(db, {})).problem, "row 1 is missing");
}

TEST_F(AuditLog, ARenumberedChainDoesNotLink) {
  auto& db = village().db;
  append_rows(db, 4);
  // Row 3 removed and row 4 moved into its place with its own fields and hashes: its hash
  // covers seq 4, so it no longer matches.
  run_sql(db, "DELETE FROM audit_log WHERE seq = 3; UPDATE audit_log SET seq = 3 WHERE seq = 4");
  const AuditReport r = must(verify_audit(db, {}));
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.broken_seq, 3);
  EXPECT_EQ(r.problem, "row 3 was edited: its hash does not match its fields");
}

TEST_F(AuditLog, ARowFromAnotherChainDoesNotLink) {
  auto& db = village().db;
  append_rows(db, 3);
  // Row 2 replaced by a row that is consistent in itself (a row 2 of another log).
  TestNode other(kVillage, city.clock_ms);
  ASSERT_EQ(must(append_audit(other.db, entry(1, "elsewhere"))), 1);
  ASSERT_EQ(must(append_audit(other.db, entry(2, "elsewhere"))), 2);
  const AuditRow foreign = must(load_audit(other.db, 1, 1)).front();
  run_sql(db, "DELETE FROM audit_log WHERE seq = 2");
  auto ins =
      must(db.prepare("INSERT INTO audit_log (seq, at, actor, action, target, outcome, "
                      "address, prev_hash, hash) VALUES (2, ?, ?, ?, ?, ?, ?, ?, ?)"));
  ins.bind(1, foreign.entry.at)
      .bind(2, foreign.entry.actor)
      .bind(3, foreign.entry.action)
      .bind(4, foreign.entry.target)
      .bind(5, foreign.entry.outcome)
      .bind(6, foreign.entry.address)
      .bind_blob(7, foreign.prev_hash)
      .bind_blob(8, foreign.hash);
  EXPECT_OK(ins.run());
  const AuditReport r = must(verify_audit(db, {}));
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.broken_seq, 2);
  EXPECT_EQ(r.problem,
            "row 2 does not link to row 1: a row there was replaced, or rows were removed and "
            "renumbered");
}

TEST_F(AuditLog, AnchorIsAnEventToTheParentAndANoOpUntilTheHeadMoves) {
  Hall& hall = village().hall;
  auto& db = village().db;
  // Nothing to anchor in an empty log.
  EXPECT_FALSE(must(hall.anchor_audit({})));
  EXPECT_TRUE(must(hall.log().read_from(0, 100)).empty());

  append_rows(db, 3);
  EXPECT_TRUE(must(hall.anchor_audit({})));
  auto events = must(hall.log().read_from(0, 100));
  ASSERT_EQ(events.size(), 1u);
  const auto anchor_event = must(sync::decode_envelope(events[0].envelope));
  EXPECT_EQ(anchor_event.origin(), code(kVillage));
  EXPECT_EQ(anchor_event.body_type(), schema::Body::AUDIT_ANCHOR);
  EXPECT_TRUE(anchor_event.body_known());
  EXPECT_EQ(anchor_event.author(), "");
  ASSERT_EQ(anchor_event.audience().size(), 1u);
  EXPECT_EQ(anchor_event.audience()[0].kind, sync::AudienceEntry::Kind::kNode);
  EXPECT_EQ(anchor_event.audience()[0].code, code(kTown));
  const auto body = anchor_event.reader().getBody().getAuditAnchor();
  const AuditHead head = must(audit_head(db));
  EXPECT_EQ(body.getSeq(), 3u);
  EXPECT_EQ(Bytes(body.getHash().begin(), body.getHash().end()), head.hash);

  // The head has not moved: no second event.
  EXPECT_FALSE(must(hall.anchor_audit({})));
  EXPECT_EQ(must(hall.log().read_from(0, 100)).size(), 1u);

  append_rows(db, 2);
  city.clock_ms += 60'000;
  EXPECT_TRUE(must(hall.anchor_audit({})));
  const auto anchors = must(own_audit_anchors(db, village().region));
  ASSERT_EQ(anchors.size(), 2u);
  EXPECT_EQ(anchors[0].seq, 3);
  EXPECT_EQ(anchors[0].event, 1);
  EXPECT_EQ(anchors[1].seq, 5);
  EXPECT_EQ(anchors[1].hash, must(audit_head(db)).hash);
  EXPECT_EQ(anchors[1].at, city.clock_ms / 1000);

  const AuditReport r = verify_own(village());
  EXPECT_TRUE(r.ok) << r.problem;
  EXPECT_EQ(r.rows, 5);
  EXPECT_EQ(r.checked_anchors, 2);
  EXPECT_EQ(r.newest_anchor.seq, 5);
}

TEST_F(AuditLog, TheCityAnchorsInItsOwnLog) {
  auto& city_node = city[kCity];
  append_rows(city_node.db, 1);
  EXPECT_TRUE(must(city_node.hall.anchor_audit({})));
  const auto event =
      must(sync::decode_envelope(must(city_node.hall.log().read_from(0, 100)).back().envelope));
  ASSERT_EQ(event.audience().size(), 1u);
  EXPECT_EQ(event.audience()[0].code, code(kCity));
}

TEST_F(AuditLog, AnUnenrolledNodeDoesNotAnchor) {
  TestNode lone(kVillage, city.clock_ms);  // its key is certified nowhere
  append_rows(lone.db, 1);
  auto r = lone.hall.anchor_audit({});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), ErrorCode::kFailedPrecondition);
  EXPECT_EQ(r.status().message(),
            "this node is not enrolled yet: its audit log is anchored once it is");
  EXPECT_TRUE(must(lone.hall.log().read_from(0, 100)).empty());
}

TEST_F(AuditLog, DeletingTheNewestRowsAfterAnAnchorIsDetected) {
  auto& db = village().db;
  append_rows(db, 4);
  ASSERT_TRUE(must(village().hall.anchor_audit({})));
  run_sql(db, "DELETE FROM audit_log WHERE seq >= 3");
  const AuditReport r = verify_own(village());
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.rows, 2);
  EXPECT_EQ(r.broken_seq, 3);
  EXPECT_EQ(r.problem,
            "rows after 2 were deleted: the anchor of 2026-03-02 09:00:00 CST names row 4");

  run_sql(db, "DELETE FROM audit_log");
  EXPECT_EQ(verify_own(village()).problem,
            "every row was deleted: the anchor of 2026-03-02 09:00:00 CST names row 4");
}

TEST_F(AuditLog, RowsAfterTheNewestAnchorCanBeDeletedUnnoticedLocally) {
  // The window the header admits: rows appended after the newest anchor and then deleted leave
  // an intact chain behind.
  auto& db = village().db;
  append_rows(db, 2);
  ASSERT_TRUE(must(village().hall.anchor_audit({})));
  append_rows(db, 2, 1'780'000'000);
  run_sql(db, "DELETE FROM audit_log WHERE seq >= 3");
  const AuditReport r = verify_own(village());
  EXPECT_TRUE(r.ok);
  EXPECT_EQ(r.rows, 2);
}

TEST_F(AuditLog, AnEpochSetsAsideTheAnchorsOfRowsARestoreLost) {
  auto& db = village().db;
  append_rows(db, 4);
  ASSERT_TRUE(must(village().hall.anchor_audit({})));  // names row 4
  // A backup of rows 1..2 is restored; the log goes on from there.
  run_sql(db, "DELETE FROM audit_log WHERE seq >= 3");
  append_rows(db, 2, 1'780'000'000);
  const auto anchors = must(own_audit_anchors(db, village().region));
  ASSERT_EQ(anchors.size(), 1u);
  EXPECT_FALSE(must(verify_audit(db, anchors)).ok) << "without the epoch it looks rewritten";

  std::vector<AuditEpoch> epochs = {{1'775'000'000, "restored from v.db", 2, std::nullopt}};
  auto standing = anchors_after_epochs(anchors, epochs);
  EXPECT_EQ(anchors.size() - standing.size(), 1u);
  EXPECT_TRUE(must(verify_audit(db, standing)).ok);

  // The new epoch's own anchor binds the new rows, and an edit is found again.
  epochs[0].old_events_through = anchors[0].event;
  ASSERT_TRUE(must(village().hall.anchor_audit({})));
  const auto all = must(own_audit_anchors(db, village().region));
  standing = anchors_after_epochs(all, epochs);
  EXPECT_EQ(all.size() - standing.size(), 1u);
  ASSERT_EQ(standing.size(), 1u);
  EXPECT_EQ(standing[0].seq, 4);
  AuditReport r = must(verify_audit(db, standing));
  EXPECT_TRUE(r.ok) << r.problem;
  EXPECT_EQ(r.checked_anchors, 1);
  run_sql(db, "DELETE FROM audit_log WHERE seq = 4");
  r = must(verify_audit(db, standing));
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.broken_seq, 4);
  // An anchor of a row the epoch kept still binds it.
  epochs[0].kept_rows = 4;
  const auto kept = anchors_after_epochs(anchors, epochs);
  EXPECT_EQ(kept.size(), 1u);
  EXPECT_EQ(anchors.size() - kept.size(), 0u);
}

TEST_F(AuditLog, ARewrittenChainDiffersFromItsAnchor) {
  auto& db = village().db;
  append_rows(db, 5);
  ASSERT_TRUE(must(village().hall.anchor_audit({})));
  // Rows 3..5 deleted and the chain continued with recomputed hashes: consistent in itself.
  run_sql(db, "DELETE FROM audit_log WHERE seq >= 3");
  append_rows(db, 3, 1'780'000'000);
  ASSERT_TRUE(must(verify_audit(db, {})).ok);
  const AuditReport r = verify_own(village());
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.broken_seq, 5);
  EXPECT_EQ(r.problem,
            "row 5 differs from what the anchor of 2026-03-02 09:00:00 CST names: the rows up to "
            "it were rewritten");
}

TEST_F(AuditLog, TheParentKeepsTheAnchorsOfItsSubtree) {
  auto& db = village().db;
  append_rows(db, 3);
  ASSERT_TRUE(must(village().hall.anchor_audit({})));
  append_rows(db, 1);
  city.clock_ms += 60'000;
  ASSERT_TRUE(must(village().hall.anchor_audit({})));
  city.deliver(kVillage, kTown);

  const auto at_town = must(received_audit_anchors(city[kTown].db, code(kVillage)));
  ASSERT_EQ(at_town.size(), 2u);
  EXPECT_EQ(at_town[1].seq, 4);
  EXPECT_EQ(at_town[1].hash, must(audit_head(db)).hash);
  EXPECT_EQ(at_town[1].event, 2);
  EXPECT_EQ(audit_anchors_problem(at_town), "");
  EXPECT_TRUE(must(received_audit_anchors(city[kTown].db, code(kTown))).empty());

  // Someone at the village deletes the newest row and the anchor events from its own log: the
  // village's own check cannot tell, the anchors the town holds can.
  run_sql(db,
          "DELETE FROM audit_log WHERE seq = 4; DELETE FROM audit_anchor; DELETE FROM event WHERE "
          "body_type = 7");
  EXPECT_TRUE(verify_own(village()).ok);
  const AuditReport r = must(verify_audit(db, at_town));
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.problem,
            "rows after 3 were deleted: the anchor of 2026-03-02 09:01:00 CST names row 4");

  // The anchors survive a rebuild of the town's projections.
  EXPECT_OK(city[kTown].hall.rebuild());
  EXPECT_EQ(must(received_audit_anchors(city[kTown].db, code(kVillage))).size(), 2u);
}

// An anchor as an auditAnchor event says it; `event` numbers them 1, 2, 3, ...
AuditAnchor anchor(std::int64_t seq, std::uint8_t hash, std::int64_t event, std::int64_t epoch = 0,
                   std::int64_t kept_rows = 0) {
  return AuditAnchor{seq, Bytes(32, hash), 1'772'413'200 + event * 60, event, epoch, kept_rows};
}

TEST_F(AuditLog, AnchorsThatGoBackAreAProblem) {
  EXPECT_EQ(audit_anchors_problem({anchor(5, 1, 1), anchor(7, 2, 2)}), "");
  EXPECT_EQ(audit_anchors_problem({anchor(5, 1, 1), anchor(3, 2, 2)}),
            "the anchor of 2026-03-02 09:02:00 CST names row 3, after one that named row 5: "
            "rows were deleted");
  EXPECT_EQ(audit_anchors_problem({anchor(5, 1, 1), anchor(5, 2, 2)}),
            "the anchor of 2026-03-02 09:02:00 CST names row 5 with another hash than the one "
            "before: rows were replaced");
}

// A restore that lost rows 31..50 says so in its next anchor: the ancestors stop holding the
// node to its anchors of those rows, and still to those of the rows the restore kept.
TEST_F(AuditLog, AnAnchorThatAnnouncesAnEpochReleasesTheAnchorsOfTheRowsItLost) {
  EXPECT_EQ(audit_anchors_problem({anchor(50, 1, 1), anchor(35, 2, 2, 1, 30)}), "");
  EXPECT_EQ(audit_anchors_problem(
                {anchor(20, 1, 1), anchor(50, 2, 2), anchor(22, 3, 3, 1, 20), anchor(40, 4, 4, 1)}),
            "");
  // The epoch keeps row 20, which an earlier anchor names: it must be the same row.
  EXPECT_EQ(audit_anchors_problem({anchor(20, 1, 1), anchor(50, 2, 2), anchor(20, 3, 3, 1, 20)}),
            "the anchor of 2026-03-02 09:03:00 CST names row 20 with another hash than the one "
            "before: rows were replaced");
  // An epoch that kept only 15 rows releases the anchors of rows 20 and 50 alike.
  EXPECT_EQ(audit_anchors_problem({anchor(20, 1, 1), anchor(50, 2, 2), anchor(15, 3, 3, 1, 15)}),
            "");
  // Later anchors of the same epoch are held to the rows as before.
  EXPECT_EQ(audit_anchors_problem({anchor(50, 1, 1), anchor(35, 2, 2, 1, 30), anchor(33, 3, 3, 1)}),
            "the anchor of 2026-03-02 09:03:00 CST names row 33, after one that named row 35: "
            "rows were deleted");
  EXPECT_EQ(audit_anchors_problem({anchor(30, 1, 1, 1, 10), anchor(40, 2, 2)}),
            "the anchor of 2026-03-02 09:02:00 CST counts 0 epochs, after one that counted 1: the "
            "log was replaced");

  const auto changes = epoch_changes(
      {anchor(50, 1, 1), anchor(35, 2, 2, 1, 30), anchor(40, 3, 3, 1), anchor(12, 4, 4, 3, 10)});
  ASSERT_EQ(changes.size(), 2u);
  EXPECT_EQ(changes[0].event, 2);
  EXPECT_EQ(changes[0].kept_rows, 30);
  EXPECT_EQ(changes[1].event, 4);
}

TEST(AuditEpochs, TheNextAnchorCountsThemAndKeepsTheFewestRowsOfThoseNotAnnounced) {
  const std::vector<AuditEpoch> epochs = {{100, "restored from a.db", 30, 7},
                                          {200, "restored from b.db", 40, std::nullopt}};
  EXPECT_EQ(next_anchor_epoch({}, nullptr), std::make_pair(std::int64_t{0}, std::int64_t{0}));
  EXPECT_EQ(next_anchor_epoch(epochs, nullptr), std::make_pair(std::int64_t{2}, std::int64_t{30}));
  const AuditAnchor one = anchor(35, 1, 1, 1, 30);
  EXPECT_EQ(next_anchor_epoch(epochs, &one), std::make_pair(std::int64_t{2}, std::int64_t{40}));
  const AuditAnchor two = anchor(45, 1, 2, 2, 40);
  EXPECT_EQ(next_anchor_epoch(epochs, &two), std::make_pair(std::int64_t{2}, std::int64_t{0}));
}

// Through the events: a village restored from a backup that lost rows 4 and 5 anchors its new
// epoch; the town holds both anchors without a contradiction, and sees the epoch.
TEST_F(AuditLog, ARestoredVillageAnnouncesItsEpochToTheTown) {
  auto& db = village().db;
  append_rows(db, 5);
  ASSERT_TRUE(must(village().hall.anchor_audit({})));
  run_sql(db, "DELETE FROM audit_log WHERE seq > 3");  // what the restore brought back: 3 rows
  const std::vector<AuditEpoch> epochs = {{city.clock_ms / 1000, "restored from old.db", 3, 1}};
  city.clock_ms += 60'000;
  ASSERT_TRUE(must(village().hall.anchor_audit(epochs)));  // the same head, a new epoch
  EXPECT_FALSE(must(village().hall.anchor_audit(epochs)));
  append_rows(db, 2);  // new rows 4 and 5
  city.clock_ms += 60'000;
  ASSERT_TRUE(must(village().hall.anchor_audit(epochs)));
  city.deliver(kVillage, kTown);

  auto at_town = must(received_audit_anchors(city[kTown].db, code(kVillage)));
  ASSERT_EQ(at_town.size(), 3u);
  EXPECT_EQ(at_town[1].seq, 3);
  EXPECT_EQ(at_town[1].epoch, 1);
  EXPECT_EQ(at_town[1].kept_rows, 3);
  EXPECT_EQ(at_town[2].seq, 5);
  EXPECT_EQ(at_town[2].epoch, 1);
  EXPECT_EQ(at_town[2].kept_rows, 0);
  EXPECT_EQ(audit_anchors_problem(at_town), "");
  ASSERT_EQ(epoch_changes(at_town).size(), 1u);
  EXPECT_EQ(must(anchored_origins(city[kTown].db)).size(), 1u);

  // Without the epoch, the new row 5 contradicts the old anchor of row 5.
  for (auto& a : at_town) a.epoch = a.kept_rows = 0;
  EXPECT_EQ(audit_anchors_problem(at_town),
            "the anchor of 2026-03-02 09:01:00 CST names row 3, after one that named row 5: rows "
            "were deleted");
}

TEST(AuditTime, IsChinaStandardTime) {
  EXPECT_EQ(cst_time_text(0), "1970-01-01 08:00:00 CST");
  EXPECT_EQ(cst_time_text(1'772'413'200), "2026-03-02 09:00:00 CST");
}

}  // namespace
}  // namespace yimen::hall::testing
