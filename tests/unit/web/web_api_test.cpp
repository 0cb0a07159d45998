// The web API driven without sockets (STYLE.md section 7): a county node's
// database behind a test backend, requests in, responses out.

#include "web/web_api.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <set>
#include <thread>
#include <utility>
#include <vector>

#include "node/hall/audit_log.h"
#include "node/hall/users.h"
#include "support/eventually.h"
#include "support/http_client.h"
#include "sync/link_store.h"
#include "unit/hall/hall_city.h"
#include "web/code_lookup_limits.h"
#include "web/http_server.h"
#include "web/json.h"

namespace yimen::web {
namespace {

using hall::testing::HallCity;
using hall::testing::TestNode;

constexpr const char* kCounty = "441802000000";
constexpr const char* kItem = "JF-00105-001-441802000000";
constexpr const char* kPassword = "correct horse battery 9";
constexpr const char* kApplicantId = "11010519491231002X";
constexpr const char* kAgentId = "441802198001011234";

class TestBackend : public HallBackend {
 public:
  TestBackend(TestNode& node, std::int64_t& clock_ms) : node_(node), clock_ms_(clock_ms) {}
  const RegionCode& node_id() const override { return node_.region; }
  const std::string& node_name() const override { return name_; }
  int yellow_card_working_days() const override { return 1; }
  int post_check_working_days() const override { return 20; }
  const config::AppointmentConfig& appointments() const override { return appointment_settings; }
  Status read(const std::function<Status(storage::Database&)>& read) override {
    {
      // While the gate is closed, reads wait: a test holds the server's workers busy.
      std::unique_lock lock(gate_mutex_);
      ++reads_waiting_;
      gate_.wait(lock, [this] { return gate_open_; });
      --reads_waiting_;
    }
    std::unique_lock db_lock(db_mutex_);  // the server's threads share one connection
    const Status s = read(node_.db);
    db_lock.unlock();
    // A test's hook runs once, after the read it was armed for.
    if (auto hook = std::exchange(after_read, nullptr)) hook();
    return s;
  }
  Status write(const std::function<Status(hall::Hall&, storage::Database&)>& write) override {
    // As the running node: no writes while it recovers from a backup.
    if (recovering_) return failed_precondition("the node is recovering from a backup");
    std::lock_guard db_lock(db_mutex_);
    YIMEN_ASSIGN_OR_RETURN(auto tx, node_.db.begin());
    YIMEN_TRY(write(node_.hall, node_.db));
    return tx.commit();
  }
  bool recovering() override { return recovering_; }
  void set_recovering(bool recovering) { recovering_ = recovering; }
  std::int64_t now() const override { return clock_ms_ / 1000; }
  std::string node_metrics() override { return "yimen_events_stored 0\n"; }
  // Enrolment needs the node's key and configuration: tested with real nodes
  // (tests/integration/web_enrolment_test.cpp).
  Result<ChildEnrolment> enrol_child(
      const std::string&, bool,
      const std::function<Status(storage::Database&, const std::string&)>&) override {
    return failed_precondition("this test backend does not enrol children");
  }

  config::AppointmentConfig appointment_settings;
  // Runs once after the next read (what a concurrent request does meanwhile).
  std::function<void()> after_read;

  void close_reads() {
    std::lock_guard lock(gate_mutex_);
    gate_open_ = false;
  }
  void open_reads() {
    {
      std::lock_guard lock(gate_mutex_);
      gate_open_ = true;
    }
    gate_.notify_all();
  }
  int reads_waiting() {
    std::lock_guard lock(gate_mutex_);
    return reads_waiting_;
  }

 private:
  TestNode& node_;
  std::int64_t& clock_ms_;
  std::string name_ = "清城区政务服务中心";
  bool recovering_ = false;
  std::mutex db_mutex_;
  std::mutex gate_mutex_;
  std::condition_variable gate_;
  bool gate_open_ = true;
  int reads_waiting_ = 0;
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
    // The server would run a deferred answer (a password check) on its
    // worker pool; here it runs inline.
    if (response.deferred) response = response.deferred();
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

  json::object submit(Browser& clerk) { return submit(clerk, intake_body()); }
  json::object submit(Browser& clerk, const std::string& body) {
    auto r = send(clerk, "POST", "/api/v1/cases", body);
    EXPECT_EQ(r.status, 201) << r.body;
    return body_of(r);
  }

  HttpResponse act(Browser& staff, const std::string& no, const std::string& action,
                   const std::string& note = "") {
    return send(staff, "POST", "/api/v1/cases/" + no + "/actions",
                R"({"action":")" + action + R"(","note":")" + note + R"("})");
  }

  // Accepts, approves and issues the result of a case at this county.
  void finish(Browser& officer, const std::string& no) {
    ASSERT_EQ(act(officer, no, "accept").status, 200);
    ASSERT_EQ(act(officer, no, "approve", "准予").status, 200);
    ASSERT_EQ(act(officer, no, "issue_result", "最低生活保障证").status, 200);
  }

  HttpResponse rate(Browser& b, const std::string& no, const std::string& code,
                    const std::string& rest = R"("score":5)") {
    return send(b, "POST", "/api/v1/ratings",
                R"({"case_no":")" + no + R"(","code":")" + code + R"(",)" + rest + "}");
  }

  // The node's administrator "root1" (added on first use).
  Browser admin() {
    if (!admin_added_) {
      EXPECT_TRUE(hall::UserDirectory(county().db)
                      .add({"root1", "管理员", hall::Role::kAdmin, "", ""}, kPassword, 0)
                      .ok());
      admin_added_ = true;
    }
    return logged_in("root1");
  }

  // The error message of a 4xx answer.
  static std::string message_of(const HttpResponse& r) {
    return std::string(body_of(r)["error"].as_object()["message"].as_string());
  }

  // Personal data stays where it belongs: no answer but the staff's case page
  // carries a full ID number, and no audit row ever does.
  static void expect_no_id_number(const HttpResponse& r) {
    EXPECT_EQ(r.body.find(kApplicantId), std::string::npos) << r.body;
    EXPECT_EQ(r.body.find(kAgentId), std::string::npos) << r.body;
  }
  void expect_no_id_number_in_audit() {
    const auto rows = hall::load_audit(county().db, 0, 1000).value();
    for (const auto& row : rows) {
      for (const std::string* field : {&row.entry.actor, &row.entry.action, &row.entry.target,
                                       &row.entry.outcome, &row.entry.address}) {
        EXPECT_EQ(field->find(kApplicantId), std::string::npos) << row.entry.action;
        EXPECT_EQ(field->find(kAgentId), std::string::npos) << row.entry.action;
      }
    }
  }

  // Moves the backend's (and the hall's) clock; staff sessions idle out, so
  // the caller logs in again.
  void set_clock(const char* date) { city.clock_ms = hall::testing::morning(date); }

