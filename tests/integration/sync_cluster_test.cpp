// Replication between real `yimen run` processes on 127.0.0.1 (issue: sync).
// Every wait is bounded; ports are picked free at the start of each test.

#include <gtest/gtest.h>

#include <fstream>
#include <string>

#include "support/test_city.h"

namespace yimen::testing {
namespace {

// city > county > two towns > three villages: the item published at the
// county reaches every village; a case taken at a village reaches its town,
// the county and the city and no other village; the county's decision comes
// back to the village.
TEST(Sync, AThreeLevelTreeCarriesTheCatalogueEverywhereAndACaseOnlyWhereItBelongs) {
  TestCity city;
  city.add("city", "441800000000", "");
  city.add("county", "441802000000", "city");
  city.add("town1", "441802001000", "county");
  city.add("town2", "441802002000", "county");
  city.add("v1", "441802001001", "town1");
  city.add("v2", "441802001002", "town1");
  city.add("v3", "441802002001", "town2");
  city.add_user("county", "officer", "officer");
  city.add_user("v1", "clerk", "clerk");
  city.start_all();
  if (::testing::Test::HasFatalFailure()) return;

  // Written while the county runs: the CLI goes through its control socket.
  const auto imported =
      city.yimen({"catalogue", "import", "--data", city.dir("county").string(), "--as", "officer",
                  std::string(YIMEN_SOURCE_DIR) + "/config/catalogue.example.toml"});
  ASSERT_EQ(imported.exit_code, 0) << imported.err;
  EXPECT_NE(imported.out.find(std::string("published ") + kDibao + " version 1"),
            std::string::npos);
  for (const char* node : {"v1", "v2", "v3", "town1", "town2", "city"}) {
    EXPECT_TRUE(eventually([&] { return city.catalogue(node).find(kDibao) != std::string::npos; }))
        << node << " never got the item\n"
        << city.logs();
  }

  // The application form scanned at the window: 600 KiB, three chunks.
  std::string scan(600 * 1024, '\0');
  for (size_t i = 0; i < scan.size(); ++i) scan[i] = static_cast<char>(i * 31 % 251);
  const auto scan_file = city.root() / "申请书.pdf";
  std::ofstream(scan_file, std::ios::binary) << scan;
  const auto submitted =
      city.yimen({"case", "submit", "--data", city.dir("v1").string(), "--as", "clerk", "--item",
                  kDibao, "--materials", "0:paper", "--attach", "0:" + scan_file.string()},
                 kApplicant + "441802001001\n");
  ASSERT_EQ(submitted.exit_code, 0) << submitted.err;
  const std::string no = case_number_in(submitted.out.substr(submitted.out.find("case ")));
  const auto hash_at = submitted.out.find("attachment 0 ");
  ASSERT_NE(hash_at, std::string::npos) << submitted.out;
  const std::string hash = submitted.out.substr(hash_at + 13, 64);
  ASSERT_FALSE(no.empty()) << submitted.out;
  EXPECT_NE(submitted.out.find("handled by 441802000000"), std::string::npos);
  for (const char* node : {"town1", "county", "city"}) {
    EXPECT_TRUE(eventually([&] { return city.cases(node).find(no) != std::string::npos; }))
        << node << " never got the case\n"
        << city.logs();
  }

  // The county, named in the case's audience, fetches the scan from the
  // village through the town, chunk by chunk, and holds it whole.
  int fetched = 0;
  EXPECT_TRUE(eventually([&] {
    const auto out = city.root() / ("county-scan-" + std::to_string(fetched++) + ".pdf");
    return city.yimen({"blob", "get", "--data", city.dir("county").string(), "--hash", hash,
                       "--out", out.string()})
                   .exit_code == 0 &&
           read_file(out) == scan;
  })) << city.logs();
  const auto elsewhere = city.yimen({"blob", "get", "--data", city.dir("v2").string(), "--hash",
                                     hash, "--out", (city.root() / "v2.pdf").string()});
  EXPECT_EQ(elsewhere.exit_code, 1);
  EXPECT_NE(elsewhere.err.find("does not hold blob"), std::string::npos) << elsewhere.err;

  // The county accepts and approves; the village sees each step.
  for (const char* action : {"accept", "approve"}) {
    const auto acted =
        city.yimen({"case", "act", "--data", city.dir("county").string(), "--as", "officer",
                    "--case", no, "--action", action, "--note", "符合条件"});
    ASSERT_EQ(acted.exit_code, 0) << action << ": " << acted.err;
  }
  EXPECT_TRUE(eventually([&] { return state_of(city, "v1", no) == "approved"; }))
      << state_of(city, "v1", no) << "\n"
      << city.logs();
  EXPECT_EQ(state_of(city, "town1", no), "approved");

  // Other villages and the other town never receive the case, though they
  // were up all along and got the catalogue.
  for (const char* node : {"v2", "v3", "town2"}) {
    EXPECT_EQ(city.cases(node).find(no), std::string::npos) << node << " got a case not its own";
  }

  // Every node reports upward: the city's status lists all seven.
  EXPECT_TRUE(eventually([&] {
    const auto status = city.yimen({"status", "--data", city.dir("city").string()}).out;
    for (const char* id : {"441802001001", "441802001002", "441802002001", "441802002000"}) {
      if (status.find(id) == std::string::npos) return false;
    }
    return true;
  })) << city.yimen({"status", "--data", city.dir("city").string()}).out;

  for (const char* node : {"v1", "v2", "v3", "town1", "town2", "county", "city"}) {
    EXPECT_EQ(city.process(node).stop(), 0) << node << " did not stop cleanly";
  }
}

// 同城通办: a case taken at a village of county A for an item handled by the
// county of the applicant's domicile, county B, is handled there, and every
// step comes back to the village.
TEST(Sync, ACrossRegionCaseRoundTripsBetweenTwoCounties) {
  TestCity city;
  city.add("city", "441800000000", "");
  city.add("countyA", "441802000000", "city");
  city.add("countyB", "441803000000", "city");
  city.add("townA", "441802001000", "countyA");
  city.add("villageA", "441802001001", "townA");
  city.add_user("countyB", "officer", "officer");
  city.add_user("villageA", "clerk", "clerk");

  // County B's own 低保 item: the example file's, under B's region code.
  std::string catalogue =
      read_file(std::string(YIMEN_SOURCE_DIR) + "/config/catalogue.example.toml");
  const auto first = catalogue.find("\n[[item]]");
  catalogue = catalogue.substr(0, catalogue.find("\n[[item]]", first + 1));
  for (size_t at; (at = catalogue.find("441802000000")) != std::string::npos;) {
    catalogue.replace(at, 12, "441803000000");
  }
  const auto file = city.root() / "countyB.toml";
  std::ofstream(file, std::ios::binary) << catalogue;
  city.start_all();
  if (::testing::Test::HasFatalFailure()) return;
  const auto imported = city.yimen({"catalogue", "import", "--data", city.dir("countyB").string(),
                                    "--as", "officer", file.string()});
  ASSERT_EQ(imported.exit_code, 0) << imported.err;
  const std::string item = "JF-00105-000-441803000000";
  ASSERT_TRUE(eventually([&] {
    return city.catalogue("villageA").find(item) != std::string::npos;
  })) << city.logs();

  const auto submitted = city.yimen({"case", "submit", "--data", city.dir("villageA").string(),
                                     "--as", "clerk", "--item", item, "--materials", "0:paper"},
                                    kApplicant + "441803001001\n");
  ASSERT_EQ(submitted.exit_code, 0) << submitted.err;
  const std::string no = case_number_in(submitted.out);
  EXPECT_NE(submitted.out.find("handled by 441803000000"), std::string::npos) << submitted.out;
  ASSERT_TRUE(eventually([&] { return city.cases("countyB").find(no) != std::string::npos; }))
      << city.logs();
  for (const char* action : {"accept", "approve", "issue-result"}) {
    const auto acted =
        city.yimen({"case", "act", "--data", city.dir("countyB").string(), "--as", "officer",
                    "--case", no, "--action", action, "--note", "同城通办"});
    ASSERT_EQ(acted.exit_code, 0) << action << ": " << acted.err;
  }
  EXPECT_TRUE(eventually([&] { return state_of(city, "villageA", no) == "result_issued"; }))
      << state_of(city, "villageA", no) << "\n"
      << city.logs();
  // Every ancestor on the way holds it.
  for (const char* node : {"townA", "countyA", "city"}) {
    EXPECT_NE(city.cases(node).find(no), std::string::npos) << node;
  }
}

}  // namespace
}  // namespace yimen::testing
