// The web hall under abuse (issue 18). A `yimen run --web` node is
// pinned to core 0, the clients to core 1; every figure is from one run:
//
//   healthz_p50_ms_quiet, healthz_p99_ms_quiet   /healthz, one request at a time, nothing else
//   healthz_p99_ms_logins_N, healthz_max_ms_logins_N
//                        the same while N clients (12, then 30) log in back to back, each
//                        login an Argon2id check of 64 MiB, and a client answered 503 busy
//                        tries again at once (the worst case). Before the checks moved to
//                        the worker pool these were 2 s (12) and 10 s (30); target: under
//                        250 ms
//   logins_per_s_N       logins answered 200 per second meanwhile
//   login_busy_share_N   the share answered 503 busy (worker pool and its queue full)
//   flood_connections_opened  TCP connections a flood opened (the handshake done) and
//                        held for kHoldSeconds (target 20,000) against
//                        [web] max_connections = 512
//   flood_node_cpu_percent  the node's CPU use while they are held; target: near 0
//   flood_log_bytes      what the node wrote to its log meanwhile; target: a few lines
//   flood_refused_total  yimen_web_connections_refused_total afterwards
//   flood_healthz_after_ms  /healthz once the flood has gone
//   emfile_*             the same flood with the node limited to 1,024 file descriptors
//                        and max_connections = 4,096, so that accept() fails with EMFILE:
//                        emfile_node_cpu_percent (target: near 0, no busy spin),
//                        emfile_log_bytes, emfile_accept_failures_total,
//                        emfile_healthz_after_ms
//
// Every loop is bounded by a count and every wait by a time.

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "bench_node.h"
#include "support/http_client.h"

namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;
using yimen::testing::http_request;
namespace bench = yimen::bench;

constexpr const char* kPassword = "bench password 2026";
constexpr int kFloodConnections = 20000;
constexpr int kFloodProcesses = 4;  // each holds a quarter: descriptors are limited per process
constexpr int kHoldSeconds = 5;
constexpr int kLoginSeconds = 8;
constexpr int kLoginsPerClientAtMost = 400;
const fs::path kDir = fs::temp_directory_path() / "yimen-web-abuse-bench";

double ms_since(Clock::time_point t) {
  return std::chrono::duration<double, std::milli>(Clock::now() - t).count();
}

int free_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  socklen_t len = sizeof addr;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  ::close(fd);
  return ntohs(addr.sin_port);
}

void replace_line(const fs::path& file, const std::string& from, const std::string& to) {
  std::stringstream text;
  text << std::ifstream(file).rdbuf();
  std::string s = text.str();
  const auto at = s.find(from);
  if (at == std::string::npos) bench::fail(file.string() + " has no \"" + from + "\"");
  s.replace(at, from.size(), to);
  std::ofstream(file, std::ios::trunc) << s;
}

// A city node with an administrator, its web hall on `port`; `max_connections` in node.toml.
fs::path make_node(const std::string& name, int port, int max_connections) {
  const fs::path dir = kDir / name;
  bench::cli(
      kDir, {"init", "--data", dir.string(), "--id", "441800000000", "--name", "示范市", "--root"});
  bench::cli(kDir,
             {"user", "add", "--data", dir.string(), "--role", "admin", "--login", "admin",
              "--display", "管理员"},
             std::string(kPassword) + "\n");
  replace_line(dir / "node.toml", "max_connections = 512",
               "max_connections = " + std::to_string(max_connections));
  replace_line(dir / "node.toml", "# listen = \"127.0.0.1:8080\"",
               "listen = \"127.0.0.1:" + std::to_string(port) + "\"");
  return dir;
}

struct Node {
  pid_t pid = 0;
  fs::path log;
  int port = 0;
};

