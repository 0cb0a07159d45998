// The event log's rules, seen from a county node: what is applied, what
// waits, what is quarantined, what is fork evidence.

#include "sync/event_log.h"

#include <algorithm>
#include <set>

#include "city_fixture.h"
#include "support/test_dir.h"

namespace yimen::sync::testing {
namespace {

// A sink whose rules are driven by the author field:
//   "reject"        -> the origin may not emit this body
//   "wait:X"        -> needs "dep:X", which an event by "provide:X" provides
class RecordingSink : public EventSink {
 public:
  Admission admit(const DecodedEvent& e) override {
    if (e.author() == "reject") return Admission::reject("this origin may not emit that body");
    if (e.author().rfind("wait:", 0) == 0) {
      const std::string dep = "dep:" + e.author().substr(5);
      if (!provided_.contains(dep)) return Admission::wait_for(dep);
    }
    return Admission::accept();
  }
  Status apply(const DecodedEvent& e) override {
    applied_.insert(crypto::to_hex(e.id()));
    if (e.author().rfind("provide:", 0) == 0) provided_.insert("dep:" + e.author().substr(8));
    return {};
  }
  std::vector<std::string> provides(const DecodedEvent& e) override {
    if (e.author().rfind("provide:", 0) == 0) return {"dep:" + e.author().substr(8)};
    return {};
  }
  Status reset() override {
    applied_.clear();
    provided_.clear();
    ++resets_;
    return {};
  }

  bool has(const Bytes& env) const { return applied_.contains(crypto::to_hex(decoded(env).id())); }
  const std::set<std::string>& applied() const { return applied_; }
  int resets() const { return resets_; }

 private:
  std::set<std::string> applied_;
  std::set<std::string> provided_;
  int resets_ = 0;
};

// A county node's log, with the city's certificates known.
class CountyLog {
 public:
  explicit CountyLog(const City& city, bool with_certificates = true)
      : db_(open()), log_(db_, city.county.id, sink_) {
    EXPECT_TRUE(EventLog::migrate(db_).ok());
    auto tx = db_.begin().value();
    EXPECT_TRUE(log_.add_trust_anchor(*city.root.cert).ok());
    if (with_certificates) {
      for (const auto* m : {&city.county, &city.town, &city.village, &city.other_county}) {
        EXPECT_TRUE(log_.add_certificate(*m->cert).ok());
      }
    }
    EXPECT_TRUE(tx.commit().ok());
  }

  AppendResult append(const Bytes& envelope) {
    auto tx = db_.begin().value();
    auto r = log_.append(decoded(envelope), kNow);
    EXPECT_TRUE(r.ok()) << r.status().message();
    EXPECT_TRUE(tx.commit().ok());
    return r.ok() ? *r : AppendResult{};
  }

  EventLog& log() { return log_; }
  RecordingSink& sink() { return sink_; }
  storage::Database& db() { return db_; }

 private:
  storage::Database open() {
    std::array<std::uint8_t, 32> key{};
    key.fill(7);
    storage::OpenOptions o;
    o.create = true;
    return storage::Database::open(dir_ / "hall.db", key, o).value();
  }

