// The `yimen` program as an operator uses it: init, enrolment, db check, key
// show, and what happens on damage and mistakes.

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <chrono>
#include <fstream>

#include "support/process.h"

namespace yimen::testing {
namespace {

class Cli : public ::testing::Test {
 protected:
  std::string data(const char* name) const { return (dir_ / name).string(); }

  ProcessResult init(const char* name, const char* id, const char* office, bool root = false) {
    std::vector<std::string> args = {"init", "--data", data(name), "--id", id, "--name", office};
    if (root) args.push_back("--root");
    return run_yimen(args);
  }

  // city -> county enrolment; the city listens on a loopback port.
  void make_city_and_county() {
    ASSERT_EQ(init("city", "441800000000", "示范市政务服务中心", true).exit_code, 0);
    ASSERT_EQ(init("county", "441802000000", "示范区政务服务中心").exit_code, 0);
    set_listen("city", "tcp://127.0.0.1:7401");
    auto req = run_yimen({"enrol", "request", "--data", data("county")});
    ASSERT_EQ(req.exit_code, 0) << req.err;
    auto cert = run_yimen({"enrol", "approve", "--data", data("city"), req.out});
    ASSERT_EQ(cert.exit_code, 0) << cert.err;
    auto inst = run_yimen({"enrol", "install", "--data", data("county"), cert.out});
    ASSERT_EQ(inst.exit_code, 0) << inst.err;
  }

  void set_listen(const char* name, const std::string& endpoint) {
    const auto path = dir_ / name / "node.toml";
    std::string text = read_file(path);
    const std::string marker = "# listen = \"tcp://HOST:PORT\"";
    text.replace(text.find(marker), marker.size(), "listen = \"" + endpoint + "\"");
    std::ofstream(path, std::ios::trunc) << text;
  }

  // Flips one byte at `offset` of a file.
  static void flip_byte(const std::filesystem::path& p, std::streamoff offset) {
    std::fstream f(p, std::ios::in | std::ios::out | std::ios::binary);
    f.seekg(offset);
    char c = 0;
    f.get(c);
    f.seekp(offset);
    f.put(static_cast<char>(c ^ 0x5a));
  }