  HallCity city;
  TestBackend backend;
  std::unique_ptr<WebApi> api;
  bool admin_added_ = false;
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
    EXPECT_EQ(r.header("Strict-Transport-Security"), "") << "not without TLS";
  }
  HttpRequest over_tls;
  over_tls.method = "GET";
  over_tls.path = "/api/v1/node";
  over_tls.peer = "127.0.0.1";
  over_tls.tls = true;
  EXPECT_EQ(api->handle(over_tls).header("Strict-Transport-Security"), "max-age=31536000");
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
  // How long the staff session lives without a request: the page warns before.
  EXPECT_EQ(body_of(ok)["idle_seconds"].as_int64(), 30 * 60);
  EXPECT_FALSE(body_of(r).contains("idle_seconds"));
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

// A disabled account answers the right password exactly as a wrong one (the
// same status, code, message and cost, counted the same towards the limit),
// so a guesser cannot tell; the audit log has the real reason.
TEST_F(WebApiTest, ADisabledAccountAnswersLikeAWrongPassword) {
  Browser root = admin();
  ASSERT_EQ(send(root, "POST", "/api/v1/users/clerk/active", R"({"active":false})").status, 200);
  const auto try_login = [&](const std::string& login, const std::string& password,
                             const std::string& peer = "127.0.0.9") {
    Browser b = visitor();
    b.peer = peer;
    return send(b, "POST", "/api/v1/session",
                R"({"login":")" + login + R"(","password":")" + password + R"("})");
  };
  const auto right = try_login("clerk", kPassword);
  const auto wrong = try_login("officer", "a wrong password 1", "127.0.0.10");
  EXPECT_EQ(right.status, 401);
  EXPECT_EQ(right.status, wrong.status);
  EXPECT_EQ(right.body, wrong.body);
  EXPECT_EQ(right.headers, wrong.headers);
  EXPECT_EQ(message_of(right), "wrong login or password");
  // Counted like a wrong password: the limit comes at the same attempt.
  for (int i = 0; i < 4; ++i) EXPECT_EQ(try_login("clerk", kPassword).status, 401) << i;
  EXPECT_EQ(try_login("clerk", kPassword).status, 429);

  int disabled = 0;
  const auto rows = hall::load_audit(county().db, 0, 1000).value();
  for (const auto& row : rows) {
    if (row.entry.action == "login" && row.entry.target == "clerk") {
      disabled += row.entry.outcome == "disabled";
      EXPECT_NE(row.entry.outcome, "ok");
    }
  }
  EXPECT_EQ(disabled, 5);
}

// A login whose password check overlaps an administrator disabling the
// account, or resetting its password, gets no session: no session outlives a
// disable or a reset. The administrator's request runs between the login's
// password check and its session (deterministically, from the backend's hook).
TEST_F(WebApiTest, NoSessionOutlivesADisableOrResetRacingTheLogin) {
  Browser root = admin();
  const std::string login_body =
      std::string(R"({"login":"clerk","password":")") + kPassword + R"("})";
  {
    Browser racer = visitor();
    int disables = 0;
    backend.after_read = [&] {
      ++disables;
      EXPECT_EQ(send(root, "POST", "/api/v1/users/clerk/active", R"({"active":false})").status,
                200);
    };
    const auto r = send(racer, "POST", "/api/v1/session", login_body);
    ASSERT_EQ(disables, 1);
    EXPECT_EQ(r.status, 401) << r.body;
    EXPECT_TRUE(body_of(send(racer, "GET", "/api/v1/session"))["user"].is_null());
    EXPECT_EQ(send(racer, "GET", "/api/v1/cases").status, 401);
  }
  ASSERT_EQ(send(root, "POST", "/api/v1/users/clerk/active", R"({"active":true})").status, 200);
  {
    Browser racer = visitor();
    int resets = 0;
    backend.after_read = [&] {
      ++resets;
      EXPECT_EQ(send(root, "POST", "/api/v1/users/clerk/password",
                     R"({"password":"a-new-password-2026"})")
                    .status,
                200);
    };
    const auto r = send(racer, "POST", "/api/v1/session", login_body);
    ASSERT_EQ(resets, 1);
    EXPECT_EQ(r.status, 401) << r.body;
    EXPECT_TRUE(body_of(send(racer, "GET", "/api/v1/session"))["user"].is_null());
    EXPECT_EQ(send(racer, "GET", "/api/v1/cases").status, 401);
  }
  // Without a race the new password logs in.
  Browser fresh = visitor();
  EXPECT_EQ(send(fresh, "POST", "/api/v1/session",
                 R"({"login":"clerk","password":"a-new-password-2026"})")
                .status,
            200);
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

using yimen::testing::eventually;

// Password checks (Argon2id, 64 MiB) run on the server's small worker pool,
// never on its I/O threads: with every worker held inside a login's password
// check (the backend's reads are held closed) and the queue full, /healthz is
// still answered, and a login that finds no room is answered 503 with
// Retry-After at once.
TEST_F(WebApiTest, PasswordChecksNeverHoldTheServerThreads) {
  ServerOptions options;
  options.threads = 2;
  options.work_threads = 2;
  options.work_queue = 1;
  auto started =
      HttpServer::start(options, [this](const HttpRequest& r) { return api->handle(r); });
  ASSERT_TRUE(started.ok()) << started.status().message();
  auto& server = **started;
  const int port = server.port();

  backend.close_reads();
  std::vector<int> statuses(3, 0);
  std::vector<std::thread> logins;
  // One at a time, so that each finds the room it needs: two logins inside
  // their password check, the third waiting for a worker.
  for (std::size_t i = 0; i < statuses.size(); ++i) {
    logins.emplace_back(
        [&, i] { statuses[i] = testing::log_in(port, "clerk", kPassword).answer.status; });
    const int inside = static_cast<int>(std::min<std::size_t>(i + 1, 2));
    const std::size_t waiting = i < 2 ? 0 : 1;
    if (!eventually([&] {
          return backend.reads_waiting() == inside && server.stats().work_queued == waiting;
        })) {
      backend.open_reads();
      for (auto& t : logins) t.join();
      FAIL() << "login " << i << " did not reach its place";
    }
  }
  EXPECT_EQ(testing::http_request(port, "GET", "/healthz").status, 200);
  EXPECT_EQ(backend.reads_waiting(), 2);  // answered while both checks were still held
  EXPECT_EQ(server.stats().work_running, 2u);
  // No room for a fourth: 503 at once.
  auto busy = testing::log_in(port, "clerk", kPassword).answer;
  EXPECT_EQ(busy.status, 503);
  EXPECT_EQ(busy.headers["retry-after"], "1");
  EXPECT_NE(busy.body.find(R"("code":"busy")"), std::string::npos) << busy.body;
  EXPECT_EQ(server.stats().work_refused, 1u);

  backend.open_reads();
  for (auto& t : logins) t.join();
  EXPECT_EQ(statuses, std::vector<int>(3, 200));
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

  // The history names each step, oldest first; the request carries its
  // findings and the day to supply by.
  auto history = body_of(send(officer, "GET", "/api/v1/cases/" + no))["history"].as_array();
  ASSERT_EQ(history.size(), 3u);
  EXPECT_EQ(history[0].as_object().at("action").as_string(), "submit");
  // The first-contact clerk and the current handler, both named.
  auto shown = body_of(send(officer, "GET", "/api/v1/cases/" + no));
  EXPECT_EQ(shown["responsible_name"].as_string(), "王窗口");
  EXPECT_EQ(shown["handler"].as_object()["name"].as_string(), "李审批");
  auto requested = history[2].as_object();
  EXPECT_EQ(requested.at("action").as_string(), "request_materials");
  ASSERT_EQ(requested.at("findings").as_array().size(), 1u);
  auto finding = requested.at("findings").as_array()[0].as_object();
  EXPECT_EQ(finding.at("problem").as_string(), "incomplete");
  EXPECT_EQ(finding.at("note").as_string(), "未签名");
  EXPECT_FALSE(finding.at("material_name").as_string().empty());
  EXPECT_EQ(requested.at("supply_by").as_string(), "2026-04-01");

  // The recorded notification prints again, with the office, the handler,
  // the day to supply by, the seal and the applicant's signature.
  auto recorded = send(officer, "GET", "/api/v1/cases/" + no + "/notices/3");
  ASSERT_EQ(recorded.status, 200) << recorded.body;
  const std::string text(body_of(recorded)["text"].as_string());
  EXPECT_NE(text.find("补正期限：请于2026年4月1日前补齐上述材料。"), std::string::npos) << text;
  EXPECT_NE(text.find("（盖章）"), std::string::npos) << text;
  EXPECT_NE(text.find("申请人签收"), std::string::npos) << text;
  EXPECT_EQ(send(officer, "GET", "/api/v1/cases/" + no + "/notices/2").status, 404);
  EXPECT_EQ(send(officer, "GET", "/api/v1/cases/" + no + "/notices/x").status, 400);

  // Every state change is audited, without personal data.
  auto rows = hall::load_audit(county().db, 0, 100).value();
  bool submit_row = false;
  for (const auto& row : rows) {
    EXPECT_EQ(row.entry.target.find(kApplicantId), std::string::npos);
    submit_row |= row.entry.action == "case.submit" && row.entry.target == no;
  }
  EXPECT_TRUE(submit_row);
}

// The queue in order of urgency: red, then yellow, then by due date, cases
// without one last; finished cases in their own view; the tiles count what
// the list holds; a search by number, ID number or name goes in the body.
TEST_F(WebApiTest, TheQueueIsInOrderOfUrgencyWithFinishedCasesApart) {
  Browser clerk = logged_in("clerk");
  Browser officer = logged_in("officer");
  const std::string overdue(submit(clerk)["case_no"].as_string());
  ASSERT_EQ(act(officer, overdue, "accept").status, 200);
  const std::string refused(submit(clerk)["case_no"].as_string());
  ASSERT_EQ(act(officer, refused, "refuse", "不属于本部门职责").status, 200);
  set_clock("2026-04-20");
  clerk = logged_in("clerk");  // the sessions of March have expired
  officer = logged_in("officer");
  const std::string waiting(submit(clerk)["case_no"].as_string());
  const std::string fresh(submit(clerk)["case_no"].as_string());
  ASSERT_EQ(act(officer, fresh, "accept").status, 200);

  const auto numbers = [](json::object list) {
    std::vector<std::string> out;
    for (const auto& c : list["cases"].as_array()) {
      out.emplace_back(c.as_object().at("case_no").as_string());
    }
    return out;
  };
  auto open = body_of(send(officer, "GET", "/api/v1/cases?view=open"));
  EXPECT_EQ(numbers(open), (std::vector<std::string>{overdue, fresh, waiting}));
  EXPECT_EQ(open["total"].as_int64(), 3);
  EXPECT_EQ(open["cards"].as_object()["red"].as_int64(), 1);
  EXPECT_EQ(open["cards"].as_object()["green"].as_int64(), 1);
  auto red = body_of(send(officer, "GET", "/api/v1/cases?view=open&card=red"));
  EXPECT_EQ(numbers(red), (std::vector<std::string>{overdue}));
  auto finished = body_of(send(officer, "GET", "/api/v1/cases?view=finished"));
  EXPECT_EQ(numbers(finished), (std::vector<std::string>{refused}));
  EXPECT_EQ(send(officer, "GET", "/api/v1/cases?view=later").status, 400);

  // By the case number's start, the ID number, or part of the name.
  auto by_number =
      body_of(send(officer, "POST", "/api/v1/cases/search", R"({"query":")" + waiting + R"("})"));
  EXPECT_EQ(numbers(by_number), (std::vector<std::string>{waiting}));
  auto by_id = body_of(send(officer, "POST", "/api/v1/cases/search",
                            R"({"query":"110105194912310021","view":"open"})"));
  EXPECT_TRUE(by_id["cases"].as_array().empty());
  by_id = body_of(send(officer, "POST", "/api/v1/cases/search",
                       std::string(R"({"query":")") + kApplicantId + R"(","view":"open"})"));
  EXPECT_EQ(numbers(by_id), (std::vector<std::string>{overdue, fresh, waiting}));
  auto by_name =
      body_of(send(officer, "POST", "/api/v1/cases/search", R"({"query":"三","view":"finished"})"));
  EXPECT_EQ(numbers(by_name), (std::vector<std::string>{refused}));
  EXPECT_EQ(send(officer, "POST", "/api/v1/cases/search", R"({"query":"  "})").status, 400);
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
  EXPECT_FALSE(body.contains("materials_requested"));

  // While the office waits for materials, the resident sees what to bring.
  Browser officer = logged_in("officer");
  ASSERT_EQ(
      send(officer, "POST", "/api/v1/cases/" + no + "/actions", R"({"action":"accept"})").status,
      200);
  ASSERT_EQ(
      send(officer, "POST", "/api/v1/cases/" + no + "/actions",
           R"({"action":"request_materials","findings":[{"material":0,"problem":"missing"}]})")
          .status,
      200);
  auto waiting = body_of(send(resident, "POST", "/api/v1/track",
                              R"({"case_no":")" + no + R"(","code":")" + code + R"("})"));
  auto requested = waiting["materials_requested"].as_object();
  ASSERT_EQ(requested["findings"].as_array().size(), 1u);
  EXPECT_EQ(requested["findings"].as_array()[0].as_object()["problem"].as_string(), "missing");
  EXPECT_EQ(requested["supply_by"].as_string(), "2026-04-01");

  std::string wrong = code;
  wrong[0] = wrong[0] == '9' ? '0' : static_cast<char>(wrong[0] + 1);
  for (int i = 0; i < 5; ++i) {
    auto r = send(resident, "POST", "/api/v1/track",
                  R"({"case_no":")" + no + R"(","code":")" + wrong + R"("})");
    EXPECT_EQ(r.status, 404);
  }
  // Now even the right code waits at this address…
  EXPECT_EQ(send(resident, "POST", "/api/v1/track",
                 R"({"case_no":")" + no + R"(","code":")" + code + R"("})")
                .status,
            429);
  // …but a stranger's guesses never lock the resident out at another.
  Browser phone = visitor();
  phone.peer = "10.1.1.1";
  EXPECT_EQ(send(phone, "POST", "/api/v1/track",
                 R"({"case_no":")" + no + R"(","code":")" + code + R"("})")
                .status,
            200);
  // Tracking needs the anonymous session's CSRF token too.
  Browser other = visitor();
  other.peer = "127.0.0.9";
  EXPECT_EQ(
      send(other, "POST", "/api/v1/track", R"({"case_no":"x","code":"12345678"})", false).status,
      403);
}

// The lookup scheme of docs/security.md ("Code lookups"): 5 failures per
// case and address, 20 per address, and a case guessed at from many
// addresses (30 failures a day) gives each address that failed on it no
// further try that day, while an address that has not failed is answered.
TEST_F(WebApiTest, GuessingACodeIsLimitedWithoutLockingOutTheResident) {
  Browser clerk = logged_in("clerk");
  auto submitted = submit(clerk);
  const std::string no(submitted["case_no"].as_string());
  const std::string code(submitted["query_code"].as_string());
  std::string wrong = code;
  wrong[0] = wrong[0] == '9' ? '0' : static_cast<char>(wrong[0] + 1);
  auto track = [&](Browser& b, const std::string& case_no, const std::string& c) {
    return send(b, "POST", "/api/v1/track",
                R"({"case_no":")" + case_no + R"(","code":")" + c + R"("})")
        .status;
  };

  // One address, many cases: 20 failures in all, then it waits everywhere.
  Browser sprayer = visitor();
  sprayer.peer = "10.2.0.1";
  for (int i = 0; i < 20; ++i) {
    EXPECT_EQ(track(sprayer, "QY-NO-SUCH-" + std::to_string(i), "12345678"), 404) << i;
  }
  EXPECT_EQ(track(sprayer, no, code), 429);

  // Thirty failures on one case from six addresses: the case is guarded.
  for (int a = 0; a < 6; ++a) {
    Browser guesser = visitor();
    guesser.peer = "10.3.0." + std::to_string(a + 1);
    for (int i = 0; i < 5; ++i) EXPECT_EQ(track(guesser, no, wrong), 404) << a << " " << i;
    EXPECT_EQ(track(guesser, no, code), 429);  // 5 at this address
  }
  // An address that failed once on it now has no further try today…
  Browser once = visitor();
  once.peer = "10.4.0.1";
  EXPECT_EQ(track(once, no, wrong), 404);
  EXPECT_EQ(track(once, no, code), 429);
  city.clock_ms += 11 * 60 * 1000;  // past the 10-minute windows, within the day
  EXPECT_EQ(track(once, no, code), 429);
  // …while the resident, who never failed, is answered at once.
  Browser resident = visitor();
  resident.peer = "10.5.0.1";
  EXPECT_EQ(track(resident, no, code), 200);
  // Other cases are not guarded by it.
  auto other = submit(clerk);
  EXPECT_EQ(track(once, std::string(other["case_no"].as_string()),
                  std::string(other["query_code"].as_string())),
            200);
}

// An IPv6 client counts by its /64: one line cannot pose as many addresses.
TEST(ClientKey, AnIpv6AddressCountsByItsPrefix) {
  EXPECT_EQ(client_key("2001:db8:1:2::1"), client_key("2001:db8:1:2:ffff::9"));
  EXPECT_NE(client_key("2001:db8:1:2::1"), client_key("2001:db8:1:3::1"));
  EXPECT_EQ(client_key("192.0.2.7"), "192.0.2.7");
  EXPECT_NE(client_key("::ffff:192.0.2.7"), client_key("::ffff:192.0.2.8"));
  EXPECT_EQ(client_key("?"), "?");
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
  // Each writing route is sent garbage by a role it lets through, so that the
  // body reaches the handler.
  Browser root = admin();
  Browser boss = logged_in("boss");
  Browser anon = visitor();
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
  struct Route {
    Browser* as;
    std::string method;
    std::string target;
  };
  const std::vector<Route> routes = {
      {&clerk, "POST", "/api/v1/cases"},
      {&clerk, "POST", "/api/v1/cases/X/actions"},
      {&clerk, "POST", "/api/v1/cases/X/notice"},
      {&clerk, "POST", "/api/v1/track"},
      {&clerk, "POST", "/api/v1/session"},
      {&clerk, "GET", "/api/v1/cases?state=zz&card=blue"},
      {&anon, "POST", "/api/v1/ratings"},
      {&root, "POST", "/api/v1/ratings/X/follow-up"},
      {&anon, "POST", "/api/v1/complaints"},
      {&anon, "POST", "/api/v1/complaints/track"},
      {&root, "POST", "/api/v1/complaints/X/answer"},
      {&boss, "POST", "/api/v1/supervision"},
      {&root, "POST", "/api/v1/supervision/X/response"},
      {&clerk, "POST", "/api/v1/notices"},
      {&clerk, "POST", "/api/v1/notices/X/withdraw"},
      {&anon, "POST", "/api/v1/questions"},
      {&anon, "POST", "/api/v1/questions/lookup"},
      {&clerk, "POST", "/api/v1/questions/X/answer"},
      {&clerk, "GET", "/api/v1/kpis?from=2026-02-30&to=%FF"},
      {&clerk, "GET", "/api/v1/kpis?from=9999-12-31"},
      {&clerk, "GET", "/api/v1/kpis?to=2026-03-02%00"},
  };
  for (const auto& [as, method, target] : routes) {
    for (const auto& body : bodies) {
      auto r = send(*as, method, target, body);
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
  // Only the node's own machine reads them.
  Browser far;
  far.peer = "10.0.0.7";
  EXPECT_EQ(send(far, "GET", "/metrics").status, 404);
  Browser v6;
  v6.peer = "::1";
  EXPECT_EQ(send(v6, "GET", "/metrics").status, 200);
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
  EXPECT_FALSE(year["provisional"].as_bool());
  // In March nothing is missing; from 1 November the missing 2027 calendar is
  // said, with the day deadlines become unknown.
  EXPECT_TRUE(calendar["outlook"].as_object()["missing_year"].is_null());
  set_clock("2026-11-02");
  auto outlook = body_of(send(b, "GET", "/api/v1/calendar"))["outlook"].as_object();
  EXPECT_EQ(outlook["missing_year"].as_int64(), 2027);
  EXPECT_EQ(outlook["unknown_from"].as_string(), "2027-01-01");
  EXPECT_TRUE(outlook["this_year_published"].as_bool());
  EXPECT_FALSE(outlook["next_year_published"].as_bool());

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
  // A sample (示范文本) as a file on a material survives the round trip.
  guide["materials"].as_array()[0].as_object()["sample"] =
      json::object{{"name", "低保申请书（示范文本）.pdf"}, {"content_hash", std::string(64, 'b')}};
  auto published = send(admin, "POST", "/api/v1/catalogue", to_json(guide));
  ASSERT_EQ(published.status, 201) << published.body;
  EXPECT_EQ(body_of(published)["version"].as_int64(), 2);
  EXPECT_EQ(body_of(published)["committed_limit"].as_object()["days"].as_int64(), 6);
  EXPECT_EQ(body_of(published)["materials"].as_array()[0].as_object()["sample"].as_object()["name"],
            "低保申请书（示范文本）.pdf");
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

TEST_F(WebApiTest, IntakeRecordsVisitsAndTheAgentWhoseIdIsMasked) {
  Browser clerk = logged_in("clerk");
  std::string body = intake_body();
  body.pop_back();
  const std::string agent = std::string(R"(,"agent":{"id_number":")") + kAgentId +
                            R"(","name":"李四","phone":"13900000000",)";
  auto bad = send(clerk, "POST", "/api/v1/cases", body + agent + R"("authorisation":""}})");
  EXPECT_EQ(bad.status, 400);
  EXPECT_NE(message_of(bad).find("agent"), std::string::npos) << bad.body;
  std::string no_authorisation = body + agent;
  no_authorisation.back() = '}';
  bad = send(clerk, "POST", "/api/v1/cases", no_authorisation + R"(,"visits":1})");
  EXPECT_EQ(bad.status, 400);
  EXPECT_NE(message_of(bad).find("agent.authorisation"), std::string::npos) << bad.body;
  bad = send(clerk, "POST", "/api/v1/cases", body + R"(,"visits":21})");
  EXPECT_EQ(bad.status, 400);
  EXPECT_NE(message_of(bad).find("visits"), std::string::npos) << bad.body;
  std::string wrong_agent = body + agent + R"("authorisation":"委托书"}})";
  wrong_agent.replace(wrong_agent.find(kAgentId), 18, "441802198001011235");
  bad = send(clerk, "POST", "/api/v1/cases", wrong_agent);
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(bad.body.find("441802198001011235"), std::string::npos) << bad.body;

  auto ok = send(clerk, "POST", "/api/v1/cases",
                 body + agent + R"("authorisation":"委托书（2026-03-01 签）"},"visits":2})");
  ASSERT_EQ(ok.status, 201) << ok.body;
  expect_no_id_number(ok);
  const std::string no(body_of(ok)["case_no"].as_string());
  auto page_response = send(clerk, "GET", "/api/v1/cases/" + no);
  auto page = body_of(page_response);
  EXPECT_EQ(page["visits"].as_int64(), 2);
  EXPECT_TRUE(page["commitment"].as_bool());
  EXPECT_EQ(page["post_check"].as_string(), "");
  EXPECT_TRUE(page["rating"].is_null());
  EXPECT_TRUE(page["supervision"].as_array().empty());
  auto agent_json = page["agent"].as_object();
  EXPECT_EQ(agent_json["name"].as_string(), "李四");
  EXPECT_EQ(agent_json["id_number_masked"].as_string(), "441802********1234");
  EXPECT_EQ(agent_json["authorisation"].as_string(), "委托书（2026-03-01 签）");
  EXPECT_EQ(page_response.body.find(kAgentId), std::string::npos);
  auto list = send(clerk, "GET", "/api/v1/cases");
  expect_no_id_number(list);
  expect_no_id_number_in_audit();
}

TEST_F(WebApiTest, ARatedCaseShowsItsRatingAndAPoorOneIsFollowedUp) {
  Browser clerk = logged_in("clerk");
  auto submitted = submit(clerk);
  const std::string no(submitted["case_no"].as_string());
  const std::string code(submitted["query_code"].as_string());

  Browser resident = visitor();
  resident.peer = "10.0.0.7";
  // Only a finished case is rated.
  auto early = rate(resident, no, code);
  EXPECT_EQ(early.status, 409);
  EXPECT_EQ(error_code(early), "conflict");
  // The public form needs the anonymous session's CSRF token.
  EXPECT_EQ(send(resident, "POST", "/api/v1/ratings",
                 R"({"case_no":")" + no + R"(","code":")" + code + R"(","score":5})", false)
                .status,
            403);

  Browser officer = logged_in("officer");
  finish(officer, no);
  for (const auto& [rest, field] :
       std::vector<std::pair<std::string, std::string>>{{R"("score":0)", "score"},
                                                        {R"("score":6)", "score"},
                                                        {R"("score":"5")", "score"},
                                                        {R"("tags":[])", "score"},
                                                        {R"("score":3,"tags":["rude"])", "tags"},
                                                        {R"("score":3,"tags":[1])", "tags"},
                                                        {R"("score":3,"tags":"slow")", "tags"},
                                                        {R"("score":3,"comment":7)", "comment"}}) {
    auto r = rate(resident, no, code, rest);
    EXPECT_EQ(r.status, 400) << rest;
    EXPECT_NE(message_of(r).find(field), std::string::npos) << rest << " " << r.body;
  }
  auto rated =
      rate(resident, no, code, R"("score":2,"tags":["slow","many_visits"],"comment":"跑了三趟")");
  ASSERT_EQ(rated.status, 201) << rated.body;
  EXPECT_EQ(body_of(rated)["case_no"].as_string(), no);
  EXPECT_EQ(body_of(rated)["score"].as_int64(), 2);
  expect_no_id_number(rated);
  auto again = rate(resident, no, code);
  EXPECT_EQ(again.status, 409);
  EXPECT_NE(message_of(again).find("already rated"), std::string::npos);

  // The case page shows it; the follow-up is due five working days later.
  auto page = body_of(send(officer, "GET", "/api/v1/cases/" + no));
  ASSERT_TRUE(page["rating"].is_object()) << to_json(page);
  auto rating = page["rating"].as_object();
  EXPECT_EQ(rating["score"].as_int64(), 2);
  EXPECT_EQ(rating["tags"].as_array().size(), 2u);
  EXPECT_EQ(rating["comment"].as_string(), "跑了三趟");
  EXPECT_EQ(rating["rated_on"].as_string(), "2026-03-02");
  EXPECT_EQ(rating["follow_up_due"].as_string(), "2026-03-09");
  EXPECT_EQ(rating["follow_up"].as_string(), "");

  // The poor rating waits in the follow-up list, for staff only.
  Browser anon = visitor();
  EXPECT_EQ(send(anon, "GET", "/api/v1/ratings/follow-ups").status, 401);
  auto listed = send(clerk, "GET", "/api/v1/ratings/follow-ups");
  ASSERT_EQ(listed.status, 200);
  expect_no_id_number(listed);
  auto tasks = body_of(listed)["follow_ups"].as_array();
  ASSERT_EQ(tasks.size(), 1u);
  auto task = tasks[0].as_object();
  EXPECT_EQ(task["case_no"].as_string(), no);
  EXPECT_EQ(task["handling_node"].as_string(), kCounty);
  EXPECT_EQ(task["score"].as_int64(), 2);
  EXPECT_EQ(task["follow_up_due"].as_string(), "2026-03-09");
  EXPECT_EQ(task["card"].as_string(), "green");

  const std::string follow_up = "/api/v1/ratings/" + no + "/follow-up";
  EXPECT_EQ(send(clerk, "POST", follow_up, R"({"note":"已回访"})").status, 403);
  EXPECT_EQ(send(anon, "POST", follow_up, R"({"note":"已回访"})").status, 401);
  auto no_csrf = send(officer, "POST", follow_up, R"({"note":"已回访"})", false);
  EXPECT_EQ(no_csrf.status, 403);
  EXPECT_NE(message_of(no_csrf).find("CSRF"), std::string::npos);
  auto empty = send(officer, "POST", follow_up, R"({"note":" "})");
  EXPECT_EQ(empty.status, 400);
  EXPECT_NE(message_of(empty).find("note"), std::string::npos);
  EXPECT_EQ(send(officer, "POST", follow_up, R"({})").status, 400);
  EXPECT_EQ(send(officer, "POST", "/api/v1/ratings/441802000000-20260302-999999/follow-up",
                 R"({"note":"已回访"})")
                .status,
            404);
  auto done = send(officer, "POST", follow_up, R"({"note":"已电话回访并致歉"})");
  ASSERT_EQ(done.status, 200) << done.body;
  EXPECT_EQ(body_of(done)["follow_up"].as_string(), "已电话回访并致歉");
  EXPECT_EQ(send(officer, "POST", follow_up, R"({"note":"again"})").status, 409);

  EXPECT_TRUE(
      body_of(send(officer, "GET", "/api/v1/ratings/follow-ups"))["follow_ups"].as_array().empty());
  auto all =
      body_of(send(officer, "GET", "/api/v1/ratings/follow-ups?all=1"))["follow_ups"].as_array();
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0].as_object().at("follow_up").as_string(), "已电话回访并致歉");
  EXPECT_EQ(all[0].as_object().at("follow_up_by").as_string(), "officer");
  EXPECT_TRUE(all[0].as_object().at("card").is_null());

  bool rate_row = false, follow_up_row = false;
  const auto rows = hall::load_audit(county().db, 0, 100).value();
  for (const auto& row : rows) {
    rate_row |= row.entry.action == "case.rate" && row.entry.target == no &&
                row.entry.actor.empty() && row.entry.address == "10.0.0.7";
    follow_up_row |= row.entry.action == "case.follow_up" && row.entry.actor == "officer";
  }
  EXPECT_TRUE(rate_row);
  EXPECT_TRUE(follow_up_row);
  expect_no_id_number_in_audit();
}

TEST_F(WebApiTest, AGoodRatingNeedsNoFollowUpAndASupervisorMayFollowUp) {
  Browser clerk = logged_in("clerk");
  Browser officer = logged_in("officer");
  Browser resident = visitor();
  auto good = submit(clerk);
  auto poor = submit(clerk);
  const std::string good_no(good["case_no"].as_string());
  const std::string poor_no(poor["case_no"].as_string());
  finish(officer, good_no);
  finish(officer, poor_no);
  ASSERT_EQ(rate(resident, good_no, std::string(good["query_code"].as_string()),
                 R"("score":5,"tags":["quick","polite"])")
                .status,
            201);
  ASSERT_EQ(
      rate(resident, poor_no, std::string(poor["query_code"].as_string()), R"("score":1)").status,
      201);
  auto tasks = body_of(send(clerk, "GET", "/api/v1/ratings/follow-ups"))["follow_ups"].as_array();
  ASSERT_EQ(tasks.size(), 1u);
  EXPECT_EQ(tasks[0].as_object().at("case_no").as_string(), poor_no);
  EXPECT_EQ(send(officer, "POST", "/api/v1/ratings/" + good_no + "/follow-up", R"({"note":"回访"})")
                .status,
            409);
  Browser boss = logged_in("boss");
  EXPECT_EQ(
      send(boss, "POST", "/api/v1/ratings/" + poor_no + "/follow-up", R"({"note":"督查回访"})")
          .status,
      200);
}

TEST_F(WebApiTest, WrongRatingCodesAreLimitedLikeTracking) {
  Browser clerk = logged_in("clerk");
  auto submitted = submit(clerk);
  const std::string no(submitted["case_no"].as_string());
  const std::string code(submitted["query_code"].as_string());
  std::string wrong = code;
  wrong[0] = wrong[0] == '9' ? '0' : static_cast<char>(wrong[0] + 1);

  Browser resident = visitor();
  for (int i = 0; i < 5; ++i) {
    auto r = rate(resident, no, wrong);
    EXPECT_EQ(r.status, 404) << i;
    EXPECT_EQ(error_code(r), "not_found");
  }
  // The case number is blocked now, for ratings and tracking alike, even with the right code.
  auto limited = rate(resident, no, code);
  EXPECT_EQ(limited.status, 429);
  EXPECT_FALSE(limited.header("Retry-After").empty());
  EXPECT_EQ(send(resident, "POST", "/api/v1/track",
                 R"({"case_no":")" + no + R"(","code":")" + code + R"("})")
                .status,
            429);
  // An unknown case number costs a failure like a wrong code.
  Browser guesser = visitor();
  guesser.peer = "10.0.0.8";
  for (int i = 0; i < 20; ++i) {
    auto r = rate(guesser, "441802000000-20260302-" + std::to_string(900000 + i), "12345678");
    EXPECT_EQ(r.status, 404) << i;
  }
  // Twenty failures from one address block it for every case number.
  auto other = submit(clerk);
  const std::string other_no(other["case_no"].as_string());
  const std::string other_code(other["query_code"].as_string());
  EXPECT_EQ(rate(guesser, other_no, other_code).status, 429);
  // From elsewhere the right code passes (and the case is not finished yet).
  Browser elsewhere = visitor();
  elsewhere.peer = "10.0.0.9";
  EXPECT_EQ(rate(elsewhere, other_no, other_code).status, 409);
  // Ten minutes later the first case may be rated again.
  city.clock_ms += 10 * 60 * 1000 + 1000;
  EXPECT_EQ(rate(elsewhere, no, code).status, 409);
}

TEST_F(WebApiTest, AnyoneFilesAComplaintAndFollowsItWithItsCode) {
  Browser none;  // no session at all
  const std::string about_village =
      R"({"about":"441802001001","kind":"complaint","subject":"窗口人员态度差",)"
      R"("body":"办理低保时被要求反复提交材料"})";
  EXPECT_EQ(send(none, "POST", "/api/v1/complaints", about_village).status, 403);
  Browser resident = visitor();
  resident.peer = "10.0.1.1";
  EXPECT_EQ(send(resident, "POST", "/api/v1/complaints", about_village, false).status, 403);

  auto filed = send(resident, "POST", "/api/v1/complaints", about_village);
  ASSERT_EQ(filed.status, 201) << filed.body;
  auto body = body_of(filed);
  const std::string no(body["complaint_no"].as_string());
  const std::string code(body["code"].as_string());
  EXPECT_EQ(no, std::string(kCounty) + "-C20260302-000001");
  ASSERT_EQ(code.size(), 8u);
  EXPECT_EQ(code.find_first_not_of("0123456789"), std::string::npos);
  // The county answers for the offices below it.
  EXPECT_EQ(body["handler"].as_string(), kCounty);

  const auto track = [&](Browser& b, const std::string& c) {
    return send(b, "POST", "/api/v1/complaints/track",
                R"({"complaint_no":")" + no + R"(","code":")" + c + R"("})");
  };
  auto seen = track(resident, code);
  ASSERT_EQ(seen.status, 200) << seen.body;
  auto tracked = body_of(seen);
  EXPECT_EQ(tracked["subject"].as_string(), "窗口人员态度差");
  EXPECT_EQ(tracked["about"].as_string(), "441802001001");
  EXPECT_EQ(tracked["filed_on"].as_string(), "2026-03-02");
  EXPECT_EQ(tracked["due"].as_string(), "2026-03-16");  // ten working days
  EXPECT_EQ(tracked["card"].as_string(), "green");
  EXPECT_EQ(tracked["answer"].as_string(), "");
  EXPECT_FALSE(tracked.contains("contact_name"));
  std::string wrong = code;
  wrong[7] = wrong[7] == '9' ? '0' : static_cast<char>(wrong[7] + 1);
  EXPECT_EQ(track(resident, wrong).status, 404);
  EXPECT_EQ(send(resident, "POST", "/api/v1/complaints/track",
                 R"({"complaint_no":"441802000000-C20260302-000099","code":"12345678"})")
                .status,
            404);

  // A named complaint; the contact is for staff only.
  auto named = send(resident, "POST", "/api/v1/complaints",
                    R"({"about":"441802001001","kind":"suggestion","subject":"增加周末窗口",)"
                    R"("body":"周末也开放","contact_name":"张三","contact_phone":"13800000000",)"
                    R"("case_no":"441802000000-20260302-000001"})");
  ASSERT_EQ(named.status, 201) << named.body;
  const std::string named_no(body_of(named)["complaint_no"].as_string());

  // Staff see the complaints of the county with their due date and card.
  Browser anon = visitor();
  EXPECT_EQ(send(anon, "GET", "/api/v1/complaints").status, 401);
  Browser clerk = logged_in("clerk");
  auto listed = body_of(send(clerk, "GET", "/api/v1/complaints"))["complaints"].as_array();
  ASSERT_EQ(listed.size(), 2u);
  json::object first, second;
  for (const auto& c : listed) {
    const auto& o = c.as_object();
    if (o.at("complaint_no").as_string() == no) first = o;
    if (o.at("complaint_no").as_string() == named_no) second = o;
  }
  EXPECT_EQ(first["due"].as_string(), "2026-03-16");
  EXPECT_EQ(first["card"].as_string(), "green");
  EXPECT_TRUE(first["anonymous"].as_bool());
  EXPECT_EQ(first["handler"].as_string(), kCounty);
  EXPECT_EQ(first["taken_by"].as_string(), kCounty);
  EXPECT_FALSE(second["anonymous"].as_bool());
  EXPECT_EQ(second["contact_name"].as_string(), "张三");
  EXPECT_EQ(second["kind"].as_string(), "suggestion");
  EXPECT_EQ(second["case_no"].as_string(), "441802000000-20260302-000001");

  // Officers, supervisors and administrators answer; once.
  const std::string answer = "/api/v1/complaints/" + no + "/answer";
  EXPECT_EQ(send(clerk, "POST", answer, R"({"answer":"已处理"})").status, 403);
  Browser officer = logged_in("officer");
  EXPECT_EQ(send(officer, "POST", answer, R"({"answer":"已处理"})", false).status, 403);
  auto empty = send(officer, "POST", answer, R"({"answer":""})");
  EXPECT_EQ(empty.status, 400);
  EXPECT_NE(message_of(empty).find("answer"), std::string::npos);
  auto upheld = send(officer, "POST", answer, R"({"answer":"已处理","upheld":"yes"})");
  EXPECT_EQ(upheld.status, 400);
  EXPECT_NE(message_of(upheld).find("upheld"), std::string::npos);
  EXPECT_EQ(send(officer, "POST", "/api/v1/complaints/441802000000-C20260302-000099/answer",
                 R"({"answer":"已处理"})")
                .status,
            404);
  auto answered =
      send(officer, "POST", answer, R"({"answer":"经核查属实，已批评教育","upheld":true})");
  ASSERT_EQ(answered.status, 200) << answered.body;
  EXPECT_EQ(send(officer, "POST", answer, R"({"answer":"again"})").status, 409);
  auto after = body_of(track(resident, code));
  EXPECT_EQ(after["answer"].as_string(), "经核查属实，已批评教育");
  EXPECT_TRUE(after["upheld"].as_bool());
  EXPECT_EQ(after["answered_on"].as_string(), "2026-03-02");
  EXPECT_TRUE(after["card"].is_null());

  // A complaint about the county itself goes to the city: the county may not answer it.
  auto about_county = send(resident, "POST", "/api/v1/complaints",
                           R"({"subject":"中心排队太久","body":"等了两个小时"})");
  ASSERT_EQ(about_county.status, 201) << about_county.body;
  EXPECT_EQ(body_of(about_county)["handler"].as_string(), "441800000000");
  const std::string county_no(body_of(about_county)["complaint_no"].as_string());
  auto refused =
      send(officer, "POST", "/api/v1/complaints/" + county_no + "/answer", R"({"answer":"x"})");
  EXPECT_EQ(refused.status, 403);
  EXPECT_NE(message_of(refused).find("441800000000"), std::string::npos);

  // Bad input names the field.
  for (const auto& [bad, field] : std::vector<std::pair<std::string, std::string>>{
           {R"({"kind":"praise","subject":"s","body":"b"})", "kind"},
           {R"({"about":"440100000000","subject":"s","body":"b"})", "about"},
           {R"({"about":"abc","subject":"s","body":"b"})", "about"},
           {R"({"body":"b"})", "subject"},
           {R"({"subject":"s"})", "body"},
           {R"({"subject":"一\n二","body":"b"})", "subject"},
           {R"({"subject":"s","body":"b","contact_phone":7})", "contact_phone"}}) {
    auto r = send(resident, "POST", "/api/v1/complaints", bad);
    EXPECT_EQ(r.status, 400) << bad;
    EXPECT_NE(message_of(r).find(field), std::string::npos) << bad << " " << r.body;
  }

  bool file_row = false;
  const auto rows = hall::load_audit(county().db, 0, 100).value();
  for (const auto& row : rows) {
    file_row |= row.entry.action == "complaint.file" && row.entry.target == no &&
                row.entry.actor.empty() && row.entry.address == "10.0.1.1";
  }
  EXPECT_TRUE(file_row);
  expect_no_id_number_in_audit();
}

TEST_F(WebApiTest, ComplaintsFromOneAddressAreLimitedToTenAnHour) {
  Browser resident = visitor();
  const std::string complaint =
      R"({"about":"441802001001","subject":"排队太久","body":"等了很久"})";
  for (int i = 0; i < 10; ++i) {
    EXPECT_EQ(send(resident, "POST", "/api/v1/complaints", complaint).status, 201) << i;
  }
  auto limited = send(resident, "POST", "/api/v1/complaints", complaint);
  EXPECT_EQ(limited.status, 429);
  EXPECT_EQ(error_code(limited), "rate_limited");
  EXPECT_FALSE(limited.header("Retry-After").empty());
  Browser elsewhere = visitor();
  elsewhere.peer = "127.0.0.3";
  EXPECT_EQ(send(elsewhere, "POST", "/api/v1/complaints", complaint).status, 201);
  city.clock_ms += 3601 * 1000;
  EXPECT_EQ(send(resident, "POST", "/api/v1/complaints", complaint).status, 201);
}

TEST_F(WebApiTest, AnyoneAsksAQuestionAndReadsTheAnswerWithItsCode) {
  const std::string ask = std::string(R"({"item_code":")") + kItem +
                          R"(","question":"低保申请需要提供几个月的银行流水？\n谢谢"})";
  Browser none;  // no session at all
  EXPECT_EQ(send(none, "POST", "/api/v1/questions", ask).status, 403);
  Browser resident = visitor();
  resident.peer = "10.0.2.1";
  EXPECT_EQ(send(resident, "POST", "/api/v1/questions", ask, false).status, 403);

  auto asked = send(resident, "POST", "/api/v1/questions", ask);
  ASSERT_EQ(asked.status, 201) << asked.body;
  const std::string no(body_of(asked)["question_no"].as_string());
  const std::string code(body_of(asked)["code"].as_string());
  EXPECT_EQ(no, std::string(kCounty) + "-Q20260302-000001");
  ASSERT_EQ(code.size(), 8u);
  EXPECT_EQ(code.find_first_not_of("0123456789"), std::string::npos);
  // The county publishes the item, so the county answers.
  EXPECT_EQ(body_of(asked)["answering_node"].as_string(), kCounty);

  const auto lookup = [&](Browser& b, const std::string& n, const std::string& c) {
    return send(b, "POST", "/api/v1/questions/lookup",
                R"({"question_no":")" + n + R"(","code":")" + c + R"("})");
  };
  auto seen = lookup(resident, no, code);
  ASSERT_EQ(seen.status, 200) << seen.body;
  auto open = body_of(seen);
  EXPECT_EQ(open["question"].as_string(), "低保申请需要提供几个月的银行流水？\n谢谢");
  EXPECT_EQ(open["item_name"].as_string(), "最低生活保障金给付");
  EXPECT_EQ(open["asked_on"].as_string(), "2026-03-02");
  EXPECT_TRUE(open["answer"].is_null());
  EXPECT_FALSE(open.contains("contact_name"));
  std::string wrong = code;
  wrong[7] = wrong[7] == '9' ? '0' : static_cast<char>(wrong[7] + 1);
  EXPECT_EQ(lookup(resident, no, wrong).status, 404);
  EXPECT_EQ(lookup(resident, std::string(kCounty) + "-Q20260302-000099", code).status, 404);

  // A named question; the contact is for staff only.
  auto named = send(resident, "POST", "/api/v1/questions",
                    std::string(R"({"item_code":")") + kItem +
                        R"(","question":"可以代办吗？","contact_name":"张三",)"
                        R"("contact_phone":"13800000000"})");
  ASSERT_EQ(named.status, 201) << named.body;
  const std::string named_no(body_of(named)["question_no"].as_string());

  Browser anon = visitor();
  EXPECT_EQ(send(anon, "GET", "/api/v1/questions").status, 401);
  Browser clerk = logged_in("clerk");
  auto listed = body_of(send(clerk, "GET", "/api/v1/questions"))["questions"].as_array();
  ASSERT_EQ(listed.size(), 2u);
  const auto& first = listed[0].as_object();
  EXPECT_EQ(first.at("question_no").as_string(), no);  // the oldest first
  EXPECT_TRUE(first.at("must_answer").as_bool());
  EXPECT_EQ(first.at("asking_node").as_string(), kCounty);
  EXPECT_EQ(listed[1].as_object().at("contact_name").as_string(), "张三");
  EXPECT_EQ(listed[1].as_object().at("contact_phone").as_string(), "13800000000");
  auto bad_state = send(clerk, "GET", "/api/v1/questions?state=closed");
  EXPECT_EQ(bad_state.status, 400);
  EXPECT_NE(message_of(bad_state).find("state"), std::string::npos);

  // Clerks, officers and administrators answer; once.
  const std::string answer = "/api/v1/questions/" + no + "/answer";
  Browser boss = logged_in("boss");
  EXPECT_EQ(send(boss, "POST", answer, R"({"answer":"六个月"})").status, 403);
  EXPECT_EQ(send(clerk, "POST", answer, R"({"answer":"六个月"})", false).status, 403);
  auto empty = send(clerk, "POST", answer, R"({"answer":" "})");
  EXPECT_EQ(empty.status, 400);
  EXPECT_NE(message_of(empty).find("answer"), std::string::npos);
  auto missing = send(clerk, "POST", answer, R"({"text":"六个月"})");
  EXPECT_EQ(missing.status, 400);
  EXPECT_EQ(message_of(missing), "answer: required");
  EXPECT_EQ(send(clerk, "POST", "/api/v1/questions/441802000000-Q20260302-000099/answer",
                 R"({"answer":"六个月"})")
                .status,
            404);
  auto answered = send(clerk, "POST", answer, R"({"answer":"需提供近六个月的银行流水。"})");
  ASSERT_EQ(answered.status, 200) << answered.body;
  Browser officer = logged_in("officer");
  EXPECT_EQ(send(officer, "POST", answer, R"({"answer":"again"})").status, 409);

  auto after = body_of(lookup(resident, no, code));
  ASSERT_TRUE(after["answer"].is_object()) << to_json(after);
  EXPECT_EQ(after["answer"].as_object()["text"].as_string(), "需提供近六个月的银行流水。");
  EXPECT_EQ(after["answer"].as_object()["answered_on"].as_string(), "2026-03-02");
  EXPECT_EQ(body_of(send(clerk, "GET", "/api/v1/questions"))["questions"].as_array().size(), 1u);
  auto done = body_of(send(clerk, "GET", "/api/v1/questions?state=answered"))["questions"];
  ASSERT_EQ(done.as_array().size(), 1u);
  EXPECT_EQ(done.as_array()[0].as_object().at("answered_by").as_string(), "clerk");
  EXPECT_FALSE(done.as_array()[0].as_object().at("must_answer").as_bool());

  // Bad input names the field.
  for (const auto& [bad, field] : std::vector<std::pair<std::string, std::string>>{
           {"not json", "body"},
           {R"({"question":"q"})", "item_code"},
           {R"({"item_code":5,"question":"q"})", "item_code"},
           {R"({"item_code":"XK-1","question":"q"})", "item_code"},
           {std::string(R"({"item_code":")") + kItem + R"("})", "question"},
           {std::string(R"({"item_code":")") + kItem + R"(","question":")" +
                std::string(2001, 'x') + R"("})",
            "question"},
           {std::string(R"({"item_code":")") + kItem + R"(","question":"q","contact_phone":7})",
            "contact_phone"},
           {std::string(R"({"item_code":")") + kItem +
                R"(","question":"q","contact_phone":"call me"})",
            "contact_phone"}}) {
    auto r = send(resident, "POST", "/api/v1/questions", bad);
    EXPECT_EQ(r.status, 400) << bad;
    EXPECT_NE(message_of(r).find(field), std::string::npos) << bad << " " << r.body;
  }
  EXPECT_EQ(send(resident, "POST", "/api/v1/questions",
                 R"({"item_code":"JF-00999-001-441802000000","question":"q"})")
                .status,
            404);