  yimen::testing::TestDir dir_;
  RecordingSink sink_;
  storage::Database db_;
  EventLog log_;
};

std::int64_t single_integer(storage::Database& db, const std::string& sql) {
  auto stmt = db.prepare(sql).value();
  EXPECT_TRUE(stmt.step().value()) << sql;
  return stmt.column_int64(0);
}

// Sync migration 3 rebuilds the event table of an older database without its index of ids:
// every row keeps its local_seq, a local_seq once given is never given again, and a duplicate is
// still found.
TEST(EventLog, TheUpgradeDropsTheIndexOfIdsAndKeepsEveryNumber) {
  City city;
  CountyLog county(city);
  Stream v(city.village);
  const Bytes e1 = v.next(calendar_draft("clerk"));
  const Bytes e2 = v.next(calendar_draft("clerk"));
  county.append(e1);
  county.append(e2);
  auto& db = county.db();
  const auto before = county.log().read_from(0, 10).value();
  // The event table as sync migration 1 made it, with local_seq 40 given once.
  ASSERT_TRUE(db.exec("CREATE TABLE event_v2 (local_seq INTEGER PRIMARY KEY AUTOINCREMENT, id "
                      "BLOB NOT NULL UNIQUE, origin TEXT NOT NULL, seq INTEGER NOT NULL, prev "
                      "BLOB NOT NULL, hlc INTEGER NOT NULL, signer BLOB NOT NULL, body_type "
                      "INTEGER NOT NULL, envelope BLOB NOT NULL, received_at INTEGER NOT NULL, "
                      "UNIQUE (origin, seq));"
                      "INSERT INTO event_v2 SELECT local_seq, id, origin, seq, x'', hlc, signer, "
                      "body_type, envelope, received_at FROM event; DROP TABLE event;"
                      "ALTER TABLE event_v2 RENAME TO event;"
                      "UPDATE sqlite_sequence SET seq = 40 WHERE name = 'event';"
                      "DELETE FROM schema_migration WHERE component = 'sync' AND version = 3;")
                  .ok());
  const std::string indexes =
      "SELECT COUNT(*) FROM sqlite_master WHERE type = 'index' AND tbl_name = 'event'";
  ASSERT_EQ(single_integer(db, indexes), 2);

  ASSERT_TRUE(EventLog::migrate(db).ok());
  EXPECT_EQ(single_integer(db, indexes), 1);  // (origin, seq) only
  const auto after = county.log().read_from(0, 10).value();
  ASSERT_EQ(after.size(), before.size());
  for (std::size_t i = 0; i < after.size(); ++i) {
    EXPECT_EQ(after[i].local_seq, before[i].local_seq);
    EXPECT_EQ(after[i].envelope, before[i].envelope);
  }
  EXPECT_EQ(county.append(e2).outcome, AppendOutcome::kDuplicate);
  EXPECT_EQ(county.append(v.next(calendar_draft("clerk"))).local_seq, 41);
}

TEST(EventLog, AppliesAChainInOrderAndReadsItBack) {
  City city;
  CountyLog county(city);
  Stream v(city.village);
  const Bytes e1 = v.next(calendar_draft("clerk"));
  const Bytes e2 = v.next(calendar_draft("clerk"));
  EXPECT_EQ(county.append(e1).outcome, AppendOutcome::kApplied);
  const auto r2 = county.append(e2);
  EXPECT_EQ(r2.outcome, AppendOutcome::kApplied);
  EXPECT_TRUE(county.sink().has(e1) && county.sink().has(e2));
  auto read = county.log().read_from(0, 10).value();
  ASSERT_EQ(read.size(), 2u);
  EXPECT_EQ(read[0].envelope, e1);  // exact bytes, never re-encoded
  EXPECT_EQ(read[1].local_seq, r2.local_seq);
  EXPECT_EQ(county.log().read_from(read[0].local_seq, 10)->size(), 1u);
  EXPECT_EQ(county.log().head(city.village.id).value()->seq, 2u);
}

TEST(EventLog, ReadingForAChildLeavesOutWhatCameFromItsSubtree) {
  City city;
  CountyLog county(city);
  Stream v(city.village);
  Stream t(city.town);
  Stream other(city.other_county);
  ASSERT_EQ(county.append(v.next(calendar_draft("clerk"))).outcome, AppendOutcome::kApplied);
  const Bytes from_other = other.next(calendar_draft("clerk"));
  ASSERT_EQ(county.append(from_other).outcome, AppendOutcome::kApplied);
  ASSERT_EQ(county.append(t.next(calendar_draft("clerk"))).outcome, AppendOutcome::kApplied);
  // For the town: its own event and its village's are positions without envelopes.
  const auto for_town = EventLog::read(county.db(), 0, 10, &city.town.id).value();
  ASSERT_EQ(for_town.size(), 3u);
  EXPECT_TRUE(for_town[0].envelope.empty());
  EXPECT_EQ(for_town[1].envelope, from_other);
  EXPECT_TRUE(for_town[2].envelope.empty());
  // For the village, only its own is left out; with no child, nothing is.
  const auto for_village = EventLog::read(county.db(), 0, 10, &city.village.id).value();
  EXPECT_TRUE(for_village[0].envelope.empty());
  EXPECT_FALSE(for_village[2].envelope.empty());
  const auto for_any = EventLog::read(county.db(), 0, 10).value();
  EXPECT_EQ(std::count_if(for_any.begin(), for_any.end(),
                          [](const StoredEvent& e) { return e.envelope.empty(); }),
            0);
}

TEST(EventLog, DuplicateIsANoOp) {
  City city;
  CountyLog county(city);
  Stream v(city.village);
  const Bytes e1 = v.next(calendar_draft("clerk"));
  EXPECT_EQ(county.append(e1).outcome, AppendOutcome::kApplied);
  EXPECT_EQ(county.append(e1).outcome, AppendOutcome::kDuplicate);
  EXPECT_EQ(county.log().read_from(0, 10)->size(), 1u);
}

TEST(EventLog, AGapInTheSubtreeWaitsForTheMissingEvent) {
  City city;
  CountyLog county(city);
  Stream v(city.village);
  const Bytes e1 = v.next(calendar_draft("clerk"));
  const Bytes e2 = v.next(calendar_draft("clerk"));
  const Bytes e3 = v.next(calendar_draft("clerk"));
  EXPECT_EQ(county.append(e1).outcome, AppendOutcome::kApplied);
  const auto r3 = county.append(e3);
  EXPECT_EQ(r3.outcome, AppendOutcome::kPending);
  EXPECT_EQ(r3.detail, "event:441802001001:2");
  EXPECT_FALSE(county.sink().has(e3));
  const auto r2 = county.append(e2);
  EXPECT_EQ(r2.outcome, AppendOutcome::kApplied);
  EXPECT_EQ(r2.released, 1u);
  EXPECT_TRUE(county.sink().has(e3));
  EXPECT_EQ(county.log().pending_count().value(), 0u);
}

TEST(EventLog, OtherBranchesArriveFilteredWithGaps) {
  City city;
  CountyLog county(city);
  Stream other(city.other_county);
  for (int i = 0; i < 4; ++i) other.next(calendar_draft("clerk"));
  // seq 5 of a county outside this subtree, without 1..4: accepted.
  EXPECT_EQ(county.append(other.next(calendar_draft("clerk"))).outcome, AppendOutcome::kApplied);
}

TEST(EventLog, WrongChainIsQuarantined) {
  City city;
  CountyLog county(city);
  Stream v(city.village);
  Stream liar(city.village);
  const Bytes e1 = v.next(calendar_draft("clerk"));
  liar.next(calendar_draft("someone else"));              // a different seq 1, never sent
  const Bytes bad2 = liar.next(calendar_draft("clerk"));  // chains to it
  EXPECT_EQ(county.append(e1).outcome, AppendOutcome::kApplied);
  const auto r = county.append(bad2);
  EXPECT_EQ(r.outcome, AppendOutcome::kQuarantined);
  EXPECT_EQ(r.detail, "chain broken: prev is not the held event 1 of 441802001001");
  EXPECT_EQ(county.log().quarantined_count().value(), 1u);
}

TEST(EventLog, ASignerCertifiedForAnotherOriginIsQuarantined) {
  City city;
  CountyLog county(city);
  // The village's key signing as if it were the town.
  const Bytes forged =
      sign_event(calendar_draft("clerk"), city.town.id, 1, {}, 1ULL << 40, city.village.key);
  const auto r = county.append(forged);
  EXPECT_EQ(r.outcome, AppendOutcome::kQuarantined);
  EXPECT_EQ(r.detail, "signer key is certified for 441802001001, not for the origin 441802001000");
}

TEST(EventLog, WrongOriginForABodyIsQuarantinedWithTheSinksReason) {
  City city;
  CountyLog county(city);
  Stream v(city.village);
  const auto r = county.append(v.next(calendar_draft("reject")));
  EXPECT_EQ(r.outcome, AppendOutcome::kQuarantined);
  EXPECT_EQ(r.detail, "this origin may not emit that body");
}

TEST(EventLog, AnUnknownKeyWaitsForItsCertificate) {
  City city;
  CountyLog county(city, /*with_certificates=*/false);
  Stream v(city.village);
  const Bytes e1 = v.next(calendar_draft("clerk"));
  const auto waiting = county.append(e1);
  EXPECT_EQ(waiting.outcome, AppendOutcome::kPending);
  EXPECT_EQ(waiting.detail, "key:" + crypto::to_hex(city.village.key.public_key()));
  // The certificates arrive as events of their issuers, root first.
  Stream root(city.root), cnty(city.county), town(city.town);
  EXPECT_EQ(county.append(root.next(certificate_draft(*city.county.cert))).outcome,
            AppendOutcome::kApplied);
  EXPECT_EQ(county.append(cnty.next(certificate_draft(*city.town.cert))).outcome,
            AppendOutcome::kApplied);
  const auto r = county.append(town.next(certificate_draft(*city.village.cert)));
  EXPECT_EQ(r.outcome, AppendOutcome::kApplied);
  EXPECT_EQ(r.released, 1u);
  EXPECT_TRUE(county.sink().has(e1));
}

TEST(EventLog, OnlyTheIssuerPublishesACertificate) {
  City city;
  CountyLog county(city);
  Stream town(city.town);
  // The town publishing the county's certificate (issued by the root).
  const auto r = county.append(town.next(certificate_draft(*city.county.cert)));
  EXPECT_EQ(r.outcome, AppendOutcome::kQuarantined);
  EXPECT_EQ(r.detail, "a certificate may only be published by its issuer");
}

TEST(EventLog, ADependencyArrivingAfterItsDependant) {
  City city;
  CountyLog county(city);
  Stream v(city.village);
  Stream other(city.other_county);
  const Bytes dependant = other.next(calendar_draft("wait:case-1"));
  const auto r = county.append(dependant);
  EXPECT_EQ(r.outcome, AppendOutcome::kPending);
  EXPECT_EQ(r.detail, "dep:case-1");
  const auto provider = county.append(v.next(calendar_draft("provide:case-1")));
  EXPECT_EQ(provider.outcome, AppendOutcome::kApplied);
  EXPECT_EQ(provider.released, 1u);
  EXPECT_TRUE(county.sink().has(dependant));
}

TEST(EventLog, AForkEndsInTheSameStateWhateverTheOrder) {
  City city;
  Stream v(city.village);
  const Bytes e1 = v.next(calendar_draft("clerk"));
  const Bytes a2 = v.sibling(calendar_draft("version A"));
  const Bytes b2 = v.next(calendar_draft("version B"));
  const Bytes b3 = v.next(calendar_draft("clerk"));

  CountyLog x(city), y(city);
  EXPECT_EQ(x.append(e1).outcome, AppendOutcome::kApplied);
  EXPECT_EQ(x.append(a2).outcome, AppendOutcome::kApplied);
  EXPECT_EQ(x.append(b2).outcome, AppendOutcome::kForkEvidence);
  EXPECT_EQ(x.append(b3).outcome, AppendOutcome::kForkEvidence);

  EXPECT_EQ(y.append(e1).outcome, AppendOutcome::kApplied);
  EXPECT_EQ(y.append(b2).outcome, AppendOutcome::kApplied);
  EXPECT_EQ(y.append(b3).outcome, AppendOutcome::kApplied);
  EXPECT_EQ(y.append(a2).outcome, AppendOutcome::kForkEvidence);

  EXPECT_EQ(x.sink().applied(), y.sink().applied());
  EXPECT_EQ(x.sink().applied().size(), 1u);  // only seq 1 stays applied
  EXPECT_TRUE(x.sink().has(e1));
  for (auto* log : {&x, &y}) {
    auto forks = log->log().forks().value();
    ASSERT_EQ(forks.size(), 1u);
    EXPECT_EQ(forks[0].origin, city.village.id);
    EXPECT_EQ(forks[0].seq, 2u);
    EXPECT_EQ(forks[0].events, 2u);
  }
}

TEST(EventLog, RevokingAForkedKeyResolvesTheForkAndANewKeyContinues) {
  City city;
  Stream v(city.village);
  const Bytes e1 = v.next(calendar_draft("clerk"));
  const Bytes a2 = v.sibling(calendar_draft("the thief's"));
  const Bytes b2 = v.next(calendar_draft("the village's"));
  CountyLog x(city);
  x.append(e1);
  x.append(a2);
  EXPECT_EQ(x.append(b2).outcome, AppendOutcome::kForkEvidence);
  // The town revokes the copied key after the last seq before the fork.
  Stream town(city.town);
  EXPECT_EQ(x.append(town.next(revocation_draft(city.village, 1))).outcome,
            AppendOutcome::kApplied);
  EXPECT_TRUE(x.log().forks().value().empty());
  EXPECT_EQ(x.sink().applied().size(), 1u);  // seq 1 only: seq 2 was signed after the point
  // The replacement's new key, certified by the town, continues after what is held.
  Member replacement("441802001001");
  replacement.cert = City::issue(replacement, city.town);
  {
    auto tx = x.db().begin().value();
    ASSERT_TRUE(x.log().add_certificate(*replacement.cert).ok());
    ASSERT_TRUE(tx.commit().ok());
  }
  Stream next(replacement);
  next.continue_after(2, decoded(a2).id());
  const Bytes e3 = next.next(calendar_draft("the replacement's"));
  EXPECT_EQ(x.append(e3).outcome, AppendOutcome::kApplied);
  EXPECT_TRUE(x.sink().has(e1));
  EXPECT_TRUE(x.sink().has(e3));
  EXPECT_FALSE(x.sink().has(a2));
}

TEST(EventLog, ARevokedKeyLosesItsLaterEvents) {
  City city;
  CountyLog county(city);
  Stream v(city.village);
  Stream town(city.town);
  const Bytes e1 = v.next(calendar_draft("clerk"));
  const Bytes e2 = v.next(calendar_draft("clerk"));
  county.append(e1);
  county.append(e2);
  EXPECT_EQ(county.append(town.next(revocation_draft(city.village, 1))).outcome,
            AppendOutcome::kApplied);
  EXPECT_TRUE(county.sink().has(e1));
  EXPECT_FALSE(county.sink().has(e2));  // rebuilt without it
  const auto r3 = county.append(v.next(calendar_draft("clerk")));
  EXPECT_EQ(r3.outcome, AppendOutcome::kQuarantined);
  EXPECT_NE(r3.detail.find("is revoked after seq 1"), std::string::npos) << r3.detail;
  // Only the parent that certified the key may revoke it.
  Stream other(city.other_county);
  EXPECT_EQ(county.append(other.next(revocation_draft(city.town, 0))).outcome,
            AppendOutcome::kQuarantined);
}

TEST(EventLog, AnExpiredCertificateIsQuarantined) {
  City city;
  CountyLog county(city, false);
  {
    auto tx = county.db().begin().value();
    ASSERT_TRUE(county.log().add_certificate(*city.town.cert).ok());
    ASSERT_TRUE(county.log().add_certificate(*city.county.cert).ok());
    ASSERT_TRUE(
        county.log().add_certificate(City::issue(city.village, city.town, kNow - 30 * 86400)).ok());
    ASSERT_TRUE(tx.commit().ok());
  }
  Stream v(city.village);
  const auto r = county.append(v.next(calendar_draft("clerk")));
  EXPECT_EQ(r.outcome, AppendOutcome::kQuarantined);
  EXPECT_NE(r.detail.find("certificate of 441802001001 expired on"), std::string::npos);
}

TEST(EventLog, EmitChainsOwnEventsAndRebuildIsIdentical) {
  City city;
  CountyLog county(city);
  std::vector<std::int64_t> seqs;
  for (int i = 0; i < 3; ++i) {
    auto tx = county.db().begin().value();
    auto r = county.log().emit(calendar_draft("admin"), city.county.key, kNow * 1000);
    ASSERT_TRUE(r.ok()) << r.status().message();
    ASSERT_TRUE(tx.commit().ok());
  }
  auto events = county.log().read_from(0, 10).value();
  ASSERT_EQ(events.size(), 3u);
  std::uint64_t last_hlc = 0;
  for (size_t i = 0; i < events.size(); ++i) {
    const DecodedEvent e = decoded(events[i].envelope);
    EXPECT_EQ(e.seq(), i + 1);
    EXPECT_GT(e.hlc(), last_hlc);  // strictly increasing even within one millisecond
    last_hlc = e.hlc();
  }
  const auto before = county.sink().applied();
  auto tx = county.db().begin().value();
  ASSERT_TRUE(county.log().rebuild().ok());
  ASSERT_TRUE(tx.commit().ok());
  EXPECT_EQ(county.sink().applied(), before);
  EXPECT_EQ(county.sink().resets(), 1);
}

TEST(EventLog, AppendOutsideATransactionIsRefused) {
  City city;
  CountyLog county(city);
  Stream v(city.village);
  auto r = county.log().append(decoded(v.next(calendar_draft("clerk"))), kNow);
  EXPECT_EQ(r.status().code(), ErrorCode::kFailedPrecondition);
}

}  // namespace
}  // namespace yimen::sync::testing
