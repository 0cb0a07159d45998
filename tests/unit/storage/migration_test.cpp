#include "storage/migration.h"

#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "storage/database.h"
#include "support/status.h"
#include "support/test_dir.h"

namespace yimen::storage {
namespace {

using yimen::testing::TestDir;

using yimen::testing::must;

constexpr Migration kNodeV1{1, "create_hall",
                            "CREATE TABLE hall(id INTEGER PRIMARY KEY, name TEXT);"
                            "INSERT INTO hall(id, name) VALUES (1, 'first');"};
constexpr Migration kNodeV2{2, "create_desk",
                            "CREATE TABLE desk(id INTEGER PRIMARY KEY,"
                            " hall_id INTEGER NOT NULL REFERENCES hall(id));"
                            "INSERT INTO desk(id, hall_id) VALUES (1, 1);"};
constexpr Migration kNodeV3{3, "index_desk", "CREATE INDEX desk_hall ON desk(hall_id);"};
constexpr std::array<Migration, 3> kNode{kNodeV1, kNodeV2, kNodeV3};

// "YYYY-MM-DDTHH:MM:SSZ"
bool is_utc_timestamp(const std::string& text) {
  const std::string_view shape = "dddd-dd-ddTdd:dd:ddZ";
  if (text.size() != shape.size()) return false;
  for (std::size_t i = 0; i < shape.size(); ++i) {
    const bool ok = shape[i] == 'd' ? (text[i] >= '0' && text[i] <= '9') : text[i] == shape[i];
    if (!ok) return false;
  }
  return true;
}

class MigrationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    for (std::size_t i = 0; i < key_.size(); ++i) key_[i] = static_cast<std::uint8_t>(3 * i + 1);
    db_.emplace(must(Database::open(dir_ / "test.db", key_, {.create = true})));
  }
  void TearDown() override { db_.reset(); }

  Database& db() { return *db_; }

  std::int64_t query_int(std::string_view sql) {
    Statement statement = must(db().prepare(sql));
    if (!must(statement.step())) throw std::runtime_error("no row");
    return statement.column_int64(0);
  }

  bool table_exists(std::string_view name) {
    Statement statement =
        must(db().prepare("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = ?"));
    statement.bind(1, name);
    if (!must(statement.step())) throw std::runtime_error("no row");
    return statement.column_int64(0) == 1;
  }

  TestDir dir_;
  std::array<std::uint8_t, 32> key_{};
  std::optional<Database> db_;
};

TEST_F(MigrationTest, AppliesAllMigrationsToAnEmptyDatabaseAndRecordsThem) {
  EXPECT_EQ(must(schema_version(db(), "node")), 0);  // before schema_migration exists
  EXPECT_OK(migrate(db(), "node", kNode));
  EXPECT_EQ(must(schema_version(db(), "node")), 3);
  EXPECT_TRUE(table_exists("hall"));
  EXPECT_TRUE(table_exists("desk"));
  EXPECT_EQ(query_int("SELECT count(*) FROM sqlite_master WHERE name = 'desk_hall'"), 1);

  Statement recorded = must(
      db().prepare("SELECT version, name, applied_at FROM schema_migration WHERE component = 'node'"
                   " ORDER BY version"));
  for (const Migration& migration : kNode) {
    ASSERT_TRUE(must(recorded.step()));
    EXPECT_EQ(recorded.column_int64(0), migration.version);
    EXPECT_EQ(recorded.column_text(1), migration.name);
    EXPECT_TRUE(is_utc_timestamp(recorded.column_text(2))) << recorded.column_text(2);
  }
  EXPECT_FALSE(must(recorded.step()));
}

TEST_F(MigrationTest, RunningAgainIsANoOpAndNewMigrationsApplyLater) {
  EXPECT_OK(migrate(db(), "node", std::span(kNode).first(2)));
  EXPECT_EQ(must(schema_version(db(), "node")), 2);
  EXPECT_OK(migrate(db(), "node", std::span(kNode).first(2)));
  EXPECT_EQ(query_int("SELECT count(*) FROM hall"), 1);  // v1's INSERT did not run twice
  EXPECT_EQ(query_int("SELECT count(*) FROM schema_migration"), 2);

  EXPECT_OK(migrate(db(), "node", kNode));
  EXPECT_EQ(must(schema_version(db(), "node")), 3);
  EXPECT_EQ(query_int("SELECT count(*) FROM schema_migration"), 3);
}

TEST_F(MigrationTest, ComponentsHaveTheirOwnSequences) {
  const std::array<Migration, 1> other{Migration{1, "create_note", "CREATE TABLE note(x);"}};
  EXPECT_OK(migrate(db(), "node", kNode));
  EXPECT_OK(migrate(db(), "notes", other));
  EXPECT_EQ(must(schema_version(db(), "node")), 3);
  EXPECT_EQ(must(schema_version(db(), "notes")), 1);
  EXPECT_EQ(must(schema_version(db(), "sync")), 0);
}

