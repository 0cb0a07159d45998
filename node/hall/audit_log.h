#pragma once

// The audit log of a node (DESIGN.md section 7): every state change and every login attempt,
// append-only and hash-chained, with its head anchored upward in signed events.
//
// The log belongs to one node and is not replicated. It lives in the node's encrypted database
// under the schema component "audit":
//
//   audit_log(seq        INTEGER PRIMARY KEY,  -- 1, 2, 3, ... without gaps
//             at         INTEGER NOT NULL,     -- Unix seconds
//             actor      TEXT NOT NULL,        -- AuditEntry::actor
//             action     TEXT NOT NULL,
//             target     TEXT NOT NULL,
//             outcome    TEXT NOT NULL,
//             address    TEXT NOT NULL,
//             prev_hash  BLOB NOT NULL,        -- the hash of row seq - 1; 32 zero bytes for row 1
//             hash       BLOB NOT NULL)        -- 32 bytes, as below
//
// The hash of a row is BLAKE2b-256 over
//
//   "yimen/audit/v1" 0x00 | seq (u64, big-endian) | prev_hash (32 bytes) | at (i64, big-endian)
//   | actor | action | target | outcome | address      (each: u16 big-endian length, then bytes)
//
// Fixed-size fields sit at fixed places and every text has a length prefix, so two different
// rows never encode to the same bytes; the domain prefix keeps these bytes apart from every
// other hashed or signed kind (crypto/crypto.h).
//
// Anchors. Hall::anchor_audit() emits an event auditAnchor (sync/schema/audit.capnp) naming the
// newest row's seq and hash, signed by the node and addressed to its parent; replication carries
// it up to every ancestor (DESIGN.md section 3), whose HallProjection keeps it in
//
//   audit_anchor(origin TEXT, event_seq INTEGER, audit_seq INTEGER, audit_hash BLOB,
//                anchored_at INTEGER,  -- Unix seconds, the event's time
//                epoch INTEGER, kept_rows INTEGER,  -- AuditAnchor::epoch and kept_rows
//                PRIMARY KEY (origin, event_seq))
//
// Epochs. A restore from a backup or a replacement machine loses the old log's newest rows
// (AuditEpoch). The node records it locally, and its next anchor tells the ancestors: the number
// of epochs begun and the fewest rows the new ones kept. `yimen audit anchors` at an ancestor
// checks every origin's anchors of its subtree (audit_anchors_problem) and lists its epochs.
//
// What verify_audit() finds, given the node's own anchors (own_audit_anchors()):
//   * a row whose fields were edited: its hash no longer matches them;
//   * a row deleted at the start or in the middle: a gap in seq;
//   * a row replaced by one with a recomputed hash: the next row's prev_hash no longer links;
//   * newest rows deleted up to an anchor: the anchor names a seq beyond the last row;
//   * rows rewritten with recomputed hashes (the chain relinked) up to an anchor: the row the
//     anchor names no longer has the anchored hash.
// What it cannot find: the hash has no key, so whoever can write the database (it takes the
// database key) can rewrite or delete every row appended after the newest anchor and recompute
// the chain; until the next anchor those rows are protected against careless edits only. The
// running node anchors periodically and at shutdown, so that window is the anchoring interval.
// Whoever also holds the node key (it sits beside the database) can rewrite the node's own log
// of anchors as well; the parent then still holds the anchors it received, and a re-signed
// anchor that reuses an event seq is a fork the parent detects (DESIGN.md section 2). The
// authoritative copy of the anchors is the parent's, not the node's.
//
// Field rules (checked by append_audit): actor, action, target, outcome and address are printable
// ASCII without spaces (0x21-0x7e), so no name, address or other display text can slip in, and a
// listing is safe to print. They identify things, never people's data: no ID numbers, names,
// phones or query codes in any field.

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/bytes.h"
#include "common/region_code.h"
#include "common/status.h"
#include "storage/database.h"

namespace yimen::hall {

constexpr std::size_t kMaxAuditActorBytes = 64;
constexpr std::size_t kMaxAuditActionBytes = 64;
constexpr std::size_t kMaxAuditTargetBytes = 128;
constexpr std::size_t kMaxAuditOutcomeBytes = 64;
constexpr std::size_t kMaxAuditAddressBytes = 64;

// One thing that happened at this node.
struct AuditEntry {
  std::int64_t at = 0;  // Unix seconds
  // Who: the login of a signed-in account (web); "" for an anonymous request (a resident, or a
  // login attempt: the login tried is its target); "cli" for a command run on the node's machine
  // without an account, "cli:<login>" for one run as an account (--as LOGIN). Logins hold no ':'.
  std::string actor;
  // What, as "<area>.<verb>": "login", "logout", "case.submit", "case.act.approve", "user.add",
  // "catalogue.publish", "enrol.approve", ... Never empty.
  std::string action;
  // On what: a case number, an item code, a login, a region code; "" for none. For a login
  // attempt, the login tried only when it is a well-formed login (normalise_login()), else "".
  std::string target;
  // "ok", or a short failure code: "wrong_password", "rate_limited", "forbidden", "conflict".
  std::string outcome;
  // The client's address ("127.0.0.1", "::1"); "" for the command line.
  std::string address;

