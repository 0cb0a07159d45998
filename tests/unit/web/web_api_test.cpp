// The web API driven without sockets (STYLE.md section 7): a county node's
// database behind a test backend, requests in, responses out.

#include "web/web_api.h"

#include <gtest/gtest.h>

#include "node/hall/audit_log.h"
#include "node/hall/users.h"
#include "sync/link_store.h"
#include "unit/hall/hall_city.h"
#include "web/json.h"

namespace yimen::web {
namespace {

using hall::testing::HallCity;
using hall::testing::TestNode;

constexpr const char* kCounty = "441802000000";
constexpr const char* kItem = "JF-00105-001-441802000000";
constexpr const char* kPassword = "correct horse battery 9";
constexpr const char* kApplicantId = "11010519491231002X";

class TestBackend : public HallBackend {
 public:
  TestBackend(TestNode& node, std::int64_t& clock_ms) : node_(node), clock_ms_(clock_ms) {}
  const RegionCode& node_id() const override { return node_.region; }
  const std::string& node_name() const override { return name_; }
  int yellow_card_working_days() const override { return 1; }
  int post_check_working_days() const override { return 20; }
  Status read(const std::function<Status(storage::Database&)>& read) override {
    return read(node_.db);
  }
  Status write(const std::function<Status(hall::Hall&, storage::Database&)>& write) override {
    YIMEN_ASSIGN_OR_RETURN(auto tx, node_.db.begin());
    YIMEN_TRY(write(node_.hall, node_.db));
    return tx.commit();
  }
  bool recovering() override { return false; }
  std::int64_t now() const override { return clock_ms_ / 1000; }
  std::string node_metrics() override { return "yimen_events_stored 0\n"; }

 private:
  TestNode& node_;
  std::int64_t& clock_ms_;
  std::string name_ = "清城区政务服务中心";
};

// A browser: keeps the session cookie and the CSRF token.
struct Browser {
  std::string cookie;
  std::string csrf;
  std::string peer = "127.0.0.1";
};

class WebApiTest : public ::testing::Test {
 protected:
  WebApiTest() : city(hall::testing::morning("2026-03-02")), backend(county(), city.clock_ms) {
    auto& db = county().db;
    EXPECT_TRUE(hall::UserDirectory::migrate(db).ok());
    EXPECT_TRUE(hall::migrate_audit_schema(db).ok());
    EXPECT_TRUE(sync::migrate_link_schema(db).ok());
    hall::testing::publish_2026(city["441800000000"].hall);
    city.deliver("441800000000", kCounty);
    EXPECT_TRUE(
        county().hall.publish_item(hall::testing::officer(), hall::testing::dibao(kCounty)).ok());
    hall::UserDirectory users(db);
    const std::int64_t now = city.clock_ms / 1000;
    EXPECT_TRUE(
        users.add({"clerk", "王窗口", hall::Role::kClerk, "", "0763-3360001"}, kPassword, now)
            .ok());
    EXPECT_TRUE(users
                    .add({"officer", "李审批", hall::Role::kOfficer, "民政局", "0763-3360002"},
                         kPassword, now)
                    .ok());
    EXPECT_TRUE(
        users.add({"boss", "赵督查", hall::Role::kSupervisor, "", ""}, kPassword, now).ok());
    api = std::make_unique<WebApi>(backend, WebOptions{});
  }

  TestNode& county() { return city[kCounty]; }

  HttpResponse send(Browser& b, const std::string& method, const std::string& target,
                    const std::string& body = "", bool with_csrf = true) {
    auto t = parse_target(target);
    EXPECT_TRUE(t.has_value()) << target;
    HttpRequest r;
    r.method = method;
    r.path = t->path;
    r.query = t->query;
    r.body = body;
    r.peer = b.peer;
    if (!body.empty()) r.headers["content-type"] = "application/json";
    if (!b.cookie.empty()) r.headers["cookie"] = "yimen_session=" + b.cookie;
    if (with_csrf && !b.csrf.empty()) r.headers["x-csrf-token"] = b.csrf;
    HttpResponse response = api->handle(r);
    const std::string set_cookie = response.header("Set-Cookie");
    if (!set_cookie.empty()) {
      const auto eq = set_cookie.find('=');
      b.cookie = set_cookie.substr(eq + 1, set_cookie.find(';') - eq - 1);
    }
    return response;
  }

