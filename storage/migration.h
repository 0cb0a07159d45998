#pragma once

// Numbered, transactional schema migrations, recorded in the database (DESIGN.md section 5).
//
// Several modules share one database file; each owns a sequence of migrations under its own
// component name. Applied migrations are recorded in
//
//   schema_migration(component TEXT, version INTEGER, name TEXT,
//                    applied_at TEXT  -- UTC, "YYYY-MM-DDTHH:MM:SSZ"
//                    PRIMARY KEY (component, version))
//
// and a component's schema version is the highest version recorded for it (0 when none).

#include <span>
#include <string_view>

#include "common/status.h"
#include "storage/database.h"

namespace yimen::storage {

// One step of a component's schema. `name` and `sql` usually point at string literals.
struct Migration {
  int version;            // 1, 2, 3, ... in order, without gaps
  std::string_view name;  // short, e.g. "create_case"; recorded and used in messages
  // One or more statements for SQLite 3.15 (no UPSERT, window functions, RETURNING, JSON1,
  // FTS5). Must not contain BEGIN, COMMIT or ROLLBACK. Runs with foreign keys off, so ON DELETE
  // / ON UPDATE actions do not fire and references may dangle until the end; see migrate().
  std::string_view sql;
};

// Brings `component` up to the newest of `migrations` (which must be numbered 1..N).
//
// Creates schema_migration if missing, then applies each migration newer than the recorded
// version in its own write transaction: PRAGMA foreign_keys = OFF (it only changes outside a
// transaction), BEGIN IMMEDIATE, PRAGMA defer_foreign_keys = ON, the migration's SQL,
// PRAGMA foreign_key_check (which must find no rows), the record in schema_migration, COMMIT,
// PRAGMA foreign_keys = ON (also after a failure). Foreign keys are off rather than merely
// deferred because SQLite's recipe for rebuilding a parent table (create new, copy, drop old,
// rename) fails at COMMIT with deferred foreign keys on this version, although it leaves no
// dangling reference. A migration another connection applied meanwhile is skipped.
//
// Returns OK when the component is at version N (also when nothing was to do), or:
//   kInvalidArgument    `migrations` not numbered 1..N, or an empty component name;
//   kUnsupported        the database records a version newer than N: "<file name> has schema
//                       version 7 of 'node', newer than this yimen knows (3); use a newer yimen";
//   kFailedPrecondition a migration leaves foreign keys pointing nowhere;
//   any error of the migration's SQL, with context naming component, version and name.
// A failing migration is rolled back completely; the ones before it stay applied.
// `db` is borrowed for the call; must not be inside a transaction.
Status migrate(Database& db, std::string_view component, std::span<const Migration> migrations);

// Returns the highest version of `component` recorded in `db`, 0 when none (also when
// schema_migration does not exist yet), or the error reading it.
Result<int> schema_version(Database& db, std::string_view component);

}  // namespace yimen::storage
