#include "storage/database.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "support/status.h"
#include "support/test_dir.h"

namespace yimen::storage {
namespace {

namespace fs = std::filesystem;
using yimen::testing::TestDir;
using Key = std::array<std::uint8_t, 32>;

constexpr std::size_t kPageSize = 4096;
constexpr std::string_view kMarker = "MARKER-plaintext-canary-5f1d";
constexpr std::string_view kWrongKeyMessage =
    "test.db: wrong database key, or not a Yimen database";

Key make_key(std::uint8_t seed) {
  Key key{};
  for (std::size_t i = 0; i < key.size(); ++i) key[i] = static_cast<std::uint8_t>(seed + 7 * i);
  return key;
}

using yimen::testing::must;

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

bool file_contains(const fs::path& path, std::string_view needle) {
  return read_file(path).find(needle) != std::string::npos;
}

void flip_byte(const fs::path& path, std::size_t offset) {
  std::fstream file(path, std::ios::in | std::ios::out | std::ios::binary);
  ASSERT_TRUE(file.is_open());
  file.seekg(static_cast<std::streamoff>(offset));
  char byte = 0;
  ASSERT_TRUE(file.read(&byte, 1));
  byte = static_cast<char>(byte ^ 0x5a);
  file.seekp(static_cast<std::streamoff>(offset));
  ASSERT_TRUE(file.write(&byte, 1));
}

std::set<std::string> list_directory(const TestDir& dir) {
  std::set<std::string> names;
  for (const auto& entry : fs::directory_iterator(dir.path())) {
    names.insert(entry.path().filename());
  }
  return names;
}

std::int64_t count_rows(Database& db, std::string_view table) {
  Statement count = must(db.prepare("SELECT count(*) FROM " + std::string(table)));
  if (!must(count.step())) throw std::runtime_error("count(*) returned no row");
  return count.column_int64(0);
}

class DatabaseTest : public ::testing::Test {
 protected:
  fs::path db_path() const { return dir_ / "test.db"; }
  fs::path wal_path() const { return dir_ / "test.db-wal"; }

  Database create(const Key& key) { return must(Database::open(db_path(), key, {.create = true})); }

  // A table t of `rows` rows of about 100 bytes each, committed, connection closed.
  void create_table_of_rows(const Key& key, int rows) {
    Database db = create(key);
    EXPECT_OK(db.exec("CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT NOT NULL)"));
    Transaction tx = must(db.begin());
    Statement insert = must(db.prepare("INSERT INTO t(v) VALUES (?)"));
    for (int i = 0; i < rows; ++i) {
      insert.bind(1, std::string(kMarker) + "-" + std::to_string(i) + std::string(70, 'x'));
      EXPECT_OK(insert.run());
      insert.reset();
    }
    EXPECT_OK(tx.commit());
  }