  static json::object body_of(const HttpResponse& r) { return json::parse(r.body).as_object(); }
  static std::string error_code(const HttpResponse& r) {
    auto body = body_of(r);
    return std::string(body["error"].as_object()["code"].as_string());
  }

  Browser visitor() {
    Browser b;
    auto r = send(b, "GET", "/api/v1/session");
    EXPECT_EQ(r.status, 200);
    b.csrf = std::string(body_of(r)["csrf"].as_string());
    return b;
  }

  Browser logged_in(const std::string& login) {
    Browser b = visitor();
    auto r = send(b, "POST", "/api/v1/session",
                  R"({"login":")" + login + R"(","password":")" + kPassword + R"("})");
    EXPECT_EQ(r.status, 200) << r.body;
    b.csrf = std::string(body_of(r)["csrf"].as_string());
    return b;
  }

  std::string intake_body() {
    return std::string(R"({"item_code":")") + kItem + R"(","applicant":{"id_number":")" +
           kApplicantId +
           R"(","name":"张三","phone":"13800000000","domicile":"441802001001"},)"
           R"("materials":[{"material":0,"how":"paper"},{"material":1,"how":"shared"},)"
           R"({"material":2,"how":"commitment"}]})";
  }

  json::object submit(Browser& clerk) {
    auto r = send(clerk, "POST", "/api/v1/cases", intake_body());
    EXPECT_EQ(r.status, 201) << r.body;
    return body_of(r);
  }

  HallCity city;
  TestBackend backend;
  std::unique_ptr<WebApi> api;
};

TEST_F(WebApiTest, NodeAndHealth) {
  Browser b;
  auto r = send(b, "GET", "/api/v1/node");
  ASSERT_EQ(r.status, 200);
  auto body = body_of(r);
  EXPECT_EQ(body["id"].as_string(), kCounty);
  EXPECT_EQ(body["level"].as_string(), "county");
  EXPECT_EQ(body["parent"].as_string(), "441800000000");
  EXPECT_EQ(send(b, "GET", "/healthz").body, "ok\n");
}

TEST_F(WebApiTest, EveryResponseCarriesTheSecurityHeaders) {
  Browser b;
  for (const char* target : {"/api/v1/node", "/nope", "/api/v1/nope", "/healthz"}) {
    auto r = send(b, "GET", target);
    EXPECT_NE(r.header("Content-Security-Policy").find("script-src 'self'"), std::string::npos)
        << target;
    EXPECT_EQ(r.header("X-Content-Type-Options"), "nosniff") << target;
  }
}

TEST_F(WebApiTest, CatalogueListsSearchesAndShowsTheGuide) {
  Browser b;
  auto all = body_of(send(b, "GET", "/api/v1/catalogue"));
  ASSERT_EQ(all["items"].as_array().size(), 1u);
  EXPECT_EQ(all["items"].as_array()[0].as_object().at("code").as_string(), kItem);
  EXPECT_FALSE(all["themes"].as_array().empty());

  auto found = body_of(send(b, "GET", "/api/v1/catalogue?q=%E4%BD%8E%E4%BF%9D"));  // 低保
  EXPECT_EQ(found["items"].as_array().size(), 1u);
  auto none = body_of(send(b, "GET", "/api/v1/catalogue?q=passport"));
  EXPECT_TRUE(none["items"].as_array().empty());
  auto legal = body_of(send(b, "GET", "/api/v1/catalogue?target=legal_person"));
  EXPECT_TRUE(legal["items"].as_array().empty());

  EXPECT_EQ(send(b, "GET", "/api/v1/catalogue?theme=spaceflight").status, 400);
  EXPECT_EQ(send(b, "GET", "/api/v1/catalogue?target=robot").status, 400);

  auto guide = send(b, "GET", std::string("/api/v1/catalogue/") + kItem);
  ASSERT_EQ(guide.status, 200);
  auto item = body_of(guide);
  EXPECT_EQ(item["materials"].as_array().size(), 3u);
  EXPECT_EQ(item["steps"].as_array().size(), 2u);
  EXPECT_EQ(item["legal_basis"].as_array()[0].as_object().at("article").as_string(), "第十一条");
  EXPECT_EQ(item["public_notice"].as_object()["kind"].as_string(), "calendar");

  EXPECT_EQ(send(b, "GET", "/api/v1/catalogue/XK-1").status, 400);
  EXPECT_EQ(send(b, "GET", "/api/v1/catalogue/XK-00999-000-441802000000").status, 404);
}