  TestDir dir_;
};

TEST_F(Cli, InitCreatesAnEncryptedNode) {
  auto r = init("village", "441802001001", "示范村党群服务中心");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("initialised village node 441802001001"), std::string::npos);
  for (const char* f : {"node.toml", "node.key", "hall.db", "db.key"}) {
    EXPECT_TRUE(std::filesystem::exists(dir_ / "village" / f)) << f;
  }
  struct stat st {};
  ASSERT_EQ(stat((dir_ / "village" / "node.key").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  ASSERT_EQ(stat((dir_ / "village" / "db.key").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  // The node's name is stored in hall.db, but only encrypted.
  const std::string db = read_file(dir_ / "village" / "hall.db");
  EXPECT_GT(db.size(), 4096u);
  EXPECT_EQ(db.find("示范村党群服务中心"), std::string::npos);
  EXPECT_EQ(db.find("441802001001"), std::string::npos);
  EXPECT_EQ(db.find("SQLite format"), std::string::npos);
  // The config names it.
  EXPECT_NE(read_file(dir_ / "village" / "node.toml").find("示范村党群服务中心"),
            std::string::npos);
}

TEST_F(Cli, InitRefusesToOverwriteAndBadCodes) {
  ASSERT_EQ(init("v", "441802001001", "村").exit_code, 0);
  const std::string before = read_file(dir_ / "v" / "node.key");
  auto again = init("v", "441802001001", "村");
  EXPECT_EQ(again.exit_code, 1);
  EXPECT_EQ(again.err,
            "yimen init: " + data("v") + " already holds a node; refusing to overwrite it\n");
  EXPECT_EQ(read_file(dir_ / "v" / "node.key"), before);

  auto bad = init("x", "44180200100", "村");
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_EQ(bad.err, "yimen init: --id: region code must be 12 digits, got 11 characters\n");
  EXPECT_FALSE(std::filesystem::exists(dir_ / "x"));

  EXPECT_EQ(init("c", "441800000000", "市").err,
            "yimen init: 441800000000 is a city: the city node is the root; add --root\n");
  EXPECT_EQ(init("t", "441802001000", "镇", true).err,
            "yimen init: --root: 441802001000 is a town; only a city node holds the root key\n");
  auto usage = run_yimen({"init", "--data", data("y"), "--idd", "441802001001"});
  EXPECT_EQ(usage.exit_code, 2);
  EXPECT_EQ(usage.err, "yimen init: unknown option --idd; see: yimen help init\n");
}

TEST_F(Cli, DbCheckPassesFreshAndFailsAfterAFlippedByte) {
  ASSERT_EQ(init("v", "441802001001", "村").exit_code, 0);
  auto ok = run_yimen({"db", "check", "--data", data("v")});
  EXPECT_EQ(ok.exit_code, 0) << ok.err;
  EXPECT_EQ(ok.out, "hall.db: ok (integrity check passed, every page read)\n");

  const auto db = dir_ / "v" / "hall.db";
  flip_byte(db, static_cast<std::streamoff>(std::filesystem::file_size(db) / 2));
  auto bad = run_yimen({"db", "check", "--data", data("v")});
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_EQ(bad.err.rfind("yimen db check: hall.db is damaged: ", 0), 0u) << bad.err;
  EXPECT_EQ(std::count(bad.err.begin(), bad.err.end(), '\n'), 1);
}

TEST_F(Cli, AReplacedDatabaseKeyGivesTheWrongKeyMessage) {
  ASSERT_EQ(init("a", "441802001001", "村").exit_code, 0);
  ASSERT_EQ(init("b", "441802001002", "另一村").exit_code, 0);
  std::filesystem::copy_file(dir_ / "b" / "db.key", dir_ / "a" / "db.key",
                             std::filesystem::copy_options::overwrite_existing);
  const std::string before = read_file(dir_ / "a" / "hall.db");
  for (auto args : std::vector<std::vector<std::string>>{
           {"db", "check", "--data", data("a")}, {"enrol", "request", "--data", data("a")}}) {
    auto r = run_yimen(args);
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_NE(r.err.find(": hall.db: wrong database key, or not a Yimen database\n"),
              std::string::npos)
        << r.err;
  }
  EXPECT_EQ(read_file(dir_ / "a" / "hall.db"), before);  // nothing was written over it
}

TEST_F(Cli, PassphraseInsteadOfAKeyFile) {
  auto r = run_yimen({"init", "--data", data("p"), "--id", "441802001001", "--name", "村",
                      "--passphrase-env", "TEST_PASS"},
                     {"TEST_PASS=长城-passphrase"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_FALSE(std::filesystem::exists(dir_ / "p" / "db.key"));
  EXPECT_TRUE(std::filesystem::exists(dir_ / "p" / "hall.db.salt"));
  EXPECT_EQ(
      run_yimen({"db", "check", "--data", data("p")}, {"TEST_PASS=长城-passphrase"}).exit_code, 0);
  auto wrong = run_yimen({"db", "check", "--data", data("p")}, {"TEST_PASS=wrong"});
  EXPECT_EQ(wrong.err, "yimen db check: hall.db: wrong database key, or not a Yimen database\n");
  auto unset = run_yimen({"db", "check", "--data", data("p")});
  EXPECT_EQ(unset.err,
            "yimen db check: the database passphrase is expected in environment variable "
            "TEST_PASS, which is not set\n");
}

TEST_F(Cli, EnrolmentAcrossTheTree) {
  make_city_and_county();
  const std::string toml = read_file(dir_ / "county" / "node.toml");
  EXPECT_NE(toml.find("parent = \"tcp://127.0.0.1:7401\""), std::string::npos) << toml;
  // The county's certificate is an event of the city, for every node to learn.
  EXPECT_EQ(run_yimen({"rebuild", "--data", data("city")}).out,
            "rebuilt the projections from 1 events\n");

  // The county can now enrol its town; the town its village.
  set_listen("county", "tcp://127.0.0.1:7402");
  ASSERT_EQ(init("town", "441802001000", "示范街道便民服务中心").exit_code, 0);
  auto req = run_yimen({"enrol", "request", "--data", data("town")});
  auto cert = run_yimen({"enrol", "approve", "--data", data("county"), req.out});
  ASSERT_EQ(cert.exit_code, 0) << cert.err;
  auto inst = run_yimen({"enrol", "install", "--data", data("town"), cert.out});
  ASSERT_EQ(inst.exit_code, 0) << inst.err;
  EXPECT_NE(inst.out.find("enrolled under 441802000000"), std::string::npos);
  // Installing the same token again changes nothing.
  EXPECT_EQ(run_yimen({"enrol", "install", "--data", data("town"), cert.out}).out,
            "this certificate is already installed\n");
}

TEST_F(Cli, EnrolmentRefusals) {
  make_city_and_county();
  // A village cannot be enrolled by the county: only by its town.
  ASSERT_EQ(init("village", "441802001001", "村").exit_code, 0);
  auto req = run_yimen({"enrol", "request", "--data", data("village")});
  set_listen("county", "tcp://127.0.0.1:7402");
  auto refused = run_yimen({"enrol", "approve", "--data", data("county"), req.out});
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_EQ(refused.err,
            "yimen enrol approve: 441802001001 is not a direct child of this node (441802000000); "
            "it enrols with 441802001000\n");
  // A node that is not enrolled cannot enrol others.
  ASSERT_EQ(init("town", "441802001000", "镇").exit_code, 0);
  set_listen("town", "tcp://127.0.0.1:7403");
  auto orphan = run_yimen({"enrol", "approve", "--data", data("town"), req.out});
  EXPECT_EQ(orphan.err,
            "yimen enrol approve: this node is not enrolled itself yet, so it cannot enrol "
            "children\n");
  // A certificate token for another node is refused at install.
  auto town_req = run_yimen({"enrol", "request", "--data", data("town")});
  auto town_cert = run_yimen({"enrol", "approve", "--data", data("county"), town_req.out});
  ASSERT_EQ(town_cert.exit_code, 0) << town_cert.err;
  auto wrong = run_yimen({"enrol", "install", "--data", data("village"), town_cert.out});
  EXPECT_EQ(wrong.err,
            "yimen enrol install: this token certifies 441802001000, not this node "
            "(441802001001)\n");
  // Garbage is refused with a clear line.
  auto garbage = run_yimen({"enrol", "approve", "--data", data("county"), "yimen-req1.AAAA"});
  EXPECT_EQ(garbage.exit_code, 1);
  EXPECT_EQ(garbage.err,
            "yimen enrol approve: enrolment request token is damaged: truncated or with trailing "
            "bytes\n");
}

TEST_F(Cli, KeyShowVersionHelp) {
  ASSERT_EQ(init("v", "441802001001", "村").exit_code, 0);
  auto key = run_yimen({"key", "show", "--data", data("v")});
  ASSERT_EQ(key.exit_code, 0) << key.err;
  EXPECT_NE(key.out.find("node         441802001001 (village)"), std::string::npos);
  EXPECT_NE(key.out.find("fingerprint  "), std::string::npos);
  EXPECT_EQ(run_yimen({"--version"}).out.rfind("yimen ", 0), 0u);
  EXPECT_NE(run_yimen({"help"}).out.find("yimen enrol approve --data PARENT_DIR TOKEN"),
            std::string::npos);
  EXPECT_EQ(run_yimen({"frobnicate"}).exit_code, 2);
  // A loose key file is refused.
  chmod((dir_ / "v" / "node.key").c_str(), 0644);
  auto loose = run_yimen({"key", "show", "--data", data("v")});
  EXPECT_EQ(loose.exit_code, 1);
  EXPECT_NE(loose.err.find("node.key has mode 0644, open to group or others"), std::string::npos);
}

TEST_F(Cli, CheckIdSaysWhatANumberIs) {
  auto person = run_yimen({"check-id", "11010519491231002X"});
  EXPECT_EQ(person.exit_code, 0) << person.err;
  EXPECT_EQ(person.out,
            "resident ID number (natural person)\nregion      110105\nbirth date  1949-12-31\n"
            "sex         female\n");
  auto company = run_yimen({"check-id", "91350100M000100Y43"});
  EXPECT_EQ(company.exit_code, 0) << company.err;
  EXPECT_NE(company.out.find("unified social credit code (legal person)"), std::string::npos);
  auto bad = run_yimen({"check-id", "110105194912310021"});
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_EQ(bad.err, "yimen check-id: ID number: check character should be X, not 1\n");
  EXPECT_EQ(bad.err.find("110105"), std::string::npos);  // the number is not echoed
}

// The year in China Standard Time now (the clock `yimen` reads too).
int cst_year_now() {
  const auto now = std::chrono::system_clock::now() + std::chrono::hours(8);
  return static_cast<int>(
      std::chrono::year_month_day(std::chrono::floor<std::chrono::days>(now)).year());
}

// Without this year's working-day calendar, deadlines are unknown: `yimen
// status` says so at once, names the year and how to publish it; a published
// (here provisional) calendar for this year and the next ends the warning.
TEST_F(Cli, StatusWarnsWhileTheCalendarIsMissing) {
  ASSERT_EQ(init("city", "441800000000", "示范市政务服务中心", true).exit_code, 0);
  const int before = cst_year_now();
  auto status = run_yimen({"status", "--data", data("city")});
  const int after = cst_year_now();
  ASSERT_EQ(status.exit_code, 0) << status.err;
  const auto warning = [](int year) {
    return "calendar: WARNING the " + std::to_string(year) +
           " working-day calendar is not published: deadlines, cards, appointments and "
           "on-time figures are unknown from " +
           std::to_string(year) + "-01-01";
  };
  EXPECT_TRUE(status.out.find(warning(before)) != std::string::npos ||
              status.out.find(warning(after)) != std::string::npos)
      << status.out;
  EXPECT_NE(status.out.find("yimen calendar publish"), std::string::npos);
  auto json = run_yimen({"status", "--data", data("city"), "--json"});
  EXPECT_NE(json.out.find("\"this_year_published\":false"), std::string::npos) << json.out;

  auto add = run_yimen({"user", "add", "--data", data("city"), "--role", "admin", "--login",
                        "admin", "--display", "管理员"},
                       {}, "a long enough password\n");
  ASSERT_EQ(add.exit_code, 0) << add.err;
  for (int year = before; year <= after + 1; ++year) {
    const auto file = dir_ / ("calendar-" + std::to_string(year) + ".toml");
    std::ofstream(file) << "year = " << year
                        << "\nprovisional = true\nholidays = []\nmakeup_working_days = []\n";
    auto published =
        run_yimen({"calendar", "publish", "--data", data("city"), "--as", "admin", file.string()});
    ASSERT_EQ(published.exit_code, 0) << published.err;
  }
  status = run_yimen({"status", "--data", data("city")});
  EXPECT_EQ(status.out.find("WARNING"), std::string::npos) << status.out;
  EXPECT_NE(status.out.find(" published, "), std::string::npos) << status.out;
  auto list = run_yimen({"calendar", "list", "--data", data("city")});
  EXPECT_NE(list.out.find(std::to_string(after) + " (provisional)"), std::string::npos) << list.out;
}

TEST_F(Cli, BrokenConfigIsNamedWithItsLine) {
  ASSERT_EQ(init("v", "441802001001", "村").exit_code, 0);
  std::ofstream(dir_ / "v" / "node.toml", std::ios::app) << "colour = \"red\"\n";
  auto r = run_yimen({"key", "show", "--data", data("v")});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("node.toml:"), std::string::npos);
  EXPECT_NE(r.err.find(": web.colour: unknown key\n"), std::string::npos)
      << r.err;  // the last table
}

}  // namespace
}  // namespace yimen::testing