TEST_F(MigrationTest, FailingMigrationRollsBackCompletely) {
  const std::array<Migration, 3> broken{
      kNodeV1,
      Migration{2, "add_b_c",
                "CREATE TABLE b(x); INSERT INTO b VALUES (1); CREATE TABLE c(x INTEGER;"},
      Migration{3, "add_d", "CREATE TABLE d(x);"}};
  const Status status = migrate(db(), "node", broken);
  EXPECT_EQ(status.code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(status.message().find("migration 2 (add_b_c) of 'node'"), std::string::npos)
      << status.message();
  EXPECT_NE(status.message().find("CREATE TABLE c(x INTEGER;"), std::string::npos)
      << status.message();
  EXPECT_EQ(must(schema_version(db(), "node")), 1);
  EXPECT_TRUE(table_exists("hall"));
  EXPECT_FALSE(table_exists("b"));
  EXPECT_FALSE(table_exists("d"));
  EXPECT_FALSE(db().in_transaction());
  EXPECT_EQ(query_int("SELECT count(*) FROM schema_migration"), 1);
  EXPECT_EQ(query_int("PRAGMA foreign_keys"), 1);  // back on after the failure
}

TEST_F(MigrationTest, ForeignKeyViolationIsRefused) {
  const std::array<Migration, 2> dangling{
      kNodeV1, Migration{2, "dangling_desk",
                         "CREATE TABLE desk(id INTEGER PRIMARY KEY,"
                         " hall_id INTEGER NOT NULL REFERENCES hall(id));"
                         "INSERT INTO desk(id, hall_id) VALUES (1, 42);"}};
  const Status status = migrate(db(), "node", dangling);
  EXPECT_EQ(status.code(), ErrorCode::kFailedPrecondition);
  EXPECT_NE(status.message().find("migration 2 (dangling_desk) of 'node'"), std::string::npos)
      << status.message();
  EXPECT_NE(status.message().find("desk"), std::string::npos) << status.message();
  EXPECT_EQ(must(schema_version(db(), "node")), 1);
  EXPECT_FALSE(table_exists("desk"));
}

TEST_F(MigrationTest, ParentTableCanBeRebuiltUnderDeferredForeignKeys) {
  EXPECT_OK(migrate(db(), "node", std::span(kNode).first(2)));
  // SQLite's recipe for changes ALTER TABLE cannot make: copy, drop, rename.
  const std::array<Migration, 3> rebuild{
      kNodeV1, kNodeV2,
      Migration{3, "hall_name_not_null",
                "CREATE TABLE hall_new(id INTEGER PRIMARY KEY, name TEXT NOT NULL DEFAULT '');"
                "INSERT INTO hall_new(id, name) SELECT id, coalesce(name, '') FROM hall;"
                "DROP TABLE hall;"
                "ALTER TABLE hall_new RENAME TO hall;"}};
  EXPECT_OK(migrate(db(), "node", rebuild));
  EXPECT_EQ(must(schema_version(db(), "node")), 3);
  EXPECT_EQ(query_int("SELECT count(*) FROM desk JOIN hall ON hall.id = desk.hall_id"), 1);
  // Foreign keys are still enforced afterwards.
  EXPECT_EQ(db().exec("INSERT INTO desk(id, hall_id) VALUES (2, 99)").code(),
            ErrorCode::kInvalidArgument);
}

TEST_F(MigrationTest, MigrationMustNotEndTheTransaction) {
  const std::array<Migration, 1> commits{Migration{1, "commits", "CREATE TABLE x(y); COMMIT;"}};
  const Status status = migrate(db(), "node", commits);
  EXPECT_FALSE(status.ok());
  EXPECT_NE(status.message().find("migration 1 (commits) of 'node'"), std::string::npos)
      << status.message();
  EXPECT_EQ(must(schema_version(db(), "node")), 0);
}

TEST_F(MigrationTest, NewerRecordedVersionIsUnsupported) {
  EXPECT_OK(migrate(db(), "node", kNode));
  const Status status = migrate(db(), "node", std::span(kNode).first(2));
  EXPECT_EQ(status.code(), ErrorCode::kUnsupported);
  EXPECT_EQ(status.message(),
            "test.db has schema version 3 of 'node', newer than this yimen knows (2); "
            "use a newer yimen");
  EXPECT_EQ(must(schema_version(db(), "node")), 3);
}

TEST_F(MigrationTest, SequenceMustBeNumberedWithoutGaps) {
  const std::array<Migration, 2> gap{kNodeV1, Migration{3, "skip", "CREATE TABLE z(x);"}};
  EXPECT_EQ(migrate(db(), "node", gap).code(), ErrorCode::kInvalidArgument);
  EXPECT_FALSE(table_exists("hall"));
  EXPECT_EQ(migrate(db(), "", kNode).code(), ErrorCode::kInvalidArgument);
}

TEST_F(MigrationTest, MigrationsSurviveReopening) {
  EXPECT_OK(migrate(db(), "node", kNode));
  db_.reset();
  db_.emplace(must(Database::open(dir_ / "test.db", key_)));
  EXPECT_EQ(must(schema_version(db(), "node")), 3);
  EXPECT_OK(migrate(db(), "node", kNode));
}

}  // namespace
}  // namespace yimen::storage
