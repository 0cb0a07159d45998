#pragma once

// Calendar files: one year of the working-day calendar as the State Council
// publishes it, loaded by the city with `yimen calendar publish`.
// config/calendar-2026.toml is the 2026 arrangement.
//
// Format (TOML 1.0, UTF-8), every key required except notice:
//   year = 2026
//   notice = "国办发明电〔2025〕7号"          the notice it follows
//   holidays = ["2026-01-01", ...]           days off (weekends may be listed)
//   makeup_working_days = ["2026-01-04", ...] weekend days that are working days
//   provisional = true                       optional: a stand-in published before
//                                            the official arrangement (demo cities)
// Errors name the source and the key: "calendar.toml:3: holidays[2]: not a date
// (YYYY-MM-DD): '2026-13-01'"; the year itself is checked as
// WorkingDayCalendar::publish_year does.

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "node/hall/calendar.h"

namespace yimen::hall {

inline constexpr size_t kMaxCalendarFileBytes = 64 * 1024;

Result<CalendarYear> parse_calendar_file(std::string_view text, std::string_view source);
// kNotFound when the file cannot be opened.
Result<CalendarYear> load_calendar_file(const std::filesystem::path& path);

}  // namespace yimen::hall