TEST_F(WebApiTest, CatalogueAnswersFollowAPublishedVersion) {
  Browser b;
  auto before = body_of(send(b, "GET", "/api/v1/catalogue"));
  auto item = hall::testing::dibao(kCounty);
  item.name = "最低生活保障金给付（新）";
  ASSERT_TRUE(county().hall.publish_item(hall::testing::officer(), item).ok());
  auto after = body_of(send(b, "GET", "/api/v1/catalogue"));
  EXPECT_EQ(after["items"].as_array()[0].as_object().at("name").as_string(), item.name);
  EXPECT_EQ(after["items"].as_array()[0].as_object().at("version").as_int64(), 2);
}

TEST_F(WebApiTest, SessionCookieIsHttpOnlyStrictAndLoginNeedsCsrf) {
  Browser b;
  auto r = send(b, "GET", "/api/v1/session");
  const std::string cookie = r.header("Set-Cookie");
  EXPECT_NE(cookie.find("HttpOnly"), std::string::npos);
  EXPECT_NE(cookie.find("SameSite=Strict"), std::string::npos);
  EXPECT_EQ(cookie.find("Secure"), std::string::npos);  // no TLS here
  b.csrf = std::string(body_of(r)["csrf"].as_string());
  EXPECT_TRUE(body_of(r)["user"].is_null());

  const std::string login = R"({"login":"clerk","password":"correct horse battery 9"})";
  auto no_token = send(b, "POST", "/api/v1/session", login, false);
  EXPECT_EQ(no_token.status, 403);
  EXPECT_EQ(error_code(no_token), "forbidden");
  Browser stranger;  // no session at all
  EXPECT_EQ(send(stranger, "POST", "/api/v1/session", login).status, 403);

  const std::string anonymous_cookie = b.cookie;
  auto ok = send(b, "POST", "/api/v1/session", login);
  ASSERT_EQ(ok.status, 200) << ok.body;
  EXPECT_EQ(body_of(ok)["user"].as_object()["role"].as_string(), "clerk");
  EXPECT_NE(b.cookie, anonymous_cookie);  // a fresh session after login
  b.csrf = std::string(body_of(ok)["csrf"].as_string());
  EXPECT_EQ(send(b, "DELETE", "/api/v1/session").status, 200);
  EXPECT_EQ(send(b, "GET", "/api/v1/cases").status, 401);
}

TEST_F(WebApiTest, FailedLoginsAreLimitedAndAudited) {
  Browser b = visitor();
  const std::string wrong = R"({"login":"clerk","password":"wrong password 123"})";
  for (int i = 0; i < 5; ++i) {
    auto r = send(b, "POST", "/api/v1/session", wrong);
    EXPECT_EQ(r.status, 401) << i;
    EXPECT_EQ(error_code(r), "unauthenticated");
  }
  auto limited = send(b, "POST", "/api/v1/session",
                      R"({"login":"clerk","password":"correct horse battery 9"})");
  EXPECT_EQ(limited.status, 429);
  EXPECT_FALSE(limited.header("Retry-After").empty());
  // Further refusals within the minute are not audited one by one.
  EXPECT_EQ(send(b, "POST", "/api/v1/session", wrong).status, 429);
  // A minute later the account may try again.
  city.clock_ms += 61'000;
  EXPECT_EQ(send(b, "POST", "/api/v1/session",
                 R"({"login":"clerk","password":"correct horse battery 9"})")
                .status,
            200);

  auto rows = hall::load_audit(county().db, 0, 100).value();
  int failures = 0, limited_rows = 0, ok_rows = 0;
  for (const auto& row : rows) {
    if (row.entry.action != "login") continue;
    EXPECT_EQ(row.entry.target, "clerk");
    EXPECT_EQ(row.entry.address, "127.0.0.1");
    failures += row.entry.outcome == "wrong_password";
    limited_rows += row.entry.outcome == "rate_limited";
    ok_rows += row.entry.outcome == "ok";
  }
  EXPECT_EQ(failures, 5);
  EXPECT_EQ(limited_rows, 1);
  EXPECT_EQ(ok_rows, 1);
}

