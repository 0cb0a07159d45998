#include "storage/writer.h"

#include <gtest/gtest.h>

#include <array>
#include <atomic>
#include <future>
#include <vector>

#include "support/status.h"
#include "support/test_dir.h"

namespace yimen::storage {
namespace {

using yimen::testing::must;
using yimen::testing::TestDir;

std::array<std::uint8_t, 32> key() {
  std::array<std::uint8_t, 32> k{};
  k.fill(3);
  return k;
}

std::int64_t count(Database& db, const std::string& where) {
  Statement s = must(db.prepare("SELECT count(*) FROM t WHERE " + where));
  if (!must(s.step())) return -1;
  return s.column_int64(0);
}

class WriterTest : public ::testing::Test {
 protected:
  WriterTest() {
    Database db = must(Database::open(dir_ / "w.db", key(), {.create = true}));
    EXPECT_OK(db.exec("CREATE TABLE t(v INTEGER)"));
  }
  Database open() { return must(Database::open(dir_ / "w.db", key())); }
  TestDir dir_;
};

TEST_F(WriterTest, AFailingJobUndoesOnlyItselfAndEachIsDurableWhenAcknowledged) {
  Database db = open();
  Database reader = open();
  std::vector<std::promise<std::pair<Status, std::int64_t>>> acks(40);
  {
    Writer writer(db, {.max_queued = 8, .max_group = 16});
    for (int i = 0; i < 40; ++i) {
      writer.post(
          [&db, i] {
            YIMEN_TRY(db.exec("INSERT INTO t VALUES (" + std::to_string(i) + ")"));
            if (i % 10 == 3) return invalid_argument("job " + std::to_string(i) + " refused");
            return Status();
          },
          [&, i](const Status& s) {
            // When told, the job's row is visible to another connection (or absent).
            acks[static_cast<size_t>(i)].set_value({s, count(reader, "v = " + std::to_string(i))});
          });
    }
  }
  for (int i = 0; i < 40; ++i) {
    auto [status, rows] = acks[static_cast<size_t>(i)].get_future().get();
    if (i % 10 == 3) {
      EXPECT_EQ(status.message(), "job " + std::to_string(i) + " refused");
      EXPECT_EQ(rows, 0) << i;
    } else {
      EXPECT_OK(status);
      EXPECT_EQ(rows, 1) << i;
    }
  }
  EXPECT_EQ(count(reader, "1"), 36);
}

TEST_F(WriterTest, AHallStyleCommandMayBeginAndCommitItsOwnTransaction) {
  Database db = open();
  Writer writer(db, {});
  EXPECT_OK(writer.run([&db] {
    YIMEN_ASSIGN_OR_RETURN(auto tx, db.begin());
    YIMEN_TRY(db.exec("INSERT INTO t VALUES (7)"));
    return tx.commit();
  }));
  writer.stop();
  Database reader = open();
  EXPECT_EQ(count(reader, "v = 7"), 1);
}

TEST_F(WriterTest, OwnersOfCachesHearOfEveryRollback) {
  Database db = open();
  std::atomic<int> rollbacks = 0;
  Writer writer(db, {}, [&] { ++rollbacks; });
  EXPECT_OK(writer.run([] { return Status(); }));
  EXPECT_EQ(rollbacks, 0);
  EXPECT_EQ(writer.run([] { return invalid_argument("no"); }).message(), "no");
  EXPECT_EQ(rollbacks, 1);
}

TEST_F(WriterTest, AfterStopNothingRunsAndTheCallerIsTold) {
  Database db = open();
  Writer writer(db, {});
  writer.stop();
  std::atomic<bool> ran = false;
  const Status s = writer.run([&] {
    ran = true;
    return Status();
  });
  EXPECT_EQ(s.code(), ErrorCode::kFailedPrecondition);
  EXPECT_EQ(s.message(), "the node is shutting down");
  EXPECT_FALSE(ran);
}

}  // namespace
}  // namespace yimen::storage