// `yimen run` on core 0, with at most `descriptors` open files when not 0.
Node start(const fs::path& dir, int port, int descriptors = 0) {
  const Node node{bench::spawn_node(dir, 0, descriptors), dir.string() + ".log", port};
  for (int i = 0; i < 300; ++i) {
    if (http_request(port, "GET", "/healthz").status == 200) return node;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  bench::fail("the node on port " + std::to_string(port) + " did not answer /healthz in 30 s");
}

// The node's user + system CPU time in seconds (the prlimit and taskset wrappers exec it).
double cpu_seconds(pid_t pid) {
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string text((std::istreambuf_iterator<char>(stat)), std::istreambuf_iterator<char>());
  std::istringstream fields(text.substr(text.rfind(')') + 2));
  std::string field;
  long ticks = 0;
  for (int i = 3; i <= 15 && fields >> field; ++i) {
    if (i == 14 || i == 15) ticks += std::stol(field);
  }
  return static_cast<double>(ticks) / static_cast<double>(::sysconf(_SC_CLK_TCK));
}

std::uintmax_t size_of(const fs::path& file) {
  std::error_code ec;
  const auto n = fs::file_size(file, ec);
  return ec ? 0 : n;
}

// The value of the metric `name` on /metrics (-1 when absent).
double metric(int port, const std::string& name) {
  const auto body = http_request(port, "GET", "/metrics").body;
  for (auto at = body.find(name); at != std::string::npos; at = body.find(name, at + 1)) {
    if ((at == 0 || body[at - 1] == '\n') && body[at + name.size()] == ' ') {
      return std::stod(body.substr(at + name.size() + 1));
    }
  }
  return -1;
}

double healthz_ms(int port) {
  const auto t = Clock::now();
  const int status = http_request(port, "GET", "/healthz").status;
  return status == 200 ? ms_since(t) : -1;
}

double percentile(std::vector<double> v, double p) {
  if (v.empty()) return -1;
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<size_t>(p * static_cast<double>(v.size())))];
}

