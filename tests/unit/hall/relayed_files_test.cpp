// Copies of material files a node only relayed are dropped after a week; the
// files of the cases a node took or handles stay.

#include "node/hall/relayed_files.h"

#include <ctime>

#include "hall_city.h"
#include "node/hall/online_application.h"
#include "storage/blob_store.h"

namespace yimen::hall::testing {
namespace {

const Bytes kPdf = [] {
  const std::string_view s = "%PDF-1.4 a scanned application form";
  return Bytes(s.begin(), s.end());
}();

class RelayedFilesTest : public HallCityTest {};

TEST_F(RelayedFilesTest, ARelayDropsItsCopyAfterAWeekAndTheCasesNodesKeepTheirs) {
  // The village takes an online application with the file; the county handles it.
  auto ref = store_upload(city[kVillage].db, code(kVillage), kPdf, city.clock_ms / 1000);
  ASSERT_TRUE(ref.ok()) << ref.status().message();
  Application a = application();
  a.channel = "online";
  a.materials = {
      {0, "electronic", "", MaterialFile{ref->hash, ref->size, "申请书.pdf", "application/pdf"}},
      {1, "shared", "", std::nullopt},
      {2, "commitment", "", std::nullopt}};
  auto submitted = village().submit(Actor{}, a);
  ASSERT_TRUE(submitted.ok()) << submitted.status().message();
  city.deliver(kVillage, kCounty);
  city.deliver(kVillage, kCity);
  // The county fetched the file; the city held it on the way (as a relay does).
  for (const char* node : {kCounty, kCity}) {
    ASSERT_TRUE(storage::put_blob(city[node].db, kPdf, kVillage).ok()) << node;
  }
  // An unrelated file the city relayed for a case it never saw.
  const Bytes other(kPdf.rbegin(), kPdf.rend());
  ASSERT_TRUE(storage::put_blob(city[kCity].db, other, kOtherVillage).ok());

  const std::int64_t now = std::time(nullptr);
  for (const char* node : {kVillage, kCounty, kCity}) {
    EXPECT_EQ(drop_relayed_files(city[node].db, code(node), now + 6 * 24 * 3600).value(), 0)
        << node << ": within the week everything stays";
  }
  const std::int64_t later = now + 8 * 24 * 3600;
  EXPECT_EQ(drop_relayed_files(city[kVillage].db, code(kVillage), later).value(), 0);
  EXPECT_EQ(drop_relayed_files(city[kCounty].db, code(kCounty), later).value(), 0);
  EXPECT_EQ(drop_relayed_files(city[kCity].db, code(kCity), later).value(), 2);
  EXPECT_TRUE(storage::blob_held(city[kVillage].db, *ref).value());
  EXPECT_TRUE(storage::blob_held(city[kCounty].db, *ref).value());
  EXPECT_FALSE(storage::blob_held(city[kCity].db, *ref).value());
  EXPECT_FALSE(storage::read_blob(city[kCity].db, ref->hash).value().has_value());
  // The city still has the case itself; only its copy of the file went.
  EXPECT_EQ(at(kCity, submitted->case_no).case_no, submitted->case_no);
}

}  // namespace
}  // namespace yimen::hall::testing
