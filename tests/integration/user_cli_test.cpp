// `yimen user add` and `yimen user list` as an administrator uses them: the
// password comes on standard input, mistakes give one error line and exit 1.

#include <fcntl.h>
#include <gtest/gtest.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <vector>

#include "support/process.h"
#include "support/test_dir.h"

namespace yimen::testing {
namespace {

// Runs YIMEN_BINARY like run_yimen(), with standard input read from a file
// holding `input`, or closed altogether when `input` is nullopt.
ProcessResult run_yimen_with_input(const std::vector<std::string>& args,
                                   const std::optional<std::string>& input) {
  TestDir capture;
  const std::string in_path = (capture / "in").string();
  const std::string out_path = (capture / "out").string();
  const std::string err_path = (capture / "err").string();
  if (input) std::ofstream(in_path, std::ios::binary) << *input;

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  // Without input, standard input is a pipe no one writes to, closed at once.
  // (Not a closed descriptor 0: the first file anything opens, libfaketime's
  // included, would become standard input.)
  int no_input[2] = {-1, -1};
  if (input) {
    posix_spawn_file_actions_addopen(&actions, 0, in_path.c_str(), O_RDONLY, 0);
  } else {
    EXPECT_EQ(::pipe(no_input), 0);
    posix_spawn_file_actions_adddup2(&actions, no_input[0], 0);
    posix_spawn_file_actions_addclose(&actions, no_input[0]);
    posix_spawn_file_actions_addclose(&actions, no_input[1]);
  }
  posix_spawn_file_actions_addopen(&actions, 1, out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                   0600);
  posix_spawn_file_actions_addopen(&actions, 2, err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                   0600);

  std::vector<std::string> argv_s = {YIMEN_BINARY};
  argv_s.insert(argv_s.end(), args.begin(), args.end());
  std::vector<char*> argv;
  argv.reserve(argv_s.size() + 1);
  for (auto& a : argv_s) argv.push_back(a.data());
  argv.push_back(nullptr);

  ProcessResult result;
  pid_t pid = 0;
  const bool spawned = posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), environ) == 0;
  posix_spawn_file_actions_destroy(&actions);
  for (const int fd : no_input) {  // the child reads end of file at once
    if (fd >= 0) ::close(fd);
  }
  if (spawned) {
    int status = 0;
    waitpid(pid, &status, 0);
    result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  }
  result.out = read_file(out_path);
  result.err = read_file(err_path);
  return result;
}

