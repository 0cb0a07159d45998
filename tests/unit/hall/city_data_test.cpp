// The data the demo city publishes: the city-wide catalogue
// (config/catalogue.city.toml) and the 2026 calendar (config/calendar-2026.toml).

#include <gtest/gtest.h>

#include <set>

#include "node/hall/calendar_file.h"
#include "node/hall/catalogue_file.h"

namespace yimen::hall {
namespace {

std::string source(const char* name) { return std::string(YIMEN_SOURCE_DIR) + "/config/" + name; }

TEST(CityData, TheCatalogueHoldsThirtyOrMoreRealItemsWithTheFeaturesTheHallOffers) {
  auto items = load_catalogue_file(source("catalogue.city.toml"));
  ASSERT_TRUE(items.ok()) << items.status().message();
  EXPECT_GE(items->size(), 30u);
  int commitment = 0, sharing = 0, same_city = 0, online = 0, parallel = 0;
  std::set<RegionLevel> levels;
  for (const ServiceItem& item : *items) {
    EXPECT_TRUE(validate(item).ok()) << item.name;
    EXPECT_EQ(item.code.region, "441800000000") << item.name;  // the city publishes it
    EXPECT_FALSE(item.legal_basis.empty() && item.code.type != ItemType::kPublicService)
        << item.name;
    levels.insert(item.handling_level);
    same_city += item.same_city_handling;
    parallel += !item.parallel_departments.empty();
    online += item.online_capable && item.visits_required <= 1;
    bool has_commitment = false, has_sharing = false;
    for (const Material& m : item.materials) {
      has_commitment |= m.kind == MaterialKind::kCommitmentAllowed;
      has_sharing |= m.kind == MaterialKind::kDataSharing;
      EXPECT_FALSE(m.common_mistakes.empty()) << item.name << ": " << m.name;
    }
    commitment += has_commitment;
    sharing += has_sharing;
  }
  EXPECT_GE(commitment, 3);
  EXPECT_GE(sharing, 5);
  EXPECT_GE(same_city, 3);
  EXPECT_GE(parallel, 2);
  EXPECT_GE(online, 3);
  EXPECT_TRUE(levels.contains(RegionLevel::kVillage));
  EXPECT_TRUE(levels.contains(RegionLevel::kTown));
  EXPECT_TRUE(levels.contains(RegionLevel::kCounty));
}

TEST(CityData, The2026CalendarIsTheStateCouncilArrangement) {
  auto file = load_calendar_file(source("calendar-2026.toml"));
  ASSERT_TRUE(file.ok()) << file.status().message();
  EXPECT_EQ(file->year, 2026);
  EXPECT_EQ(file->holidays.size(), 33u);
  EXPECT_EQ(file->makeup_working_days.size(), 6u);
  WorkingDayCalendar calendar;
  ASSERT_TRUE(calendar.publish_year(2026, file->holidays, file->makeup_working_days).ok());
  auto working = [&](const char* d) {
    return calendar.is_working_day(Date::from_string(d).value()).value();
  };
  EXPECT_FALSE(working("2026-02-16"));  // 春节
  EXPECT_TRUE(working("2026-02-14"));   // a make-up Saturday
  EXPECT_TRUE(working("2026-10-10"));
  EXPECT_FALSE(working("2026-10-07"));
  EXPECT_TRUE(working("2026-11-26"));
}

TEST(CityData, ABrokenCalendarFileIsRefusedNamingTheKey) {
  EXPECT_EQ(parse_calendar_file(
                "year = 2026\nholidays = [\"2026-13-01\"]\nmakeup_working_days = []\n", "c.toml")
                .status()
                .message(),
            "c.toml:2: holidays[0]: not a date (YYYY-MM-DD): '2026-13-01'");
  EXPECT_EQ(parse_calendar_file("year = 2026\nholiday = []\n", "c.toml").status().message(),
            "c.toml:2: holiday: unknown key");
  EXPECT_EQ(parse_calendar_file(
                "year = 2026\nholidays = []\nmakeup_working_days = [\"2026-11-26\"]\n", "c.toml")
                .status()
                .code(),
            ErrorCode::kInvalidArgument);  // a Thursday is no make-up day
  EXPECT_FALSE(parse_calendar_file("year = [", "c.toml").ok());
  // A year that does not fit an int is refused, not read as another year (2^32 + 2026).
  EXPECT_EQ(
      parse_calendar_file("year = 4294969322\nholidays = []\nmakeup_working_days = []\n", "c.toml")
          .status()
          .message(),
      "c.toml:1: year: expected 1 to 9999, got 4294969322");
  EXPECT_EQ(parse_calendar_file("year = 2027\nprovisional = \"yes\"\nholidays = []\n"
                                "makeup_working_days = []\n",
                                "c.toml")
                .status()
                .message(),
            "c.toml:2: provisional: expected true or false");
}

TEST(CityData, AProvisionalCalendarSaysSo) {
  auto file = parse_calendar_file(
      "year = 2027\nprovisional = true\nholidays = []\nmakeup_working_days = []\n", "c.toml");
  ASSERT_TRUE(file.ok()) << file.status().message();
  EXPECT_TRUE(file->provisional);
  auto official = load_calendar_file(source("calendar-2026.toml"));
  ASSERT_TRUE(official.ok()) << official.status().message();
  EXPECT_FALSE(official->provisional);
}

}  // namespace
}  // namespace yimen::hall
