#include "node/node_store.h"

#include <array>
#include <cstring>

#include "storage/migration.h"

namespace yimen::node {
namespace {

constexpr std::array<storage::Migration, 3> kMigrations = {{
    {1, "node identity, certificate chain, enrolled children", R"sql(
CREATE TABLE node_identity (
  singleton   INTEGER PRIMARY KEY CHECK (singleton = 1),
  id          TEXT NOT NULL,
  name        TEXT NOT NULL,
  public_key  BLOB NOT NULL,
  log_epoch   BLOB NOT NULL,
  created_at  INTEGER NOT NULL
);
-- The node's own chain: position 0 is its own certificate, the last the city root.
CREATE TABLE node_certificate (
  position  INTEGER PRIMARY KEY,
  bytes     BLOB NOT NULL
);
CREATE TABLE enrolled_child (
  id           TEXT PRIMARY KEY,
  name         TEXT NOT NULL,
  public_key   BLOB NOT NULL,
  certificate  BLOB NOT NULL,
  enrolled_at  INTEGER NOT NULL
);
)sql"},
    {2, "recovery state after a restore", R"sql(
-- At most one row; none means never recovering. Ending recovery sets recovering = 0 and keeps
-- since and reason as the record of the last one.
CREATE TABLE node_recovery (
  singleton   INTEGER PRIMARY KEY CHECK (singleton = 1),
  recovering  INTEGER NOT NULL CHECK (recovering IN (0, 1)),
  since       INTEGER NOT NULL,
  reason      TEXT NOT NULL
);
)sql"},
    {3, "the audit log's epochs: each restore or replacement", R"sql(
-- One row each time the node was restored from a backup or replaced: the audit log rows it
-- kept (the old log's later rows are lost), and the last of its own events from before (its
-- anchors of the old log); NULL until recovery ends.
CREATE TABLE audit_epoch (
  epoch               INTEGER PRIMARY KEY,
  began_at            INTEGER NOT NULL,
  reason              TEXT NOT NULL,
  kept_rows           INTEGER NOT NULL,
  old_events_through  INTEGER
);
)sql"},
}};

template <size_t N>
bool copy_key(const Bytes& from, std::array<std::uint8_t, N>& to) {
  if (from.size() != N) return false;
  std::memcpy(to.data(), from.data(), N);
  return true;
}

}  // namespace

Status migrate_node_schema(storage::Database& db) {
  return storage::migrate(db, "node", kMigrations);
}

Status save_identity(storage::Database& db, const NodeIdentity& identity) {
  YIMEN_ASSIGN_OR_RETURN(auto stmt, db.prepare("INSERT INTO node_identity "
                                               "(singleton, id, name, public_key, log_epoch, "
                                               "created_at) VALUES (1, ?, ?, ?, ?, ?)"));
  stmt.bind(1, identity.id.str());
  stmt.bind(2, identity.name);
  stmt.bind_blob(3, identity.public_key);
  stmt.bind_blob(4, identity.log_epoch);
  stmt.bind(5, identity.created_at);
  return stmt.run();
}

Result<NodeIdentity> load_identity(storage::Database& db) {
  YIMEN_ASSIGN_OR_RETURN(auto stmt, db.prepare("SELECT id, name, public_key, log_epoch, created_at "
                                               "FROM node_identity WHERE singleton = 1"));
  YIMEN_ASSIGN_OR_RETURN(bool row, stmt.step());
  if (!row) return not_found("the database records no node identity");
  auto id = RegionCode::parse(stmt.column_text(0));
  if (!id.ok()) return corruption("node identity: " + id.status().message());
  NodeIdentity identity{*id, stmt.column_text(1), {}, stmt.column_blob(3), stmt.column_int64(4)};
  if (!copy_key(stmt.column_blob(2), identity.public_key)) {
    return corruption("node identity: public key is not 32 bytes");
  }
  return identity;
}

Status save_chain(storage::Database& db, const std::vector<crypto::Certificate>& chain) {
  YIMEN_TRY(db.exec("DELETE FROM node_certificate"));
  YIMEN_ASSIGN_OR_RETURN(
      auto stmt, db.prepare("INSERT INTO node_certificate (position, bytes) VALUES (?, ?)"));
  for (size_t i = 0; i < chain.size(); ++i) {
    stmt.bind(1, static_cast<std::int64_t>(i));
    stmt.bind_blob(2, chain[i].bytes);
    YIMEN_TRY(stmt.run());
    stmt.reset();
  }
  return {};
}

Result<std::vector<crypto::Certificate>> load_chain(storage::Database& db) {
  YIMEN_ASSIGN_OR_RETURN(auto stmt,
                         db.prepare("SELECT bytes FROM node_certificate ORDER BY position"));
  std::vector<crypto::Certificate> chain;
  for (;;) {
    YIMEN_ASSIGN_OR_RETURN(bool row, stmt.step());
    if (!row) break;
    auto cert = crypto::Certificate::decode(stmt.column_blob(0));
    if (!cert.ok()) return corruption("stored " + cert.status().message());
    chain.push_back(std::move(cert).value());
  }
  return chain;
}

Status save_child(storage::Database& db, const EnrolledChild& child) {
  YIMEN_ASSIGN_OR_RETURN(auto stmt, db.prepare("INSERT INTO enrolled_child "
                                               "(id, name, public_key, certificate, enrolled_at) "
                                               "VALUES (?, ?, ?, ?, ?)"));
  stmt.bind(1, child.id.str());
  stmt.bind(2, child.name);
  stmt.bind_blob(3, child.public_key);
  stmt.bind_blob(4, child.certificate);
  stmt.bind(5, child.enrolled_at);
  return stmt.run();
}

Result<std::optional<EnrolledChild>> find_child(storage::Database& db, const RegionCode& id) {
  YIMEN_ASSIGN_OR_RETURN(auto stmt, db.prepare("SELECT name, public_key, certificate, enrolled_at "
                                               "FROM enrolled_child WHERE id = ?"));
  stmt.bind(1, id.str());
  YIMEN_ASSIGN_OR_RETURN(bool row, stmt.step());
  if (!row) return std::optional<EnrolledChild>();
  EnrolledChild child{id, stmt.column_text(0), {}, stmt.column_blob(2), stmt.column_int64(3)};
  if (!copy_key(stmt.column_blob(1), child.public_key)) {
    return corruption("enrolled child: public key is not 32 bytes");
  }
  return std::optional<EnrolledChild>(std::move(child));
}

Status remove_child(storage::Database& db, const RegionCode& id) {
  YIMEN_ASSIGN_OR_RETURN(auto stmt, db.prepare("DELETE FROM enrolled_child WHERE id = ?"));
  stmt.bind(1, id.str());
  YIMEN_TRY(stmt.run());
  if (db.changes() != 1) return not_found(id.str() + " is not an enrolled child of this node");
  return {};
}

Status set_log_epoch(storage::Database& db, const Bytes& epoch) {
  YIMEN_ASSIGN_OR_RETURN(auto stmt,
                         db.prepare("UPDATE node_identity SET log_epoch = ? WHERE singleton = 1"));
  stmt.bind_blob(1, epoch);
  YIMEN_TRY(stmt.run());
  if (db.changes() != 1) return not_found("the database records no node identity");
  return {};
}

Result<RecoveryState> load_recovery(storage::Database& db) {
  YIMEN_ASSIGN_OR_RETURN(
      auto stmt,
      db.prepare("SELECT recovering, since, reason FROM node_recovery WHERE singleton = 1"));
  YIMEN_ASSIGN_OR_RETURN(bool row, stmt.step());
  if (!row || stmt.column_int64(0) == 0) return RecoveryState{};
  return RecoveryState{true, stmt.column_int64(1), stmt.column_text(2)};
}

Status begin_recovery(storage::Database& db, std::int64_t since, std::string_view reason,
                      AuditLogKept kept) {
  YIMEN_ASSIGN_OR_RETURN(auto tx, db.begin());
  // No UPSERT in SQLite 3.15; the table has no children, so REPLACE is safe here.
  YIMEN_ASSIGN_OR_RETURN(auto stmt, db.prepare("INSERT OR REPLACE INTO node_recovery "
                                               "(singleton, recovering, since, reason) "
                                               "VALUES (1, 1, ?, ?)"));
  stmt.bind(1, since);
  stmt.bind(2, reason);
  YIMEN_TRY(stmt.run());
  // A backup's audit log (node/hall/audit_log.cpp) keeps the rows it has.
  YIMEN_ASSIGN_OR_RETURN(auto epoch, db.prepare("INSERT INTO audit_epoch (began_at, reason, "
                                                "kept_rows) SELECT ?, ?, CASE WHEN ? THEN "
                                                "IFNULL(MAX(seq), 0) ELSE 0 END FROM audit_log"));
  epoch.bind(1, since);
  epoch.bind(2, reason);
  epoch.bind(3, std::int64_t{kept == AuditLogKept::kBackupCopy ? 1 : 0});
  YIMEN_TRY(epoch.run());
  return tx.commit();
}

Status end_recovery(storage::Database& db) {
  YIMEN_ASSIGN_OR_RETURN(auto tx, db.begin());
  YIMEN_TRY(db.exec("UPDATE node_recovery SET recovering = 0"));
  // The node's own events held now are the old epoch's (sync/event_log.cpp's table).
  YIMEN_TRY(
      db.exec("UPDATE audit_epoch SET old_events_through = (SELECT IFNULL(MAX(e.seq), 0) "
              "FROM event e JOIN node_identity n ON e.origin = n.id) "
              "WHERE old_events_through IS NULL"));
  return tx.commit();
}

Result<std::vector<hall::AuditEpoch>> load_audit_epochs(storage::Database& db) {
  YIMEN_ASSIGN_OR_RETURN(auto stmt, db.prepare("SELECT began_at, reason, kept_rows, "
                                               "old_events_through FROM audit_epoch ORDER BY "
                                               "epoch"));
  return storage::collect(stmt, [](storage::Statement& row) {
    hall::AuditEpoch e{row.column_int64(0), row.column_text(1), row.column_int64(2), std::nullopt};
    if (!row.column_is_null(3)) e.old_events_through = row.column_int64(3);
    return e;
  });
}

}  // namespace yimen::node
