// `yimen audit verify` and `yimen audit list` as an administrator uses them:
// writing commands leave audit rows, verify names an edited row or deleted
// newest rows in one error line with exit 1, and both work while the node runs.

#include <gtest/gtest.h>

#include "node/hall/audit_log.h"
#include "node/hall/hall.h"
#include "node/node_directory.h"
#include "support/node_process.h"
#include "support/process.h"
#include "support/status.h"
#include "support/test_dir.h"

namespace yimen::testing {
namespace {

constexpr const char* kPassword = "correct horse battery 9";

class AuditCli : public ::testing::Test {
 protected:
  void SetUp() override {
    auto init =
        run_yimen({"init", "--data", data(), "--id", "441800000000", "--name", "示范市", "--root"});
    ASSERT_EQ(init.exit_code, 0) << init.err;
    add_user("admin");
  }

  std::string data() const { return (dir_ / "city").string(); }

  void add_user(const std::string& login) {
    auto add = run_yimen({"user", "add", "--data", data(), "--role", "admin", "--login", login,
                          "--display", "管理员"},
                         {}, std::string(kPassword) + "\n");
    ASSERT_EQ(add.exit_code, 0) << add.err;
  }

  ProcessResult verify() { return run_yimen({"audit", "verify", "--data", data()}); }

  // What the running node does on its timer: anchors the audit log's head.
  bool anchor() {
    auto node = must(node::open_node(data()));
    hall::Hall hall(node.db, node.identity.id, node.key, node::system_clock_ms);
    return must(hall.anchor_audit({}));
  }

  void tamper(const std::string& sql) {
    auto node = must(node::open_node(data()));
    ASSERT_TRUE(node.db.exec(sql).ok());
  }

  TestDir dir_;
};

TEST_F(AuditCli, WritingCommandsAreAuditedAndVerify) {
  auto ok = verify();
  EXPECT_EQ(ok.exit_code, 0) << ok.err;
  EXPECT_EQ(ok.out, "audit log ok: 1 row, not anchored yet\n");
  EXPECT_EQ(ok.err, "");

  add_user("wang.clerk");
  auto list = run_yimen({"audit", "list", "--data", data()});
  ASSERT_EQ(list.exit_code, 0) << list.err;
  // seq, time (CST), actor, action, target, outcome, address ("-": the command line).
  const auto first = list.out.find('\n');
  ASSERT_NE(first, std::string::npos);
  const std::string row1 = list.out.substr(0, first);
  EXPECT_EQ(row1.rfind("1 ", 0), 0u) << row1;
  EXPECT_NE(row1.find(" CST cli user.add admin ok -"), std::string::npos) << row1;
  EXPECT_NE(list.out.find(" CST cli user.add wang.clerk ok -\n"), std::string::npos) << list.out;
  EXPECT_EQ(list.out.find(kPassword), std::string::npos);

  auto newest = run_yimen({"audit", "list", "--data", data(), "--limit", "1"});
  EXPECT_EQ(newest.out.rfind("2 ", 0), 0u) << newest.out;
  EXPECT_EQ(std::count(newest.out.begin(), newest.out.end(), '\n'), 1);
  EXPECT_EQ(run_yimen({"audit", "list", "--data", data(), "--limit", "0"}).err,
            "yimen audit list: --limit must be a number from 1 to 10000\n");

  // A failed write changes nothing and leaves no row.
  auto again = run_yimen({"user", "add", "--data", data(), "--role", "admin", "--login", "admin",
                          "--display", "管理员"},
                         {}, std::string(kPassword) + "\n");
  EXPECT_EQ(again.exit_code, 1);
  EXPECT_EQ(verify().out, "audit log ok: 2 rows, not anchored yet\n");

  ASSERT_TRUE(anchor());
  EXPECT_FALSE(anchor());  // the head did not move
  auto anchored = verify();
  EXPECT_EQ(anchored.exit_code, 0) << anchored.err;
  EXPECT_EQ(anchored.out.rfind("audit log ok: 2 rows, newest anchored at seq 2 (", 0), 0u)
      << anchored.out;
}

TEST_F(AuditCli, AnEditedRowIsOneErrorLine) {
  add_user("wang.clerk");
  tamper("UPDATE audit_log SET target = 'root' WHERE seq = 1");
  auto bad = verify();
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_EQ(bad.out, "");
  EXPECT_EQ(bad.err,
            "yimen audit verify: audit log broken: row 1 was edited: its hash does not match its "
            "fields\n");
}

TEST_F(AuditCli, ADeletedMiddleRowIsNamed) {
  add_user("wang.clerk");
  add_user("li.officer");
  tamper("DELETE FROM audit_log WHERE seq = 2");
  auto bad = verify();
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_EQ(bad.err, "yimen audit verify: audit log broken: row 2 is missing\n");
}

TEST_F(AuditCli, DeletingTheNewestRowAfterAnAnchorIsDetected) {
  add_user("wang.clerk");
  ASSERT_TRUE(anchor());
  tamper("DELETE FROM audit_log WHERE seq = 2");
  auto bad = verify();
  EXPECT_EQ(bad.exit_code, 1);
  const std::string prefix =
      "yimen audit verify: audit log broken: rows after 1 were deleted: the anchor of ";
  EXPECT_EQ(bad.err.rfind(prefix, 0), 0u) << bad.err;
  EXPECT_NE(bad.err.find(" CST names row 2\n"), std::string::npos) << bad.err;
}

TEST_F(AuditCli, WorksWhileTheNodeRunsAndForwardedWritesAreAudited) {
  NodeProcess node(dir_ / "city");
  ASSERT_TRUE(node.start()) << node.log();
  add_user("wang.clerk");  // sent to the running node over its control socket
  auto ok = verify();
  EXPECT_EQ(ok.exit_code, 0) << ok.err;
  EXPECT_EQ(ok.out.rfind("audit log ok: 2 rows, ", 0), 0u) << ok.out;
  auto list = run_yimen({"audit", "list", "--data", data()});
  EXPECT_EQ(list.exit_code, 0) << list.err;
  EXPECT_NE(list.out.find(" CST cli user.add wang.clerk ok -\n"), std::string::npos) << list.out;
  EXPECT_EQ(node.stop(), 0);
}

}  // namespace
}  // namespace yimen::testing
