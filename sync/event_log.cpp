#include "sync/event_log.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <map>

#include "storage/migration.h"

namespace yimen::sync {
namespace {

constexpr std::array<storage::Migration, 3> kMigrations = {{
    {1, "event log, pending, quarantine, forks, certified keys", R"sql(
CREATE TABLE event (
  local_seq    INTEGER PRIMARY KEY AUTOINCREMENT,
  id           BLOB NOT NULL UNIQUE,
  origin       TEXT NOT NULL,
  seq          INTEGER NOT NULL,
  prev         BLOB NOT NULL,
  hlc          INTEGER NOT NULL,
  signer       BLOB NOT NULL,
  body_type    INTEGER NOT NULL,
  envelope     BLOB NOT NULL,
  received_at  INTEGER NOT NULL,
  UNIQUE (origin, seq)
);
CREATE TABLE pending_event (
  id           BLOB PRIMARY KEY,
  origin       TEXT NOT NULL,
  seq          INTEGER NOT NULL,
  waiting_for  TEXT NOT NULL,
  envelope     BLOB NOT NULL,
  received_at  INTEGER NOT NULL
);
CREATE INDEX pending_event_waiting_for ON pending_event (waiting_for);
CREATE TABLE quarantined_event (
  id           BLOB PRIMARY KEY,
  origin       TEXT NOT NULL,
  seq          INTEGER NOT NULL,
  reason       TEXT NOT NULL,
  envelope     BLOB NOT NULL,
  received_at  INTEGER NOT NULL
);
-- Events that claim an (origin, seq) another held event has, and later events
-- of a forked origin: evidence, never applied.
CREATE TABLE fork_evidence (
  id           BLOB PRIMARY KEY,
  origin       TEXT NOT NULL,
  seq          INTEGER NOT NULL,
  envelope     BLOB NOT NULL,
  detected_at  INTEGER NOT NULL
);
CREATE TABLE forked_origin (
  origin       TEXT PRIMARY KEY,
  from_seq     INTEGER NOT NULL
);
-- Certificates verified so far (from enrolment and certificate events).
CREATE TABLE certified_key (
  public_key   BLOB PRIMARY KEY,
  subject      TEXT NOT NULL,
  issuer_key   BLOB NOT NULL,
  certificate  BLOB NOT NULL
);
CREATE TABLE trust_anchor (
  singleton    INTEGER PRIMARY KEY CHECK (singleton = 1),
  public_key   BLOB NOT NULL
);
CREATE TABLE revoked_key (
  public_key   BLOB PRIMARY KEY,
  after_seq    INTEGER NOT NULL
);
)sql"},
    {2, "the issuer's seq of each certificate", R"sql(
-- The seq of the certificateIssued event that published it: a certificate its
-- issuer published before its own key was revoked stays valid. NULL while only
-- an enrolment brought it.
ALTER TABLE certified_key ADD COLUMN issued_seq INTEGER;
)sql"},
    {3, "event ids without an index of their own, no copy of prev", R"sql(
-- An event's id is the hash of what its origin signed, (origin, seq)
-- included: whoever has the id has (origin, seq), and the unique index on
-- (origin, seq) finds it. An index of random 32-byte ids cost a page write
-- for nearly every event stored. The table is rebuilt without it, and
-- without the column prev, which nothing read (the envelope holds it);
-- local_seq keeps its values, and AUTOINCREMENT its highest ever given.
CREATE TABLE event_rebuilt (
  local_seq    INTEGER PRIMARY KEY AUTOINCREMENT,
  id           BLOB NOT NULL,
  origin       TEXT NOT NULL,
  seq          INTEGER NOT NULL,
  hlc          INTEGER NOT NULL,
  signer       BLOB NOT NULL,
  body_type    INTEGER NOT NULL,
  envelope     BLOB NOT NULL,
  received_at  INTEGER NOT NULL,
  UNIQUE (origin, seq)
);
INSERT INTO event_rebuilt (local_seq, id, origin, seq, hlc, signer, body_type, envelope,
                           received_at)
  SELECT local_seq, id, origin, seq, hlc, signer, body_type, envelope, received_at
  FROM event ORDER BY local_seq;
DELETE FROM sqlite_sequence WHERE name = 'event_rebuilt';
INSERT INTO sqlite_sequence (name, seq) SELECT 'event_rebuilt', seq FROM sqlite_sequence
  WHERE name = 'event';
DROP TABLE event;
ALTER TABLE event_rebuilt RENAME TO event;
)sql"},
}};

constexpr size_t kMaxChainLength = 6;
// A remote HLC more than this far ahead of the local clock is not adopted.
constexpr std::uint64_t kMaxHlcSkewMs = 5 * 60 * 1000;

using Admission = EventSink::Admission;

std::string key_dependency(const crypto::PublicKey& key) { return "key:" + crypto::to_hex(key); }
std::string event_dependency(const RegionCode& origin, std::uint64_t seq) {
  return "event:" + origin.str() + ":" + std::to_string(seq);
}

bool is_trust_body(BodyType type) {
  return type == schema::Body::CERTIFICATE_ISSUED || type == schema::Body::KEY_REVOKED;
}

template <size_t N>
std::optional<std::array<std::uint8_t, N>> fixed(const Bytes& b) {
  if (b.size() != N) return std::nullopt;
  std::array<std::uint8_t, N> out{};
  std::memcpy(out.data(), b.data(), N);
  return out;
}

std::int64_t as_int(std::uint64_t v) { return static_cast<std::int64_t>(v); }

}  // namespace

const char* append_outcome_name(AppendOutcome outcome) {
  switch (outcome) {
    case AppendOutcome::kApplied:
      return "applied";
    case AppendOutcome::kStored:
      return "stored";
    case AppendOutcome::kDuplicate:
      return "duplicate";
    case AppendOutcome::kPending:
      return "pending";
    case AppendOutcome::kQuarantined:
      return "quarantined";
    case AppendOutcome::kForkEvidence:
      return "fork evidence";
  }
  return "unknown";
}

Status EventLog::migrate(storage::Database& db) {
  return storage::migrate(db, "sync", kMigrations);
}

EventLog::EventLog(storage::Database& db, RegionCode self, EventSink& sink)
    : db_(db), self_(std::move(self)), sink_(sink) {}

Status EventLog::add_trust_anchor(const crypto::Certificate& root) {
  if (!root.self_signed() || root.subject.level() != RegionLevel::kCity) {
    return invalid_argument("a trust anchor must be a self-signed city certificate");
  }
  YIMEN_ASSIGN_OR_RETURN(auto stmt, db_.prepare("INSERT OR REPLACE INTO trust_anchor (singleton, "
                                                "public_key) VALUES (1, ?)"));
  stmt.bind_blob(1, root.public_key);
  YIMEN_TRY(stmt.run());
  trust_anchor_ = root.public_key;
  return add_certificate(root);
}

Status EventLog::add_certificate(const crypto::Certificate& cert,
                                 std::optional<std::uint64_t> issued_seq) {
  YIMEN_ASSIGN_OR_RETURN(auto stmt, db_.prepare("INSERT OR IGNORE INTO certified_key "
                                                "(public_key, subject, issuer_key, certificate) "
                                                "VALUES (?, ?, ?, ?)"));
  stmt.bind_blob(1, cert.public_key);
  stmt.bind(2, cert.subject.str());
  stmt.bind_blob(3, cert.issuer_key);
  stmt.bind_blob(4, cert.bytes);
  YIMEN_TRY(stmt.run());
  if (!issued_seq) return {};
  YIMEN_ASSIGN_OR_RETURN(auto seq, db_.prepare("UPDATE certified_key SET issued_seq = ? "
                                               "WHERE public_key = ? AND certificate = ? AND "
                                               "issued_seq IS NULL"));
  seq.bind(1, as_int(*issued_seq));
  seq.bind_blob(2, cert.public_key);
  seq.bind_blob(3, cert.bytes);
  YIMEN_TRY(seq.run());
  if (db_.changes() > 0) chains_.clear();
  return {};
}

Result<AppendResult> EventLog::append(DecodedEvent event, std::int64_t now) {
  if (!db_.in_transaction()) return failed_precondition("EventLog::append needs a transaction");
  std::vector<std::string> satisfied;
  YIMEN_ASSIGN_OR_RETURN(AppendResult result, append_one(event, now, satisfied));
  YIMEN_ASSIGN_OR_RETURN(result.released, release(std::move(satisfied), now));
  return result;
}

Result<AppendResult> EventLog::append_one(DecodedEvent& event, std::int64_t now,
                                          std::vector<std::string>& satisfied) {
  const RegionCode& origin = event.origin();
  const std::uint64_t seq = event.seq();

  // The highest seq held from this origin: an event beyond it is not held at
  // its seq (so it is no duplicate in the log and no fork), and its
  // predecessor is known without a query when it follows directly. This is
  // the common case of a replica taking an origin's stream in order.
  YIMEN_ASSIGN_OR_RETURN(const HeldHead* top, highest_held(origin));
  const bool beyond = seq > top->seq;

  // 1. Duplicates, wherever the first copy went.
  YIMEN_ASSIGN_OR_RETURN(const bool nothing_set_aside, set_aside_is_empty());
  if (!beyond || !nothing_set_aside) {
    YIMEN_ASSIGN_OR_RETURN(
        auto stmt, db_.prepare("SELECT 'event' FROM event WHERE origin = ?2 AND seq = ?3 AND "
                               "id = ?1 "
                               "UNION ALL SELECT 'pending_event' FROM pending_event WHERE id = ?1 "
                               "UNION ALL SELECT 'quarantined_event' FROM quarantined_event "
                               "WHERE id = ?1 "
                               "UNION ALL SELECT 'fork_evidence' FROM fork_evidence WHERE id = ?1 "
                               "LIMIT 1"));
    stmt.bind_blob(1, event.id());
    stmt.bind(2, origin.str());
    stmt.bind(3, as_int(seq));
    YIMEN_ASSIGN_OR_RETURN(bool held, stmt.step());
    if (held) return AppendResult{AppendOutcome::kDuplicate, stmt.column_text(0), 0, 0};
  }

  // 2. The signer: a key certified for the origin. Nothing unsigned by such a
  // key goes further, so nobody but the key holder can fake a fork.
  YIMEN_ASSIGN_OR_RETURN(auto signer, check_signer(event));
  if (signer.verdict == Admission::Verdict::kWait) return park(event, signer.detail, now);
  if (signer.verdict == Admission::Verdict::kReject) return quarantine(event, signer.detail, now);

  // 3. An origin that forked at or before this seq: evidence only. Another
  // event holding (origin, seq): a fork.
  YIMEN_ASSIGN_OR_RETURN(const auto* forked, forked_origins());
  if (auto it = forked->find(origin.str()); it != forked->end() && as_int(seq) >= it->second) {
    const std::string detail =
        "origin " + origin.str() + " forked at seq " + std::to_string(it->second);
    YIMEN_TRY(record_fork(event, now));
    return AppendResult{AppendOutcome::kForkEvidence, detail, 0, 0};
  }
  // The held events at seq and seq - 1, at most one each.
  std::optional<Bytes> predecessor;
  if (beyond) {
    if (top->seq == seq - 1 && seq > 1) predecessor = top->id;
  } else {
    YIMEN_ASSIGN_OR_RETURN(auto stmt, db_.prepare("SELECT seq, id FROM event WHERE origin = ? "
                                                  "AND seq IN (?, ?)"));
    stmt.bind(1, origin.str());
    stmt.bind(2, as_int(seq));
    stmt.bind(3, as_int(seq - 1));
    for (;;) {
      YIMEN_ASSIGN_OR_RETURN(bool row, stmt.step());
      if (!row) break;
      if (stmt.column_int64(0) == as_int(seq)) {
        stmt.reset();
        YIMEN_TRY(record_fork(event, now));
        return AppendResult{AppendOutcome::kForkEvidence,
                            "fork: two events for " + origin.str() + " seq " + std::to_string(seq),
                            0, 0};
      }
      predecessor = stmt.column_blob(1);
    }
  }

  // 4. The chain.
  if (seq > 1) {
    if (predecessor) {
      if (*predecessor != event.prev()) {
        return quarantine(event,
                          "chain broken: prev is not the held event " + std::to_string(seq - 1) +
                              " of " + origin.str(),
                          now);
      }
    } else if (self_.contains(origin)) {
      return park(event, event_dependency(origin, seq - 1), now);
    }
  }

  // 5. The body.
  Admission admission;
  if (is_trust_body(event.body_type())) {
    YIMEN_ASSIGN_OR_RETURN(admission, admit_trust(event));
  } else if (event.body_known()) {
    admission = sink_.admit(event);
  }
  if (admission.verdict == Admission::Verdict::kWait) return park(event, admission.detail, now);
  if (admission.verdict == Admission::Verdict::kReject) {
    return quarantine(event, admission.detail, now);
  }

  YIMEN_ASSIGN_OR_RETURN(auto insert,
                         db_.prepare("INSERT INTO event (id, origin, seq, hlc, signer, "
                                     "body_type, envelope, received_at) "
                                     "VALUES (?, ?, ?, ?, ?, ?, ?, ?)"));
  insert.bind_blob(1, event.id());
  insert.bind(2, origin.str());
  insert.bind(3, as_int(seq));
  insert.bind(4, as_int(event.hlc()));
  insert.bind_blob(5, event.signer());
  insert.bind(6, static_cast<std::int64_t>(event.body_type()));
  insert.bind_blob(7, event.envelope());
  insert.bind(8, now);
  YIMEN_TRY(insert.run());
  const std::int64_t local_seq = db_.last_insert_rowid();
  if (beyond) highest_[origin.str()] = HeldHead{seq, Bytes(event.id().begin(), event.id().end())};
  YIMEN_TRY(apply_event(event));

  const std::uint64_t now_ms = static_cast<std::uint64_t>(now) * 1000;
  if ((event.hlc() >> 16) <= now_ms + kMaxHlcSkewMs) last_hlc_ = std::max(last_hlc_, event.hlc());

  satisfied.push_back(event_dependency(origin, seq));
  if (event.body_type() == schema::Body::CERTIFICATE_ISSUED) {
    auto cert = crypto::Certificate::decode(
        ByteView(event.reader().getBody().getCertificateIssued().getCertificate().begin(),
                 event.reader().getBody().getCertificateIssued().getCertificate().size()));
    if (cert.ok()) satisfied.push_back(key_dependency(cert->public_key));
  } else if (event.body_known()) {
    for (auto& dep : sink_.provides(event)) satisfied.push_back(std::move(dep));
  }
  const bool applied = event.body_known();
  return AppendResult{applied ? AppendOutcome::kApplied : AppendOutcome::kStored, "", local_seq, 0};
}

Result<const EventLog::HeldHead*> EventLog::highest_held(const RegionCode& origin) {
  auto it = highest_.find(origin.str());
  if (it == highest_.end()) {
    HeldHead head{0, {}};
    YIMEN_ASSIGN_OR_RETURN(auto stmt, db_.prepare("SELECT seq, id FROM event WHERE origin = ? "
                                                  "ORDER BY seq DESC LIMIT 1"));
    stmt.bind(1, origin.str());
    YIMEN_ASSIGN_OR_RETURN(bool row, stmt.step());
    if (row) head = HeldHead{static_cast<std::uint64_t>(stmt.column_int64(0)), stmt.column_blob(1)};
    it = highest_.emplace(origin.str(), std::move(head)).first;
  }
  return &it->second;
}

Result<bool> EventLog::set_aside_is_empty() {
  if (!set_aside_empty_) {
    YIMEN_ASSIGN_OR_RETURN(
        auto stmt, db_.prepare("SELECT EXISTS (SELECT 1 FROM pending_event) OR EXISTS (SELECT 1 "
                               "FROM quarantined_event) OR EXISTS (SELECT 1 FROM fork_evidence)"));
    YIMEN_ASSIGN_OR_RETURN(bool row, stmt.step());
    set_aside_empty_ = row && stmt.column_int64(0) == 0;
  }
  return *set_aside_empty_;
}

Result<const std::map<std::string, std::int64_t>*> EventLog::forked_origins() {
  if (!forked_) {
    std::map<std::string, std::int64_t> forked;
    YIMEN_ASSIGN_OR_RETURN(auto stmt, db_.prepare("SELECT origin, from_seq FROM forked_origin"));
    for (;;) {
      YIMEN_ASSIGN_OR_RETURN(bool row, stmt.step());
      if (!row) break;
      forked[stmt.column_text(0)] = stmt.column_int64(1);
    }
    forked_ = std::move(forked);
  }
  return &*forked_;
}

Result<std::pair<EventLog::Chain, std::string>> EventLog::find_chain(
    const crypto::PublicKey& leaf) {
  Chain chain;
  crypto::PublicKey next = leaf;
  for (;;) {
    YIMEN_ASSIGN_OR_RETURN(auto stmt, db_.prepare("SELECT certificate, issued_seq FROM "
                                                  "certified_key WHERE public_key = ?"));
    stmt.bind_blob(1, next);
    YIMEN_ASSIGN_OR_RETURN(bool row, stmt.step());
    if (!row) return std::make_pair(Chain(), key_dependency(next));
    YIMEN_ASSIGN_OR_RETURN(auto cert, crypto::Certificate::decode(stmt.column_blob(0)));
    chain.certificates.push_back(std::move(cert));
    chain.issued_seq.push_back(stmt.column_is_null(1)
                                   ? crypto::kUnknownIssuedSeq
                                   : static_cast<std::uint64_t>(stmt.column_int64(1)));
    if (chain.certificates.back().self_signed())
      return std::make_pair(std::move(chain), std::string());
    if (chain.certificates.size() >= kMaxChainLength) return std::make_pair(Chain(), std::string());
    next = chain.certificates.back().issuer_key;
  }
}

Result<Admission> EventLog::check_signer(const DecodedEvent& event) {
  auto known = chains_.find(event.signer());
  if (known == chains_.end()) {
    YIMEN_ASSIGN_OR_RETURN(auto found, find_chain(event.signer()));
    if (!found.second.empty()) return Admission::wait_for(found.second);
    known = chains_.emplace(event.signer(), std::move(found.first)).first;
  }
  const std::vector<crypto::Certificate>& chain = known->second.certificates;
  if (chain.empty()) return Admission::reject("certificate chain too long");
  if (chain.front().subject != event.origin()) {
    return Admission::reject("signer key is certified for " + chain.front().subject.str() +
                             ", not for the origin " + event.origin().str());
  }
  if (!trust_anchor_) {
    YIMEN_ASSIGN_OR_RETURN(auto anchor,
                           db_.prepare("SELECT public_key FROM trust_anchor WHERE singleton = 1"));
    YIMEN_ASSIGN_OR_RETURN(bool has_anchor, anchor.step());
    if (!has_anchor) {
      return failed_precondition("this node has no city root certificate yet; enrol it first");
    }
    trust_anchor_ = fixed<crypto::kPublicKeySize>(anchor.column_blob(0));
    if (!trust_anchor_) return corruption("trust anchor: public key is not 32 bytes");
  }
  if (!revocations_) {
    std::vector<crypto::Revocation> revocations;
    YIMEN_ASSIGN_OR_RETURN(auto revoked,
                           db_.prepare("SELECT public_key, after_seq FROM revoked_key"));
    for (;;) {
      YIMEN_ASSIGN_OR_RETURN(bool row, revoked.step());
      if (!row) break;
      if (auto key = fixed<crypto::kPublicKeySize>(revoked.column_blob(0))) {
        revocations.push_back({*key, static_cast<std::uint64_t>(revoked.column_int64(1))});
      }
    }
    revocations_ = std::move(revocations);
  }
  const Status valid = crypto::verify_chain(chain, *trust_anchor_, event.time(), *revocations_,
                                            event.seq(), known->second.issued_seq);
  if (!valid.ok()) return Admission::reject(valid.message());
  return Admission::accept();
}

Result<Admission> EventLog::admit_trust(const DecodedEvent& event) {
  const auto body = event.reader().getBody();
  if (event.body_type() == schema::Body::CERTIFICATE_ISSUED) {
    const auto data = body.getCertificateIssued().getCertificate();
    auto cert = crypto::Certificate::decode(ByteView(data.begin(), data.size()));
    if (!cert.ok()) return Admission::reject(cert.status().message());
    if (cert->issuer != event.origin() || cert->issuer_key != event.signer()) {
      return Admission::reject("a certificate may only be published by its issuer");
    }
    const bool root = cert->self_signed() && cert->subject.level() == RegionLevel::kCity;
    if (!root && !cert->subject.is_direct_child_of(cert->issuer)) {
      return Admission::reject("a node certifies only its direct children");
    }
    return Admission::accept();
  }
  const auto rev = body.getKeyRevoked();
  auto subject = RegionCode::parse(rev.getSubject().cStr());
  if (!subject.ok()) return Admission::reject("revocation: " + subject.status().message());
  if (rev.getKey().size() != crypto::kPublicKeySize) {
    return Admission::reject("revocation: key is not 32 bytes");
  }
  if (!subject->is_direct_child_of(event.origin())) {
    return Admission::reject("a key may only be revoked by the parent that certified it");
  }
  return Admission::accept();
}

Status EventLog::apply_trust(const DecodedEvent& event) {
  const auto body = event.reader().getBody();
  if (event.body_type() == schema::Body::CERTIFICATE_ISSUED) {
    const auto data = body.getCertificateIssued().getCertificate();
    YIMEN_ASSIGN_OR_RETURN(auto cert,
                           crypto::Certificate::decode(ByteView(data.begin(), data.size())));
    return add_certificate(cert, event.seq());
  }
  const auto rev = body.getKeyRevoked();
  const Bytes key(rev.getKey().begin(), rev.getKey().end());
  YIMEN_ASSIGN_OR_RETURN(auto stmt, db_.prepare("SELECT after_seq FROM revoked_key "
                                                "WHERE public_key = ?"));
  stmt.bind_blob(1, key);
  YIMEN_ASSIGN_OR_RETURN(bool held, stmt.step());
  const std::int64_t after = as_int(rev.getAfterSeq());
  if (held && stmt.column_int64(0) <= after) return {};
  YIMEN_ASSIGN_OR_RETURN(auto upsert, db_.prepare(held ? "UPDATE revoked_key SET after_seq = ? "
                                                         "WHERE public_key = ?"
                                                       : "INSERT INTO revoked_key (after_seq, "
                                                         "public_key) VALUES (?, ?)"));
  upsert.bind(1, after);
  upsert.bind_blob(2, key);
  YIMEN_TRY(upsert.run());
  revocations_.reset();
  // A fork of the subject after that seq is resolved: neither branch's later events are
  // valid now (the stolen or copied key signed them), and the node re-enrolled with a new key
  // continues its log. The evidence stays.
  YIMEN_ASSIGN_OR_RETURN(auto resolved, db_.prepare("DELETE FROM forked_origin WHERE origin = ? "
                                                    "AND from_seq > ?"));
  resolved.bind(1, std::string(rev.getSubject().cStr()));
  resolved.bind(2, after);
  YIMEN_TRY(resolved.run());
  const bool fork_resolved = db_.changes() > 0;
  if (fork_resolved) forked_.reset();
  // Events that key signed after that seq come out of the projections.
  YIMEN_ASSIGN_OR_RETURN(auto later, db_.prepare("SELECT 1 FROM event WHERE signer = ? AND "
                                                 "seq > ? LIMIT 1"));
  later.bind_blob(1, key);
  later.bind(2, after);
  YIMEN_ASSIGN_OR_RETURN(bool affected, later.step());
  return affected || fork_resolved ? rebuild() : Status();
}

Status EventLog::apply_event(const DecodedEvent& event) {
  if (is_trust_body(event.body_type())) return apply_trust(event);
  if (event.body_known()) return sink_.apply(event);
  return {};
}

Status EventLog::record_fork(const DecodedEvent& event, std::int64_t now) {
  set_aside_empty_ = false;
  YIMEN_ASSIGN_OR_RETURN(auto evidence,
                         db_.prepare("INSERT OR IGNORE INTO fork_evidence (id, origin, seq, "
                                     "envelope, detected_at) VALUES (?, ?, ?, ?, ?)"));
  evidence.bind_blob(1, event.id());
  evidence.bind(2, event.origin().str());
  evidence.bind(3, as_int(event.seq()));
  evidence.bind_blob(4, event.envelope());
  evidence.bind(5, now);
  YIMEN_TRY(evidence.run());

  YIMEN_ASSIGN_OR_RETURN(auto stmt,
                         db_.prepare("SELECT from_seq FROM forked_origin WHERE origin = ?"));
  stmt.bind(1, event.origin().str());
  YIMEN_ASSIGN_OR_RETURN(bool known, stmt.step());
  if (known && stmt.column_int64(0) <= as_int(event.seq())) return {};
  YIMEN_ASSIGN_OR_RETURN(
      auto upsert, db_.prepare(known ? "UPDATE forked_origin SET from_seq = ? WHERE origin = ?"
                                     : "INSERT INTO forked_origin (from_seq, origin) "
                                       "VALUES (?, ?)"));
  upsert.bind(1, as_int(event.seq()));
  upsert.bind(2, event.origin().str());
  YIMEN_TRY(upsert.run());
  forked_.reset();
  return rebuild();
}

Status EventLog::set_aside(std::string_view insert_sql, const DecodedEvent& event,
                           const std::string& why, std::int64_t now) {
  set_aside_empty_ = false;
  YIMEN_ASSIGN_OR_RETURN(auto stmt, db_.prepare(insert_sql));
  stmt.bind_blob(1, event.id());
  stmt.bind(2, event.origin().str());
  stmt.bind(3, as_int(event.seq()));
  stmt.bind(4, why);
  stmt.bind_blob(5, event.envelope());
  stmt.bind(6, now);
  return stmt.run();
}

Result<AppendResult> EventLog::park(const DecodedEvent& event, const std::string& waiting_for,
                                    std::int64_t now) {
  YIMEN_TRY(
      set_aside("INSERT INTO pending_event (id, origin, seq, waiting_for, envelope, "
                "received_at) VALUES (?, ?, ?, ?, ?, ?)",
                event, waiting_for, now));
  pending_empty_ = false;
  return AppendResult{AppendOutcome::kPending, waiting_for, 0, 0};
}

Status EventLog::quarantine_undecodable(ByteView envelope, const std::string& reason,
                                        std::int64_t now) {
  YIMEN_ASSIGN_OR_RETURN(auto stmt,
                         db_.prepare("INSERT OR IGNORE INTO quarantined_event (id, origin, seq, "
                                     "reason, envelope, received_at) VALUES (?, '', 0, ?, ?, ?)"));
  set_aside_empty_ = false;
  stmt.bind_blob(1, crypto::blake2b_256(envelope));
  stmt.bind(2, reason);
  stmt.bind_blob(3, envelope);
  stmt.bind(4, now);
  return stmt.run();
}

Result<AppendResult> EventLog::quarantine(const DecodedEvent& event, const std::string& reason,
                                          std::int64_t now) {
  YIMEN_TRY(
      set_aside("INSERT INTO quarantined_event (id, origin, seq, reason, envelope, "
                "received_at) VALUES (?, ?, ?, ?, ?, ?)",
                event, reason, now));
  return AppendResult{AppendOutcome::kQuarantined, reason, 0, 0};
}

Result<std::size_t> EventLog::release(std::vector<std::string> satisfied, std::int64_t now) {
  if (!pending_empty_) {
    YIMEN_ASSIGN_OR_RETURN(auto count, pending_count());
    pending_empty_ = count == 0;
  }
  if (*pending_empty_) return std::size_t{0};
  std::size_t released = 0;
  while (!satisfied.empty()) {
    const std::string dependency = std::move(satisfied.back());
    satisfied.pop_back();
    std::vector<Bytes> waiting;
    {
      YIMEN_ASSIGN_OR_RETURN(auto stmt, db_.prepare("SELECT envelope FROM pending_event "
                                                    "WHERE waiting_for = ? ORDER BY seq"));
      stmt.bind(1, dependency);
      for (;;) {
        YIMEN_ASSIGN_OR_RETURN(bool row, stmt.step());
        if (!row) break;
        waiting.push_back(stmt.column_blob(0));
      }
    }
    if (waiting.empty()) continue;
    YIMEN_ASSIGN_OR_RETURN(auto remove,
                           db_.prepare("DELETE FROM pending_event WHERE waiting_for = ?"));
    remove.bind(1, dependency);
    YIMEN_TRY(remove.run());
    for (const Bytes& envelope : waiting) {
      auto event = decode_envelope(envelope);
      if (!event.ok()) return corruption("stored pending " + event.status().message());
      YIMEN_ASSIGN_OR_RETURN(auto result, append_one(*event, now, satisfied));
      if (result.outcome == AppendOutcome::kApplied || result.outcome == AppendOutcome::kStored) {
        ++released;
      }
    }
  }
  pending_empty_.reset();  // counted again when next needed
  return released;
}

Result<AppendResult> EventLog::emit(const EventDraft& draft, const crypto::NodeKey& key,
                                    std::int64_t wall_ms) {
  if (!hlc_loaded_) {
    YIMEN_ASSIGN_OR_RETURN(auto stmt, db_.prepare("SELECT COALESCE(MAX(hlc), 0) FROM event"));
    YIMEN_ASSIGN_OR_RETURN(bool row, stmt.step());
    if (row) last_hlc_ = std::max(last_hlc_, static_cast<std::uint64_t>(stmt.column_int64(0)));
    hlc_loaded_ = true;
  }
  const std::uint64_t hlc =
      std::max(last_hlc_ + 1, static_cast<std::uint64_t>(std::max<std::int64_t>(wall_ms, 0)) << 16);
  YIMEN_ASSIGN_OR_RETURN(auto own_head, head(self_));
  const std::uint64_t seq = own_head ? own_head->seq + 1 : 1;
  const ByteView prev = own_head ? ByteView(own_head->id) : ByteView();
  const Bytes envelope = sign_event(draft, self_, seq, prev, hlc, key);
  YIMEN_ASSIGN_OR_RETURN(auto event, decode_envelope(envelope));
  YIMEN_ASSIGN_OR_RETURN(auto result, append(std::move(event), wall_ms / 1000));
  switch (result.outcome) {
    case AppendOutcome::kApplied:
    case AppendOutcome::kStored:
      last_hlc_ = std::max(last_hlc_, hlc);
      return result;
    case AppendOutcome::kQuarantined:
      return invalid_argument(result.detail);
    default:
      return internal_error(std::string("own event was not applied: ") +
                            append_outcome_name(result.outcome) + " " + result.detail);
  }
}

Result<std::vector<StoredEvent>> EventLog::read_from(std::int64_t after, std::size_t limit) {
  return read(db_, after, limit);
}

Result<std::vector<StoredEvent>> EventLog::read(storage::Database& db, std::int64_t after,
                                                std::size_t limit, const RegionCode* except_from) {
  // The origin is compared in SQL, so that a left-out envelope is never copied.
  YIMEN_ASSIGN_OR_RETURN(
      auto stmt, db.prepare("SELECT local_seq, CASE WHEN substr(origin, 1, length(?1)) = ?1 "
                            "THEN NULL ELSE envelope END FROM event "
                            "WHERE local_seq > ?2 ORDER BY local_seq LIMIT ?3"));
  if (except_from != nullptr) {
    stmt.bind(1, except_from->prefix());
  } else {
    stmt.bind_null(1);  // substr(...) = NULL is never true
  }
  stmt.bind(2, after);
  stmt.bind(3, static_cast<std::int64_t>(limit));
  std::vector<StoredEvent> out;
  for (;;) {
    YIMEN_ASSIGN_OR_RETURN(bool row, stmt.step());
    if (!row) break;
    out.push_back({stmt.column_int64(0), stmt.column_blob(1)});
  }
  return out;
}

Result<std::optional<Head>> EventLog::head(const RegionCode& origin) {
  YIMEN_ASSIGN_OR_RETURN(auto stmt, db_.prepare("SELECT seq, id FROM event WHERE origin = ? "
                                                "ORDER BY seq DESC LIMIT 1"));
  stmt.bind(1, origin.str());
  YIMEN_ASSIGN_OR_RETURN(bool row, stmt.step());
  if (!row) return std::optional<Head>();
  const auto id = fixed<crypto::kDigestSize>(stmt.column_blob(1));
  if (!id) return corruption("event id is not 32 bytes");
  return std::optional<Head>(Head{static_cast<std::uint64_t>(stmt.column_int64(0)), *id});
}

Status EventLog::rebuild() {
  YIMEN_TRY(sink_.reset());
  YIMEN_ASSIGN_OR_RETURN(const auto* forked_ptr, forked_origins());
  const std::map<std::string, std::int64_t> forked = *forked_ptr;
  std::int64_t after = 0;
  for (;;) {
    // Events that are valid now: not of a forked origin from its fork on, not
    // signed by a key after its revocation. Trust bodies are not projections.
    YIMEN_ASSIGN_OR_RETURN(
        auto stmt,
        db_.prepare("SELECT e.local_seq, e.origin, e.seq, e.envelope FROM event e "
                    "LEFT JOIN revoked_key r ON r.public_key = e.signer "
                    "WHERE e.local_seq > ? AND (r.after_seq IS NULL OR e.seq <= r.after_seq) "
                    "AND e.body_type NOT IN (?, ?) ORDER BY e.local_seq LIMIT 1000"));
    stmt.bind(1, after);
    stmt.bind(2, static_cast<std::int64_t>(schema::Body::CERTIFICATE_ISSUED));
    stmt.bind(3, static_cast<std::int64_t>(schema::Body::KEY_REVOKED));
    std::size_t rows = 0;
    for (;;) {
      YIMEN_ASSIGN_OR_RETURN(bool row, stmt.step());
      if (!row) break;
      ++rows;
      after = stmt.column_int64(0);
      auto it = forked.find(stmt.column_text(1));
      if (it != forked.end() && stmt.column_int64(2) >= it->second) continue;
      auto event = decode_envelope(stmt.column_blob(3));
      if (!event.ok()) return corruption("stored " + event.status().message());
      if (!event->body_known()) continue;
      if (sink_.admit(*event).verdict != Admission::Verdict::kAccept) continue;
      YIMEN_TRY(sink_.apply(*event));
    }
    if (rows == 0) break;
  }
  return {};
}

Result<std::size_t> EventLog::pending_count() {
  YIMEN_ASSIGN_OR_RETURN(auto stmt, db_.prepare("SELECT COUNT(*) FROM pending_event"));
  YIMEN_ASSIGN_OR_RETURN(bool row, stmt.step());
  return static_cast<std::size_t>(row ? stmt.column_int64(0) : 0);
}

void EventLog::forget_cached_state() {
  chains_.clear();
  trust_anchor_.reset();
  revocations_.reset();
  forked_.reset();
  pending_empty_.reset();
  set_aside_empty_.reset();
  highest_.clear();
  // last_hlc_ stays: a clock that only moves forward is never wrong to keep.
}

Result<std::size_t> EventLog::quarantined_count() {
  YIMEN_ASSIGN_OR_RETURN(auto stmt, db_.prepare("SELECT COUNT(*) FROM quarantined_event"));
  YIMEN_ASSIGN_OR_RETURN(bool row, stmt.step());
  return static_cast<std::size_t>(row ? stmt.column_int64(0) : 0);
}

Result<std::vector<ForkReport>> EventLog::forks() {
  YIMEN_ASSIGN_OR_RETURN(auto stmt, db_.prepare("SELECT origin, seq, COUNT(*) + 1 FROM "
                                                "fork_evidence f WHERE EXISTS (SELECT 1 FROM "
                                                "event e WHERE e.origin = f.origin AND e.seq = "
                                                "f.seq) AND EXISTS (SELECT 1 FROM forked_origin o "
                                                "WHERE o.origin = f.origin) "
                                                "GROUP BY origin, seq ORDER BY origin, seq"));
  std::vector<ForkReport> out;
  for (;;) {
    YIMEN_ASSIGN_OR_RETURN(bool row, stmt.step());
    if (!row) break;
    auto origin = RegionCode::parse(stmt.column_text(0));
    if (!origin.ok()) return corruption("fork evidence: " + origin.status().message());
    out.push_back({*origin, static_cast<std::uint64_t>(stmt.column_int64(1)),
                   static_cast<std::size_t>(stmt.column_int64(2))});
  }
  return out;
}

}  // namespace yimen::sync
