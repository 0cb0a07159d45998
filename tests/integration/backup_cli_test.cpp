// `yimen backup`, `yimen restore` and `yimen recovery` as an administrator uses them: backups
// are encrypted and taken beside a writer, a restore starts a new log epoch and leaves the node
// recovering, and every refusal leaves hall.db as it was.

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "node/data_lock.h"
#include "node/node_directory.h"
#include "node/node_store.h"
#include "support/process.h"
#include "support/status.h"
#include "support/test_dir.h"

namespace yimen::testing {
namespace {

namespace fs = std::filesystem;

constexpr const char* kVillage = "441802001001";
constexpr const char* kVillageName = "示范村党群服务中心";

class BackupCli : public ::testing::Test {
 protected:
  std::string data(const char* name) const { return (dir_ / name).string(); }

  void init(const char* name, const char* id, const char* office) {
    auto r = run_yimen({"init", "--data", data(name), "--id", id, "--name", office});
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }

  ProcessResult backup(const char* name, const fs::path& out) {
    return run_yimen({"backup", "--data", data(name), "--out", out.string()});
  }
  ProcessResult restore(const char* name, const fs::path& from) {
    return run_yimen({"restore", "--data", data(name), "--from", from.string()});
  }

  // The node's identity and recovery state, read with the node's own code.
  node::NodeIdentity identity(const char* name) {
    auto node = must(node::open_node(dir_ / name));
    return node.identity;
  }
  node::RecoveryState recovery(const char* name) {
    auto node = must(node::open_node(dir_ / name));
    return must(node::load_recovery(node.db));
  }

  // The names in a directory, sorted.
  static std::vector<std::string> listing(const fs::path& dir) {
    std::vector<std::string> names;
    for (const auto& e : fs::directory_iterator(dir)) names.push_back(e.path().filename());
    std::sort(names.begin(), names.end());
    return names;
  }

  static bool one_line(const std::string& s) {
    return !s.empty() && s.back() == '\n' && std::count(s.begin(), s.end(), '\n') == 1;
  }