  bool operator==(const AuditEntry&) const = default;
};

struct AuditRow {
  std::int64_t seq = 0;
  AuditEntry entry;
  Bytes prev_hash;  // 32 bytes
  Bytes hash;       // 32 bytes
};

// The newest row: seq 0 and 32 zero bytes when the log is empty.
struct AuditHead {
  std::int64_t seq = 0;
  Bytes hash;
};

// An anchor of an audit log's head: what one auditAnchor event says.
struct AuditAnchor {
  std::int64_t seq = 0;    // the anchored row
  Bytes hash;              // its hash
  std::int64_t at = 0;     // Unix seconds, when it was anchored (the event's time)
  std::int64_t event = 0;  // the seq of the anchoring event in its origin's log
  // The epochs the log had begun when anchored (AuditEpoch below), and, when that is more than
  // the previous anchor's, the fewest rows any of the new epochs kept (0 otherwise).
  std::int64_t epoch = 0;
  std::int64_t kept_rows = 0;
};

// An epoch of the audit log: the node was restored from a backup or replaced (node_store.h
// records it when recovery begins). The log kept its first `kept_rows` rows; the old log's
// later rows are lost and new rows take their numbers. The anchors the node emitted before,
// its own events up to `old_events_through` (every anchor while it is still recovering, when
// that is nullopt), no longer bind the rows after `kept_rows`.
struct AuditEpoch {
  std::int64_t began_at = 0;  // Unix seconds
  std::string reason;         // "restored from hall-2026-11-01.db"
  std::int64_t kept_rows = 0;
  std::optional<std::int64_t> old_events_through;
};

// `anchors` without those that named rows a later epoch lost.
std::vector<AuditAnchor> anchors_after_epochs(const std::vector<AuditAnchor>& anchors,
                                              const std::vector<AuditEpoch>& epochs);

// What verify_audit() found.
struct AuditReport {
  bool ok = true;
  std::int64_t rows = 0;             // rows read (all of them when ok)
  std::int64_t checked_anchors = 0;  // anchors compared with the rows
  AuditAnchor newest_anchor;         // the last anchor given (seq 0 when none)
  std::int64_t broken_seq = 0;       // the first row found wrong or missing; 0 when ok
  // "" when ok, else one line without personal data, e.g. "row 17 was edited: its hash does not
  // match its fields", "row 12 is missing", "rows after 40 were deleted: the anchor of
  // 2026-03-02 09:00:00 CST names row 42".
  std::string problem;
};

// Brings the "audit" schema component up to date. `db` must not be inside a transaction. Errors
// as storage::migrate().
Status migrate_audit_schema(storage::Database& db);

// Appends `entry` as the next row, chained to the newest. Runs in the caller's open transaction
// (as a savepoint) or else in one of its own, so it commits or rolls back with the change it
// records. Returns the new row's seq, or InvalidArgument naming the field that breaks the rules
// above ("audit target must be at most 128 bytes of printable ASCII without spaces"), or a
// storage error. Precondition: migrate_audit_schema() ran. The one writer of the database calls
// it; two connections appending at once would race for the same seq (the second one fails).
Result<std::int64_t> append_audit(storage::Database& db, const AuditEntry& entry);

// Up to `limit` rows with seq > `after_seq`, in seq order (limit 0..10000; InvalidArgument
// otherwise). Any connection.
Result<std::vector<AuditRow>> load_audit(storage::Database& db, std::int64_t after_seq, int limit);

// The newest row's seq and hash. Any connection.
Result<AuditHead> audit_head(storage::Database& db);

// The anchors this node (`self`) emitted, read from the signed events of its own event log (not
// from a projection), in the order it emitted them. Corruption when a stored anchor event does not
// decode or its body is malformed. Any connection.
Result<std::vector<AuditAnchor>> own_audit_anchors(storage::Database& db, const RegionCode& self);

// The anchors of `origin` this node received (its subtree's, and its own), from the projection,
// in the order the origin emitted them. Any connection.
Result<std::vector<AuditAnchor>> received_audit_anchors(storage::Database& db,
                                                        const RegionCode& origin);

// The newest of them (nullopt when none), without reading the others. Any connection.
Result<std::optional<AuditAnchor>> newest_received_anchor(storage::Database& db,
                                                          const RegionCode& origin);

// The origins whose anchors this node received (its own included), in code order. Any
// connection.
Result<std::vector<RegionCode>> anchored_origins(storage::Database& db);

// Whether a sequence of one origin's anchors (in the order it emitted them) contradicts itself:
// "" when not, else why ("the anchor of <time> names row 40, after one that named row 50: rows
// were deleted"). An ancestor can run it over received_audit_anchors() without the origin's rows.
// An anchor that declares new epochs releases the earlier anchors of rows after its kept_rows:
// those rows were lost by a restore or a replacement the origin owns up to (epoch_changes()
// lists them). An epoch count that goes back, or kept rows beyond the anchored row, is a problem.
std::string audit_anchors_problem(const std::vector<AuditAnchor>& anchors);

// The anchors among `anchors` (one origin's, in order) that declared new epochs.
std::vector<AuditAnchor> epoch_changes(const std::vector<AuditAnchor>& anchors);

// What the next anchor of this node's log says of its epochs: the epochs begun (`epochs`, from
// node_store.h's load_audit_epochs) and the fewest rows kept by those its newest anchor
// (`last`, nullptr when none) did not count yet. {epoch, kept_rows} of AuditAnchor.
std::pair<std::int64_t, std::int64_t> next_anchor_epoch(const std::vector<AuditEpoch>& epochs,
                                                        const AuditAnchor* last);

// Recomputes the chain from row 1 and compares it with `anchors` (e.g. own_audit_anchors()).
// Returns the report: ok, or the first problem found in seq order (see the top of this file for
// what can and cannot be found). Errors only when the database cannot be read, or
// InvalidArgument for an anchor naming row 0 or below. Any connection; reads the rows in one
// statement, so a concurrent append is either seen or not: read the anchors first.
Result<AuditReport> verify_audit(storage::Database& db, const std::vector<AuditAnchor>& anchors);

// "2026-03-02 09:00:00 CST": a Unix time in China Standard Time, for messages.
std::string cst_time_text(std::int64_t unix_seconds);

}  // namespace yimen::hall