TEST_F(WebApiTest, LoginsFromOneAddressAreLimitedAcrossAccounts) {
  Browser b = visitor();
  for (const char* login : {"a1", "a2", "a3", "a4", "a5"}) {
    EXPECT_EQ(send(b, "POST", "/api/v1/session",
                   std::string(R"({"login":")") + login + R"(","password":"whatever 12345"})")
                  .status,
              401);
  }
  EXPECT_EQ(send(b, "POST", "/api/v1/session",
                 R"({"login":"officer","password":"correct horse battery 9"})")
                .status,
            429);
  Browser elsewhere = visitor();
  elsewhere.peer = "127.0.0.2";
  EXPECT_EQ(send(elsewhere, "POST", "/api/v1/session",
                 R"({"login":"officer","password":"correct horse battery 9"})")
                .status,
            200);
}

TEST_F(WebApiTest, RolesAreCheckedOnEveryEndpoint) {
  Browser anon = visitor();
  EXPECT_EQ(send(anon, "GET", "/api/v1/cases").status, 401);
  EXPECT_EQ(send(anon, "POST", "/api/v1/cases", intake_body()).status, 401);
  Browser officer = logged_in("officer");
  EXPECT_EQ(send(officer, "POST", "/api/v1/cases", intake_body()).status, 403);
  EXPECT_EQ(send(officer, "GET", "/api/v1/users").status, 403);
  EXPECT_EQ(send(officer, "GET", "/api/v1/sync").status, 403);
  Browser boss = logged_in("boss");
  EXPECT_EQ(send(boss, "GET", "/api/v1/sync").status, 200);
  EXPECT_EQ(send(boss, "POST", "/api/v1/cases/X/actions", R"({"action":"accept"})").status, 403);
}

TEST_F(WebApiTest, ClerkTakesACaseAndTheOfficerHandlesIt) {
  Browser clerk = logged_in("clerk");
  auto submitted = submit(clerk);
  const std::string no(submitted["case_no"].as_string());
  const std::string code(submitted["query_code"].as_string());
  EXPECT_EQ(code.size(), 8u);
  EXPECT_EQ(submitted["handling_node"].as_string(), kCounty);

  Browser officer = logged_in("officer");
  auto list = body_of(send(officer, "GET", "/api/v1/cases"));
  ASSERT_EQ(list["cases"].as_array().size(), 1u);
  auto entry = list["cases"].as_array()[0].as_object();
  EXPECT_EQ(entry["case_no"].as_string(), no);
  EXPECT_EQ(entry["applicant_id_masked"].as_string(), "110105********002X");
  EXPECT_EQ(entry["state"].as_string(), "submitted");

  auto page = body_of(send(officer, "GET", "/api/v1/cases/" + no));
  EXPECT_EQ(page["applicant"].as_object()["id_number"].as_string(), kApplicantId);
  auto actions = page["actions"].as_array();
  EXPECT_NE(std::find(actions.begin(), actions.end(), json::value("accept")), actions.end());
  EXPECT_EQ(std::find(actions.begin(), actions.end(), json::value("approve")), actions.end());

  auto illegal = send(officer, "POST", "/api/v1/cases/" + no + "/actions",
                      R"({"action":"approve","note":"ok"})");
  EXPECT_EQ(illegal.status, 409);
  EXPECT_NE(body_of(illegal)["error"].as_object()["message"].as_string().find("submitted"),
            std::string::npos);

  auto accepted =
      send(officer, "POST", "/api/v1/cases/" + no + "/actions", R"({"action":"accept"})");
  ASSERT_EQ(accepted.status, 200) << accepted.body;
  auto after = body_of(accepted);
  EXPECT_EQ(after["state"].as_string(), "accepted");
  EXPECT_EQ(after["card"].as_string(), "green");
  EXPECT_FALSE(after["due"].is_null());

  auto request = send(officer, "POST", "/api/v1/cases/" + no + "/actions",
                      R"({"action":"request_materials","note":"申请书未签名",)"
                      R"("findings":[{"material":0,"problem":"incomplete","note":"未签名"}]})");
  ASSERT_EQ(request.status, 200) << request.body;
  EXPECT_EQ(body_of(request)["state"].as_string(), "awaiting_materials");

  auto notice = send(officer, "POST", "/api/v1/cases/" + no + "/notice",
                     R"({"findings":[{"material":0,"problem":"incomplete","note":"未签名"}]})");
  ASSERT_EQ(notice.status, 200) << notice.body;
  EXPECT_EQ(body_of(notice)["lines"].as_array().size(), 1u);

  // The history names each step, oldest first.
  auto history = body_of(send(officer, "GET", "/api/v1/cases/" + no))["history"].as_array();
  ASSERT_EQ(history.size(), 3u);
  EXPECT_EQ(history[0].as_object().at("action").as_string(), "submit");
  EXPECT_EQ(history[2].as_object().at("action").as_string(), "request_materials");

  // Every state change is audited, without personal data.
  auto rows = hall::load_audit(county().db, 0, 100).value();
  bool submit_row = false;
  for (const auto& row : rows) {
    EXPECT_EQ(row.entry.target.find(kApplicantId), std::string::npos);
    submit_row |= row.entry.action == "case.submit" && row.entry.target == no;
  }
  EXPECT_TRUE(submit_row);
}

TEST_F(WebApiTest, ResidentTracksWithTheQueryCodeAndGuessesAreLimited) {
  Browser clerk = logged_in("clerk");
  auto submitted = submit(clerk);
  const std::string no(submitted["case_no"].as_string());
  const std::string code(submitted["query_code"].as_string());

  Browser resident = visitor();
  auto found = send(resident, "POST", "/api/v1/track",
                    R"({"case_no":")" + no + R"(","code":")" + code + R"("})");
  ASSERT_EQ(found.status, 200) << found.body;
  auto body = body_of(found);
  EXPECT_EQ(body["state"].as_string(), "submitted");
  EXPECT_EQ(body["handler"].as_object()["name"].as_string(), "王窗口");
  EXPECT_EQ(body["handler"].as_object()["phone"].as_string(), "0763-3360001");
  EXPECT_EQ(found.body.find(kApplicantId), std::string::npos);

  std::string wrong = code;
  wrong[0] = wrong[0] == '9' ? '0' : static_cast<char>(wrong[0] + 1);
  for (int i = 0; i < 5; ++i) {
    auto r = send(resident, "POST", "/api/v1/track",
                  R"({"case_no":")" + no + R"(","code":")" + wrong + R"("})");
    EXPECT_EQ(r.status, 404);
  }
  // Now even the right code waits: the case's lookups are limited.
  EXPECT_EQ(send(resident, "POST", "/api/v1/track",
                 R"({"case_no":")" + no + R"(","code":")" + code + R"("})")
                .status,
            429);
  // Tracking needs the anonymous session's CSRF token too.
  Browser other = visitor();
  other.peer = "127.0.0.9";
  EXPECT_EQ(
      send(other, "POST", "/api/v1/track", R"({"case_no":"x","code":"12345678"})", false).status,
      403);
}

TEST_F(WebApiTest, BadInputIsA4xxNamingTheField) {
  Browser clerk = logged_in("clerk");
  struct Case {
    std::string body;
    std::string field;
  };
  for (
      const auto& c : std::vector<Case>{
          {"not json", "body"},
          {"[1,2]", "body"},
          {R"({"item_code":5})", "item_code"},
          {R"({"item_code":"JF-00105-001-441802000000"})", "applicant"},
          {R"({"item_code":"JF-00105-001-441802000000","applicant":{"name":"张三"}})",
           "applicant.id_number"},
          {R"({"item_code":"JF-00105-001-441802000000","applicant":{"id_number":"110105194912310021","name":"张三","phone":"13800000000"},"materials":[{"material":-1}]})",
           "materials[0].material"},
          {std::string(R"({"a":)") + std::string(100, '[') + std::string(100, ']') + "}", "body"},
      }) {
    auto r = send(clerk, "POST", "/api/v1/cases", c.body);
    EXPECT_EQ(r.status, 400) << c.body;
    EXPECT_EQ(error_code(r), "bad_request");
    EXPECT_NE(body_of(r)["error"].as_object()["message"].as_string().find(c.field),
              std::string::npos)
        << r.body;
  }
  // A wrong ID number is refused without echoing it.
  std::string body = intake_body();
  body.replace(body.find(kApplicantId), 18, "110105194912310021");
  auto r = send(clerk, "POST", "/api/v1/cases", body);
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.body.find("110105194912310021"), std::string::npos);
  // Unknown routes and methods.
  EXPECT_EQ(send(clerk, "GET", "/api/v1/nothing").status, 404);
  EXPECT_EQ(send(clerk, "PUT", "/api/v1/cases", "{}").status, 405);
}

