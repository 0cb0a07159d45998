// The plan's features across real `yimen run` processes on 127.0.0.1: the
// city publishes its calendar from a file while it runs; a case taken at a
// village is approved at the county, whose licence reaches the village and
// verifies there offline (`yimen licence verify`), and is refused once
// altered; the county's KPIs roll up the village's case; a supervision order
// issued at the county on a town's overdue case reaches the town, and the
// town's response comes back.

#include <chrono>
#include <fstream>
#include <memory>

#include "support/http_client.h"
#include "support/test_city.h"

namespace yimen::testing {
namespace {

struct WebLogin {
  std::string cookie;
  std::string csrf;
};

WebLogin log_in(int port, const std::string& login) {
  auto session = http_request(port, "GET", "/api/v1/session");
  WebLogin out;
  out.cookie = session.headers["set-cookie"].substr(0, session.headers["set-cookie"].find(';'));
  auto at = session.body.find("\"csrf\":\"") + 8;
  out.csrf = session.body.substr(at, 64);
  auto answer = http_request(
      port, "POST", "/api/v1/session",
      {{"Cookie", out.cookie}, {"X-CSRF-Token", out.csrf}, {"Content-Type", "application/json"}},
      R"({"login":")" + login + R"(","password":")" + kPassword + "\"}");
  EXPECT_EQ(answer.status, 200) << answer.body;
  out.cookie = answer.headers["set-cookie"].substr(0, answer.headers["set-cookie"].find(';'));
  at = answer.body.find("\"csrf\":\"") + 8;
  out.csrf = answer.body.substr(at, 64);
  return out;
}

HttpAnswer post(int port, const WebLogin& who, const std::string& target, const std::string& body) {
  return http_request(
      port, "POST", target,
      {{"Cookie", who.cookie}, {"X-CSRF-Token", who.csrf}, {"Content-Type", "application/json"}},
      body);
}

// The JSON string value of "key" in `body` (no escapes in what is read here).
std::string json_string(const std::string& body, const std::string& key) {
  const auto at = body.find("\"" + key + "\":\"");
  if (at == std::string::npos) return "";
  const auto from = at + key.size() + 4;
  std::string out;
  for (size_t i = from; i < body.size() && body[i] != '"'; ++i) {
    if (body[i] == '\\' && i + 1 < body.size()) {
      ++i;
      out += body[i] == 'n' ? '\n' : body[i];
    } else {
      out += body[i];
    }
  }
  return out;
}

// Whether `node` holds the 2026 calendar config/calendar-2026.toml publishes.
// The year in China (UTC+8) `days` days before this machine's today.
int cst_year_days_ago(int days) {
  using namespace std::chrono;
  const auto then = system_clock::now() + hours(8) - days * hours(24);
  return static_cast<int>(year_month_day(floor<std::chrono::days>(then)).year());
}

bool holds_calendar_2026(TestCity& city, const std::string& node) {
  return city.yimen({"calendar", "list", "--data", city.dir(node).string()})
             .out.find("2026: 33 days off") != std::string::npos;
}

// `yimen case submit` of the 低保 item at the village for an applicant of the village.
ProcessResult submit_at_village(TestCity& city) {
  return city.yimen({"case", "submit", "--data", city.dir("village").string(), "--as", "clerk",
                     "--item", kDibao, "--materials", "0:paper"},
                    kApplicant + "441802001001\n");
}

TEST(PlanFeatures, ALicenceIssuedAtTheCountyVerifiesAtTheVillageAndKpisRollUp) {
  TestCity city;
  city.add("city", "441800000000", "");
  city.add("county", "441802000000", "city");
  city.add("town", "441802001000", "county");
  city.add("village", "441802001001", "town");
  city.add_user("city", "admin", "admin");
  city.add_user("county", "officer", "officer");
  city.add_user("county", "supervisor", "supervisor");
  city.add_user("village", "clerk", "clerk");
  const int county_web = free_port();
  for (const char* n : {"city", "town", "village"}) city.start(n);
  city.start("county", {"--web", "127.0.0.1:" + std::to_string(county_web)});
  if (::testing::Test::HasFatalFailure()) return;

  // The calendar, published from its file through the running city's control socket.
  auto published =
      city.yimen({"calendar", "publish", "--data", city.dir("city").string(), "--as", "admin",
                  std::string(YIMEN_SOURCE_DIR) + "/config/calendar-2026.toml"});
  ASSERT_EQ(published.exit_code, 0) << published.err;
  EXPECT_TRUE(eventually([&] { return holds_calendar_2026(city, "village"); })) << city.logs();

  ASSERT_EQ(
      city.yimen({"catalogue", "import", "--data", city.dir("county").string(), "--as", "officer",
                  std::string(YIMEN_SOURCE_DIR) + "/config/catalogue.example.toml"})
          .exit_code,
      0);
  ASSERT_TRUE(eventually([&] {
    return city.catalogue("village").find(kDibao) != std::string::npos;
  })) << city.logs();
  const auto submitted = submit_at_village(city);
  ASSERT_EQ(submitted.exit_code, 0) << submitted.err;
  const std::string no = case_number_in(submitted.out.substr(submitted.out.find("case ")));
  ASSERT_TRUE(eventually([&] { return city.cases("county").find(no) != std::string::npos; }))
      << city.logs();
  for (const char* action : {"accept", "approve"}) {
    auto acted = city.yimen({"case", "act", "--data", city.dir("county").string(), "--as",
                             "officer", "--case", no, "--action", action, "--note", "准予"});
    ASSERT_EQ(acted.exit_code, 0) << action << ": " << acted.err;
  }

  // The county's officer issues the licence in the web hall.
  const auto officer = log_in(county_web, "officer");
  auto issued = post(county_web, officer, "/api/v1/cases/" + no + "/licence",
                     R"({"type":"最低生活保障证","fields":[{"name":"月保障金","value":"600元"}],)"
                     R"("valid_until":"2030-12-31"})");
  ASSERT_EQ(issued.status, 201) << issued.body;
  const std::string number = json_string(issued.body, "number");
  ASSERT_FALSE(number.empty());

  // It reaches the village (the intake and domicile node), which exports it
  // and verifies it offline.
  const auto file = city.root() / "licence.txt";
  ASSERT_TRUE(eventually([&] {
    return city.yimen({"licence", "export", "--data", city.dir("village").string(), "--number",
                       number, "--out", file.string()})
               .exit_code == 0;
  })) << city.logs();
  auto verified =
      city.yimen({"licence", "verify", "--data", city.dir("village").string(), file.string()});
  EXPECT_EQ(verified.exit_code, 0) << verified.err;
  EXPECT_NE(verified.out.find("valid: signed by 441802000000"), std::string::npos) << verified.out;
  EXPECT_EQ(verified.out.find("11010519491231002X"), std::string::npos);  // masked

  // The QR form verifies at the town, which holds the county's certificate.
  const auto qr = city.root() / "licence.qr";
  ASSERT_EQ(city.yimen({"licence", "export", "--data", city.dir("county").string(), "--number",
                        number, "--qr", "--out", qr.string()})
                .exit_code,
            0);
  EXPECT_EQ(
      city.yimen({"licence", "verify", "--data", city.dir("town").string(), qr.string()}).exit_code,
      0);

  // One character changed in the file: invalid, with the reason, exit 1.
  std::string text = read_file(file);
  const auto body_at = text.find('\n') + 40;
  text[body_at] = text[body_at] == 'A' ? 'B' : 'A';
  const auto altered = city.root() / "altered.txt";
  std::ofstream(altered, std::ios::binary) << text;
  auto refused =
      city.yimen({"licence", "verify", "--data", city.dir("village").string(), altered.string()});
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_NE(refused.err.find("licence invalid: "), std::string::npos) << refused.err;

  // The county's KPIs include the village's case.
  const auto supervisor = log_in(county_web, "supervisor");
  auto kpis = http_request(county_web, "GET", "/api/v1/kpis", {{"Cookie", supervisor.cookie}});
  ASSERT_EQ(kpis.status, 200) << kpis.body;
  EXPECT_NE(kpis.body.find("\"cases\":1,"), std::string::npos) << kpis.body;
  EXPECT_NE(kpis.body.find("最低生活保障"), std::string::npos) << kpis.body;
}

TEST(PlanFeatures, ASupervisionOrderFromTheCountyReachesTheTownAndItsResponseComesBack) {
  // The city lives its first part sixty days ago (every node's clock moved back, as the demo
  // city does for its history), so that the case below is long overdue today: a red card.
  struct ClockShift {
    ClockShift() { setenv("YIMEN_CLOCK_SHIFT_DAYS", "60", 1); }
    ~ClockShift() { unsetenv("YIMEN_CLOCK_SHIFT_DAYS"); }
  };
  auto shift = std::make_unique<ClockShift>();
  TestCity city;
  city.add("city", "441800000000", "");
  city.add("county", "441802000000", "city");
  city.add("town", "441802001000", "county");
  city.add("village", "441802001001", "town");
  city.add_user("city", "admin", "admin");
  city.add_user("county", "officer", "officer");
  city.add_user("county", "supervisor", "supervisor");
  city.add_user("town", "officer", "officer");
  city.add_user("village", "clerk", "clerk");
  city.start_all();
  if (::testing::Test::HasFatalFailure()) return;
  ASSERT_EQ(city.yimen({"calendar", "publish", "--data", city.dir("city").string(), "--as", "admin",
                        std::string(YIMEN_SOURCE_DIR) + "/config/calendar-2026.toml"})
                .exit_code,
            0);
  ASSERT_TRUE(eventually([&] { return holds_calendar_2026(city, "town"); })) << city.logs();
  // Run on another date (faketime), the case's sixty days may fall in other
  // years: those get a calendar of plain weeks, so the deadline is known.
  for (const int year : {cst_year_days_ago(60), cst_year_days_ago(0)}) {
    if (year == 2026) continue;
    const auto plain = city.root() / ("calendar-" + std::to_string(year) + ".toml");
    std::ofstream(plain, std::ios::binary)
        << "year = " << year << "\nnotice = \"plain weeks (test)\"\nholidays = []\n"
        << "makeup_working_days = []\n";
    city.yimen({"calendar", "publish", "--data", city.dir("city").string(), "--as", "admin",
                plain.string()});
    ASSERT_TRUE(eventually([&] {
      return city.yimen({"calendar", "list", "--data", city.dir("town").string()})
                 .out.find(std::to_string(year) + ":") != std::string::npos;
    })) << year
        << city.logs();
  }

  // The county's 低保 item, decided at the town of the applicant's domicile.
  std::string catalogue =
      read_file(std::string(YIMEN_SOURCE_DIR) + "/config/catalogue.example.toml");
  const std::string county_level = "handling_level = \"county\"";
  const auto at = catalogue.find(county_level);  // the first item's: 低保
  ASSERT_NE(at, std::string::npos);
  catalogue.replace(at, county_level.size(), "handling_level = \"town\"");
  const auto file = city.root() / "town-handled.toml";
  std::ofstream(file, std::ios::binary) << catalogue;
  const auto imported = city.yimen({"catalogue", "import", "--data", city.dir("county").string(),
                                    "--as", "officer", file.string()});
  ASSERT_EQ(imported.exit_code, 0) << imported.err;
  ASSERT_TRUE(eventually([&] {
    return city.catalogue("village").find(kDibao) != std::string::npos;
  })) << city.logs();

  // A case taken at the village and accepted at the town, sixty days ago.
  const auto submitted = submit_at_village(city);
  ASSERT_EQ(submitted.exit_code, 0) << submitted.err;
  const std::string no = case_number_in(submitted.out.substr(submitted.out.find("case ")));
  ASSERT_TRUE(eventually([&] { return city.cases("town").find(no) != std::string::npos; }))
      << city.logs();
  const auto accepted = city.yimen({"case", "act", "--data", city.dir("town").string(), "--as",
                                    "officer", "--case", no, "--action", "accept"});
  ASSERT_EQ(accepted.exit_code, 0) << accepted.err;
  ASSERT_TRUE(eventually([&] { return state_of(city, "county", no) == "accepted"; }))
      << city.logs();

  // Today: the nodes run again on the real clock, the county and the town with their web halls.
  for (const char* n : {"village", "town", "county", "city"}) {
    EXPECT_EQ(city.process(n).stop(), 0) << n;
  }
  shift.reset();
  const int county_web = free_port();
  const int town_web = free_port();
  city.start("city");
  city.start("village");
  city.start("county", {"--web", "127.0.0.1:" + std::to_string(county_web)});
  city.start("town", {"--web", "127.0.0.1:" + std::to_string(town_web)});
  if (::testing::Test::HasFatalFailure()) return;

  // The county's supervisor orders the town to act.
  const auto supervisor = log_in(county_web, "supervisor");
  auto ordered = post(county_web, supervisor, "/api/v1/supervision",
                      R"({"case_no":")" + no +
                          R"(","instruction":"请于3个工作日内办结并报告","respond_within":3})");
  ASSERT_EQ(ordered.status, 201)
      << ordered.body
      << city.yimen({"case", "show", "--data", city.dir("county").string(), "--case", no}).out;
  const std::string order_no = json_string(ordered.body, "order_no");
  ASSERT_EQ(order_no.rfind("441802000000-S", 0), 0u) << ordered.body;

  // It reaches the town, whose officer answers it.
  const auto officer = log_in(town_web, "officer");
  ASSERT_TRUE(eventually([&] {
    return http_request(town_web, "GET", "/api/v1/supervision", {{"Cookie", officer.cookie}})
               .body.find(order_no) != std::string::npos;
  })) << city.logs();
  auto answered = post(town_web, officer, "/api/v1/supervision/" + order_no + "/response",
                       R"({"response":"已补齐材料，今日办结"})");
  ASSERT_EQ(answered.status, 200) << answered.body;

  // The supervisor sees the response at the county.
  EXPECT_TRUE(eventually([&] {
    return http_request(county_web, "GET", "/api/v1/supervision?all=1",
                        {{"Cookie", supervisor.cookie}})
               .body.find("已补齐材料，今日办结") != std::string::npos;
  })) << city.logs();
}

}  // namespace
}  // namespace yimen::testing
