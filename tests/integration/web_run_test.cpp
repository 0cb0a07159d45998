// `yimen run --web HOST:PORT`: the web hall runs inside the node process,
// answers over loopback, audits logins, and stops cleanly with the node.

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <string>
#include <vector>

#include "support/http_client.h"
#include "support/node_process.h"
#include "support/process.h"
#include "support/test_dir.h"

namespace yimen::testing {
namespace {

constexpr const char* kPassword = "correct horse battery 9";

class WebRunTest : public ::testing::Test {
 protected:
  WebRunTest() : node(dir / "city") {
    auto init = run_yimen({"init", "--data", (dir / "city").string(), "--id", "441800000000",
                           "--name", "示范市", "--root"});
    EXPECT_EQ(init.exit_code, 0) << init.err;
    auto add = run_yimen({"user", "add", "--data", (dir / "city").string(), "--role", "admin",
                          "--login", "admin", "--display", "管理员"},
                         {}, std::string(kPassword) + "\n");
    EXPECT_EQ(add.exit_code, 0) << add.err;
  }
  TestDir dir;
  NodeProcess node;
};

TEST_F(WebRunTest, ServesTheHallAndStopsCleanly) {
  const int port = free_port();
  ASSERT_TRUE(node.start({"--web", "127.0.0.1:" + std::to_string(port)})) << node.log();
  HttpAnswer health;
  ASSERT_TRUE(eventually([&] {
    health = http_request(port, "GET", "/healthz");
    return health.status == 200;
  }));
  EXPECT_EQ(health.body, "ok\n");
  auto info = http_request(port, "GET", "/api/v1/node");
  EXPECT_EQ(info.status, 200);
  EXPECT_NE(info.body.find("\"id\":\"441800000000\""), std::string::npos);
  EXPECT_EQ(http_request(port, "GET", "/").headers["content-type"], "text/html; charset=utf-8");

  // Log in: an anonymous session first, then the login with its CSRF token.
  const auto login = log_in(port, "admin", kPassword);
  EXPECT_EQ(login.answer.status, 200) << login.answer.body;
  // The attempt is in the audit log, readable while the node runs.
  auto audit = run_yimen({"audit", "list", "--data", (dir / "city").string()});
  EXPECT_EQ(audit.exit_code, 0) << audit.err;
  EXPECT_NE(audit.out.find("login admin ok 127.0.0.1"), std::string::npos) << audit.out;

  const auto started = std::chrono::steady_clock::now();
  EXPECT_EQ(node.stop(), 0);
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(10));
  EXPECT_EQ(http_request(port, "GET", "/healthz").status, 0);  // nobody listens any more
  EXPECT_EQ(node.log().find(kPassword), std::string::npos);
  // Stopping anchored the audit log's head (the city anchors at itself).
  auto verify = run_yimen({"audit", "verify", "--data", (dir / "city").string()});
  EXPECT_EQ(verify.exit_code, 0) << verify.err;
  EXPECT_NE(verify.out.find("anchored at seq"), std::string::npos) << verify.out;
}

// `[web] max_connections` in node.toml caps the open connections: one more is
// closed as it arrives, the ones open are served, and /metrics counts it.
TEST_F(WebRunTest, ConnectionsBeyondTheConfiguredCapAreClosedAndCounted) {
  const auto config = dir / "city" / "node.toml";
  std::string text = read_file(config);
  const std::string most = "max_connections = 512";
  const auto at = text.find(most);
  ASSERT_NE(at, std::string::npos) << text;
  text.replace(at, most.size(), "max_connections = 16");
  std::ofstream(config, std::ios::trunc) << text;

  const int port = free_port();
  ASSERT_TRUE(node.start({"--web", "127.0.0.1:" + std::to_string(port)})) << node.log();
  // Seventeen connections and no other (the first made once the node
  // listens): the one the node takes when sixteen are open is closed at once;
  // the others stay open, waiting for a request.
  std::vector<pollfd> open;
  int first = -1;
  ASSERT_TRUE(eventually([&] { return (first = connect_loopback(port)) >= 0; }));
  open.push_back({first, POLLIN, 0});
  for (int i = 1; i < 17; ++i) open.push_back({connect_loopback(port), POLLIN, 0});
  ASSERT_GT(::poll(open.data(), open.size(), 10000), 0);
  int closed = 0;
  for (const auto& p : open) {
    char c = 0;
    if ((p.revents & POLLIN) && ::recv(p.fd, &c, 1, 0) == 0) ++closed;
  }
  EXPECT_EQ(closed, 1);
  for (const auto& p : open) ::close(p.fd);
  // Until the node has seen those closes, a request is one connection too
  // many and is refused too: each such attempt counts one more.
  std::string metrics;
  int refused_attempts = 0;
  ASSERT_TRUE(eventually([&] {
    const auto answer = http_request(port, "GET", "/metrics");
    metrics = answer.body;
    if (answer.status != 200) ++refused_attempts;
    return answer.status == 200;
  }));
  EXPECT_NE(metrics.find("yimen_web_connections_refused_total " +
                         std::to_string(1 + refused_attempts) + "\n"),
            std::string::npos)
      << metrics;
  EXPECT_NE(metrics.find("yimen_web_busy_refusals_total 0\n"), std::string::npos) << metrics;
  // This city has published no calendar: deadlines are unknown now.
  EXPECT_NE(metrics.find("yimen_calendar_missing 1\n"), std::string::npos) << metrics;
  EXPECT_NE(metrics.find("yimen_calendar_published{year=\""), std::string::npos) << metrics;
  EXPECT_EQ(node.stop(), 0);
}

TEST_F(WebRunTest, ABadWebAddressIsAClearError) {
  auto r = run_yimen({"run", "--data", (dir / "city").string(), "--web", "localhost:80"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("--web: expected HOST:PORT with an IP address"), std::string::npos) << r.err;
}

TEST_F(WebRunTest, APortInUseIsAClearError) {
  const int port = free_port();
  ASSERT_TRUE(node.start({"--web", "127.0.0.1:" + std::to_string(port)})) << node.log();
  ASSERT_TRUE(eventually([&] { return http_request(port, "GET", "/healthz").status == 200; }));
  // A second node on the same port.
  auto init = run_yimen({"init", "--data", (dir / "other").string(), "--id", "441900000000",
                         "--name", "其他市", "--root"});
  ASSERT_EQ(init.exit_code, 0) << init.err;
  auto r = run_yimen(
      {"run", "--data", (dir / "other").string(), "--web", "127.0.0.1:" + std::to_string(port)});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("cannot listen on 127.0.0.1:" + std::to_string(port)), std::string::npos)
      << r.err;
}

}  // namespace
}  // namespace yimen::testing
