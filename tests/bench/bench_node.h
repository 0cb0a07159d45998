#pragma once

// What the process benchmarks share: the `yimen` CLI run to set up data
// directories, and `yimen run` processes pinned to a core.

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace yimen::bench {

// Prints "<benchmark>: what" and exits 1.
[[noreturn]] inline void fail(const std::string& what) {
  std::fprintf(stderr, "%s: %s\n", program_invocation_short_name, what.c_str());
  std::exit(1);
}

// build/bin/yimen, beside the benchmark's build/bench.
inline std::string yimen_binary() {
  namespace fs = std::filesystem;
  return (fs::canonical("/proc/self/exe").parent_path().parent_path() / "bin" / "yimen").string();
}

// Runs yimen with `args` and `input` on its standard input (a file in `scratch`);
// returns what it printed, or fails.
inline std::string cli(const std::filesystem::path& scratch, const std::vector<std::string>& args,
                       const std::string& input = "") {
  std::string command = yimen_binary();
  for (const auto& a : args) command += " '" + a + "'";
  const auto in = scratch / "stdin";
  std::ofstream(in) << input;
  command += " < " + in.string() + " 2>&1";
  FILE* p = ::popen(command.c_str(), "r");
  if (p == nullptr) fail("cannot run " + command);
  std::string out;
  char buf[4096];
  for (size_t n; (n = std::fread(buf, 1, sizeof buf, p)) > 0;) out.append(buf, n);
  if (::pclose(p) != 0) fail(command + ": " + out);
  return out;
}

// `yimen run --data dir` on `core`, its standard error appended to dir.log;
// with at most `descriptors` open files when not 0. The wrappers (prlimit,
// taskset) exec it, so the pid is the node's.
inline pid_t spawn_node(const std::filesystem::path& dir, int core, int descriptors = 0) {
  std::vector<std::string> argv_s;
  if (descriptors > 0) argv_s = {"/usr/bin/prlimit", "--nofile=" + std::to_string(descriptors)};
  for (auto a : {std::string("/usr/bin/taskset"), std::string("-c"), std::to_string(core),
                 yimen_binary(), std::string("run"), std::string("--data"), dir.string()}) {
    argv_s.push_back(a);
  }
  std::vector<char*> argv;
  for (auto& a : argv_s) argv.push_back(a.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  const std::string log = dir.string() + ".log";
  posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 2, log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
  pid_t pid = 0;
  const int rc = posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) fail("cannot start " + argv_s[0]);
  return pid;
}

// SIGTERM, and waits for it to end.
inline void stop_node(pid_t pid) {
  ::kill(pid, SIGTERM);
  int status = 0;
  ::waitpid(pid, &status, 0);
}

}  // namespace yimen::bench