  // Every change is audited, the anonymous asker by address only.
  bool ask_row = false, answer_row = false;
  const auto rows = hall::load_audit(county().db, 0, 100).value();
  for (const auto& row : rows) {
    ask_row |= row.entry.action == "question.ask" && row.entry.target == no &&
               row.entry.actor.empty() && row.entry.address == "10.0.2.1";
    answer_row |= row.entry.action == "question.answer" && row.entry.target == no &&
                  row.entry.actor == "clerk";
    EXPECT_EQ(row.entry.target.find("张三"), std::string::npos);
  }
  EXPECT_TRUE(ask_row);
  EXPECT_TRUE(answer_row);

  // Wrong codes are limited like case tracking: 5 per number.
  for (int i = 0; i < 4; ++i) EXPECT_EQ(lookup(resident, no, wrong).status, 404) << i;
  auto limited = lookup(resident, no, code);
  EXPECT_EQ(limited.status, 429);
  EXPECT_FALSE(limited.header("Retry-After").empty());
}

TEST_F(WebApiTest, QuestionsFromOneAddressAreLimitedToTenAnHour) {
  Browser resident = visitor();
  const std::string ask =
      std::string(R"({"item_code":")") + kItem + R"(","question":"需要带户口本吗？"})";
  for (int i = 0; i < 10; ++i) {
    EXPECT_EQ(send(resident, "POST", "/api/v1/questions", ask).status, 201) << i;
  }
  auto limited = send(resident, "POST", "/api/v1/questions", ask);
  EXPECT_EQ(limited.status, 429);
  EXPECT_EQ(error_code(limited), "rate_limited");
  // A clerk asking for a resident at the window is not limited.
  Browser clerk = logged_in("clerk");
  EXPECT_EQ(send(clerk, "POST", "/api/v1/questions", ask).status, 201);
  city.clock_ms += 3601 * 1000;
  EXPECT_EQ(send(resident, "POST", "/api/v1/questions", ask).status, 201);
}

TEST_F(WebApiTest, ASupervisorOrdersAnOverdueCaseAndTheOfficerResponds) {
  Browser clerk = logged_in("clerk");
  Browser officer = logged_in("officer");
  Browser boss = logged_in("boss");
  const std::string no(submit(clerk)["case_no"].as_string());
  ASSERT_EQ(act(officer, no, "accept").status, 200);  // due 2026-03-09
  const std::string order = R"({"case_no":")" + no + R"(","instruction":"请加快办理"})";

  auto early = send(boss, "POST", "/api/v1/supervision", order);
  EXPECT_EQ(early.status, 409);
  EXPECT_NE(message_of(early).find("not overdue"), std::string::npos);
  EXPECT_EQ(send(officer, "POST", "/api/v1/supervision", order).status, 403);
  EXPECT_EQ(send(clerk, "POST", "/api/v1/supervision", order).status, 403);
  Browser anon = visitor();
  EXPECT_EQ(send(anon, "POST", "/api/v1/supervision", order).status, 401);
  EXPECT_EQ(send(anon, "GET", "/api/v1/supervision").status, 401);

  set_clock("2026-03-11");
  boss = logged_in("boss");
  officer = logged_in("officer");
  EXPECT_EQ(body_of(send(boss, "GET", "/api/v1/cases"))["cards"].as_object()["red"].as_int64(), 1);
  for (const auto& [bad, field] : std::vector<std::pair<std::string, std::string>>{
           {R"({"case_no":")" + no + R"(","instruction":"请加快","respond_within":21})",
            "respond_within"},
           {R"({"case_no":")" + no + R"(","instruction":"请加快","respond_within":0})",
            "respond_within"},
           {R"({"case_no":")" + no + R"("})", "instruction"},
           {R"({"instruction":"请加快"})", "case_no"}}) {
    auto r = send(boss, "POST", "/api/v1/supervision", bad);
    EXPECT_EQ(r.status, 400) << bad;
    EXPECT_NE(message_of(r).find(field), std::string::npos) << bad << " " << r.body;
  }
  EXPECT_EQ(send(boss, "POST", "/api/v1/supervision",
                 R"({"case_no":"441802000000-20260302-999999","instruction":"请加快"})")
                .status,
            404);
  EXPECT_EQ(send(boss, "POST", "/api/v1/supervision", order, false).status, 403);
  auto issued =
      send(boss, "POST", "/api/v1/supervision",
           R"({"case_no":")" + no +
               R"(","instruction":"请于3个工作日内办结并说明超期原因","respond_within":3})");
  ASSERT_EQ(issued.status, 201) << issued.body;
  const std::string order_no(body_of(issued)["order_no"].as_string());
  EXPECT_EQ(order_no, std::string(kCounty) + "-S20260311-000001");
  EXPECT_EQ(body_of(issued)["case_no"].as_string(), no);

  auto listed = send(officer, "GET", "/api/v1/supervision");
  ASSERT_EQ(listed.status, 200);
  expect_no_id_number(listed);
  auto orders = body_of(listed)["orders"].as_array();
  ASSERT_EQ(orders.size(), 1u);
  auto o = orders[0].as_object();
  EXPECT_EQ(o["order_no"].as_string(), order_no);
  EXPECT_EQ(o["case_no"].as_string(), no);
  EXPECT_EQ(o["ordered_by_node"].as_string(), kCounty);
  EXPECT_EQ(o["ordered_by"].as_string(), "boss");
  EXPECT_EQ(o["handling_node"].as_string(), kCounty);
  EXPECT_EQ(o["respond_within"].as_int64(), 3);
  EXPECT_EQ(o["ordered_on"].as_string(), "2026-03-11");
  EXPECT_EQ(o["due"].as_string(), "2026-03-16");
  EXPECT_EQ(o["card"].as_string(), "green");
  auto page = body_of(send(officer, "GET", "/api/v1/cases/" + no));
  ASSERT_EQ(page["supervision"].as_array().size(), 1u);
  EXPECT_EQ(page["supervision"].as_array()[0].as_object().at("order_no").as_string(), order_no);

  // The handling node's officer (or administrator) responds, once.
  const std::string respond = "/api/v1/supervision/" + order_no + "/response";
  EXPECT_EQ(send(boss, "POST", respond, R"({"response":"x"})").status, 403);
  clerk = logged_in("clerk");
  EXPECT_EQ(send(clerk, "POST", respond, R"({"response":"x"})").status, 403);
  auto empty = send(officer, "POST", respond, R"({"response":""})");
  EXPECT_EQ(empty.status, 400);
  EXPECT_NE(message_of(empty).find("response"), std::string::npos);
  EXPECT_EQ(send(officer, "POST", "/api/v1/supervision/441802000000-S20260311-000009/response",
                 R"({"response":"x"})")
                .status,
            404);
  auto responded = send(officer, "POST", respond, R"({"response":"已于当日办结，超期系材料核查"})");
  ASSERT_EQ(responded.status, 200) << responded.body;
  EXPECT_EQ(send(officer, "POST", respond, R"({"response":"again"})").status, 409);
  EXPECT_TRUE(body_of(send(boss, "GET", "/api/v1/supervision"))["orders"].as_array().empty());
  auto all = body_of(send(boss, "GET", "/api/v1/supervision?all=1"))["orders"].as_array();
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0].as_object().at("response").as_string(), "已于当日办结，超期系材料核查");
  EXPECT_EQ(all[0].as_object().at("responded_by").as_string(), "officer");
  EXPECT_EQ(all[0].as_object().at("responded_on").as_string(), "2026-03-11");
  EXPECT_TRUE(all[0].as_object().at("card").is_null());

  bool order_row = false, response_row = false;
  const auto rows = hall::load_audit(county().db, 0, 100).value();
  for (const auto& row : rows) {
    order_row |= row.entry.action == "supervision.order" && row.entry.target == order_no &&
                 row.entry.actor == "boss";
    response_row |= row.entry.action == "supervision.respond" && row.entry.actor == "officer";
  }
  EXPECT_TRUE(order_row);
  EXPECT_TRUE(response_row);
}