TEST_F(WebApiTest, GarbageNeverGivesA5xx) {
  Browser clerk = logged_in("clerk");
  const std::vector<std::string> bodies = {"",
                                           "{}",
                                           "null",
                                           "\"x\"",
                                           "{\"action\":null}",
                                           "{\"action\":\"approve\",\"note\":7}",
                                           "{\"findings\":{}}",
                                           "{\"findings\":[1]}",
                                           "{\"materials\":[{\"material\":1e99}]}",
                                           "\xff\xfe",
                                           "{\"login\":\"\\u0000\"}",
                                           "{\"case_no\":\"" + std::string(5000, 'x') + "\"}"};
  const std::vector<std::pair<std::string, std::string>> routes = {
      {"POST", "/api/v1/cases"},          {"POST", "/api/v1/cases/X/actions"},
      {"POST", "/api/v1/cases/X/notice"}, {"POST", "/api/v1/track"},
      {"POST", "/api/v1/session"},        {"GET", "/api/v1/cases?state=zz&card=blue"}};
  for (const auto& [method, target] : routes) {
    for (const auto& body : bodies) {
      auto r = send(clerk, method, target, body);
      EXPECT_GE(r.status, 400) << method << " " << target << " " << body;
      EXPECT_LT(r.status, 500) << method << " " << target << " " << body << " " << r.body;
    }
  }
}

