// `yimen demo-traffic` against a small city of real `yimen run` processes
// with web halls on loopback: a city, the county qingcheng with the town
// dongcheng and its village dongyi, and the county qingxin. The traffic takes
// cases at every window and drives them through the handling nodes: the
// nodes end up holding cases in several states, handled where the
// catalogue's rules say (the village's cross-region case at the other
// county), and rated at the village. Also: a directory that is not a demo
// city, and a city whose nodes are all down, are one-line errors; and the
// clock shift scripts/demo creates its month of history with.

#include <ctime>
#include <map>
#include <set>

#include "support/http_client.h"
#include "support/test_city.h"

namespace yimen::testing {
namespace {

struct CaseLine {
  std::string state;
  std::string handled_by;
};

// `yimen case list` of a node: number -> state and handling node.
std::map<std::string, CaseLine> case_lines(TestCity& city, const std::string& node) {
  std::map<std::string, CaseLine> out;
  std::istringstream in(city.cases(node));
  std::string no, state, item, word, handling;
  while (in >> no >> state >> item >> word >> handling) out[no] = {state, handling};
  return out;
}

// The name=value lines of the summary.
std::map<std::string, int> summary_of(const std::string& out) {
  std::map<std::string, int> values;
  std::istringstream in(out);
  for (std::string line; std::getline(in, line);) {
    const auto eq = line.find('=');
    if (eq != std::string::npos) values[line.substr(0, eq)] = std::stoi(line.substr(eq + 1));
  }
  return values;
}

void give_web_address(TestCity& city, const std::string& node, int port) {
  const auto toml = city.dir(node) / "node.toml";
  std::string text = read_file(toml);
  const std::string commented = "# listen = \"127.0.0.1:8080\"";
  const auto at = text.find(commented);
  ASSERT_NE(at, std::string::npos) << text;
  text.replace(at, commented.size(), "listen = \"127.0.0.1:" + std::to_string(port) + "\"");
  std::ofstream(toml, std::ios::binary | std::ios::trunc) << text;
}

TEST(DemoTraffic, CasesInSeveralStatesAtTheRightNodesRatedAtTheVillage) {
  TestCity city;
  city.add("city", "441800000000", "");
  city.add("qingcheng", "441802000000", "city");
  city.add("dongcheng", "441802001000", "qingcheng");
  city.add("dongyi", "441802001001", "dongcheng");
  city.add("qingxin", "441803000000", "city");
  city.add_user("city", "admin", "admin");
  for (const char* n : {"qingcheng", "dongcheng", "dongyi", "qingxin"}) {
    city.add_user(n, "clerk", "clerk");
  }
  for (const char* n : {"qingcheng", "qingxin"}) {
    city.add_user(n, "officer", "officer");
    city.add_user(n, "supervisor", "supervisor");
  }
  std::map<std::string, int> web;
  for (const char* n : {"city", "qingcheng", "dongcheng", "dongyi", "qingxin"}) {
    web[n] = free_port();
    give_web_address(city, n, web[n]);
  }
  if (::testing::Test::HasFatalFailure()) return;
  const std::vector<std::string> password_env = {std::string("DEMO_PASSWORD=") + kPassword};

  // Not a demo city: a directory without nodes; a city whose nodes are down.
  auto not_demo = city.yimen({"demo-traffic", "--city", (city.root() / "city").string(),
                              "--minutes", "0.1", "--password-env", "DEMO_PASSWORD"});
  EXPECT_EQ(not_demo.exit_code, 1);
  EXPECT_NE(not_demo.err.find("is not a demo city"), std::string::npos) << not_demo.err;
  EXPECT_EQ(std::count(not_demo.err.begin(), not_demo.err.end(), '\n'), 1) << not_demo.err;
  auto down = run_yimen({"demo-traffic", "--city", city.root().string(), "--minutes", "0.1",
                         "--password-env", "DEMO_PASSWORD"},
                        password_env);
  EXPECT_EQ(down.exit_code, 1);
  EXPECT_NE(down.err.find("no node of the demo city answers"), std::string::npos) << down.err;

  // The city publishes the calendar and the catalogue, then every node runs.
  const std::string source = YIMEN_SOURCE_DIR;
  ASSERT_EQ(city.yimen({"calendar", "publish", "--data", city.dir("city").string(), "--as", "admin",
                        source + "/config/calendar-2026.toml"})
                .exit_code,
            0);
  ASSERT_EQ(city.yimen({"catalogue", "import", "--data", city.dir("city").string(), "--as", "admin",
                        source + "/config/catalogue.city.toml"})
                .exit_code,
            0);
  city.start_all();
  if (::testing::Test::HasFatalFailure()) return;

  const auto started = std::chrono::steady_clock::now();
  auto played = run_yimen({"demo-traffic", "--city", city.root().string(), "--minutes", "0.75",
                           "--password-env", "DEMO_PASSWORD"},
                          password_env);
  const auto took = std::chrono::steady_clock::now() - started;
  ASSERT_EQ(played.exit_code, 0) << played.err << city.logs();
  EXPECT_LE(took, std::chrono::seconds(50)) << "the run must end by its minutes";
  auto summary = summary_of(played.out);
  EXPECT_EQ(summary["nodes"], 5) << played.out;
  EXPECT_GE(summary["cases"], 9) << played.out << played.err;
  EXPECT_GE(summary["cross_region"], 1) << played.out;
  EXPECT_GE(summary["approved"], 1) << played.out;
  EXPECT_GE(summary["ratings"], 1) << played.out << played.err;
  EXPECT_EQ(summary["complaints"], 1) << played.out;
  EXPECT_EQ(summary["errors"], 0) << played.err;
  // Personal data of the applicants is not printed; case numbers are.
  EXPECT_EQ(played.err.find("0763-33"), std::string::npos) << played.err;
  EXPECT_NE(played.err.find("case 441802001001-"), std::string::npos) << played.err;

  // The nodes hold the cases in several states, each handled where the
  // catalogue says: the village's cases at the village, its town or a county.
  std::set<std::string> states;
  std::map<std::string, CaseLine> all;
  for (const char* n : {"qingcheng", "dongcheng", "dongyi", "qingxin"}) {
    for (const auto& [no, line] : case_lines(city, n)) {
      all[no] = line;
      states.insert(line.state);
    }
  }
  EXPECT_GE(all.size(), static_cast<size_t>(summary["cases"]));
  for (const char* state : {"submitted", "accepted", "awaiting_materials", "approved", "rejected",
                            "refused", "result_issued", "closed"}) {
    EXPECT_TRUE(states.contains(state)) << state << " in " << ::testing::PrintToString(states);
  }
  EXPECT_EQ(summary["unfinished"], 0) << played.err;

  const std::set<std::string> village_handlers = {"441802001001", "441802001000", "441802000000",
                                                  "441803000000"};
  int acted_at_county = 0, cross_region = 0;
  for (const auto& [no, line] : case_lines(city, "dongyi")) {
    if (!no.starts_with("441802001001-")) continue;
    EXPECT_TRUE(village_handlers.contains(line.handled_by)) << no << " " << line.handled_by;
    if (line.handled_by == "441803000000") ++cross_region;
  }
  for (const auto& [no, line] : case_lines(city, "qingcheng")) {
    if (line.handled_by == "441802000000" && line.state != "submitted") ++acted_at_county;
  }
  EXPECT_GE(cross_region, 1);
  EXPECT_GE(acted_at_county, 1);
  // The cross-region case is at the other county too, which never took one itself there.
  bool at_qingxin = false;
  for (const auto& [no, line] : case_lines(city, "qingxin")) {
    at_qingxin = at_qingxin || no.starts_with("441802001001-");
  }
  EXPECT_TRUE(at_qingxin);

  // The village's KPIs count the ratings its residents gave.
  auto session = http_request(web["dongyi"], "GET", "/api/v1/session");
  const std::string cookie =
      session.headers["set-cookie"].substr(0, session.headers["set-cookie"].find(';'));
  const auto csrf_at = session.body.find("\"csrf\":\"") + 8;
  const std::string csrf = session.body.substr(csrf_at, session.body.find('"', csrf_at) - csrf_at);
  auto login = http_request(
      web["dongyi"], "POST", "/api/v1/session",
      {{"Cookie", cookie}, {"X-CSRF-Token", csrf}, {"Content-Type", "application/json"}},
      std::string(R"({"login":"clerk","password":")") + kPassword + "\"}");
  ASSERT_EQ(login.status, 200) << login.body;
  const std::string clerk =
      login.headers["set-cookie"].substr(0, login.headers["set-cookie"].find(';'));
  auto kpis = http_request(web["dongyi"], "GET", "/api/v1/kpis", {{"Cookie", clerk}});
  ASSERT_EQ(kpis.status, 200) << kpis.body;
  const auto ratings_at = kpis.body.find("\"ratings\":");
  ASSERT_NE(ratings_at, std::string::npos) << kpis.body;
  EXPECT_GE(std::stoi(kpis.body.substr(ratings_at + 10)), 1) << kpis.body;
}

// The CST date `days_back` days before now, "YYYY-MM-DD".
std::string cst_date_days_back(int days_back) {
  const std::time_t t = std::time(nullptr) - days_back * 86400 + 8 * 3600;
  std::tm tm{};
  ::gmtime_r(&t, &tm);
  char text[16];
  std::strftime(text, sizeof text, "%Y-%m-%d", &tm);
  return text;
}

// scripts/demo dates the city's creation a month back with
// YIMEN_CLOCK_SHIFT_DAYS: what a command does is dated that many days back,
// with a warning; an unusable value is ignored, with a warning too.
TEST(DemoHistory, ClockShiftDatesWhatCommandsDoDaysBack) {
  TestDir root;
  const std::string dir = (root / "city").string();
  auto init = run_yimen({"init", "--data", dir, "--id", "441800000000", "--name", "city", "--root"},
                        {"YIMEN_CLOCK_SHIFT_DAYS=30"});
  ASSERT_EQ(init.exit_code, 0) << init.err;
  EXPECT_NE(init.err.find("WARN clock: YIMEN_CLOCK_SHIFT_DAYS=30: this process runs 30 days in "
                          "the past"),
            std::string::npos)
      << init.err;
  EXPECT_EQ(std::count(init.err.begin(), init.err.end(), '\n'), 1) << init.err;
  auto past = run_yimen(
      {"user", "add", "--data", dir, "--role", "admin", "--login", "past", "--display", "past"},
      {"YIMEN_CLOCK_SHIFT_DAYS=30"}, std::string(kPassword) + "\n");
  ASSERT_EQ(past.exit_code, 0) << past.err;
  auto ignored = run_yimen(
      {"user", "add", "--data", dir, "--role", "admin", "--login", "today", "--display", "today"},
      {"YIMEN_CLOCK_SHIFT_DAYS=-3"}, std::string(kPassword) + "\n");
  ASSERT_EQ(ignored.exit_code, 0) << ignored.err;
  EXPECT_NE(ignored.err.find("YIMEN_CLOCK_SHIFT_DAYS=-3 ignored"), std::string::npos)
      << ignored.err;

  const auto audit = run_yimen({"audit", "list", "--data", dir}).out;
  const auto past_row = audit.find("user.add past");
  const auto today_row = audit.find("user.add today");
  ASSERT_NE(past_row, std::string::npos) << audit;
  ASSERT_NE(today_row, std::string::npos) << audit;
  const auto date_of = [&](size_t row) {  // "SEQ YYYY-MM-DD HH:MM:SS CST actor action ..."
    const auto line = audit.rfind('\n', row);
    const std::string text = audit.substr(line == std::string::npos ? 0 : line + 1);
    return text.substr(text.find(' ') + 1, 10);
  };
  // (A test run across midnight CST may see the next day.)
  EXPECT_TRUE(date_of(past_row) == cst_date_days_back(30) ||
              date_of(past_row) == cst_date_days_back(29))
      << audit;
  EXPECT_TRUE(date_of(today_row) == cst_date_days_back(0) ||
              date_of(today_row) == cst_date_days_back(-1))
      << audit;
}

}  // namespace
}  // namespace yimen::testing