TEST_F(WebApiTest, ACommitmentIsCheckedAfterApprovalAndAFalseOneRevokesTheCase) {
  Browser clerk = logged_in("clerk");
  Browser officer = logged_in("officer");
  const std::string no(submit(clerk)["case_no"].as_string());  // material 2 on commitment
  EXPECT_TRUE(body_of(send(officer, "GET", "/api/v1/cases/" + no))["commitment"].as_bool());
  Browser anon = visitor();
  EXPECT_EQ(send(anon, "GET", "/api/v1/post-checks").status, 401);

  ASSERT_EQ(act(officer, no, "accept").status, 200);
  EXPECT_TRUE(
      body_of(send(officer, "GET", "/api/v1/post-checks"))["post_checks"].as_array().empty());
  EXPECT_EQ(act(officer, no, "confirm_commitment", "核查属实").status, 409);
  ASSERT_EQ(act(officer, no, "approve", "准予").status, 200);

  auto listed = send(clerk, "GET", "/api/v1/post-checks");
  ASSERT_EQ(listed.status, 200);
  expect_no_id_number(listed);
  auto checks = body_of(listed)["post_checks"].as_array();
  ASSERT_EQ(checks.size(), 1u);
  auto check = checks[0].as_object();
  EXPECT_EQ(check["case_no"].as_string(), no);
  EXPECT_EQ(check["handling_node"].as_string(), kCounty);
  EXPECT_EQ(check["applicant_name"].as_string(), "张三");
  EXPECT_EQ(check["item_code"].as_string(), kItem);
  EXPECT_EQ(check["approved_on"].as_string(), "2026-03-02");
  EXPECT_EQ(check["due"].as_string(), "2026-03-30");  // 20 working days
  EXPECT_EQ(check["card"].as_string(), "green");

  auto page = body_of(send(officer, "GET", "/api/v1/cases/" + no));
  EXPECT_EQ(page["approved_on"].as_string(), "2026-03-02");
  auto actions = page["actions"].as_array();
  EXPECT_NE(std::find(actions.begin(), actions.end(), json::value("confirm_commitment")),
            actions.end());
  EXPECT_NE(std::find(actions.begin(), actions.end(), json::value("false_commitment")),
            actions.end());

  auto no_note = act(officer, no, "confirm_commitment");
  EXPECT_EQ(no_note.status, 400);
  EXPECT_NE(message_of(no_note).find("note"), std::string::npos);
  EXPECT_EQ(act(officer, no, "false_commitment").status, 400);
  auto revoked = act(officer, no, "false_commitment", "经核查家庭收入申报不实");
  ASSERT_EQ(revoked.status, 200) << revoked.body;
  auto after = body_of(revoked);
  EXPECT_EQ(after["state"].as_string(), "revoked");
  EXPECT_EQ(after["post_check"].as_string(), "false");
  EXPECT_EQ(after["applicant_false_commitment"].as_string(), no);
  EXPECT_TRUE(after["actions"].as_array().empty()) << to_json(after["actions"]);
  EXPECT_EQ(act(officer, no, "confirm_commitment", "x").status, 409);
  EXPECT_TRUE(
      body_of(send(officer, "GET", "/api/v1/post-checks"))["post_checks"].as_array().empty());

  // The applicant may not use a commitment again; handing the material in works.
  auto refused = send(clerk, "POST", "/api/v1/cases", intake_body());
  EXPECT_EQ(refused.status, 409);
  EXPECT_NE(message_of(refused).find("false commitment"), std::string::npos);
  std::string paper = intake_body();
  paper.replace(paper.find("commitment"), 10, "paper");
  const std::string second(submit(clerk, paper)["case_no"].as_string());
  ASSERT_EQ(act(officer, second, "accept").status, 200);
  ASSERT_EQ(act(officer, second, "approve", "准予").status, 200);
  EXPECT_EQ(act(officer, second, "confirm_commitment", "核查属实").status, 409);
  EXPECT_TRUE(
      body_of(send(officer, "GET", "/api/v1/post-checks"))["post_checks"].as_array().empty());

  // Another applicant's commitment is confirmed and leaves the list.
  std::string other = intake_body();
  other.replace(other.find(kApplicantId), 18, kAgentId);
  const std::string third(submit(clerk, other)["case_no"].as_string());
  finish(officer, third);
  EXPECT_EQ(body_of(send(officer, "GET", "/api/v1/post-checks"))["post_checks"].as_array().size(),
            1u);
  auto confirmed = act(officer, third, "confirm_commitment", "入户核查属实");
  ASSERT_EQ(confirmed.status, 200) << confirmed.body;
  EXPECT_EQ(body_of(confirmed)["state"].as_string(), "result_issued");
  EXPECT_EQ(body_of(confirmed)["post_check"].as_string(), "confirmed");
  EXPECT_TRUE(
      body_of(send(officer, "GET", "/api/v1/post-checks"))["post_checks"].as_array().empty());
}