// /healthz every 20 ms until `done` (at most `count` times); the latencies of those answered.
std::vector<double> sample_healthz(int port, const std::atomic<bool>& done, int count) {
  std::vector<double> out;
  for (int i = 0; i < count && !done; ++i) {
    const double ms = healthz_ms(port);
    if (ms >= 0) out.push_back(ms);
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return out;
}

void pin_to_core(std::size_t core) {
  cpu_set_t set;
  CPU_ZERO(&set);
  CPU_SET(core, &set);
  ::sched_setaffinity(0, sizeof set, &set);
}

// /healthz while `clients` log in back to back for kLoginSeconds.
void logins(int port, int clients) {
  std::atomic<bool> done{false};
  std::atomic<int> ok{0}, busy{0}, other{0};
  std::vector<std::thread> threads;
  for (int c = 0; c < clients; ++c) {
    threads.emplace_back([&] {
      const auto until = Clock::now() + std::chrono::seconds(kLoginSeconds);
      for (int i = 0; i < kLoginsPerClientAtMost && Clock::now() < until; ++i) {
        const int status = yimen::testing::log_in(port, "admin", kPassword).answer.status;
        (status == 200 ? ok : status == 503 ? busy : other)++;
      }
    });
  }
  std::vector<double> latencies;
  std::thread sampler([&] { latencies = sample_healthz(port, done, 1000); });
  const auto t = Clock::now();
  for (auto& thread : threads) thread.join();
  const double seconds = ms_since(t) / 1000;
  done = true;
  sampler.join();
  const auto n = std::to_string(clients);
  std::printf("healthz_p99_ms_logins_%s=%.1f\n", n.c_str(), percentile(latencies, 0.99));
  std::printf("healthz_max_ms_logins_%s=%.1f\n", n.c_str(), percentile(latencies, 1.0));
  std::printf("logins_per_s_%s=%.1f\n", n.c_str(), ok / seconds);
  const int answered = ok + busy + other;
  std::printf("login_busy_share_%s=%.2f\n", n.c_str(),
              answered ? static_cast<double>(busy) / answered : 0.0);
  if (other > 0) std::printf("login_other_answers_%s=%d\n", n.c_str(), other.load());
}

// Opens `count` connections to `port` without waiting for them to be accepted, holds them
// for kHoldSeconds, and writes how many were established to `report`. In a child process.
[[noreturn]] void flood_child(int port, int count, int report) {
  rlimit limit{};
  ::getrlimit(RLIMIT_NOFILE, &limit);
  limit.rlim_cur = limit.rlim_max;
  ::setrlimit(RLIMIT_NOFILE, &limit);
  std::vector<int> fds;
  for (int i = 0; i < count; ++i) {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    if (fd < 0) break;
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<std::uint16_t>(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    fds.push_back(fd);
  }
  std::this_thread::sleep_for(std::chrono::seconds(kHoldSeconds));
  int established = 0;
  for (const int fd : fds) {
    pollfd p{fd, POLLOUT, 0};
    int error = 0;
    socklen_t len = sizeof error;
    if (::poll(&p, 1, 0) == 1 && ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &len) == 0 &&
        error == 0) {
      ++established;
    }
  }
  if (::write(report, &established, sizeof established) != sizeof established) ::_exit(2);
  for (const int fd : fds) ::close(fd);
  ::_exit(0);
}

// kFloodConnections connections held for kHoldSeconds against `node`; prints the figures
// with `prefix`, `counter` being the /metrics counter that names what the node refused.
void flood(const Node& node, const std::string& prefix, const std::string& counter) {
  int pipe_fds[2];
  if (::pipe(pipe_fds) != 0) bench::fail("pipe");
  const auto log_before = size_of(node.log);
  const double cpu_before = cpu_seconds(node.pid);
  const auto t = Clock::now();
  std::vector<pid_t> children;
  for (int i = 0; i < kFloodProcesses; ++i) {
    const pid_t pid = ::fork();
    if (pid == 0) flood_child(node.port, kFloodConnections / kFloodProcesses, pipe_fds[1]);
    children.push_back(pid);
  }
  int established = 0;
  for (std::size_t i = 0; i < children.size(); ++i) {
    int n = 0;
    if (::read(pipe_fds[0], &n, sizeof n) == sizeof n) established += n;
  }
  const double cpu = cpu_seconds(node.pid) - cpu_before;
  const double seconds = ms_since(t) / 1000;
  const auto log_bytes = size_of(node.log) - log_before;
  for (const pid_t pid : children) ::waitpid(pid, nullptr, 0);
  ::close(pipe_fds[0]);
  ::close(pipe_fds[1]);
  // Once the flood has gone, the node answers again.
  double after = -1;
  for (int i = 0; i < 100 && after < 0; ++i) {
    after = healthz_ms(node.port);
    if (after < 0) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  std::printf("%s_connections_opened=%d\n", prefix.c_str(), established);
  std::printf("%s_node_cpu_percent=%.1f\n", prefix.c_str(), 100 * cpu / seconds);
  std::printf("%s_log_bytes=%ju\n", prefix.c_str(), log_bytes);
  std::printf("%s_%s=%.0f\n", prefix.c_str(), counter.c_str(),
              metric(node.port, "yimen_web_" + counter));
  std::printf("%s_healthz_after_ms=%.1f\n", prefix.c_str(), after);
}

}  // namespace

int main() {
  ::signal(SIGPIPE, SIG_IGN);
  fs::remove_all(kDir);
  fs::create_directories(kDir);
  pin_to_core(1);

  {
    const int port = free_port();
    const Node node = start(make_node("capped", port, 512), port);
    std::vector<double> quiet;
    for (int i = 0; i < 200; ++i) quiet.push_back(healthz_ms(port));
    std::printf("healthz_p50_ms_quiet=%.2f\n", percentile(quiet, 0.5));
    std::printf("healthz_p99_ms_quiet=%.2f\n", percentile(quiet, 0.99));
    logins(port, 12);
    logins(port, 30);
    flood(node, "flood", "connections_refused_total");
    bench::stop_node(node.pid);
  }
  {
    const int port = free_port();
    const Node node = start(make_node("emfile", port, 4096), port, 1024);
    flood(node, "emfile", "accept_failures_total");
    bench::stop_node(node.pid);
  }
  fs::remove_all(kDir);
  return 0;
}
