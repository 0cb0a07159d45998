#pragma once

// A `yimen run` process for multi-process tests: started in the background
// with its log in a file, stopped with SIGTERM (or killed) when the test ends.

#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "support/eventually.h"
#include "support/process.h"

namespace yimen::testing {

// A TCP port on 127.0.0.1 that was free a moment ago.
inline int free_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  socklen_t len = sizeof addr;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  ::close(fd);
  return ntohs(addr.sin_port);
}

class NodeProcess {
 public:
  explicit NodeProcess(std::filesystem::path dir) : dir_(std::move(dir)) {}
  ~NodeProcess() { stop(); }
  NodeProcess(const NodeProcess&) = delete;
  NodeProcess& operator=(const NodeProcess&) = delete;

  // Starts `yimen run --data DIR [extra...]` and waits until its control socket exists.
  bool start(const std::vector<std::string>& extra = {}) {
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    const std::string log = log_path().string();
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&actions, 2, log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    std::vector<std::string> argv_s = {YIMEN_BINARY, "run", "--data", dir_.string()};
    argv_s.insert(argv_s.end(), extra.begin(), extra.end());
    std::vector<char*> argv;
    for (auto& a : argv_s) argv.push_back(a.data());
    argv.push_back(nullptr);
    const int rc = posix_spawn(&pid_, argv[0], &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    if (rc != 0) return false;
    return eventually([&] { return std::filesystem::exists(dir_ / "control.sock"); },
                      std::chrono::seconds(20));
  }

  // SIGTERM, then wait; returns the exit code (128 + signal when killed).
  int stop() {
    if (pid_ <= 0) return -1;
    ::kill(pid_, SIGCONT);
    ::kill(pid_, SIGTERM);
    return reap();
  }
  int kill_hard() {
    if (pid_ <= 0) return -1;
    ::kill(pid_, SIGKILL);
    return reap();
  }
  void pause() { ::kill(pid_, SIGSTOP); }
  void resume() { ::kill(pid_, SIGCONT); }
  bool running() const { return pid_ > 0; }
  // Whether the process is still alive: not exited, crashed or killed since it started.
  bool alive() {
    if (pid_ <= 0) return false;
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == 0) return true;
    pid_ = -1;
    return false;
  }

  const std::filesystem::path& dir() const { return dir_; }
  std::filesystem::path log_path() const {
    return dir_.parent_path() / (dir_.filename().string() + ".log");
  }
  std::string log() const { return read_file(log_path()); }

 private:
  int reap() {
    int status = 0;
    waitpid(pid_, &status, 0);
    pid_ = -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  }

  std::filesystem::path dir_;
  pid_t pid_ = -1;
};

}  // namespace yimen::testing
