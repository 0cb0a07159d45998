#include "storage/migration.h"

#include <climits>
#include <cstddef>
#include <cstdint>
#include <string>

namespace yimen::storage {

namespace {

constexpr std::string_view kCreateMigrationTable =
    "CREATE TABLE IF NOT EXISTS schema_migration ("
    " component TEXT NOT NULL,"
    " version INTEGER NOT NULL,"
    " name TEXT NOT NULL,"
    " applied_at TEXT NOT NULL,"
    " PRIMARY KEY (component, version))";

constexpr int kMaxReportedViolations = 3;

std::string file_name(const Database& db) { return db.path().filename().string(); }

std::string describe(std::string_view component, const Migration& migration) {
  return "migration " + std::to_string(migration.version) + " (" + std::string(migration.name) +
         ") of '" + std::string(component) + "'";
}

Status check_sequence(std::string_view component, std::span<const Migration> migrations) {
  if (component.empty()) return invalid_argument("migration component name is empty");
  if (migrations.size() > static_cast<std::size_t>(INT_MAX)) {
    return invalid_argument("too many migrations for '" + std::string(component) + "'");
  }
  for (std::size_t i = 0; i < migrations.size(); ++i) {
    const auto expected = static_cast<int>(i + 1);
    if (migrations[i].version != expected) {
      return invalid_argument("migrations of '" + std::string(component) +
                              "' must be numbered 1, 2, 3... without gaps; position " +
                              std::to_string(i + 1) + " has version " +
                              std::to_string(migrations[i].version));
    }
  }
  return Status::ok_status();
}

Status newer_than_known(const Database& db, std::string_view component, int recorded, int newest) {
  return unsupported(file_name(db) + " has schema version " + std::to_string(recorded) + " of '" +
                     std::string(component) + "', newer than this yimen knows (" +
                     std::to_string(newest) + "); use a newer yimen");
}

// PRAGMA foreign_key_check must answer no rows. Reports up to a few violations by table and
// rowid (no column values).
Status check_foreign_keys(Database& db) {
  YIMEN_ASSIGN_OR_RETURN(Statement check, db.prepare("PRAGMA foreign_key_check"));
  std::string violations;
  int count = 0;
  while (true) {
    YIMEN_ASSIGN_OR_RETURN(const bool row, check.step());
    if (!row) break;
    if (++count > kMaxReportedViolations) continue;
    if (!violations.empty()) violations += "; ";
    // Columns: table, rowid (NULL for WITHOUT ROWID tables), parent table, foreign key index.
    violations += "a row of " + check.column_text(0);
    if (!check.column_is_null(1)) violations += " (rowid " + check.column_text(1) + ")";
    violations += " refers to a missing row of " + check.column_text(2);
  }
  if (count == 0) return Status::ok_status();
  if (count > kMaxReportedViolations) {
    violations += "; and " + std::to_string(count - kMaxReportedViolations) + " more";
  }
  return failed_precondition("foreign key violations: " + violations);
}

Status set_foreign_keys(Database& db, bool on) {
  YIMEN_TRY(db.exec(on ? "PRAGMA foreign_keys = ON" : "PRAGMA foreign_keys = OFF"));
  YIMEN_ASSIGN_OR_RETURN(Statement query, db.prepare("PRAGMA foreign_keys"));
  YIMEN_ASSIGN_OR_RETURN(const bool row, query.step());
  if (!row || query.column_int64(0) != (on ? 1 : 0)) {
    return internal_error(file_name(db) + ": cannot turn foreign keys " + (on ? "on" : "off"));
  }
  return Status::ok_status();
}

// Applies `migration` in a write transaction unless the recorded version already has it.
// Foreign keys are off (see apply()).
Status apply_in_transaction(Database& db, std::string_view component, const Migration& migration,
                            int newest) {
  const std::string what = describe(component, migration);
  auto transaction = db.begin();
  if (!transaction.ok()) return transaction.status().with_context(what);
  // Another connection may have migrated between the caller's look and our write lock.
  YIMEN_ASSIGN_OR_RETURN(const int recorded, schema_version(db, component));
  if (recorded > newest) return newer_than_known(db, component, recorded, newest);
  if (recorded >= migration.version) return Status::ok_status();  // nothing to roll back

  // Belt and braces: a no-op while foreign keys are off.
  YIMEN_TRY(db.exec("PRAGMA defer_foreign_keys = ON").with_context(what));
  YIMEN_TRY(db.exec(migration.sql).with_context(what));
  if (!db.in_transaction()) {
    return invalid_argument(what + ": its SQL ended the transaction; remove BEGIN/COMMIT/ROLLBACK");
  }
  YIMEN_TRY(check_foreign_keys(db).with_context(what));

  YIMEN_ASSIGN_OR_RETURN(
      Statement record,
      db.prepare("INSERT INTO schema_migration (component, version, name, applied_at)"
                 " VALUES (?, ?, ?, strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))"));
  record.bind(1, component).bind(2, std::int64_t{migration.version}).bind(3, migration.name);
  YIMEN_TRY(record.run().with_context(what));
  return transaction->commit().with_context(what);
}

// Applies `migration` with foreign keys off: PRAGMA foreign_keys only changes outside a
// transaction, and with them on (even deferred) SQLite's recipe for rebuilding a parent table
// (create new, copy, drop old, rename) fails at COMMIT, because DROP TABLE counts every child
// row as a violation that the renamed table never cancels. PRAGMA foreign_key_check before
// COMMIT verifies every foreign key instead. Foreign keys are back on afterwards, also on error.
Status apply(Database& db, std::string_view component, const Migration& migration, int newest) {
  YIMEN_TRY(set_foreign_keys(db, false));
  Status applied = apply_in_transaction(db, component, migration, newest);
  const Status restored = set_foreign_keys(db, true);
  if (!restored.ok()) {
    return restored.with_context(describe(component, migration) + ": after " +
                                 (applied.ok() ? "success" : applied.message()));
  }
  return applied;
}

}  // namespace

Result<int> schema_version(Database& db, std::string_view component) {
  if (component.empty()) return invalid_argument("migration component name is empty");
  YIMEN_ASSIGN_OR_RETURN(Statement exists,
                         db.prepare("SELECT count(*) FROM sqlite_master"
                                    " WHERE type = 'table' AND name = 'schema_migration'"));
  YIMEN_ASSIGN_OR_RETURN(const bool has_count, exists.step());
  if (!has_count || exists.column_int64(0) == 0) return 0;

  YIMEN_ASSIGN_OR_RETURN(
      Statement newest,
      db.prepare("SELECT max(version) FROM schema_migration WHERE component = ?"));
  newest.bind(1, component);
  YIMEN_ASSIGN_OR_RETURN(const bool has_row, newest.step());
  if (!has_row || newest.column_is_null(0)) return 0;
  const std::int64_t version = newest.column_int64(0);
  if (version < 0 || version > INT_MAX) {
    return corruption(file_name(db) + " is damaged: schema_migration records version " +
                      std::to_string(version) + " of '" + std::string(component) + "'");
  }
  return static_cast<int>(version);
}

Status migrate(Database& db, std::string_view component, std::span<const Migration> migrations) {
  YIMEN_TRY(check_sequence(component, migrations));
  if (db.in_transaction()) {
    return failed_precondition(file_name(db) + ": cannot migrate inside an open transaction");
  }
  const auto newest = static_cast<int>(migrations.size());
  YIMEN_TRY(db.exec(kCreateMigrationTable));
  YIMEN_ASSIGN_OR_RETURN(const int recorded, schema_version(db, component));
  if (recorded > newest) return newer_than_known(db, component, recorded, newest);
  for (const Migration& migration : migrations.subspan(static_cast<std::size_t>(recorded))) {
    YIMEN_TRY(apply(db, component, migration, newest));
  }
  return Status::ok_status();
}

}  // namespace yimen::storage
