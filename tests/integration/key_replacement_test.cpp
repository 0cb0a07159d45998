// Replacing a lost or stolen node (issue: a city that feels real, the operator's guide §11):
// the parent revokes the old key with `yimen key revoke`, a new machine is enrolled under the
// same code, recovers the node's events from its parent and continues its log after them.
// What the old key signs later never gets past the parent. Real processes on 127.0.0.1.

#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <sstream>
#include <string>
#include <thread>

#include "support/test_city.h"

namespace yimen::testing {
namespace {

constexpr const char* kTown = "441802001000";
constexpr const char* kVillage = "441802001001";

class KeyReplacement : public ::testing::Test {
 protected:
  void SetUp() override {
    city.add("city", "441800000000", "");
    city.add("county", "441802000000", "city");
    city.add("town", kTown, "county");
    city.add("v1", kVillage, "town");
    city.add_user("county", "officer", "officer");
    city.add_user("v1", "clerk", "clerk");
    city.start_all();
    if (HasFatalFailure()) return;
    city.publish_example_catalogue("county", "officer", {"v1"});
  }

  std::string submit(const std::string& node) {
    const auto r = city.yimen({"case", "submit", "--data", city.dir(node).string(), "--as", "clerk",
                               "--item", kDibao, "--materials", "0:paper"},
                              kApplicant + kVillage + "\n");
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return case_number_in(r.out);
  }

  bool county_lists(size_t cases) { return line_count(city.cases("county")) == cases; }

  // The seqs of `origin`'s events `node` holds, with how many events hold each.
  std::map<std::uint64_t, int> seqs_of(const std::string& node, const std::string& origin) {
    std::map<std::uint64_t, int> out;
    for (const auto& line : events_of(city, node)) {
      std::istringstream in(line);
      std::string o;
      std::uint64_t seq = 0;
      in >> o >> seq;
      if (o == origin) ++out[seq];
    }
    return out;
  }

  bool recovering(const std::string& node) {
    const auto r = city.yimen({"recovery", "status", "--data", city.dir(node).string()});
    return r.out.find("is not recovering") == std::string::npos;
  }

  // Stops the village, re-enrols it under the (new) town and starts it again.
  void enrol_again(const std::string& village, const std::string& town) {
    const auto request = city.yimen({"enrol", "request", "--data", city.dir(village).string()});
    ASSERT_EQ(request.exit_code, 0) << request.err;
    const auto cert = city.yimen(
        {"enrol", "approve", "--data", city.dir(town).string(), TestCity::trim(request.out)});
    ASSERT_EQ(cert.exit_code, 0) << cert.err;
    EXPECT_EQ(city.process(village).stop(), 0);
    const auto installed = city.yimen(
        {"enrol", "install", "--data", city.dir(village).string(), TestCity::trim(cert.out)});
    ASSERT_EQ(installed.exit_code, 0) << installed.err;
    EXPECT_EQ(installed.out.rfind("enrolled again under " + std::string(kTown), 0), 0u)
        << installed.out;
    city.start(village);
  }