TEST_F(WebApiTest, MetricsCountRequestsByRoute) {
  Browser b;
  send(b, "GET", "/api/v1/catalogue");
  send(b, "GET", "/api/v1/catalogue/XK-1");
  const std::string metrics = send(b, "GET", "/metrics").body;
  EXPECT_NE(metrics.find(R"(yimen_http_requests_total{route="/api/v1/catalogue",status="200"} 1)"),
            std::string::npos)
      << metrics;
  EXPECT_NE(
      metrics.find(R"(yimen_http_requests_total{route="/api/v1/catalogue/{code}",status="400"} 1)"),
      std::string::npos);
  EXPECT_NE(metrics.find("yimen_http_request_seconds_count"), std::string::npos);
  EXPECT_NE(metrics.find("yimen_events_stored"), std::string::npos);
}

TEST_F(WebApiTest, ServesTheEmbeddedUi) {
  Browser b;
  auto index = send(b, "GET", "/");
  ASSERT_EQ(index.status, 200);
  EXPECT_EQ(index.content_type, "text/html; charset=utf-8");
  EXPECT_NE(index.body.find("<html"), std::string::npos);
  EXPECT_EQ(send(b, "GET", "/index.html").body, index.body);
  EXPECT_EQ(send(b, "GET", "/no-such-file.js").status, 404);
  EXPECT_EQ(send(b, "POST", "/index.html", "x").status, 405);
}