TEST_F(WebApiTest, NoticesAreReadByAnyoneAndPublishedByClerksAndAdmins) {
  Browser none;
  auto empty = send(none, "GET", "/api/v1/notices");
  ASSERT_EQ(empty.status, 200);
  EXPECT_TRUE(body_of(empty)["notices"].as_array().empty());

  const std::string notice =
      R"({"category":"subsidy","title":"2026年3月低保金发放名单","body":"名单如下：……",)"
      R"("valid_until":"2026-03-31"})";
  Browser anon = visitor();
  EXPECT_EQ(send(anon, "POST", "/api/v1/notices", notice).status, 401);
  Browser officer = logged_in("officer");
  EXPECT_EQ(send(officer, "POST", "/api/v1/notices", notice).status, 403);
  Browser boss = logged_in("boss");
  EXPECT_EQ(send(boss, "POST", "/api/v1/notices", notice).status, 403);
  Browser clerk = logged_in("clerk");
  EXPECT_EQ(send(clerk, "POST", "/api/v1/notices", notice, false).status, 403);

  for (const auto& [bad, field] : std::vector<std::pair<std::string, std::string>>{
           {R"({"body":"b"})", "title"},
           {R"({"title":"t"})", "body"},
           {R"({"title":"t","body":" "})", "body"},
           {R"({"title":"一\n二","body":"b"})", "title"},
           {R"({"category":"gossip","title":"t","body":"b"})", "category"},
           {R"({"title":"t","body":"b","valid_until":"2026-02-30"})", "valid_until"},
           {R"({"title":"t","body":"b","valid_until":"2026-03-01"})", "valid_until"},
           {R"({"title":"t","body":"b","valid_until":5})", "valid_until"}}) {
    auto r = send(clerk, "POST", "/api/v1/notices", bad);
    EXPECT_EQ(r.status, 400) << bad;
    EXPECT_NE(message_of(r).find(field), std::string::npos) << bad << " " << r.body;
  }

  auto published = send(clerk, "POST", "/api/v1/notices", notice);
  ASSERT_EQ(published.status, 201) << published.body;
  const std::string no(body_of(published)["notice_no"].as_string());
  EXPECT_EQ(no, std::string(kCounty) + "-N20260302-000001");
  Browser root = admin();
  auto short_lived =
      send(root, "POST", "/api/v1/notices",
           R"({"title":"停水通知","body":"3月3日至5日停水","valid_until":"2026-03-05"})");
  ASSERT_EQ(short_lived.status, 201) << short_lived.body;

  auto listed = body_of(send(none, "GET", "/api/v1/notices"))["notices"].as_array();
  ASSERT_EQ(listed.size(), 2u);
  json::object first;
  for (const auto& n : listed) {
    if (n.as_object().at("notice_no").as_string() == no) first = n.as_object();
  }
  EXPECT_EQ(first["node"].as_string(), kCounty);
  EXPECT_EQ(first["category"].as_string(), "subsidy");
  EXPECT_EQ(first["title"].as_string(), "2026年3月低保金发放名单");
  EXPECT_EQ(first["valid_until"].as_string(), "2026-03-31");
  EXPECT_EQ(first["published_on"].as_string(), "2026-03-02");
  EXPECT_FALSE(first["withdrawn"].as_bool());
  // A notice past its last day is no longer shown.
  set_clock("2026-03-06");
  EXPECT_EQ(body_of(send(none, "GET", "/api/v1/notices"))["notices"].as_array().size(), 1u);
  clerk = logged_in("clerk");
  officer = logged_in("officer");

  const std::string withdraw = "/api/v1/notices/" + no + "/withdraw";
  EXPECT_EQ(send(officer, "POST", withdraw, R"({"reason":"名单有误"})").status, 403);
  EXPECT_EQ(
      send(clerk, "POST", "/api/v1/notices/441802000000-N20260302-000099/withdraw", "{}").status,
      404);
  auto bad_reason = send(clerk, "POST", withdraw, R"({"reason":5})");
  EXPECT_EQ(bad_reason.status, 400);
  EXPECT_NE(message_of(bad_reason).find("reason"), std::string::npos);
  auto withdrawn = send(clerk, "POST", withdraw, R"({"reason":"名单有误"})");
  ASSERT_EQ(withdrawn.status, 200) << withdrawn.body;
  EXPECT_TRUE(body_of(withdrawn)["withdrawn"].as_bool());
  EXPECT_EQ(send(clerk, "POST", withdraw, R"({"reason":"again"})").status, 409);

  EXPECT_TRUE(body_of(send(none, "GET", "/api/v1/notices"))["notices"].as_array().empty());
  // Only staff see withdrawn and expired notices.
  EXPECT_TRUE(body_of(send(none, "GET", "/api/v1/notices?all=1"))["notices"].as_array().empty());
  auto all = body_of(send(clerk, "GET", "/api/v1/notices?all=1"))["notices"].as_array();
  ASSERT_EQ(all.size(), 2u);
  for (const auto& n : all) {
    if (n.as_object().at("notice_no").as_string() != no) continue;
    EXPECT_TRUE(n.as_object().at("withdrawn").as_bool());
    EXPECT_EQ(n.as_object().at("withdraw_reason").as_string(), "名单有误");
  }
}

