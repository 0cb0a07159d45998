#include "sync/link_store.h"

#include <array>

#include "storage/migration.h"

namespace yimen::sync {
namespace {

constexpr std::array<storage::Migration, 3> kMigrations = {{
    {1, "replication checkpoints and sync status", R"sql(
CREATE TABLE sync_checkpoint (
  peer      TEXT PRIMARY KEY,
  epoch     BLOB NOT NULL,
  position  INTEGER NOT NULL CHECK (position >= 0)
);
CREATE TABLE sync_status (
  node             TEXT PRIMARY KEY,
  reported_at_ms   INTEGER NOT NULL,
  link_up          INTEGER NOT NULL,
  last_contact_ms  INTEGER NOT NULL,
  backlog          INTEGER NOT NULL,
  quarantined      INTEGER NOT NULL,
  refused          INTEGER NOT NULL,
  clock_offset_ms  INTEGER NOT NULL,
  software         TEXT NOT NULL,
  pending          INTEGER NOT NULL,
  forks            INTEGER NOT NULL,
  received_ms      INTEGER NOT NULL
);
)sql"},
    {2, "link conflicts in the sync status", R"sql(
ALTER TABLE sync_status ADD COLUMN conflicts INTEGER NOT NULL DEFAULT 0;
)sql"},
    {3, "what the parent acknowledged of this log", R"sql(
-- The position of this node's log (of its epoch then) through which its
-- parent last acknowledged holding everything: the backlog survives a
-- disconnect and a restart while the parent is out of reach.
CREATE TABLE sync_acknowledged (
  peer      TEXT PRIMARY KEY,
  epoch     BLOB NOT NULL,
  position  INTEGER NOT NULL CHECK (position >= 0)
);
)sql"},
}};

Result<std::int64_t> single_integer(storage::Database& db, std::string_view sql) {
  YIMEN_ASSIGN_OR_RETURN(auto stmt, db.prepare(sql));
  YIMEN_ASSIGN_OR_RETURN(bool row, stmt.step());
  return row ? stmt.column_int64(0) : 0;
}

// The two tables of (peer, epoch, position): sync_checkpoint, sync_acknowledged.
Result<Checkpoint> load_position(storage::Database& db, std::string_view table,
                                 const std::string& peer) {
  YIMEN_ASSIGN_OR_RETURN(auto stmt, db.prepare("SELECT epoch, position FROM " + std::string(table) +
                                               " WHERE peer = ?"));
  stmt.bind(1, peer);
  YIMEN_ASSIGN_OR_RETURN(bool row, stmt.step());
  if (!row) return Checkpoint{};
  return Checkpoint{stmt.column_blob(0), stmt.column_int64(1)};
}

Status save_position(storage::Database& db, std::string_view table, const std::string& peer,
                     const Checkpoint& c) {
  // No UPSERT in SQLite 3.15: update, then insert when nothing changed.
  YIMEN_ASSIGN_OR_RETURN(auto update, db.prepare("UPDATE " + std::string(table) +
                                                 " SET epoch = ?, position = ? WHERE peer = ?"));
  update.bind_blob(1, c.epoch);
  update.bind(2, c.position);
  update.bind(3, peer);
  YIMEN_TRY(update.run());
  if (db.changes() > 0) return {};
  YIMEN_ASSIGN_OR_RETURN(auto insert, db.prepare("INSERT INTO " + std::string(table) +
                                                 " (peer, epoch, position) VALUES (?, ?, ?)"));
  insert.bind(1, peer);
  insert.bind_blob(2, c.epoch);
  insert.bind(3, c.position);
  return insert.run();
}

}  // namespace

Status migrate_link_schema(storage::Database& db) {
  return storage::migrate(db, "link", kMigrations);
}

Result<Checkpoint> load_checkpoint(storage::Database& db, const std::string& peer) {
  return load_position(db, "sync_checkpoint", peer);
}

Status save_checkpoint(storage::Database& db, const std::string& peer, const Checkpoint& c) {
  return save_position(db, "sync_checkpoint", peer, c);
}

Result<Checkpoint> load_acknowledged(storage::Database& db, const std::string& peer) {
  return load_position(db, "sync_acknowledged", peer);
}

Status save_acknowledged(storage::Database& db, const std::string& peer, const Checkpoint& c) {
  return save_position(db, "sync_acknowledged", peer, c);
}

Status save_status(storage::Database& db, const std::vector<NodeStatus>& nodes,
                   std::int64_t received_ms) {
  for (const NodeStatus& n : nodes) {
    YIMEN_ASSIGN_OR_RETURN(auto del, db.prepare("DELETE FROM sync_status WHERE node = ?"));
    del.bind(1, n.node);
    YIMEN_TRY(del.run());
    YIMEN_ASSIGN_OR_RETURN(
        auto insert,
        db.prepare("INSERT INTO sync_status (node, reported_at_ms, link_up, last_contact_ms, "
                   "backlog, quarantined, refused, clock_offset_ms, software, pending, forks, "
                   "received_ms, conflicts) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
    insert.bind(1, n.node);
    insert.bind(2, n.reported_at_ms);
    insert.bind(3, std::int64_t{n.link_up ? 1 : 0});
    insert.bind(4, n.last_contact_ms);
    insert.bind(5, n.backlog);
    insert.bind(6, n.quarantined);
    insert.bind(7, n.refused);
    insert.bind(8, n.clock_offset_ms);
    insert.bind(9, n.software);
    insert.bind(10, n.pending);
    insert.bind(11, n.forks);
    insert.bind(12, received_ms);
    insert.bind(13, n.conflicts);
    YIMEN_TRY(insert.run());
  }
  return {};
}

Result<std::vector<StoredStatus>> load_status(storage::Database& db) {
  YIMEN_ASSIGN_OR_RETURN(
      auto stmt, db.prepare("SELECT node, reported_at_ms, link_up, last_contact_ms, backlog, "
                            "quarantined, refused, clock_offset_ms, software, pending, forks, "
                            "received_ms, conflicts FROM sync_status ORDER BY node"));
  std::vector<StoredStatus> out;
  for (;;) {
    YIMEN_ASSIGN_OR_RETURN(bool row, stmt.step());
    if (!row) break;
    StoredStatus s;
    s.status = {stmt.column_text(0),  stmt.column_int64(1),  stmt.column_int64(2) != 0,
                stmt.column_int64(3), stmt.column_int64(4),  stmt.column_int64(5),
                stmt.column_int64(6), stmt.column_int64(7),  stmt.column_text(8),
                stmt.column_int64(9), stmt.column_int64(10), stmt.column_int64(12)};
    s.received_ms = stmt.column_int64(11);
    out.push_back(std::move(s));
  }
  return out;
}

Result<UpwardCount> count_upward(storage::Database& db, const RegionCode& subtree,
                                 std::int64_t after, std::size_t limit) {
  YIMEN_ASSIGN_OR_RETURN(auto stmt, db.prepare("SELECT local_seq, origin FROM event WHERE "
                                               "local_seq > ? ORDER BY local_seq LIMIT ?"));
  stmt.bind(1, after);
  stmt.bind(2, static_cast<std::int64_t>(limit));
  UpwardCount out{0, after};
  for (;;) {
    YIMEN_ASSIGN_OR_RETURN(bool row, stmt.step());
    if (!row) break;
    out.looked_through = stmt.column_int64(0);
    auto origin = RegionCode::parse(stmt.column_text(1));
    if (origin.ok() && subtree.contains(*origin)) ++out.upward;
  }
  return out;
}

Result<LogCounts> count_log(storage::Database& db) {
  LogCounts c;
  YIMEN_ASSIGN_OR_RETURN(c.last_local_seq, single_integer(db, "SELECT MAX(local_seq) FROM event"));
  YIMEN_ASSIGN_OR_RETURN(c.quarantined,
                         single_integer(db, "SELECT COUNT(*) FROM quarantined_event"));
  YIMEN_ASSIGN_OR_RETURN(c.pending, single_integer(db, "SELECT COUNT(*) FROM pending_event"));
  YIMEN_ASSIGN_OR_RETURN(
      c.forks,
      single_integer(db, "SELECT COUNT(DISTINCT origin || ':' || seq) FROM fork_evidence"));
  return c;
}

}  // namespace yimen::sync