TEST_F(WebApiTest, AdminAddsAUser) {
  Browser clerk = logged_in("clerk");
  // Only an admin adds users; make one through the directory, then use the API.
  ASSERT_TRUE(hall::UserDirectory(county().db)
                  .add({"root1", "管理员", hall::Role::kAdmin, "", ""}, kPassword, 0)
                  .ok());
  Browser admin = logged_in("root1");
  auto r = send(
      admin, "POST", "/api/v1/users",
      R"({"login":"new.clerk","name":"新窗口","role":"clerk","password":"another long pass"})");
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(body_of(r)["login"].as_string(), "new.clerk");
  EXPECT_EQ(r.body.find("password"), std::string::npos);
  EXPECT_EQ(
      send(admin, "POST", "/api/v1/users",
           R"({"login":"new.clerk","name":"x","role":"clerk","password":"another long pass"})")
          .status,
      409);
  EXPECT_EQ(send(admin, "POST", "/api/v1/users",
                 R"({"login":"x2","name":"x","role":"king","password":"another long pass"})")
                .status,
            400);
  auto users = body_of(send(admin, "GET", "/api/v1/users"))["users"].as_array();
  EXPECT_EQ(users.size(), 5u);
}

TEST_F(WebApiTest, TheCalendarIsPublicAndOnlyTheCityPublishesIt) {
  Browser b;
  auto calendar = body_of(send(b, "GET", "/api/v1/calendar"));
  ASSERT_EQ(calendar["years"].as_array().size(), 1u);
  auto year = calendar["years"].as_array()[0].as_object();
  EXPECT_EQ(year["year"].as_int64(), 2026);
  EXPECT_EQ(year["holidays"].as_array().size(), 33u);
  EXPECT_EQ(year["makeup_working_days"].as_array()[0].as_string(), "2026-01-04");

  ASSERT_TRUE(hall::UserDirectory(county().db)
                  .add({"root1", "管理员", hall::Role::kAdmin, "", ""}, kPassword, 0)
                  .ok());
  Browser admin = logged_in("root1");
  auto refused = send(admin, "POST", "/api/v1/calendar",
                      R"({"year":2027,"holidays":["2027-01-01"],"notice":"x"})");
  EXPECT_EQ(refused.status, 403);
  EXPECT_EQ(
      send(admin, "POST", "/api/v1/calendar", R"({"year":2027,"holidays":["2027-02-30"]})").status,
      400);
}

TEST_F(WebApiTest, AnAdminPublishesANewVersionFromTheGuideItself) {
  ASSERT_TRUE(hall::UserDirectory(county().db)
                  .add({"root1", "管理员", hall::Role::kAdmin, "", ""}, kPassword, 0)
                  .ok());
  Browser admin = logged_in("root1");
  auto guide = body_of(send(admin, "GET", std::string("/api/v1/catalogue/") + kItem));
  guide["name"] = "最低生活保障金给付（修订）";
  guide["committed_limit"].as_object()["days"] = 6;
  auto published = send(admin, "POST", "/api/v1/catalogue", to_json(guide));
  ASSERT_EQ(published.status, 201) << published.body;
  EXPECT_EQ(body_of(published)["version"].as_int64(), 2);
  EXPECT_EQ(body_of(published)["committed_limit"].as_object()["days"].as_int64(), 6);
  // Everything round-trips: publishing the same guide again gives an equal version 3.
  auto again = body_of(send(admin, "POST", "/api/v1/catalogue", published.body));
  EXPECT_EQ(again["version"].as_int64(), 3);
  again["version"] = 2;
  EXPECT_EQ(again, body_of(published));

  auto broken = guide;
  broken["materials"].as_array()[1].as_object()["kind"] = "telepathy";
  auto bad = send(admin, "POST", "/api/v1/catalogue", to_json(broken));
  EXPECT_EQ(bad.status, 400);
  EXPECT_NE(bad.body.find("materials[1].kind"), std::string::npos) << bad.body;

  auto elsewhere = guide;
  elsewhere["code"] = "JF-00105-001-441803000000";
  EXPECT_EQ(send(admin, "POST", "/api/v1/catalogue", to_json(elsewhere)).status, 403);
  Browser clerk = logged_in("clerk");
  EXPECT_EQ(send(clerk, "POST", "/api/v1/catalogue", to_json(guide)).status, 403);
}

}  // namespace
}  // namespace yimen::web