  TestDir dir_;
  TestDir elsewhere_;  // where backups are kept
};

TEST_F(BackupCli, BackupThenRestoreStartsANewEpochAndRecovers) {
  init("v", kVillage, kVillageName);
  const node::NodeIdentity before = identity("v");
  ASSERT_EQ(before.log_epoch.size(), 16u);
  EXPECT_FALSE(recovery("v").recovering);

  const fs::path file = elsewhere_ / "v-backup.db";
  auto made = backup("v", file);
  ASSERT_EQ(made.exit_code, 0) << made.err;
  EXPECT_EQ(made.out.rfind("backed up node 441802001001 to " + file.string() + " (", 0), 0u)
      << made.out;
  EXPECT_NE(made.out.find(std::to_string(fs::file_size(file)) + " bytes"), std::string::npos);
  struct stat st {};
  ASSERT_EQ(stat(file.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  // Encrypted: the node's name and id are in it, but not readable.
  const std::string bytes = read_file(file);
  EXPECT_GT(bytes.size(), 4096u);
  EXPECT_EQ(bytes.find(kVillageName), std::string::npos);
  EXPECT_EQ(bytes.find(kVillage), std::string::npos);
  EXPECT_EQ(bytes.find("SQLite format"), std::string::npos);
  EXPECT_EQ(listing(elsewhere_.path()), std::vector<std::string>{"v-backup.db"});

  // A backup never overwrites a file.
  auto again = backup("v", file);
  EXPECT_EQ(again.exit_code, 1);
  EXPECT_EQ(again.err, "yimen backup: " + file.string() +
                           " already exists; a backup never overwrites a file\n");
  EXPECT_EQ(read_file(file), bytes);

  // Something written after the backup, which the restore takes back.
  {
    auto node = must(node::open_node(dir_ / "v"));
    EXPECT_OK(node.db.exec("CREATE TABLE written_after_backup (x INTEGER)"));
  }

  const auto t0 = std::chrono::system_clock::now();
  auto restored = restore("v", file);
  ASSERT_EQ(restored.exit_code, 0) << restored.err;
  EXPECT_NE(restored.out.find("restored node 441802001001 from " + file.string()),
            std::string::npos)
      << restored.out;
  EXPECT_NE(restored.out.find("the node is now recovering: it will first fetch its own newer "
                              "events from its parent before accepting writes"),
            std::string::npos)
      << restored.out;

  const node::NodeIdentity after = identity("v");
  EXPECT_EQ(after.id, before.id);
  EXPECT_EQ(after.public_key, before.public_key);
  EXPECT_EQ(after.log_epoch.size(), 16u);
  EXPECT_NE(after.log_epoch, before.log_epoch);
  const node::RecoveryState state = recovery("v");
  EXPECT_TRUE(state.recovering);
  EXPECT_EQ(state.reason, "restored from v-backup.db");
  const auto since = std::chrono::system_clock::from_time_t(static_cast<std::time_t>(state.since));
  EXPECT_LE(std::chrono::floor<std::chrono::seconds>(t0), since);
  EXPECT_LE(since, std::chrono::system_clock::now());
  {
    auto node = must(node::open_node(dir_ / "v"));
    EXPECT_FALSE(node.db.prepare("SELECT x FROM written_after_backup").ok());
  }

  // The replaced database is kept whole beside it; no scratch file is left.
  const auto names = listing(dir_ / "v");
  const auto aside = std::find_if(names.begin(), names.end(), [](const std::string& n) {
    return n.starts_with("hall.db.before-restore-") && !n.ends_with("-wal") && !n.ends_with("-shm");
  });
  ASSERT_NE(aside, names.end());
  EXPECT_NE(restored.out.find("the database it replaced is kept as " + data("v") + "/" + *aside),
            std::string::npos)
      << restored.out;
  for (const auto& n : names) EXPECT_EQ(n.find(".tmp"), std::string::npos) << n;
  EXPECT_EQ(read_file(file), bytes);  // the backup file is untouched
  EXPECT_EQ(listing(elsewhere_.path()), std::vector<std::string>{"v-backup.db"});
  auto check = run_yimen({"db", "check", "--data", data("v")});
  EXPECT_EQ(check.exit_code, 0) << check.err;

  // recovery status / end
  auto status = run_yimen({"recovery", "status", "--data", data("v")});
  ASSERT_EQ(status.exit_code, 0) << status.err;
  EXPECT_EQ(status.out.rfind("node 441802001001 is recovering since ", 0), 0u) << status.out;
  EXPECT_NE(status.out.find(" CST (restored from v-backup.db)\n"), std::string::npos) << status.out;

  auto refused = run_yimen({"recovery", "end", "--data", data("v")});
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_TRUE(one_line(refused.err)) << refused.err;
  EXPECT_EQ(refused.err.rfind("yimen recovery end: the node is recovering since ", 0), 0u)
      << refused.err;
  EXPECT_NE(refused.err.find("writing now reuses their sequence numbers and forks this node's "
                             "log, which the parent must then resolve by revoking this node's "
                             "key and re-enrolling it; add --force to end it anyway\n"),
            std::string::npos)
      << refused.err;
  EXPECT_TRUE(recovery("v").recovering);

  auto forced = run_yimen({"recovery", "end", "--data", data("v"), "--force"});
  ASSERT_EQ(forced.exit_code, 0) << forced.err;
  EXPECT_EQ(forced.out.rfind("warning: if the parent holds events of this node newer than the "
                             "restored backup, writing now reuses their sequence numbers and "
                             "forks this node's log",
                             0),
            0u)
      << forced.out;
  EXPECT_NE(forced.out.find("node 441802001001 is out of recovery (forced)"), std::string::npos);
  EXPECT_FALSE(recovery("v").recovering);
  EXPECT_EQ(run_yimen({"recovery", "status", "--data", data("v")}).out,
            "node 441802001001 is not recovering\n");
  EXPECT_EQ(run_yimen({"recovery", "end", "--data", data("v")}).out,
            "node 441802001001 is not recovering; nothing to end\n");
}

TEST_F(BackupCli, BackupBesideAWriterCopiesWhatIsCommitted) {
  init("v", kVillage, kVillageName);
  const fs::path file = elsewhere_ / "b.db";
  // A running node holds the lock and keeps its connection open in WAL mode; committed rows
  // sit in hall.db-wal, and a transaction is open while the backup runs.
  const node::DataLock lock = must(node::DataLock::acquire(dir_ / "v"));
  auto node = must(node::open_node(dir_ / "v"));
  EXPECT_OK(node.db.exec("CREATE TABLE committed (x INTEGER); INSERT INTO committed VALUES (1)"));
  ASSERT_TRUE(fs::exists(dir_ / "v" / "hall.db-wal"));
  auto tx = must(node.db.begin());
  EXPECT_OK(node.db.exec("INSERT INTO committed VALUES (2)"));

  auto made = backup("v", file);
  ASSERT_EQ(made.exit_code, 0) << made.err;
  EXPECT_OK(tx.commit());

  // The backup opens with the node's key and holds the committed row only.
  auto key = must(node.dir.database_key(node.config));
  auto copy =
      must(storage::Database::open(file, std::span<const std::uint8_t, 32>(key.data(), 32)));
  auto rows = must(copy.prepare("SELECT group_concat(x) FROM committed"));
  ASSERT_TRUE(must(rows.step()));
  EXPECT_EQ(rows.column_text(0), "1");
  EXPECT_EQ(must(node::load_identity(copy)).id.str(), kVillage);
}

TEST_F(BackupCli, RestoreOfAnotherNodesBackupIsRefused) {
  init("a", kVillage, kVillageName);
  init("b", "441802001002", "另一村");
  const fs::path file = elsewhere_ / "b.db";
  ASSERT_EQ(backup("b", file).exit_code, 0);
  const std::string before = read_file(dir_ / "a" / "hall.db");
  const auto names = listing(dir_ / "a");

  // Another node's backup is keyed with its own database key.
  auto wrong_key = restore("a", file);
  EXPECT_EQ(wrong_key.exit_code, 1);
  EXPECT_EQ(wrong_key.err, "yimen restore: cannot restore from " + file.string() +
                               ": b.db: wrong database key, or not a Yimen database\n");

  // With the same database key, the identity in it still tells.
  fs::copy_file(dir_ / "b" / "db.key", dir_ / "a" / "db.key", fs::copy_options::overwrite_existing);
  auto other_node = restore("a", file);
  EXPECT_EQ(other_node.exit_code, 1);
  EXPECT_EQ(other_node.err, "yimen restore: " + file.string() +
                                " is a backup of node 441802001002, not of this node "
                                "(441802001001 in " +
                                data("a") + "); refusing to restore it\n");

  // The same region code with another node key (a node initialised twice) is refused too.
  init("twin", kVillage, kVillageName);
  const fs::path twin_file = elsewhere_ / "twin.db";
  ASSERT_EQ(backup("twin", twin_file).exit_code, 0);
  fs::copy_file(dir_ / "twin" / "db.key", dir_ / "a" / "db.key",
                fs::copy_options::overwrite_existing);
  auto twin = restore("a", twin_file);
  EXPECT_EQ(twin.exit_code, 1);
  EXPECT_TRUE(one_line(twin.err)) << twin.err;
  EXPECT_NE(twin.err.find(" is a backup of node 441802001001 made with another node key ("),
            std::string::npos)
      << twin.err;

  EXPECT_EQ(read_file(dir_ / "a" / "hall.db"), before);
  auto after = listing(dir_ / "a");
  after.erase(std::remove(after.begin(), after.end(), node::DataLock::kFileName), after.end());
  EXPECT_EQ(after, names);
}

TEST_F(BackupCli, RestoreFromGarbageOrDamageChangesNothing) {
  init("v", kVillage, kVillageName);
  // A backup with a damaged page in the middle: its page 1 opens, the full read does not.
  // (The backup leaves the empty -wal and -shm of its read-only connection in the directory.)
  const fs::path damaged = elsewhere_ / "damaged.db";
  ASSERT_EQ(backup("v", damaged).exit_code, 0);
  {
    const auto size = fs::file_size(damaged);
    std::fstream f(damaged, std::ios::in | std::ios::out | std::ios::binary);
    const auto offset = static_cast<std::streamoff>(size / 4096 / 2 * 4096 + 100);
    f.seekg(offset);
    char c = 0;
    f.get(c);
    f.seekp(offset);
    f.put(static_cast<char>(c ^ 0x5a));
  }
  const std::string before = read_file(dir_ / "v" / "hall.db");
  const auto names = listing(dir_ / "v");

  const fs::path garbage = elsewhere_ / "garbage.db";
  {
    std::ofstream f(garbage, std::ios::binary);
    for (int i = 0; i < 20000; ++i) f.put(static_cast<char>((i * 7919) % 251));
  }
  auto r = restore("v", garbage);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err, "yimen restore: cannot restore from " + garbage.string() +
                       ": garbage.db: wrong database key, or not a Yimen database\n");

  const fs::path empty = elsewhere_ / "empty.db";
  std::ofstream(empty, std::ios::binary).flush();
  auto e = restore("v", empty);
  EXPECT_EQ(e.exit_code, 1);
  EXPECT_EQ(e.err, "yimen restore: cannot restore from " + empty.string() +
                       ": empty.db: empty file, not a Yimen database\n");

  auto missing = restore("v", elsewhere_ / "missing.db");
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_EQ(missing.err, "yimen restore: cannot restore from " +
                             (elsewhere_ / "missing.db").string() + ": no such file\n");

  auto d = restore("v", damaged);
  EXPECT_EQ(d.exit_code, 1);
  EXPECT_TRUE(one_line(d.err)) << d.err;
  EXPECT_EQ(d.err.rfind("yimen restore: cannot restore from " + damaged.string() +
                            ": damaged.db is damaged: ",
                        0),
            0u)
      << d.err;

  EXPECT_EQ(read_file(dir_ / "v" / "hall.db"), before);
  auto after = listing(dir_ / "v");
  after.erase(std::remove(after.begin(), after.end(), node::DataLock::kFileName), after.end());
  EXPECT_EQ(after, names);
  EXPECT_FALSE(recovery("v").recovering);
  // Nothing was left beside the files either.
  EXPECT_EQ(listing(elsewhere_.path()),
            (std::vector<std::string>{"damaged.db", "empty.db", "garbage.db"}));
}

TEST_F(BackupCli, WritingCommandsAreRefusedWhileTheNodeRuns) {
  init("v", kVillage, kVillageName);
  const fs::path file = elsewhere_ / "v.db";
  ASSERT_EQ(backup("v", file).exit_code, 0);
  const std::string before = read_file(dir_ / "v" / "hall.db");
  const std::string held = data("v") +
                           ": the node is running, or another yimen command is writing to it "
                           "(pid " +
                           std::to_string(getpid()) + "); stop it first\n";
  {
    // The test process stands in for `yimen run`.
    const node::DataLock lock = must(node::DataLock::acquire(dir_ / "v"));
    auto r = restore("v", file);
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_EQ(r.err, "yimen restore: " + held);
    EXPECT_EQ(run_yimen({"rebuild", "--data", data("v")}).err, "yimen rebuild: " + held);
    EXPECT_EQ(run_yimen({"recovery", "end", "--data", data("v"), "--force"}).err,
              "yimen recovery end: " + held);
    EXPECT_EQ(run_yimen({"enrol", "install", "--data", data("v"), "token"}).err,
              "yimen enrol install: " + held);
    // Reading is fine: a backup is taken beside the running node.
    auto b = backup("v", elsewhere_ / "while-running.db");
    EXPECT_EQ(b.exit_code, 0) << b.err;
    EXPECT_EQ(run_yimen({"recovery", "status", "--data", data("v")}).exit_code, 0);
    EXPECT_EQ(read_file(dir_ / "v" / "hall.db"), before);
  }
  auto r = restore("v", file);
  EXPECT_EQ(r.exit_code, 0) << r.err;
}

TEST_F(BackupCli, UsageMistakes) {
  init("v", kVillage, kVillageName);
  auto no_out = run_yimen({"backup", "--data", data("v")});
  EXPECT_EQ(no_out.exit_code, 1);
  EXPECT_EQ(no_out.err, "yimen backup: missing --out FILE\n");
  auto no_node = restore("nowhere", elsewhere_ / "x.db");
  EXPECT_EQ(no_node.exit_code, 1);
  EXPECT_EQ(no_node.err, "yimen restore: " + data("nowhere") +
                             " holds no node (no node.toml); create one with yimen init\n");
  EXPECT_FALSE(fs::exists(dir_ / "nowhere"));
  EXPECT_NE(run_yimen({"help"}).out.find("yimen restore --data DIR --from FILE"),
            std::string::npos);
}

}  // namespace
}  // namespace yimen::testing