  TestCity city;
};

TEST_F(KeyReplacement, AStolenVillageIsRevokedAndAReplacementContinuesItsLog) {
  const std::string first = submit("v1");
  const std::string second = submit("v1");
  ASSERT_TRUE(eventually([&] { return county_lists(2); })) << city.logs();

  // The village's machine is stolen: the thief has its data directory and key, and its node
  // links with the town as the village did. What it signs before anyone knows is the village's.
  EXPECT_NE(city.process("v1").kill_hard(), 0);
  for (const char* copy : {"thief", "thief-offline"}) {
    std::filesystem::create_directory(city.dir(copy));
    for (const auto& f : std::filesystem::directory_iterator(city.dir("v1"))) {
      if (f.is_regular_file())
        std::filesystem::copy(f.path(), city.dir(copy) / f.path().filename());
    }
  }
  city.start("thief");
  const std::string before = submit("thief");
  ASSERT_TRUE(eventually([&] { return county_lists(3); })) << city.logs();
  const auto held = seqs_of("town", kVillage);
  ASSERT_FALSE(held.empty());
  const std::uint64_t last = held.rbegin()->first;

  // Usage mistakes are refused with the reason and change nothing.
  auto refused = city.yimen({"key", "revoke", "--data", city.dir("town").string(), "--child",
                             "441802001009", "--reason", "stolen"});
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_NE(refused.err.find("441802001009 is not an enrolled child of this node"),
            std::string::npos)
      << refused.err;
  refused = city.yimen({"key", "revoke", "--data", city.dir("town").string(), "--child", kVillage,
                        "--reason", "stolen", "--after-seq", std::to_string(last + 5)});
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_NE(refused.err.find("is beyond what this node holds of 441802001001 (through seq " +
                             std::to_string(last) + ")"),
            std::string::npos)
      << refused.err;
  refused = city.yimen({"key", "revoke", "--data", city.dir("town").string(), "--child", kVillage,
                        "--reason", "  "});
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_NE(refused.err.find("--reason is empty"), std::string::npos) << refused.err;

  // The town (running) revokes the key after the last seq it holds.
  const size_t town_events = seqs_of("city", kTown).size();
  const auto revoked = city.yimen({"key", "revoke", "--data", city.dir("town").string(), "--child",
                                   kVillage, "--reason", "机器被盗"});
  ASSERT_EQ(revoked.exit_code, 0) << revoked.err;
  EXPECT_NE(revoked.out.find("of 441802001001 (v1) after seq " + std::to_string(last) + " of " +
                             std::to_string(last) + " held"),
            std::string::npos)
      << revoked.out;
  // The cases stay valid everywhere: they were signed up to the revocation point.
  ASSERT_TRUE(eventually([&] { return seqs_of("city", kTown).size() > town_events; }))
      << city.logs();
  EXPECT_TRUE(county_lists(3));

  // The thief's link, up when the key was revoked, is cut. Its node got the revocation first,
  // so it signs nothing more.
  EXPECT_TRUE(eventually([&] {
    return city.process("town").log().find(
               "the key of the child 441802001001 is no longer "
               "enrolled (revoked); its link is refused") != std::string::npos;
  })) << city.logs();
  const auto refused_write =
      city.yimen({"case", "submit", "--data", city.dir("thief").string(), "--as", "clerk", "--item",
                  kDibao, "--materials", "0:paper"},
                 kApplicant + kVillage + "\n");
  EXPECT_EQ(refused_write.exit_code, 1);
  EXPECT_NE(refused_write.err.find("is revoked after seq " + std::to_string(last)),
            std::string::npos)
      << refused_write.err;
  EXPECT_EQ(city.process("thief").stop(), 0);

  // A copy that never heard of the revocation writes locally, but its link is refused, so
  // nothing it signs gets past the town.
  city.start("thief-offline");
  const std::string listed = city.cases("county");
  // (Its case number is the one `before` got: both copies count from the same state.)
  EXPECT_FALSE(submit("thief-offline").empty());
  EXPECT_TRUE(eventually([&] {
    return city.process("town").log().find("is not an enrolled child's") != std::string::npos;
  })) << city.logs();
  std::this_thread::sleep_for(std::chrono::seconds(2));
  EXPECT_EQ(city.cases("county"), listed);
  EXPECT_EQ(seqs_of("town", kVillage), held);
  EXPECT_EQ(city.process("thief-offline").stop(), 0);

  // A new machine under the same code: a new key, enrolled with the town again; it recovers
  // the village's events before it takes any write.
  city.add("v1new", kVillage, "town");
  if (HasFatalFailure()) return;
  EXPECT_TRUE(recovering("v1new"));
  city.start("v1new");
  ASSERT_TRUE(eventually([&] { return !recovering("v1new"); })) << city.logs();
  city.add_user("v1new", "clerk", "clerk");
  for (const auto& no : {first, second, before}) {
    EXPECT_NE(city.cases("v1new").find(no), std::string::npos) << no;
  }
  EXPECT_EQ(line_count(city.cases("v1new")), 3u);
  const std::string third = submit("v1new");
  ASSERT_TRUE(eventually([&] { return county_lists(4); })) << city.logs();
  EXPECT_NE(city.cases("county").find(third), std::string::npos);

  // Its log continues after the old key's: one event per seq, no gap, at the town and the city.
  for (const char* node : {"town", "city"}) {
    const auto seqs = seqs_of(node, kVillage);
    ASSERT_GT(seqs.size(), held.size()) << node;
    EXPECT_EQ(seqs.begin()->first, 1u) << node;
    EXPECT_EQ(seqs.rbegin()->first, seqs.size()) << node;
    for (const auto& [seq, count] : seqs) EXPECT_EQ(count, 1) << node << " seq " << seq;
  }

  // The county's decision reaches the replacement.
  const auto acted = city.yimen({"case", "act", "--data", city.dir("county").string(), "--as",
                                 "officer", "--case", third, "--action", "accept"});
  ASSERT_EQ(acted.exit_code, 0) << acted.err;
  EXPECT_TRUE(eventually([&] { return state_of(city, "v1new", third) == "accepted"; }))
      << city.logs();
  const auto check = city.yimen({"db", "check", "--data", city.dir("town").string()});
  EXPECT_EQ(check.exit_code, 0) << check.err;
  // The replacement's audit log is its own: the old machine's anchors it got back bind none of
  // its rows, and its own anchors bind them.
  EXPECT_EQ(city.process("v1new").stop(), 0);  // anchors at shutdown
  const auto audit = city.yimen({"audit", "verify", "--data", city.dir("v1new").string()});
  EXPECT_EQ(audit.exit_code, 0) << audit.err;
  EXPECT_NE(audit.out.find("(enrolled again with a new key: recovering its events through seq "),
            std::string::npos)
      << audit.out;
  EXPECT_NE(audit.out.find("newest anchored at seq "), std::string::npos) << audit.out;
}

TEST_F(KeyReplacement, ALostTownIsReplacedAndItsVillagesStayValid) {
  const std::string first = submit("v1");
  ASSERT_TRUE(eventually([&] { return county_lists(1); })) << city.logs();

  // The town's machine is lost; the county revokes its key and a new town is enrolled.
  EXPECT_NE(city.process("town").kill_hard(), 0);
  const auto revoked = city.yimen({"key", "revoke", "--data", city.dir("county").string(),
                                   "--child", kTown, "--reason", "硬盘损坏，无备份"});
  ASSERT_EQ(revoked.exit_code, 0) << revoked.err;
  city.add("town2", kTown, "county");
  if (HasFatalFailure()) return;
  city.give_listen_address("town2");
  city.start("town2");
  ASSERT_TRUE(eventually([&] { return !recovering("town2"); })) << city.logs();

  // The village's history stays valid everywhere: the old town certified it before its
  // revocation. The county still lists the case.
  std::this_thread::sleep_for(std::chrono::seconds(1));
  EXPECT_TRUE(county_lists(1)) << city.cases("county");

  // The village is enrolled again under the new town's key, and its new cases go up.
  enrol_again("v1", "town2");
  if (HasFatalFailure()) return;
  const std::string second = submit("v1");
  ASSERT_TRUE(eventually([&] { return county_lists(2); })) << city.logs();
  EXPECT_NE(city.cases("town2").find(first), std::string::npos);
  EXPECT_NE(city.cases("town2").find(second), std::string::npos);
}

}  // namespace
}  // namespace yimen::testing
