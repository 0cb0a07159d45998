// Fuzzes calendar files (node/hall/calendar_file.h), what the city publishes
// with `yimen calendar publish`. A file that parses must be accepted by the
// working-day calendar (which checks the year as publish_year does), and
// every day it names must be in its year; deadlines are counted on it.

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fuzz/fuzz_check.h"
#include "node/hall/calendar.h"
#include "node/hall/calendar_file.h"

using namespace yimen;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto file = hall::parse_calendar_file(text, "calendar.toml");
  if (!file.ok()) {
    YIMEN_FUZZ_CHECK(!file.status().message().empty(), "an error without a message");
    return 0;
  }
  for (const auto& day : file->holidays)
    YIMEN_FUZZ_CHECK(day.year() == file->year, day.to_string());
  for (const auto& day : file->makeup_working_days) {
    YIMEN_FUZZ_CHECK(day.year() == file->year, day.to_string());
    YIMEN_FUZZ_CHECK(day.is_weekend(), day.to_string());
  }
  hall::WorkingDayCalendar calendar;
  const Status published =
      calendar.publish_year(file->year, file->holidays, file->makeup_working_days);
  YIMEN_FUZZ_CHECK(published.ok(), published.message());
  YIMEN_FUZZ_CHECK(calendar.is_published(file->year), "year not published");
  // Deadlines counted on it (any holiday pattern, e.g. a year without a working day).
  const hall::Date start = hall::Date::from_ymd(file->year, 1, 1).value();
  for (int n : {0, 1, 5, 20, 60, 400}) {
    auto due = calendar.add_days(start, n, hall::DayKind::kWorking);
    if (due.ok()) YIMEN_FUZZ_CHECK(*due >= start, due->to_string());
  }
  return 0;
}