TEST_F(WebApiTest, KpisAreForStaffAndCountTheCases) {
  Browser none;
  EXPECT_EQ(send(none, "GET", "/api/v1/kpis").status, 401);
  Browser anon = visitor();
  EXPECT_EQ(send(anon, "GET", "/api/v1/kpis").status, 401);

  Browser clerk = logged_in("clerk");
  Browser officer = logged_in("officer");
  submit(clerk);  // at the window: one visit
  std::string online_body = intake_body();
  online_body.pop_back();
  online_body += R"(,"channel":"online","visits":0})";
  auto online = submit(clerk, online_body);
  const std::string online_no(online["case_no"].as_string());
  finish(officer, online_no);
  Browser resident = visitor();
  ASSERT_EQ(rate(resident, online_no, std::string(online["query_code"].as_string())).status, 201);

  auto answer = send(clerk, "GET", "/api/v1/kpis");
  ASSERT_EQ(answer.status, 200) << answer.body;
  expect_no_id_number(answer);
  auto k = body_of(answer);
  EXPECT_EQ(k["region"].as_string(), kCounty);
  EXPECT_EQ(k["from"].as_string(), "2026-01-01");
  EXPECT_EQ(k["to"].as_string(), "2026-03-02");
  EXPECT_EQ(k["cases"].as_int64(), 2);
  EXPECT_EQ(k["finished"].as_int64(), 1);
  auto targets = k["targets"].as_object();
  const auto ratio = [&](const char* name) { return targets[name].as_object(); };
  EXPECT_EQ(ratio("applied_online")["numerator"].as_int64(), 1);
  EXPECT_EQ(ratio("applied_online")["denominator"].as_int64(), 2);
  EXPECT_DOUBLE_EQ(ratio("applied_online")["value"].to_number<double>(), 0.5);
  EXPECT_TRUE(ratio("applied_online")["met"].as_bool());
  EXPECT_EQ(ratio("zero_visits")["numerator"].as_int64(), 1);
  EXPECT_EQ(ratio("completed_online")["numerator"].as_int64(), 1);
  EXPECT_EQ(ratio("completed_online")["denominator"].as_int64(), 1);
  EXPECT_EQ(ratio("online_at_most_one_visit")["denominator"].as_int64(), 1);
  // The one item needs a visit: not fully online.
  EXPECT_EQ(ratio("items_fully_online")["numerator"].as_int64(), 0);
  EXPECT_EQ(ratio("items_fully_online")["denominator"].as_int64(), 1);
  EXPECT_FALSE(ratio("items_fully_online")["met"].as_bool());
  EXPECT_EQ(k["on_time"].as_object()["numerator"].as_int64(), 1);
  EXPECT_DOUBLE_EQ(k["average_handling_working_days"].to_number<double>(), 0.0);
  EXPECT_EQ(k["ratings"].as_int64(), 1);
  EXPECT_DOUBLE_EQ(k["average_score"].to_number<double>(), 5.0);
  EXPECT_EQ(k["satisfied"].as_object()["numerator"].as_int64(), 1);
  ASSERT_EQ(k["top_items"].as_array().size(), 1u);
  EXPECT_EQ(k["top_items"].as_array()[0].as_object().at("key").as_string(), kItem);
  EXPECT_EQ(k["top_items"].as_array()[0].as_object().at("label").as_string(), "最低生活保障金给付");
  EXPECT_EQ(k["top_items"].as_array()[0].as_object().at("count").as_int64(), 2);
  EXPECT_EQ(k["channels"].as_array().size(), 2u);
  EXPECT_EQ(k["by_hour"].as_array().size(), 24u);
  EXPECT_EQ(k["by_hour"].as_array()[9].as_int64(), 2);     // 09:00 CST
  EXPECT_EQ(k["by_weekday"].as_array()[0].as_int64(), 2);  // a Monday

  // A range without cases has no values.
  auto later = body_of(send(clerk, "GET", "/api/v1/kpis?from=2026-03-03&to=2026-03-31"));
  EXPECT_EQ(later["cases"].as_int64(), 0);
  EXPECT_TRUE(later["targets"].as_object()["applied_online"].as_object()["value"].is_null());
  EXPECT_FALSE(later["targets"].as_object()["applied_online"].as_object()["met"].as_bool());
  EXPECT_TRUE(later["average_score"].is_null());

  for (const auto& [query, field] : std::vector<std::pair<std::string, std::string>>{
           {"from=2026-13-01", "from"},
           {"to=yesterday", "to"},
           {"from=2026-03-02&to=2026-03-01", "range"},
           {"from=2020-01-01&to=2026-03-01", "range"}}) {
    auto r = send(clerk, "GET", "/api/v1/kpis?" + query);
    EXPECT_EQ(r.status, 400) << query;
    EXPECT_NE(message_of(r).find(field), std::string::npos) << query << " " << r.body;
  }
}

