// Enrolment through the web hall: a parent's administrator pastes the request
// token a new child printed, sees what it asks, approves it, and the
// certificate token it gets back makes the child a linked node.

#include <gtest/gtest.h>

#include "support/http_client.h"
#include "support/test_city.h"

namespace yimen::testing {
namespace {

constexpr const char* kEnrolments = "/api/v1/enrolments";

// The value of the string field `key` in a flat JSON answer ("" when absent).
std::string string_field(const std::string& json, const std::string& key) {
  const std::string start = "\"" + key + "\":\"";
  const auto at = json.find(start);
  if (at == std::string::npos) return {};
  const auto from = at + start.size();
  return json.substr(from, json.find('"', from) - from);
}

// `yimen init` and `yimen enrol request` at a new node: its request token.
std::string request_token(TestCity& city, const std::string& name, const std::string& id) {
  const auto dir = city.root() / name;
  const auto init = city.yimen({"init", "--data", dir.string(), "--id", id, "--name", name});
  EXPECT_EQ(init.exit_code, 0) << init.err;
  auto request = city.yimen({"enrol", "request", "--data", dir.string()});
  EXPECT_EQ(request.exit_code, 0) << request.err;
  while (!request.out.empty() && request.out.back() == '\n') request.out.pop_back();
  return request.out;
}

TEST(WebEnrolment, AnAdministratorEnrolsACountyThroughTheWebHall) {
  TestCity city;
  city.add("city", "441800000000", "");
  city.add_user("city", "admin", "admin");
  city.add_user("city", "supervisor", "watcher");
  city.give_listen_address("city");
  const int port = free_port();
  city.start("city", {"--web", "127.0.0.1:" + std::to_string(port)});
  if (HasFatalFailure()) return;
  ASSERT_TRUE(eventually([&] { return http_request(port, "GET", "/healthz").status == 200; }));
  const std::string token = request_token(city, "county", "441802000000");
  const WebSession admin = log_in(port, "admin", kPassword);
  ASSERT_EQ(admin.answer.status, 200) << admin.answer.body;

  // A look first: what the token asks; nothing is enrolled yet.
  const auto look = post_json(port, admin, kEnrolments, R"({"request":")" + token + "\"}");
  EXPECT_EQ(look.status, 200) << look.body;
  EXPECT_EQ(string_field(look.body, "child"), "441802000000");
  EXPECT_EQ(string_field(look.body, "name"), "county");
  EXPECT_EQ(string_field(look.body, "key_fingerprint").size(), 24u) << look.body;
  EXPECT_NE(look.body.find("\"approved\":false"), std::string::npos) << look.body;
  EXPECT_EQ(look.body.find("certificate"), std::string::npos) << look.body;

  // Bad input is refused, naming what is wrong.
  const auto damaged = post_json(port, admin, kEnrolments, R"({"request":"yimen-req1.AAAA"})");
  EXPECT_EQ(damaged.status, 400) << damaged.body;
  const auto not_bool =
      post_json(port, admin, kEnrolments, R"({"request":")" + token + R"(","approve":"yes"})");
  EXPECT_EQ(not_bool.status, 400);
  EXPECT_NE(not_bool.body.find("approve: expected true or false"), std::string::npos);
  const std::string village = request_token(city, "village", "441802001001");
  const auto grandchild =
      post_json(port, admin, kEnrolments, R"({"request":")" + village + R"(","approve":true})");
  EXPECT_EQ(grandchild.status, 403) << grandchild.body;
  EXPECT_NE(grandchild.body.find("it enrols with 441802001000"), std::string::npos);
  const WebSession watcher = log_in(port, "watcher", kPassword);
  const auto not_admin =
      post_json(port, watcher, kEnrolments, R"({"request":")" + token + R"(","approve":true})");
  EXPECT_EQ(not_admin.status, 403) << not_admin.body;

  // Approved: the certificate token, which the county installs; then it links up.
  const auto approved =
      post_json(port, admin, kEnrolments, R"({"request":")" + token + R"(","approve":true})");
  ASSERT_EQ(approved.status, 201) << approved.body;
  const std::string certificate = string_field(approved.body, "certificate");
  ASSERT_EQ(certificate.rfind("yimen-cert1.", 0), 0u) << approved.body;
  const auto install =
      city.yimen({"enrol", "install", "--data", city.dir("county").string(), certificate});
  ASSERT_EQ(install.exit_code, 0) << install.err;
  city.start("county");
  if (HasFatalFailure()) return;
  EXPECT_TRUE(eventually([&] {
    const auto status = city.yimen({"status", "--data", city.dir("city").string(), "--json"});
    return status.out.find(R"({"node":"441802000000","link_up":true)") != std::string::npos;
  })) << city.logs();
  const auto audit = city.yimen({"audit", "list", "--data", city.dir("city").string()});
  EXPECT_NE(audit.out.find("enrol.approve 441802000000 ok"), std::string::npos) << audit.out;
}

}  // namespace
}  // namespace yimen::testing