  TestDir dir_;
};

TEST_F(DatabaseTest, DataIsEncryptedInDatabaseAndWalFiles) {
  const Key key = make_key(1);
  {
    Database db = create(key);
    EXPECT_OK(db.exec("CREATE TABLE note(id INTEGER PRIMARY KEY, body TEXT)"));
    Statement insert = must(db.prepare("INSERT INTO note(body) VALUES (?)"));
    for (int i = 0; i < 20; ++i) {
      insert.bind(1, std::string(kMarker) + " #" + std::to_string(i));
      EXPECT_OK(insert.run());
      insert.reset();
    }
    // The connection is open and nothing was checkpointed: the rows are in the WAL.
    ASSERT_TRUE(fs::exists(wal_path()));
    ASSERT_GT(fs::file_size(wal_path()), kPageSize);
    EXPECT_FALSE(file_contains(wal_path(), kMarker));
    EXPECT_FALSE(file_contains(db_path(), kMarker));
    EXPECT_FALSE(file_contains(db_path(), "SQLite format 3"));

    // A second connection reads them with the key.
    Database reader = must(Database::open(db_path(), key));
    Statement select = must(reader.prepare("SELECT body FROM note WHERE id = ?"));
    select.bind(1, std::int64_t{20});
    ASSERT_TRUE(must(select.step()));
    EXPECT_EQ(select.column_text(0), std::string(kMarker) + " #19");
  }
  // Closed: checkpointed into the database file.
  ASSERT_GE(fs::file_size(db_path()), 2 * kPageSize);
  EXPECT_FALSE(file_contains(db_path(), kMarker));
  if (fs::exists(wal_path())) {
    EXPECT_FALSE(file_contains(wal_path(), kMarker));
  }

  Database db = must(Database::open(db_path(), key));
  Statement select = must(db.prepare("SELECT body FROM note ORDER BY id LIMIT 1"));
  ASSERT_TRUE(must(select.step()));
  EXPECT_EQ(select.column_text(0), std::string(kMarker) + " #0");
}

TEST_F(DatabaseTest, CreatedFileIsPrivate) {
  create(make_key(1));
  const fs::perms perms = fs::status(db_path()).permissions();
  EXPECT_EQ(perms & fs::perms::all, fs::perms::owner_read | fs::perms::owner_write);
}

TEST_F(DatabaseTest, WrongKeyIsReportedAndLeavesTheFileUnchanged) {
  create_table_of_rows(make_key(1), 10);
  const std::string before = read_file(db_path());
  const std::set<std::string> files_before = list_directory(dir_);

  Result<Database> wrong = Database::open(db_path(), make_key(2));
  ASSERT_FALSE(wrong.ok());
  EXPECT_EQ(wrong.status().code(), ErrorCode::kWrongKey);
  EXPECT_EQ(wrong.status().message(), kWrongKeyMessage);
  EXPECT_EQ(read_file(db_path()), before);
  EXPECT_EQ(list_directory(dir_), files_before);

  Database db = must(Database::open(db_path(), make_key(1)));
  EXPECT_EQ(count_rows(db, "t"), 10);
}

TEST_F(DatabaseTest, NonDatabaseFileIsReportedAsWrongKey) {
  std::ofstream(db_path(), std::ios::binary) << std::string(2 * kPageSize, 'z');
  Result<Database> db = Database::open(db_path(), make_key(1));
  ASSERT_FALSE(db.ok());
  EXPECT_EQ(db.status().code(), ErrorCode::kWrongKey);
  EXPECT_EQ(db.status().message(), kWrongKeyMessage);
}

TEST_F(DatabaseTest, MissingFileIsNotCreated) {
  Result<Database> db = Database::open(db_path(), make_key(1));
  ASSERT_FALSE(db.ok());
  EXPECT_EQ(db.status().code(), ErrorCode::kNotFound);
  EXPECT_NE(db.status().message().find("test.db: no such database file"), std::string::npos)
      << db.status().message();
  EXPECT_TRUE(list_directory(dir_).empty());

  Result<Database> read_only = Database::open(db_path(), make_key(1), {.read_only = true});
  EXPECT_EQ(read_only.status().code(), ErrorCode::kNotFound);
  EXPECT_TRUE(list_directory(dir_).empty());
}

TEST_F(DatabaseTest, CreateRefusesAnExistingPath) {
  std::ofstream(db_path()) << "precious";
  Result<Database> db = Database::open(db_path(), make_key(1), {.create = true});
  ASSERT_FALSE(db.ok());
  EXPECT_EQ(db.status().code(), ErrorCode::kAlreadyExists);
  EXPECT_EQ(read_file(db_path()), "precious");
  EXPECT_EQ(list_directory(dir_), std::set<std::string>{"test.db"});
}

TEST_F(DatabaseTest, EmptyFileIsNotADatabase) {
  std::ofstream(db_path()).close();  // an empty file
  Result<Database> db = Database::open(db_path(), make_key(1));
  ASSERT_FALSE(db.ok());
  EXPECT_EQ(db.status().code(), ErrorCode::kCorruption);
  EXPECT_EQ(fs::file_size(db_path()), 0u);
}

TEST_F(DatabaseTest, CreatedDatabaseReopensEvenWhenNothingWasWritten) {
  create(make_key(1));
  Database db = must(Database::open(db_path(), make_key(1)));
  EXPECT_OK(db.check());
}

TEST_F(DatabaseTest, DamagedPageIsReportedByCheckAndByQueries) {
  create_table_of_rows(make_key(1), 2000);
  ASSERT_GE(fs::file_size(db_path()), 20 * kPageSize);
  flip_byte(db_path(), 9 * kPageSize + 1000);  // page 10, a leaf of t

  Database db = must(Database::open(db_path(), make_key(1)));  // page 1 is intact
  const Status checked = db.check();
  EXPECT_EQ(checked.code(), ErrorCode::kCorruption);
  EXPECT_EQ(checked.message().rfind("test.db is damaged: ", 0), 0u) << checked.message();

  Statement sum = must(db.prepare("SELECT sum(length(v)) FROM t"));
  Result<bool> row = sum.step();
  ASSERT_FALSE(row.ok());
  EXPECT_EQ(row.status().code(), ErrorCode::kCorruption);
  EXPECT_NE(row.status().message().find("test.db is damaged"), std::string::npos);
  EXPECT_NE(row.status().message().find("SELECT sum(length(v)) FROM t"), std::string::npos);

  // check() left no temporary copy behind.
  for (const std::string& name : list_directory(dir_)) EXPECT_EQ(name.rfind("test.db", 0), 0u);
  for (const std::string& name : list_directory(dir_)) EXPECT_EQ(name.find(".check-"), name.npos);
}

TEST_F(DatabaseTest, DamagedLastOverflowPageIsCorruptionNotAnSqlError) {
  {
    Database db = create(make_key(1));
    EXPECT_OK(db.exec("CREATE TABLE b(id INTEGER PRIMARY KEY, v BLOB)"));
    EXPECT_OK(db.exec("INSERT INTO b VALUES (1, zeroblob(3 * 4096))"));
  }
  // Page 1 schema, page 2 the leaf of b, pages 3-5 the value's overflow chain.
  ASSERT_EQ(fs::file_size(db_path()), 5 * kPageSize);
  flip_byte(db_path(), 4 * kPageSize + 500);

  Database db = must(Database::open(db_path(), make_key(1)));
  Statement read = must(db.prepare("SELECT v FROM b"));
  Result<bool> row = read.step();
  ASSERT_FALSE(row.ok());
  EXPECT_EQ(row.status().code(), ErrorCode::kCorruption) << row.status().message();
  EXPECT_EQ(db.check().code(), ErrorCode::kCorruption);
}

TEST_F(DatabaseTest, DamagedFreePageIsFoundByCheck) {
  {
    Database db = create(make_key(1));
    EXPECT_OK(db.exec("CREATE TABLE keep(v TEXT); INSERT INTO keep VALUES ('kept')"));
    EXPECT_OK(db.exec("CREATE TABLE junk(v BLOB); INSERT INTO junk VALUES (zeroblob(20 * 4096))"));
    EXPECT_OK(db.exec("DROP TABLE junk"));  // its pages go to the free list, at the file's end
  }
  const std::uintmax_t size = fs::file_size(db_path());
  ASSERT_GE(size, 20 * kPageSize);
  flip_byte(db_path(), static_cast<std::size_t>(size) - kPageSize + 100);

  Database db = must(Database::open(db_path(), make_key(1)));
  EXPECT_EQ(count_rows(db, "keep"), 1);  // the live data is intact
  const Status checked = db.check();
  EXPECT_EQ(checked.code(), ErrorCode::kCorruption);
  EXPECT_EQ(checked.message().rfind("test.db is damaged: ", 0), 0u) << checked.message();
}

TEST_F(DatabaseTest, DamagedFirstPageLooksLikeAWrongKey) {
  create_table_of_rows(make_key(1), 100);
  flip_byte(db_path(), 200);
  Result<Database> db = Database::open(db_path(), make_key(1));
  ASSERT_FALSE(db.ok());
  EXPECT_EQ(db.status().code(), ErrorCode::kWrongKey);
  EXPECT_EQ(db.status().message(), kWrongKeyMessage);
}

TEST_F(DatabaseTest, CheckPassesOnAHealthyDatabase) {
  create_table_of_rows(make_key(1), 500);
  Database db = must(Database::open(db_path(), make_key(1)));
  EXPECT_OK(db.check());
  EXPECT_EQ(list_directory(dir_).count("test.db"), 1u);
  for (const std::string& name : list_directory(dir_)) EXPECT_EQ(name.find(".check-"), name.npos);
}

TEST_F(DatabaseTest, CopyIsEncryptedWithTheSameKeyAndComplete) {
  create_table_of_rows(make_key(1), 300);
  Database db = must(Database::open(db_path(), make_key(1)));
  EXPECT_OK(db.exec("INSERT INTO t(v) VALUES ('only in the wal')"));  // not checkpointed yet
  const fs::path copy_path = dir_ / "copy.db";
  EXPECT_OK(db.copy_to(copy_path));

  EXPECT_FALSE(file_contains(copy_path, kMarker));
  EXPECT_FALSE(file_contains(copy_path, "only in the wal"));
  EXPECT_FALSE(file_contains(copy_path, "SQLite format 3"));
  EXPECT_EQ(fs::status(copy_path).permissions() & fs::perms::all,
            fs::perms::owner_read | fs::perms::owner_write);

  Database copy = must(Database::open(copy_path, make_key(1)));
  EXPECT_EQ(count_rows(copy, "t"), 301);
  EXPECT_OK(copy.check());
  EXPECT_EQ(Database::open(copy_path, make_key(2)).status().code(), ErrorCode::kWrongKey);
}

TEST_F(DatabaseTest, CopyRefusesAnExistingTargetAndCleansUpFailures) {
  create_table_of_rows(make_key(1), 10);
  Database db = must(Database::open(db_path(), make_key(1)));
  const fs::path existing = dir_ / "existing.db";
  std::ofstream(existing) << "precious";
  EXPECT_EQ(db.copy_to(existing).code(), ErrorCode::kAlreadyExists);
  EXPECT_EQ(read_file(existing), "precious");

  EXPECT_EQ(db.copy_to(dir_ / "missing-dir" / "copy.db").code(), ErrorCode::kNotFound);

  Transaction tx = must(db.begin());
  EXPECT_EQ(db.copy_to(dir_ / "copy.db").code(), ErrorCode::kFailedPrecondition);
  EXPECT_FALSE(fs::exists(dir_ / "copy.db"));
}

TEST_F(DatabaseTest, CopyOfADamagedDatabaseFailsAndLeavesNoTarget) {
  create_table_of_rows(make_key(1), 2000);
  flip_byte(db_path(), 9 * kPageSize + 1000);
  Database db = must(Database::open(db_path(), make_key(1)));
  const Status copied = db.copy_to(dir_ / "copy.db");
  EXPECT_EQ(copied.code(), ErrorCode::kCorruption) << copied.message();
  for (const std::string& name : list_directory(dir_)) EXPECT_NE(name.rfind("copy.db", 0), 0u);
}

TEST_F(DatabaseTest, TransactionRollsBackUnlessCommitted) {
  {
    Database db = create(make_key(1));
    EXPECT_OK(db.exec("CREATE TABLE t(v TEXT)"));
    {
      Transaction tx = must(db.begin());
      EXPECT_TRUE(db.in_transaction());
      EXPECT_OK(db.exec("INSERT INTO t VALUES ('dropped')"));
    }
    EXPECT_FALSE(db.in_transaction());
    EXPECT_EQ(count_rows(db, "t"), 0);

    Transaction tx = must(db.begin());
    EXPECT_OK(db.exec("INSERT INTO t VALUES ('kept')"));
    Transaction moved = std::move(tx);
    EXPECT_OK(moved.commit());
    EXPECT_EQ(moved.commit().code(), ErrorCode::kFailedPrecondition);
  }
  Database db = must(Database::open(db_path(), make_key(1)));
  EXPECT_EQ(count_rows(db, "t"), 1);
}

TEST_F(DatabaseTest, NestedTransactionsAreDurableOnlyWithTheOutermost) {
  {
    Database db = create(make_key(1));
    EXPECT_OK(db.exec("CREATE TABLE t(v TEXT)"));
    Transaction outer = must(db.begin());
    EXPECT_FALSE(outer.nested());
    EXPECT_OK(db.exec("INSERT INTO t VALUES ('outer')"));
    {
      Transaction undone = must(db.begin());
      EXPECT_TRUE(undone.nested());
      EXPECT_OK(db.exec("INSERT INTO t VALUES ('undone')"));
    }  // rolled back to its savepoint only
    Transaction kept = must(db.begin());
    EXPECT_OK(db.exec("INSERT INTO t VALUES ('kept')"));
    EXPECT_OK(kept.commit());
    EXPECT_TRUE(db.in_transaction());
    EXPECT_EQ(count_rows(db, "t"), 2);
    EXPECT_OK(outer.commit());

    // A committed nested transaction is undone with its enclosing one.
    Transaction dropped = must(db.begin());
    Transaction inner = must(db.begin());
    EXPECT_OK(db.exec("INSERT INTO t VALUES ('dropped')"));
    EXPECT_OK(inner.commit());
    EXPECT_OK(dropped.rollback());
    EXPECT_FALSE(db.in_transaction());
  }
  Database db = must(Database::open(db_path(), make_key(1)));
  EXPECT_EQ(count_rows(db, "t"), 2);
}

TEST_F(DatabaseTest, ValuesRoundTrip) {
  Database db = create(make_key(1));
  EXPECT_OK(db.exec("CREATE TABLE v(i INTEGER, s TEXT, b BLOB, n TEXT)"));
  const std::string text("\xe4\xb8\xad\xe6\x96\x87 with a \0 inside", 20);
  const std::vector<std::uint8_t> blob = {0, 1, 0, 255};
  Statement insert = must(db.prepare("INSERT INTO v VALUES (?, ?, ?, ?)"));
  insert.bind(1, std::int64_t{INT64_MIN}).bind(2, text).bind_blob(3, blob).bind_null(4);
  EXPECT_OK(insert.run());
  EXPECT_EQ(db.changes(), 1);
  EXPECT_EQ(db.last_insert_rowid(), 1);
  insert.reset();
  insert.bind(1, std::int64_t{0}).bind(2, std::string_view()).bind_blob(3, {}).bind(4, "x");
  EXPECT_OK(insert.run());

  Statement select = must(db.prepare("SELECT i, s, b, n FROM v ORDER BY rowid"));
  ASSERT_TRUE(must(select.step()));
  EXPECT_EQ(select.column_int64(0), INT64_MIN);
  EXPECT_EQ(select.column_text(1), text);
  EXPECT_EQ(select.column_blob(2), blob);
  EXPECT_TRUE(select.column_is_null(3));
  ASSERT_TRUE(must(select.step()));
  EXPECT_FALSE(select.column_is_null(1));  // '' is not NULL
  EXPECT_FALSE(select.column_is_null(2));  // x'' is not NULL
  EXPECT_EQ(select.column_text(1), "");
  EXPECT_TRUE(select.column_blob(2).empty());
  EXPECT_FALSE(must(select.step()));
}

TEST_F(DatabaseTest, StatementErrorsNameTheSqlButNotTheValues) {
  Database db = create(make_key(1));
  EXPECT_OK(
      db.exec("CREATE TABLE person(id_number TEXT PRIMARY KEY, age INTEGER CHECK (age >= 0))"));

  Result<Statement> bad = db.prepare("SELEKT * FROM person");
  EXPECT_EQ(bad.status().code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(bad.status().message().find("\"SELEKT * FROM person\""), std::string::npos)
      << bad.status().message();

  const std::string secret = "110101199003077777";
  Statement insert = must(db.prepare("INSERT INTO person(id_number, age) VALUES (?, ?)"));
  insert.bind(1, secret).bind(2, std::int64_t{30});
  EXPECT_OK(insert.run());
  insert.reset();
  insert.bind(1, secret).bind(2, std::int64_t{31});
  const Status duplicate = insert.run();
  EXPECT_EQ(duplicate.code(), ErrorCode::kAlreadyExists);
  EXPECT_NE(duplicate.message().find("INSERT INTO person(id_number, age) VALUES (?, ?)"),
            std::string::npos)
      << duplicate.message();
  EXPECT_EQ(duplicate.message().find(secret), std::string::npos);

  insert.reset();
  insert.bind(1, "other").bind(2, std::int64_t{-1});
  EXPECT_EQ(insert.run().code(), ErrorCode::kInvalidArgument);  // CHECK constraint

  insert.reset();
  insert.bind(1, "x").bind(3, std::int64_t{1});  // there is no parameter 3
  const Status unbound = insert.run();
  EXPECT_EQ(unbound.code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(unbound.message().find("INSERT INTO person"), std::string::npos);
  EXPECT_NE(unbound.message().find("parameter 3"), std::string::npos) << unbound.message();

  EXPECT_EQ(db.prepare("SELECT 1; SELECT 2").status().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(db.prepare("  ").status().code(), ErrorCode::kInvalidArgument);
  EXPECT_TRUE(db.prepare("SELECT 1; -- trailing comment").ok());

  const Status exec = db.exec("CREATE TABLE a(x);\nINSERT INTO nowhere VALUES (1);");
  EXPECT_EQ(exec.code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(exec.message().find("INSERT INTO nowhere"), std::string::npos) << exec.message();
}

TEST_F(DatabaseTest, ReadOnlyConnectionReadsButRefusesWrites) {
  create_table_of_rows(make_key(1), 5);
  Database db = must(Database::open(db_path(), make_key(1), {.read_only = true}));
  EXPECT_EQ(count_rows(db, "t"), 5);
  EXPECT_EQ(db.exec("INSERT INTO t(v) VALUES ('no')").code(), ErrorCode::kPermissionDenied);
  EXPECT_EQ(
      Database::open(db_path(), make_key(1), {.create = true, .read_only = true}).status().code(),
      ErrorCode::kInvalidArgument);
}

TEST_F(DatabaseTest, LockedDatabaseIsAFailedPrecondition) {
  create_table_of_rows(make_key(1), 1);
  Database writer = must(Database::open(db_path(), make_key(1)));
  Database other = must(Database::open(db_path(), make_key(1), {.busy_timeout_ms = 10}));
  Transaction tx = must(writer.begin());
  EXPECT_EQ(other.begin().status().code(), ErrorCode::kFailedPrecondition);
  EXPECT_EQ(count_rows(other, "t"), 1);  // WAL: readers go on
}

TEST_F(DatabaseTest, StatementsSurviveMovingTheDatabase) {
  Database db = create(make_key(1));
  EXPECT_OK(db.exec("CREATE TABLE t(v INTEGER)"));
  Statement insert = must(db.prepare("INSERT INTO t VALUES (?)"));
  Database moved = std::move(db);
  insert.bind(1, std::int64_t{7});
  EXPECT_OK(insert.run());
  EXPECT_EQ(moved.path(), db_path());
  EXPECT_EQ(count_rows(moved, "t"), 1);
}

TEST_F(DatabaseTest, AReusedStatementComesBackResetAndUnbound) {
  Database db = create(make_key(1));
  {
    Statement first = must(db.prepare("SELECT ?"));
    first.bind(1, std::int64_t{5});
    ASSERT_TRUE(must(first.step()));
    EXPECT_EQ(first.column_int64(0), 5);
  }  // back to the cache mid-result
  Statement again = must(db.prepare("SELECT ?"));
  ASSERT_TRUE(must(again.step()));
  EXPECT_TRUE(again.column_is_null(0));
  // Two live statements of the same SQL are independent.
  Statement other = must(db.prepare("SELECT ?"));
  other.bind(1, std::int64_t{9});
  ASSERT_TRUE(must(other.step()));
  EXPECT_EQ(other.column_int64(0), 9);
}

}  // namespace
}  // namespace yimen::storage