class UserCli : public ::testing::Test {
 protected:
  void SetUp() override {
    auto r = run_yimen(
        {"init", "--data", data(), "--id", "441802001001", "--name", "示范村党群服务中心"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }

  std::string data() const { return (dir_ / "node").string(); }

  ProcessResult add(std::vector<std::string> options, const std::optional<std::string>& input) {
    std::vector<std::string> args = {"user", "add", "--data", data()};
    args.insert(args.end(), options.begin(), options.end());
    return run_yimen_with_input(args, input);
  }

  ProcessResult list() { return run_yimen({"user", "list", "--data", data()}); }

  // Every file of the node's directory, concatenated.
  std::string all_node_bytes() const {
    std::string bytes;
    for (const auto& entry : std::filesystem::directory_iterator(dir_ / "node")) {
      bytes += read_file(entry.path());
    }
    return bytes;
  }

  TestDir dir_;
};

TEST_F(UserCli, AddWithThePasswordOnStdinThenListShowsIt) {
  EXPECT_EQ(list().out, "no users; add one with: yimen user add\n");

  auto clerk =
      add({"--role", "clerk", "--login", "Wang.Li", "--display", "王丽", "--phone", "0758-1234567"},
          "window-password-1\n");
  ASSERT_EQ(clerk.exit_code, 0) << clerk.err;
  EXPECT_EQ(clerk.out, "added clerk wang.li\n");
  EXPECT_EQ(clerk.err, "");

  // A CRLF line ending and no final newline are both fine.
  auto officer = add({"--role", "officer", "--login", "chen.sp", "--display", "陈审批",
                      "--department", "市场监督管理局"},
                     "officer-password-2\r\n");
  ASSERT_EQ(officer.exit_code, 0) << officer.err;
  auto admin =
      add({"--role", "admin", "--login", "admin", "--display", "Node Admin"}, "admin-password-3");
  ASSERT_EQ(admin.exit_code, 0) << admin.err;

  auto listed = list();
  ASSERT_EQ(listed.exit_code, 0) << listed.err;
  EXPECT_EQ(listed.out,
            "LOGIN    ROLE     DEPARTMENT      DISPLAY NAME  ACTIVE\n"
            "admin    admin    -               Node Admin    yes\n"
            "chen.sp  officer  市场监督管理局  陈审批        yes\n"
            "wang.li  clerk    -               王丽          yes\n");
  EXPECT_EQ(listed.out.find("argon2"), std::string::npos);

  const std::string bytes = all_node_bytes();
  for (const char* pw : {"window-password-1", "officer-password-2", "admin-password-3"}) {
    EXPECT_EQ(bytes.find(pw), std::string::npos) << pw;
  }
}

TEST_F(UserCli, MistakesGiveOneErrorLineAndExit1) {
  struct Case {
    std::vector<std::string> options;
    std::optional<std::string> input;
    std::string err;
  };
  const std::vector<Case> cases = {
      {{"--role", "boss", "--login", "li.si", "--display", "李四"},
       "a-long-password\n",
       "yimen user add: role must be one of clerk, officer, admin, supervisor\n"},
      {{"--role", "officer", "--login", "li.si", "--display", "李四"},
       "a-long-password\n",
       "yimen user add: an officer must have a department\n"},
      {{"--role", "clerk", "--login", "li.si", "--display", "李四"},
       "short\n",
       "yimen user add: password must be at least 10 characters\n"},
      {{"--role", "clerk", "--login", "li.si.2026", "--display", "李四"},
       "Li.Si.2026\n",
       "yimen user add: password must not be the login\n"},
      {{"--role", "clerk", "--login", "9li", "--display", "李四"},
       "a-long-password\n",
       "yimen user add: login must start with a letter\n"},
      {{"--role", "clerk", "--login", "li.si", "--display", "李四", "--phone", "call me"},
       "a-long-password\n",
       "yimen user add: office phone may contain only digits, spaces, '-' and '+'\n"},
      {{"--role", "clerk", "--login", "li.si", "--display", "李四"},
       "\n",
       "yimen user add: the password on standard input is empty\n"},
      {{"--role", "clerk", "--login", "li.si", "--display", "李四"},
       "",
       "yimen user add: no password on standard input (it is closed or empty)\n"},
      {{"--role", "clerk", "--login", "li.si", "--display", "李四"},
       std::nullopt,
       "yimen user add: no password on standard input (it is closed or empty)\n"},
  };
  for (const Case& c : cases) {
    auto r = add(c.options, c.input);
    EXPECT_EQ(r.exit_code, 1) << c.err;
    EXPECT_EQ(r.err, c.err);
    EXPECT_EQ(r.out, "");
  }
  EXPECT_EQ(list().out, "no users; add one with: yimen user add\n");
}

TEST_F(UserCli, ADuplicateLoginIsRefusedAndTheFirstAccountKept) {
  ASSERT_EQ(add({"--role", "clerk", "--login", "wang.li", "--display", "王丽"}, "first-password\n")
                .exit_code,
            0);
  auto again = add({"--role", "admin", "--login", "WANG.LI", "--display", "另一个王丽"},
                   "second-password\n");
  EXPECT_EQ(again.exit_code, 1);
  EXPECT_EQ(again.err, "yimen user add: this login is already taken\n");
  EXPECT_EQ(list().out,
            "LOGIN    ROLE   DEPARTMENT  DISPLAY NAME  ACTIVE\n"
            "wang.li  clerk  -           王丽          yes\n");
}

TEST_F(UserCli, UsageMistakes) {
  auto missing = add({"--role", "clerk", "--login", "wang.li"}, "a-long-password\n");
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_EQ(missing.err, "yimen user add: missing --display NAME\n");
  auto unknown = add({"--role", "clerk", "--password", "x"}, "a-long-password\n");
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_EQ(unknown.err, "yimen user add: unknown option --password; see: yimen help user add\n");
  auto no_node = run_yimen({"user", "list", "--data", (dir_ / "nothing").string()});
  EXPECT_EQ(no_node.exit_code, 1);
  EXPECT_EQ(std::count(no_node.err.begin(), no_node.err.end(), '\n'), 1) << no_node.err;
}

}  // namespace
}  // namespace yimen::testing
