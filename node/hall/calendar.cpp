#include "node/hall/calendar.h"

#include <algorithm>
#include <stdexcept>

namespace yimen::hall {
namespace {

// Howard Hinnant's days_from_civil / civil_from_days (public domain), for the
// proleptic Gregorian calendar; day 0 is 1970-01-01.
std::int64_t days_from_civil(std::int64_t y, std::int64_t m, std::int64_t d) {
  y -= m <= 2 ? 1 : 0;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const std::int64_t yoe = y - era * 400;                                    // [0, 399]
  const std::int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;  // [0, 365]
  const std::int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;            // [0, 146096]
  return era * 146097 + doe - 719468;
}

struct Ymd {
  std::int64_t year;
  std::int64_t month;
  std::int64_t day;
};

Ymd civil_from_days(std::int64_t z) {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const std::int64_t doe = z - era * 146097;                                       // [0, 146096]
  const std::int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;  // [0, 399]
  const std::int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);                // [0, 365]
  const std::int64_t mp = (5 * doy + 2) / 153;                                     // [0, 11]
  const std::int64_t d = doy - (153 * mp + 2) / 5 + 1;                             // [1, 31]
  const std::int64_t m = mp < 10 ? mp + 3 : mp - 9;                                // [1, 12]
  return {yoe + era * 400 + (m <= 2 ? 1 : 0), m, d};
}

constexpr std::int64_t kMinDays = -719162;  // 0001-01-01
constexpr std::int64_t kMaxDays = 2932896;  // 9999-12-31

std::string year_not_published(int year) {
  return "no working-day calendar published for " + std::to_string(year);
}

// Index of `date` within its year, 0 for January 1.
size_t day_of_year(Date date) {
  const Date jan1 = Date::from_ymd(date.year(), 1, 1).value();
  return static_cast<size_t>(date - jan1);
}

}  // namespace

bool is_leap_year(int year) { return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0; }

int days_in_month(int year, int month) {
  switch (month) {
    case 1:
    case 3:
    case 5:
    case 7:
    case 8:
    case 10:
    case 12:
      return 31;
    case 4:
    case 6:
    case 9:
    case 11:
      return 30;
    case 2:
      return is_leap_year(year) ? 29 : 28;
    default:
      return 0;
  }
}

Result<Date> Date::from_ymd(int year, int month, int day) {
  if (year < kMinYear || year > kMaxYear) {
    return invalid_argument("year " + std::to_string(year) + " is outside " +
                            std::to_string(kMinYear) + "-" + std::to_string(kMaxYear));
  }
  if (day < 1 || day > days_in_month(year, month)) {
    // Built by hand: the parts may not form a Date.
    std::string text = std::to_string(year);
    text.insert(0, 4 - std::min<size_t>(4, text.size()), '0');
    text += month < 10 && month >= 0 ? "-0" : "-";
    text += std::to_string(month);
    text += day < 10 && day >= 0 ? "-0" : "-";
    text += std::to_string(day);
    return invalid_argument(text + " is not a real date");
  }
  return Date(year, month, day);
}

Result<Date> Date::from_string(std::string_view text) {
  constexpr std::string_view kForm = "date must be YYYY-MM-DD";
  if (text.size() != 10) {
    return invalid_argument(std::string(kForm) + ", got " + std::to_string(text.size()) +
                            " characters");
  }
  int parts[3] = {0, 0, 0};
  int part = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (i == 4 || i == 7) {
      if (c != '-')
        return invalid_argument(std::string(kForm) + ", got '" + std::string(text) + "'");
      ++part;
    } else if (c >= '0' && c <= '9') {
      parts[part] = parts[part] * 10 + (c - '0');
    } else {
      return invalid_argument(std::string(kForm) + ", got '" + std::string(text) + "'");
    }
  }
  return from_ymd(parts[0], parts[1], parts[2]);
}

Date Date::from_days_since_epoch(std::int64_t days) {
  if (days < kMinDays || days > kMaxDays) {
    throw std::out_of_range("date outside 0001-01-01..9999-12-31");
  }
  const Ymd ymd = civil_from_days(days);
  return Date(static_cast<int>(ymd.year), static_cast<int>(ymd.month), static_cast<int>(ymd.day));
}

Date Date::min() { return Date(kMinYear, 1, 1); }
Date Date::max() { return Date(kMaxYear, 12, 31); }

std::int64_t Date::days_since_epoch() const { return days_from_civil(year_, month_, day_); }

Weekday Date::weekday() const {
  // 1970-01-01 was a Thursday (ISO 4).
  const std::int64_t d = days_since_epoch();
  const std::int64_t iso = ((d % 7 + 7 + 3) % 7) + 1;
  return static_cast<Weekday>(iso);
}

bool Date::is_weekend() const {
  const Weekday w = weekday();
  return w == Weekday::kSaturday || w == Weekday::kSunday;
}

Date Date::plus_days(std::int64_t n) const {
  const std::int64_t d = days_since_epoch();
  if ((n > 0 && d > kMaxDays - n) || (n < 0 && d < kMinDays - n)) {
    throw std::out_of_range("date outside 0001-01-01..9999-12-31");
  }
  return from_days_since_epoch(d + n);
}

std::string Date::to_string() const {
  std::string text(10, '0');
  auto put = [&text](size_t end, int value) {
    for (size_t i = end; value > 0; --i, value /= 10) text[i] = static_cast<char>('0' + value % 10);
  };
  put(3, year_);
  text[4] = '-';
  put(6, month_);
  text[7] = '-';
  put(9, day_);
  return text;
}

