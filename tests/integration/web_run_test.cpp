// `yimen run --web HOST:PORT`: the web hall runs inside the node process,
// answers over loopback, audits logins, and stops cleanly with the node.

#include <gtest/gtest.h>

#include <chrono>

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