TEST_F(WebApiTest, AResidentBooksAVisitLooksItUpAndCancelsIt) {
  Browser resident = visitor();
  auto slots = send(resident, "GET", "/api/v1/appointments/slots");
  ASSERT_EQ(slots.status, 200) << slots.body;
  auto open = body_of(slots);
  EXPECT_EQ(open["windows"].as_int64(), 2);
  auto& days = open["days"].as_array();
  ASSERT_EQ(days.size(), 10u);  // 14 days from Monday 2026-03-02: ten working days
  EXPECT_EQ(days[0].as_object().at("day").as_string(), "2026-03-02");
  // It is 09:00: the 09:00 slot has begun.
  EXPECT_EQ(days[0].as_object().at("slots").as_array()[0].as_object().at("slot").as_string(),
            "09:30");

  const std::string booking =
      std::string(R"({"item_code":")") + kItem +
      R"(","day":"2026-03-03","slot":"10:00","name":"张三","phone":"13800138000"})";
  EXPECT_EQ(send(resident, "POST", "/api/v1/appointments", booking, false).status, 403);
  auto made = send(resident, "POST", "/api/v1/appointments", booking);
  ASSERT_EQ(made.status, 201) << made.body;
  auto slip = body_of(made);
  const std::string no(slip["booking_no"].as_string());
  const std::string code(slip["code"].as_string());
  EXPECT_EQ(no, std::string(kCounty) + "-A20260302-000001");
  EXPECT_EQ(slip["item_name"].as_string(), "最低生活保障金给付");
  // The same phone cannot book twice that day.
  EXPECT_EQ(send(resident, "POST", "/api/v1/appointments", booking).status, 409);

  auto looked = send(resident, "POST", "/api/v1/appointments/lookup",
                     R"({"booking_no":")" + no + R"(","code":")" + code + R"("})");
  ASSERT_EQ(looked.status, 200) << looked.body;
  EXPECT_EQ(body_of(looked)["phone"].as_string(), "138****8000");
  EXPECT_EQ(body_of(looked)["slot"].as_string(), "10:00");
  auto wrong = send(resident, "POST", "/api/v1/appointments/lookup",
                    R"({"booking_no":")" + no + R"(","code":"00000000"})");
  EXPECT_EQ(wrong.status, 404);
  EXPECT_EQ(
      send(resident, "POST", "/api/v1/appointments/" + no + "/cancel", R"({"code":"00000000"})")
          .status,
      404);

  // The window sees the day's list with the resident's name and number.
  Browser clerk = logged_in("clerk");
  auto day = send(clerk, "GET", "/api/v1/appointments?day=2026-03-03");
  ASSERT_EQ(day.status, 200) << day.body;
  auto list = body_of(day);
  EXPECT_EQ(list["booked"].as_int64(), 1);
  EXPECT_EQ(list["appointments"].as_array()[0].as_object().at("phone").as_string(), "13800138000");
  EXPECT_EQ(send(resident, "GET", "/api/v1/appointments?day=2026-03-03").status, 401);

  auto cancelled = send(resident, "POST", "/api/v1/appointments/" + no + "/cancel",
                        R"({"code":")" + code + R"("})");
  ASSERT_EQ(cancelled.status, 200) << cancelled.body;
  EXPECT_EQ(send(resident, "POST", "/api/v1/appointments/" + no + "/cancel",
                 R"({"code":")" + code + R"("})")
                .status,
            409);
  EXPECT_EQ(body_of(send(clerk, "GET", "/api/v1/appointments?day=2026-03-03"))["booked"].as_int64(),
            0);

  // Staff cancel with a reason, which they must give.
  auto again = send(resident, "POST", "/api/v1/appointments", booking);
  ASSERT_EQ(again.status, 201) << again.body;
  const std::string second(body_of(again)["booking_no"].as_string());
  EXPECT_EQ(send(clerk, "POST", "/api/v1/appointments/" + second + "/cancel", "{}").status, 400);
  EXPECT_EQ(send(clerk, "POST", "/api/v1/appointments/" + second + "/cancel",
                 R"({"reason":"窗口临时关闭，已电话告知"})")
                .status,
            200);
}

TEST_F(WebApiTest, BadBookingsAreRefusedAndAFullSlotIsAConflict) {
  Browser resident = visitor();
  auto bad = send(resident, "POST", "/api/v1/appointments",
                  std::string(R"({"item_code":")") + kItem +
                      R"(","day":"2026-03-03","slot":"10:00","phone":"138"})");
  EXPECT_EQ(bad.status, 400);
  EXPECT_NE(bad.body.find("name"), std::string::npos) << bad.body;
  bad = send(resident, "POST", "/api/v1/appointments",
             std::string(R"({"item_code":")") + kItem +
                 R"(","day":"03/03","slot":"10:00","name":"张三","phone":"13800138000"})");
  EXPECT_EQ(bad.status, 400);
  EXPECT_NE(bad.body.find("day"), std::string::npos) << bad.body;
  // A Saturday is not a working day.
  bad = send(resident, "POST", "/api/v1/appointments",
             std::string(R"({"item_code":")") + kItem +
                 R"(","day":"2026-03-07","slot":"10:00","name":"张三","phone":"13800138000"})");
  EXPECT_EQ(bad.status, 409) << bad.body;
  for (const char* phone : {"13800000001", "13800000002"}) {
    auto r = send(resident, "POST", "/api/v1/appointments",
                  std::string(R"({"item_code":")") + kItem +
                      R"(","day":"2026-03-04","slot":"14:00","name":"张三","phone":")" + phone +
                      R"("})");
    EXPECT_EQ(r.status, 201) << r.body;
  }
  auto full =
      send(resident, "POST", "/api/v1/appointments",
           std::string(R"({"item_code":")") + kItem +
               R"(","day":"2026-03-04","slot":"14:00","name":"李四","phone":"13800000003"})");
  EXPECT_EQ(full.status, 409);
  EXPECT_NE(full.body.find("fully booked"), std::string::npos) << full.body;
  // A hall that takes no bookings shows no days and refuses one.
  backend.appointment_settings.windows = 0;
  EXPECT_TRUE(
      body_of(send(resident, "GET", "/api/v1/appointments/slots"))["days"].as_array().empty());
  EXPECT_EQ(send(resident, "POST", "/api/v1/appointments",
                 std::string(R"({"item_code":")") + kItem +
                     R"(","day":"2026-03-05","slot":"10:00","name":"张三","phone":"13800138000"})")
                .status,
            409);
}

TEST_F(WebApiTest, ParallelDepartmentsGiveOpinionsAndTheLastAgreementApproves) {
  hall::ServiceItem joint = hall::testing::dibao(kCounty);
  joint.code = hall::parse_item_code("JF-00105-009-441802000000").value();
  joint.public_notice.reset();
  joint.parallel_departments = {{"民政局", {3, hall::DayKind::kWorking}},
                                {"区残疾人联合会", {5, hall::DayKind::kWorking}}};
  ASSERT_TRUE(county().hall.publish_item(hall::testing::officer(), joint).ok());
  Browser clerk = logged_in("clerk");
  std::string body = intake_body();
  body.replace(body.find(kItem), std::string(kItem).size(), "JF-00105-009-441802000000");
  const std::string no(submit(clerk, body)["case_no"].as_string());
  Browser officer = logged_in("officer");
  ASSERT_EQ(act(officer, no, "accept").status, 200);

  auto page = body_of(send(officer, "GET", "/api/v1/cases/" + no));
  auto& parallel = page["parallel"].as_array();
  ASSERT_EQ(parallel.size(), 2u);
  EXPECT_EQ(parallel[0].as_object().at("department").as_string(), "民政局");
  EXPECT_EQ(parallel[0].as_object().at("due").as_string(), "2026-03-05");
  EXPECT_EQ(parallel[0].as_object().at("card").as_string(), "green");
  EXPECT_TRUE(parallel[0].as_object().at("opinion").is_null());
  for (const auto& a : page["actions"].as_array()) EXPECT_NE(a.as_string(), "approve");
  EXPECT_EQ(act(officer, no, "approve", "准予").status, 409);

  const std::string url = "/api/v1/cases/" + no + "/opinions";
  // An officer speaks for their own department only; a clerk not at all.
  EXPECT_EQ(send(officer, "POST", url, R"({"department":"区残疾人联合会","agreed":true})").status,
            403);
  EXPECT_EQ(send(clerk, "POST", url, R"({"department":"民政局","agreed":true})").status, 403);
  EXPECT_EQ(send(officer, "POST", url, R"({"department":"民政局"})").status, 400);
  auto first = send(officer, "POST", url,
                    R"({"department":"民政局","agreed":true,"note":"家庭经济状况核对无误"})");
  ASSERT_EQ(first.status, 200) << first.body;
  EXPECT_EQ(body_of(first)["state"].as_string(), "accepted");
  EXPECT_EQ(send(officer, "POST", url, R"({"department":"民政局","agreed":true})").status, 409);
  // The administrator records the federation's opinion received on paper.
  Browser root = admin();
  auto last = send(root, "POST", url, R"({"department":"区残疾人联合会","agreed":true})");
  ASSERT_EQ(last.status, 200) << last.body;
  auto decided = body_of(last);
  EXPECT_EQ(decided["state"].as_string(), "approved");
  EXPECT_EQ(decided["decision"].as_string(), "并联审批：民政局、区残疾人联合会均同意，准予办理。");
  EXPECT_TRUE(decided["parallel"]
                  .as_array()[1]
                  .as_object()
                  .at("opinion")
                  .as_object()
                  .at("agreed")
                  .as_bool());
}