CalendarOutlook calendar_outlook(const WorkingDayCalendar& calendar, Date today) {
  CalendarOutlook out;
  out.this_year = today.year();
  out.this_year_published = calendar.is_published(today.year());
  out.next_year_published =
      today.year() < Date::kMaxYear && calendar.is_published(today.year() + 1);
  if (!out.this_year_published) {
    out.missing_year = today.year();
  } else if (today.month() >= kCalendarWarningMonth && !out.next_year_published &&
             today.year() < Date::kMaxYear) {
    out.missing_year = today.year() + 1;
  }
  if (out.missing_year) out.unknown_from = *Date::from_ymd(*out.missing_year, 1, 1);
  return out;
}

const char* card_name(Card card) {
  switch (card) {
    case Card::kGreen:
      return "green";
    case Card::kYellow:
      return "yellow";
    case Card::kRed:
      return "red";
  }
  return "unknown";
}

Status WorkingDayCalendar::publish_year(int year, std::vector<Date> holidays,
                                        std::vector<Date> makeup_working_days) {
  YIMEN_ASSIGN_OR_RETURN(const Date jan1, Date::from_ymd(year, 1, 1));
  const std::string year_text = std::to_string(year);

  auto check_list = [&](std::vector<Date>& dates, const std::string& what) -> Status {
    for (const Date& d : dates) {
      if (d.year() != year) {
        std::string message = what;
        message += " " + d.to_string() + " is not in " + year_text;
        return invalid_argument(std::move(message));
      }
    }
    std::sort(dates.begin(), dates.end());
    const auto dup = std::adjacent_find(dates.begin(), dates.end());
    if (dup != dates.end())
      return invalid_argument(what + " " + dup->to_string() + " is listed twice");
    return Status::ok_status();
  };
  YIMEN_TRY(check_list(holidays, "holiday"));
  YIMEN_TRY(check_list(makeup_working_days, "make-up working day"));
  for (const Date& d : makeup_working_days) {
    if (!d.is_weekend()) {
      return invalid_argument("make-up working day " + d.to_string() +
                              " is not a Saturday or Sunday");
    }
    if (std::binary_search(holidays.begin(), holidays.end(), d)) {
      return invalid_argument(d.to_string() +
                              " is listed both as a holiday and as a make-up working day");
    }
  }

  const size_t days = is_leap_year(year) ? 366 : 365;
  std::vector<bool> working(days);
  for (size_t i = 0; i < days; ++i)
    working[i] = !jan1.plus_days(static_cast<std::int64_t>(i)).is_weekend();
  for (const Date& d : holidays) working[day_of_year(d)] = false;
  for (const Date& d : makeup_working_days) working[day_of_year(d)] = true;
  working_[year] = std::move(working);
  return Status::ok_status();
}

bool WorkingDayCalendar::is_published(int year) const { return working_.contains(year); }

Result<bool> WorkingDayCalendar::is_working_day(Date date) const {
  const auto it = working_.find(date.year());
  if (it == working_.end()) return not_found(year_not_published(date.year()));
  return static_cast<bool>(it->second[day_of_year(date)]);
}

Result<Date> WorkingDayCalendar::add_days(Date start, int n, DayKind kind) const {
  return deadline(start, n, kind, {});
}

Result<Date> WorkingDayCalendar::deadline(Date accepted, int limit, DayKind kind,
                                          std::span<const Pause> pauses) const {
  if (limit < 0 || limit > kMaxTimeLimit) {
    return invalid_argument("time limit must be 0-" + std::to_string(kMaxTimeLimit) +
                            " days, got " + std::to_string(limit));
  }
  for (const Pause& p : pauses) {
    if (p.from < accepted) {
      return invalid_argument("pause from " + p.from.to_string() +
                              " starts before the case was accepted on " + accepted.to_string());
    }
    if (p.to && *p.to < p.from) {
      return invalid_argument("pause from " + p.from.to_string() + " ends before it starts, on " +
                              p.to->to_string());
    }
  }

  Date day = accepted;
  int counted = 0;
  while (counted < limit) {
    if (day == Date::max()) return invalid_argument("deadline would fall after 9999-12-31");
    day = day.plus_days(1);

    // Skip to the last day of the longest closed pause covering `day`.
    std::optional<Date> skip_to;
    for (const Pause& p : pauses) {
      if (day <= p.from) continue;
      if (!p.to) {
        return failed_precondition("deadline unknown: the clock is paused since " +
                                   p.from.to_string());
      }
      if (day <= *p.to && (!skip_to || *skip_to < *p.to)) skip_to = *p.to;
    }
    if (skip_to) {
      day = *skip_to;
      continue;
    }

    if (kind == DayKind::kWorking) {
      YIMEN_ASSIGN_OR_RETURN(const bool working, is_working_day(day));
      if (!working) continue;
    }
    ++counted;
  }
  return day;
}

Result<Card> WorkingDayCalendar::card(Date today, Date due, int yellow_working_days) const {
  if (yellow_working_days < 0) {
    return invalid_argument("yellow card threshold must be at least 0 working days, got " +
                            std::to_string(yellow_working_days));
  }
  if (today > due) return Card::kRed;
  int left = 0;
  for (Date day = today;; day = day.plus_days(1)) {
    YIMEN_ASSIGN_OR_RETURN(const bool working, is_working_day(day));
    if (working && ++left > yellow_working_days) return Card::kGreen;
    if (day == due) break;
  }
  return Card::kYellow;
}

}  // namespace yimen::hall
