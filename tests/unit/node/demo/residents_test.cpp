#include "node/demo/residents.h"

#include <gtest/gtest.h>

#include <set>

#include "node/hall/identity.h"

namespace yimen::node::demo {
namespace {

TEST(Residents, EveryIdNumberPassesTheHallsChecksWithTheDomicilesCounty) {
  std::mt19937_64 random(7);
  const auto today = *hall::Date::from_ymd(2026, 11, 26);
  const auto domicile = *RegionCode::parse("441803001001");
  std::set<std::string> numbers;
  for (int i = 0; i < 2000; ++i) {
    const Resident r = make_resident(random, domicile, today);
    auto id = hall::parse_person_id(r.id_number, today);
    ASSERT_TRUE(id.ok()) << r.id_number << ": " << id.status().message();
    EXPECT_EQ(id->region, "441803");
    EXPECT_LE(id->birth_date, today.plus_days(-18 * 365));
    EXPECT_FALSE(r.name.empty());
    EXPECT_EQ(r.phone.rfind("0763-33", 0), 0u) << r.phone;
    EXPECT_EQ(r.phone.size(), 12u) << r.phone;
    EXPECT_EQ(r.domicile, "441803001001");
    numbers.insert(r.id_number);
  }
  EXPECT_GT(numbers.size(), 1990u);  // practically all different
}

TEST(Residents, CheckCharacterOfTheStandardsExample) {
  EXPECT_EQ(id_check_character("11010519491231002"), 'X');
  EXPECT_EQ(id_check_character("44180219471103051"), '1');
}

}  // namespace
}  // namespace yimen::node::demo
