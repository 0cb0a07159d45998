#include "node/hall/audit_log.h"

#include <algorithm>
#include <array>
#include <cstdio>
#include <limits>
#include <string_view>

#include "crypto/crypto.h"
#include "node/hall/hall_projection.h"
#include "storage/migration.h"
#include "sync/event.h"

namespace yimen::hall {
namespace {

constexpr std::array<storage::Migration, 1> kMigrations = {{
    {1, "audit log", R"sql(
CREATE TABLE audit_log (
  seq        INTEGER PRIMARY KEY CHECK (seq >= 1),
  at         INTEGER NOT NULL,
  actor      TEXT NOT NULL,
  action     TEXT NOT NULL,
  target     TEXT NOT NULL,
  outcome    TEXT NOT NULL,
  address    TEXT NOT NULL,
  prev_hash  BLOB NOT NULL,
  hash       BLOB NOT NULL
);
)sql"},
}};

constexpr std::string_view kAuditDomain = "yimen/audit/v1";
constexpr std::string_view kRowColumns =
    "seq, at, actor, action, target, outcome, address, prev_hash, hash";

Bytes zero_hash() { return Bytes(crypto::kDigestSize, 0); }

// Printable ASCII without spaces, at most `max` bytes; empty only when `may_be_empty`.
Status check_field(std::string_view what, std::string_view value, std::size_t max,
                   bool may_be_empty) {
  const bool printable = std::all_of(value.begin(), value.end(), [](char c) {
    return static_cast<unsigned char>(c) > 0x20 && static_cast<unsigned char>(c) < 0x7f;
  });
  if (!printable || value.size() > max || (value.empty() && !may_be_empty)) {
    return invalid_argument("audit " + std::string(what) + " must be " +
                            (may_be_empty ? "at most " : "1 to ") + std::to_string(max) +
                            " bytes of printable ASCII without spaces");
  }
  return {};
}

Status check_entry(const AuditEntry& e) {
  if (e.at < 0) return invalid_argument("audit time must not be before 1970");
  YIMEN_TRY(check_field("actor", e.actor, kMaxAuditActorBytes, true));
  YIMEN_TRY(check_field("action", e.action, kMaxAuditActionBytes, false));
  YIMEN_TRY(check_field("target", e.target, kMaxAuditTargetBytes, true));
  YIMEN_TRY(check_field("outcome", e.outcome, kMaxAuditOutcomeBytes, false));
  return check_field("address", e.address, kMaxAuditAddressBytes, true);
}

// The hash of a row, over the encoding at the top of audit_log.h. Fields longer than a u16
// length can hold never pass check_entry(); a stored row that has them (edited by hand) is
// hashed truncated, which cannot match.
Bytes row_hash(std::int64_t seq, ByteView prev_hash, const AuditEntry& e) {
  ByteWriter w;
  w.raw(kAuditDomain);
  w.u8(0);
  w.i64(seq);
  w.raw(prev_hash);
  w.i64(e.at);
  for (const std::string* field : {&e.actor, &e.action, &e.target, &e.outcome, &e.address}) {
    w.str16(std::string_view(*field).substr(0, 0xffff));
  }
  const crypto::Digest d = crypto::blake2b_256(w.bytes());
  return Bytes(d.begin(), d.end());
}

// Reads a row selected with kRowColumns.
AuditRow read_row(const storage::Statement& stmt) {
  return AuditRow{stmt.column_int64(0),
                  AuditEntry{stmt.column_int64(1), stmt.column_text(2), stmt.column_text(3),
                             stmt.column_text(4), stmt.column_text(5), stmt.column_text(6)},
                  stmt.column_blob(7), stmt.column_blob(8)};
}

// A row of SELECT audit_seq, audit_hash, anchored_at, event_seq, epoch, kept_rows.
AuditAnchor read_anchor(storage::Statement& row) {
  return AuditAnchor{row.column_int64(0), row.column_blob(1),  row.column_int64(2),
                     row.column_int64(3), row.column_int64(4), row.column_int64(5)};
}

std::string anchor_text(const AuditAnchor& a) { return "the anchor of " + cst_time_text(a.at); }

}  // namespace

std::string cst_time_text(std::int64_t unix_seconds) {
  const Date day = cst_date(unix_seconds);
  const std::int64_t cst = unix_seconds + std::int64_t{8} * 3600;
  const std::int64_t of_day = ((cst % 86400) + 86400) % 86400;
  char clock[16];
  std::snprintf(clock, sizeof clock, "%02d:%02d:%02d", static_cast<int>(of_day / 3600),
                static_cast<int>(of_day / 60 % 60), static_cast<int>(of_day % 60));
  return day.to_string() + " " + clock + " CST";
}

Status migrate_audit_schema(storage::Database& db) {
  return storage::migrate(db, "audit", kMigrations);
}

Result<std::int64_t> append_audit(storage::Database& db, const AuditEntry& entry) {
  YIMEN_TRY(check_entry(entry));
  YIMEN_ASSIGN_OR_RETURN(auto tx, db.begin());
  YIMEN_ASSIGN_OR_RETURN(const AuditHead head, audit_head(db));
  const std::int64_t seq = head.seq + 1;
  const Bytes hash = row_hash(seq, head.hash, entry);
  YIMEN_ASSIGN_OR_RETURN(auto stmt,
                         db.prepare("INSERT INTO audit_log (" + std::string(kRowColumns) +
                                    ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"));
  stmt.bind(1, seq);
  stmt.bind(2, entry.at);
  stmt.bind(3, entry.actor);
  stmt.bind(4, entry.action);
  stmt.bind(5, entry.target);
  stmt.bind(6, entry.outcome);
  stmt.bind(7, entry.address);
  stmt.bind_blob(8, head.hash);
  stmt.bind_blob(9, hash);
  YIMEN_TRY(stmt.run());
  YIMEN_TRY(tx.commit());
  return seq;
}

Result<std::vector<AuditRow>> load_audit(storage::Database& db, std::int64_t after_seq, int limit) {
  if (limit < 0 || limit > 10000) return invalid_argument("audit rows: limit must be 0 to 10000");
  YIMEN_ASSIGN_OR_RETURN(auto stmt, db.prepare("SELECT " + std::string(kRowColumns) +
                                               " FROM audit_log WHERE seq > ? ORDER BY seq "
                                               "LIMIT ?"));
  stmt.bind(1, after_seq);
  stmt.bind(2, std::int64_t{limit});
  return storage::collect(stmt, read_row);
}

Result<AuditHead> audit_head(storage::Database& db) {
  YIMEN_ASSIGN_OR_RETURN(auto stmt,
                         db.prepare("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1"));
  YIMEN_ASSIGN_OR_RETURN(const bool row, stmt.step());
  if (!row) return AuditHead{0, zero_hash()};
  return AuditHead{stmt.column_int64(0), stmt.column_blob(1)};
}

Result<std::vector<AuditAnchor>> own_audit_anchors(storage::Database& db, const RegionCode& self) {
  // The event log's table (sync/event_log.cpp), as load_item() reads it.
  YIMEN_ASSIGN_OR_RETURN(auto stmt, db.prepare("SELECT envelope FROM event WHERE origin = ? AND "
                                               "body_type = ? ORDER BY seq"));
  stmt.bind(1, self.str());
  stmt.bind(2, static_cast<std::int64_t>(schema::Body::AUDIT_ANCHOR));
  std::vector<AuditAnchor> anchors;
  for (;;) {
    YIMEN_ASSIGN_OR_RETURN(const bool row, stmt.step());
    if (!row) break;
    auto event = sync::decode_envelope(stmt.column_blob(0));
    if (!event.ok()) {
      return corruption("a stored audit anchor event does not verify: " + event.status().message());
    }
    const auto body = event->reader().getBody().getAuditAnchor();
    if (body.getHash().size() != crypto::kDigestSize || body.getSeq() == 0 ||
        body.getSeq() > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()) ||
        body.getKeptRows() > body.getSeq()) {
      return corruption("audit anchor event " + std::to_string(event->seq()) + " is malformed");
    }
    anchors.push_back(AuditAnchor{static_cast<std::int64_t>(body.getSeq()),
                                  Bytes(body.getHash().begin(), body.getHash().end()),
                                  event->time(), static_cast<std::int64_t>(event->seq()),
                                  body.getEpoch(), static_cast<std::int64_t>(body.getKeptRows())});
  }
  return anchors;
}

Result<std::vector<AuditAnchor>> received_audit_anchors(storage::Database& db,
                                                        const RegionCode& origin) {
  YIMEN_ASSIGN_OR_RETURN(auto stmt,
                         db.prepare("SELECT audit_seq, audit_hash, anchored_at, event_seq, epoch, "
                                    "kept_rows FROM audit_anchor WHERE origin = ? ORDER BY "
                                    "event_seq"));
  stmt.bind(1, origin.str());
  return storage::collect(stmt, read_anchor);
}

Result<std::optional<AuditAnchor>> newest_received_anchor(storage::Database& db,
                                                          const RegionCode& origin) {
  YIMEN_ASSIGN_OR_RETURN(auto stmt,
                         db.prepare("SELECT audit_seq, audit_hash, anchored_at, event_seq, epoch, "
                                    "kept_rows FROM audit_anchor WHERE origin = ? ORDER BY "
                                    "event_seq DESC LIMIT 1"));
  stmt.bind(1, origin.str());
  YIMEN_ASSIGN_OR_RETURN(auto rows, storage::collect(stmt, read_anchor));
  if (rows.empty()) return std::optional<AuditAnchor>();
  return std::optional<AuditAnchor>(std::move(rows.front()));
}

Result<std::vector<RegionCode>> anchored_origins(storage::Database& db) {
  YIMEN_ASSIGN_OR_RETURN(auto stmt,
                         db.prepare("SELECT DISTINCT origin FROM audit_anchor ORDER BY origin"));
  return storage::collect(stmt, [](storage::Statement& row) -> Result<RegionCode> {
    auto code = RegionCode::parse(row.column_text(0));
    if (!code.ok())
      return corruption("audit_anchor holds a bad origin: " + code.status().message());
    return code;
  });
}

std::string audit_anchors_problem(const std::vector<AuditAnchor>& anchors) {
  // The anchors that still bind, oldest first: a new epoch releases those of rows it lost.
  std::vector<const AuditAnchor*> standing;
  for (const AuditAnchor& a : anchors) {
    if (!standing.empty() && a.epoch < standing.back()->epoch) {
      return anchor_text(a) + " counts " + std::to_string(a.epoch) + " epochs, after one that " +
             "counted " + std::to_string(standing.back()->epoch) + ": the log was replaced";
    }
    if (!standing.empty() && a.epoch > standing.back()->epoch) {
      while (!standing.empty() && standing.back()->seq > a.kept_rows) standing.pop_back();
    }
    if (standing.empty()) {
      standing.push_back(&a);
      continue;
    }
    const AuditAnchor& before = *standing.back();
    standing.push_back(&a);
    if (a.seq < before.seq) {
      return anchor_text(a) + " names row " + std::to_string(a.seq) +
             ", after one that named row " + std::to_string(before.seq) + ": rows were deleted";
    }
    if (a.seq == before.seq && a.hash != before.hash) {
      return anchor_text(a) + " names row " + std::to_string(a.seq) +
             " with another hash than the one before: rows were replaced";
    }
  }
  return {};
}

std::vector<AuditAnchor> epoch_changes(const std::vector<AuditAnchor>& anchors) {
  std::vector<AuditAnchor> out;
  std::int64_t epoch = 0;
  for (const AuditAnchor& a : anchors) {
    if (a.epoch > epoch) out.push_back(a);
    epoch = std::max(epoch, a.epoch);
  }
  return out;
}

std::pair<std::int64_t, std::int64_t> next_anchor_epoch(const std::vector<AuditEpoch>& epochs,
                                                        const AuditAnchor* last) {
  const auto count = static_cast<std::int64_t>(epochs.size());
  const std::int64_t announced = last == nullptr ? 0 : std::min(last->epoch, count);
  if (announced == count) return {count, 0};
  const auto fewest = std::min_element(
      epochs.begin() + announced, epochs.end(),
      [](const AuditEpoch& a, const AuditEpoch& b) { return a.kept_rows < b.kept_rows; });
  return {count, fewest->kept_rows};
}

std::vector<AuditAnchor> anchors_after_epochs(const std::vector<AuditAnchor>& anchors,
                                              const std::vector<AuditEpoch>& epochs) {
  std::vector<AuditAnchor> standing;
  for (const AuditAnchor& a : anchors) {
    const bool lost = std::any_of(epochs.begin(), epochs.end(), [&a](const AuditEpoch& e) {
      const bool before_epoch = !e.old_events_through || a.event <= *e.old_events_through;
      return before_epoch && a.seq > e.kept_rows;
    });
    if (!lost) standing.push_back(a);
  }
  return standing;
}

Result<AuditReport> verify_audit(storage::Database& db, const std::vector<AuditAnchor>& anchors) {
  for (const AuditAnchor& a : anchors) {
    if (a.seq < 1) return invalid_argument("an audit anchor names row 0 or below");
  }
  AuditReport report;
  if (!anchors.empty()) report.newest_anchor = anchors.back();
  // The anchors by the row they name; stable, so equal rows keep their emission order.
  std::vector<AuditAnchor> by_row = anchors;
  std::stable_sort(by_row.begin(), by_row.end(),
                   [](const AuditAnchor& a, const AuditAnchor& b) { return a.seq < b.seq; });
  auto fail = [&report](std::int64_t seq, std::string problem) {
    report.ok = false;
    report.broken_seq = seq;
    report.problem = std::move(problem);
    return report;
  };

  YIMEN_ASSIGN_OR_RETURN(
      auto stmt, db.prepare("SELECT " + std::string(kRowColumns) + " FROM audit_log ORDER BY seq"));
  std::size_t next_anchor = 0;
  std::int64_t expected = 1;
  Bytes prev = zero_hash();
  for (;;) {
    YIMEN_ASSIGN_OR_RETURN(const bool has_row, stmt.step());
    if (!has_row) break;
    const AuditRow row = read_row(stmt);
    const std::string name = "row " + std::to_string(row.seq);
    if (row.seq < expected) {
      return fail(row.seq, name + " is out of sequence (rows are numbered from 1)");
    }
    if (row.seq > expected) {
      return fail(expected, row.seq == expected + 1
                                ? "row " + std::to_string(expected) + " is missing"
                                : "rows " + std::to_string(expected) + " to " +
                                      std::to_string(row.seq - 1) + " are missing");
    }
    if (row.hash != row_hash(row.seq, row.prev_hash, row.entry)) {
      return fail(row.seq, name + " was edited: its hash does not match its fields");
    }
    if (row.prev_hash != prev) {
      return fail(row.seq, name + " does not link to row " + std::to_string(row.seq - 1) +
                               ": a row there was replaced, or rows were removed and renumbered");
    }
    for (; next_anchor < by_row.size() && by_row[next_anchor].seq == row.seq; ++next_anchor) {
      ++report.checked_anchors;
      if (by_row[next_anchor].hash != row.hash) {
        return fail(row.seq, name + " differs from what " + anchor_text(by_row[next_anchor]) +
                                 " names: the rows up to it were rewritten");
      }
    }
    prev = row.hash;
    expected = row.seq + 1;
    ++report.rows;
  }
  if (next_anchor < by_row.size()) {
    const AuditAnchor& a = by_row.back();
    const std::int64_t last = expected - 1;
    return fail(expected, (last == 0 ? std::string("every row was deleted")
                                     : "rows after " + std::to_string(last) + " were deleted") +
                              ": " + anchor_text(a) + " names row " + std::to_string(a.seq));
  }
  if (const std::string problem = audit_anchors_problem(anchors); !problem.empty()) {
    return fail(expected, problem);
  }
  return report;
}

}  // namespace yimen::hall