TEST_F(WebApiTest, WritesWhileTheNodeRecoversAreRefusedAs503) {
  Browser clerk = logged_in("clerk");
  Browser officer = logged_in("officer");
  Browser boss = logged_in("boss");
  Browser root = admin();
  Browser resident = visitor();
  auto submitted = submit(clerk);
  const std::string no(submitted["case_no"].as_string());
  const std::string code(submitted["query_code"].as_string());
  auto guide = body_of(send(root, "GET", std::string("/api/v1/catalogue/") + kItem));

  backend.set_recovering(true);
  struct Write {
    Browser* as;
    std::string target;
    std::string body;
  };
  const std::vector<Write> writes = {
      {&clerk, "/api/v1/cases", intake_body()},
      {&officer, "/api/v1/cases/" + no + "/actions", R"({"action":"accept"})"},
      {&resident, "/api/v1/ratings",
       R"({"case_no":")" + no + R"(","code":")" + code + R"(","score":5})"},
      {&officer, "/api/v1/ratings/" + no + "/follow-up", R"({"note":"已回访"})"},
      {&resident, "/api/v1/complaints", R"({"subject":"排队太久","body":"等了很久"})"},
      {&officer, "/api/v1/complaints/441802000000-C20260302-000001/answer",
       R"({"answer":"已处理"})"},
      {&boss, "/api/v1/supervision", R"({"case_no":")" + no + R"(","instruction":"请加快"})"},
      {&officer, "/api/v1/supervision/441802000000-S20260302-000001/response",
       R"({"response":"已办结"})"},
      {&clerk, "/api/v1/notices", R"({"title":"停水通知","body":"3月3日停水"})"},
      {&clerk, "/api/v1/notices/441802000000-N20260302-000001/withdraw", "{}"},
      {&resident, "/api/v1/questions",
       std::string(R"({"item_code":")") + kItem + R"(","question":"需要带户口本吗？"})"},
      {&clerk, "/api/v1/questions/441802000000-Q20260302-000001/answer", R"({"answer":"需要"})"},
      {&root, "/api/v1/catalogue", to_json(guide)},
      {&root, "/api/v1/calendar", R"({"year":2027,"holidays":["2027-01-01"]})"},
      {&root, "/api/v1/users",
       R"({"login":"x.clerk","name":"新窗口","role":"clerk","password":"another long pass"})"},
  };
  for (const auto& w : writes) {
    auto r = send(*w.as, "POST", w.target, w.body);
    EXPECT_EQ(r.status, 503) << w.target << " " << r.body;
    if (r.status >= 400) {
      EXPECT_EQ(error_code(r), "unavailable") << w.target;
    }
  }
  // Reading and tracking go on.
  EXPECT_EQ(send(officer, "GET", "/api/v1/cases/" + no).status, 200);
  EXPECT_EQ(send(resident, "POST", "/api/v1/track",
                 R"({"case_no":")" + no + R"(","code":")" + code + R"("})")
                .status,
            200);
}

// An online application: the resident uploads each material, then applies;
// the case arrives with channel "online" and an unverified identity, and the
// staff open the uploaded files from the case page.
TEST_F(WebApiTest, AResidentAppliesOnlineWithUploadedScans) {
  const std::string png("\x89PNG\r\n\x1A\n a photographed application form", 41);
  Browser resident = visitor();
  resident.peer = "10.0.3.1";
  const auto upload = [&](Browser& b, const std::string& type, const std::string& content,
                          bool with_csrf = true) {
    HttpRequest r;
    r.method = "POST";
    r.path = "/api/v1/uploads";
    r.body = content;
    r.peer = b.peer;
    r.headers["content-type"] = type;
    if (!b.cookie.empty()) r.headers["cookie"] = "yimen_session=" + b.cookie;
    if (with_csrf) r.headers["x-csrf-token"] = b.csrf;
    return api->handle(r);
  };
  EXPECT_EQ(upload(resident, "image/png", png, false).status, 403);
  auto bad = upload(resident, "text/html", "<script>alert(1)</script>");
  EXPECT_EQ(bad.status, 415);
  EXPECT_EQ(error_code(bad), "unsupported_media_type");
  EXPECT_EQ(message_of(upload(resident, "application/pdf", png)),
            "the file is not a PDF although it says so");

  auto up = upload(resident, "image/png", png);
  ASSERT_EQ(up.status, 201) << up.body;
  const std::string hash(body_of(up)["hash"].as_string());
  EXPECT_EQ(hash.size(), 64u);
  EXPECT_EQ(body_of(up)["size"].as_int64(), static_cast<std::int64_t>(png.size()));

  const auto application = [&](const std::string& file_hash, const std::string& extra) {
    return std::string(R"({"item_code":")") + kItem + R"(","applicant":{"id_number":")" +
           kApplicantId +
           R"(","name":"张三","phone":"13800000000","domicile":"441802001001"},)"
           R"("materials":[{"material":0,"how":"electronic","attachment":{"hash":")" +
           file_hash + R"(","size":)" + std::to_string(png.size()) +
           R"(,"name":"申请书.png","media_type":"image/png"}},{"material":1,"how":"shared"},)"
           R"({"material":2,"how":"commitment"}])" +
           extra + "}";
  };
  auto staff_field =
      send(resident, "POST", "/api/v1/applications", application(hash, R"(,"channel":"window")"));
  EXPECT_EQ(staff_field.status, 400);
  EXPECT_EQ(message_of(staff_field), "channel: not part of an online application");
  auto unknown =
      send(resident, "POST", "/api/v1/applications", application(std::string(64, 'a'), ""));
  EXPECT_EQ(unknown.status, 400);
  EXPECT_EQ(message_of(unknown),
            "materials[0].attachment: no upload of this hash and size is "
            "held here; upload the file first");

  auto applied = send(resident, "POST", "/api/v1/applications", application(hash, ""));
  ASSERT_EQ(applied.status, 201) << applied.body;
  const std::string no(body_of(applied)["case_no"].as_string());
  EXPECT_EQ(body_of(applied)["identity"].as_string(), "unverified");
  EXPECT_EQ(body_of(applied)["query_code"].as_string().size(), 8u);
  expect_no_id_number(applied);

  // The office pre-reviews it: the case page shows how each material came
  // and opens the uploaded file.
  Browser officer = logged_in("officer");
  auto page = body_of(send(officer, "GET", "/api/v1/cases/" + no));
  EXPECT_EQ(page["channel"].as_string(), "online");
  EXPECT_EQ(page["identity"].as_string(), "unverified");
  EXPECT_EQ(page["visits"].as_int64(), 0);
  auto supplied = page["supplied"].as_array();
  ASSERT_EQ(supplied.size(), 3u);
  auto file = supplied[0].as_object()["file"].as_object();
  EXPECT_EQ(file["name"].as_string(), "申请书.png");
  EXPECT_TRUE(file["here"].as_bool());
  EXPECT_FALSE(supplied[1].as_object().contains("file"));
  auto opened = send(officer, "GET", "/api/v1/cases/" + no + "/materials/0");
  ASSERT_EQ(opened.status, 200) << opened.body;
  EXPECT_EQ(opened.content_type, "image/png");
  EXPECT_EQ(opened.body, png);
  EXPECT_EQ(send(officer, "GET", "/api/v1/cases/" + no + "/materials/1").status, 404);
  EXPECT_EQ(send(officer, "GET", "/api/v1/cases/" + no + "/materials/x").status, 400);
  EXPECT_EQ(send(resident, "GET", "/api/v1/cases/" + no + "/materials/0").status, 401);

  // Accepted, but not approved while nobody has seen the ID card.
  ASSERT_EQ(act(officer, no, "accept").status, 200);
  auto actions = body_of(send(officer, "GET", "/api/v1/cases/" + no))["actions"].as_array();
  EXPECT_EQ(std::find(actions.begin(), actions.end(), json::value("approve")), actions.end());
  EXPECT_EQ(act(officer, no, "approve", "准予").status, 409);
  Browser clerk = logged_in("clerk");
  ASSERT_EQ(act(clerk, no, "verify_identity", "身份证原件核验").status, 200);
  EXPECT_EQ(body_of(send(officer, "GET", "/api/v1/cases/" + no))["identity"].as_string(), "window");
  EXPECT_EQ(act(officer, no, "approve", "准予").status, 200);
  expect_no_id_number_in_audit();
}

// An administrator disables an account (its sessions end at once), enables it
// again and gives it a new password; nobody else may, and nobody disables
// their own account.
TEST_F(WebApiTest, AnAdminDisablesAnAccountAndResetsItsPassword) {
  Browser root = admin();
  Browser clerk = logged_in("clerk");
  ASSERT_EQ(send(clerk, "GET", "/api/v1/cases").status, 200);
  EXPECT_EQ(send(clerk, "POST", "/api/v1/users/officer/active", R"({"active":false})").status, 403);

  auto off = send(root, "POST", "/api/v1/users/clerk/active", R"({"active":false})");
  ASSERT_EQ(off.status, 200) << off.body;
  EXPECT_FALSE(body_of(off)["active"].as_bool());
  EXPECT_EQ(send(clerk, "GET", "/api/v1/cases").status, 401);  // the open session ended
  Browser again = visitor();
  auto refused = send(again, "POST", "/api/v1/session",
                      std::string(R"({"login":"clerk","password":")") + kPassword + R"("})");
  EXPECT_EQ(refused.status, 401) << refused.body;

  EXPECT_EQ(send(root, "POST", "/api/v1/users/clerk/active", R"({"active":"no"})").status, 400);
  EXPECT_EQ(send(root, "POST", "/api/v1/users/nobody/active", R"({"active":true})").status, 404);
  auto self = send(root, "POST", "/api/v1/users/root1/active", R"({"active":false})");
  EXPECT_EQ(self.status, 409);
  EXPECT_EQ(message_of(self), "you cannot disable your own account");

  ASSERT_EQ(send(root, "POST", "/api/v1/users/clerk/active", R"({"active":true})").status, 200);
  Browser back = logged_in("clerk");
  const std::string fresh = "a-new-password-2026";
  EXPECT_EQ(send(root, "POST", "/api/v1/users/clerk/password", R"({"password":"short"})").status,
            400);
  auto reset =
      send(root, "POST", "/api/v1/users/clerk/password", R"({"password":")" + fresh + R"("})");
  ASSERT_EQ(reset.status, 200) << reset.body;
  EXPECT_EQ(reset.body.find(fresh), std::string::npos);
  EXPECT_EQ(send(back, "GET", "/api/v1/cases").status, 401);
  Browser old_password = visitor();
  EXPECT_EQ(send(old_password, "POST", "/api/v1/session",
                 std::string(R"({"login":"clerk","password":")") + kPassword + R"("})")
                .status,
            401);
  Browser new_password = visitor();
  EXPECT_EQ(send(new_password, "POST", "/api/v1/session",
                 R"({"login":"clerk","password":")" + fresh + R"("})")
                .status,
            200);
  // The administrator who changes their own password stays logged in.
  ASSERT_EQ(send(root, "POST", "/api/v1/users/root1/password", R"({"password":")" + fresh + R"("})")
                .status,
            200);
  EXPECT_EQ(send(root, "GET", "/api/v1/users").status, 200);

  const auto rows = hall::load_audit(county().db, 0, 1000).value();
  std::set<std::string> actions;
  for (const auto& row : rows) {
    actions.insert(row.entry.action);
    EXPECT_EQ(row.entry.target.find(fresh), std::string::npos);
  }
  for (const char* a : {"user.disable", "user.enable", "user.password"}) {
    EXPECT_TRUE(actions.contains(a)) << a;
  }
}

// A clerk changes the password an administrator gave them: the current one
// first; other sessions of the account end, this one goes on.
TEST_F(WebApiTest, AUserChangesTheirOwnPassword) {
  Browser clerk = logged_in("clerk");
  Browser other_desk = logged_in("clerk");
  const auto change = [&](Browser& b, const std::string& current, const std::string& fresh) {
    return send(b, "POST", "/api/v1/session/password",
                R"({"current_password":")" + current + R"(","new_password":")" + fresh + R"("})");
  };
  const std::string fresh = "my-own-password-2026";
  auto wrong = change(clerk, "not-my-password", fresh);
  EXPECT_EQ(wrong.status, 403);
  EXPECT_EQ(message_of(wrong), "the current password is wrong");
  EXPECT_EQ(change(clerk, kPassword, "short").status, 400);
  Browser anon = visitor();
  EXPECT_EQ(change(anon, kPassword, fresh).status, 401);

  ASSERT_EQ(change(clerk, kPassword, fresh).status, 200);
  EXPECT_EQ(send(clerk, "GET", "/api/v1/cases").status, 200);
  EXPECT_EQ(send(other_desk, "GET", "/api/v1/cases").status, 401);
  Browser next_day = visitor();
  EXPECT_EQ(send(next_day, "POST", "/api/v1/session",
                 R"({"login":"clerk","password":")" + fresh + R"("})")
                .status,
            200);

  // Guessing the current password is limited like logging in.
  for (int i = 0; i < 5; ++i)
    EXPECT_EQ(change(clerk, "guess-" + std::to_string(i), "x").status, 403);
  EXPECT_EQ(change(clerk, fresh, "another-password-1").status, 429);
}

}  // namespace
}  // namespace yimen::web
