#pragma once

// Civil dates, the city's working-day calendar, and statutory time limits
// (DESIGN.md section 6).
//
// Dates are civil dates in China Standard Time; there is no time-zone logic
// here. A year's calendar is published by the city (public holidays and
// make-up working days, 调休上班); a year that has not been published is
// unknown, never guessed as "weekends only".
//
// Counting rules used by every function below:
//   - The start day (the day of acceptance) is not counted; counting starts
//     the next day (民法典 art. 201).
//   - Working-day limits count Monday-Friday except published holidays, plus
//     published make-up Saturdays/Sundays.
//   - Calendar-day limits count every day and are NOT extended when the last
//     day is a holiday or weekend: the result is plainly start + n (plus the
//     paused days, see Pause).

#include <compare>
#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace yimen::hall {

// ISO weekday numbers.
enum class Weekday { kMonday = 1, kTuesday, kWednesday, kThursday, kFriday, kSaturday, kSunday };

// True for years divisible by 4, except centuries not divisible by 400.
bool is_leap_year(int year);

// Days in `month` (1-12) of `year`; 0 when `month` is out of range.
int days_in_month(int year, int month);

// A proleptic Gregorian civil date between 0001-01-01 and 9999-12-31.
// Value type; immutable after construction; thread-safe to share.
class Date {
 public:
  static constexpr int kMinYear = 1;
  static constexpr int kMaxYear = 9999;

  // 1970-01-01.
  constexpr Date() = default;

  // The date year-month-day, or kInvalidArgument when it is not a real date in
  // years kMinYear..kMaxYear (e.g. "2026-02-30 is not a real date").
  static Result<Date> from_ymd(int year, int month, int day);

  // Parses exactly "YYYY-MM-DD" (ASCII digits, '-' separators). kInvalidArgument
  // when the form is wrong or the date is not real.
  static Result<Date> from_string(std::string_view text);

  // The date `days` days after 1970-01-01 (negative: before). Precondition:
  // the result lies in min()..max(); throws std::out_of_range otherwise.
  static Date from_days_since_epoch(std::int64_t days);

  static Date min();  // 0001-01-01
  static Date max();  // 9999-12-31

  int year() const { return year_; }
  int month() const { return month_; }  // 1-12
  int day() const { return day_; }      // 1-31

  // Days since 1970-01-01 (negative before it).
  std::int64_t days_since_epoch() const;

  Weekday weekday() const;
  bool is_weekend() const;  // Saturday or Sunday

  // This date moved by `n` days (n may be negative). Precondition: the result
  // lies in min()..max(); throws std::out_of_range otherwise.
  Date plus_days(std::int64_t n) const;

  // "YYYY-MM-DD".
  std::string to_string() const;

  // Days from `b` to `a` (positive when a is later).
  friend std::int64_t operator-(const Date& a, const Date& b) {
    return a.days_since_epoch() - b.days_since_epoch();
  }
  // Chronological order (members compare year, then month, then day).
  friend constexpr bool operator==(const Date&, const Date&) = default;
  friend constexpr auto operator<=>(const Date&, const Date&) = default;

 private:
  constexpr Date(int year, int month, int day) : year_(year), month_(month), day_(day) {}

  int year_ = 1970;
  int month_ = 1;
  int day_ = 1;
};

// How a time limit is counted.
enum class DayKind {
  kWorking,   // working days of the published calendar
  kCalendar,  // every day; not extended when the last day is a holiday
};

// A stretch during which the clock stands still: materials requested
// (补正), public notice (公示), or any other legal suspension.
//
// Rule: a pause excludes the days AFTER `from` up to AND INCLUDING `to`,
// i.e. the half-open interval (from, to].
//   - `from` is the day the clock stops (materials requested, notice posted).
//     That day still counts: the office had the case that day.
//   - `to` is the day the clock restarts (materials received, last day of
//     notice). That day does not count; counting resumes the next day, just
//     as the acceptance day itself is not counted.
// Example: accepted Mon 03-02, materials requested Wed 03-04 and supplied
// Mon 03-09: 03-03 and 03-04 count, 03-05..03-09 do not, counting resumes
// Tue 03-10. Requested and supplied on the same day: nothing is excluded.
// A 5-day notice posted on D runs D+1..D+5, so it is Pause{D, D+5}.
// `to` empty: still paused (the deadline is unknown).
struct Pause {
  Date from;
  std::optional<Date> to;
};

// Deadline status shown to clerks and supervisors.
enum class Card { kGreen, kYellow, kRed };

// "green", "yellow", "red".
const char* card_name(Card card);

// The city's working-day calendar, one published year at a time.
//
// Thread safety: const member functions may run concurrently with each other;
// publish_year() must not run concurrently with any other call (callers
// serialise it, e.g. under a std::shared_mutex).
class WorkingDayCalendar {
 public:
  // Longest time limit accepted by add_days() and deadline(), in days.
  static constexpr int kMaxTimeLimit = 3660;

  // Publishes (or replaces) the calendar of `year`. `holidays` are days off
  // (they may include weekends); `makeup_working_days` are Saturdays or
  // Sundays that are working days (调休上班). Every other Monday-Friday is a
  // working day, every other Saturday/Sunday is not.
  // Returns kInvalidArgument, and leaves the calendar unchanged, when `year`
  // is outside Date's range, a date lies outside `year`, a make-up day is not
  // a Saturday or Sunday, a date is listed twice in one list, or a date is in
  // both lists.
  Status publish_year(int year, std::vector<Date> holidays, std::vector<Date> makeup_working_days);

  // True when the calendar of `year` has been published.
  bool is_published(int year) const;

  // Whether `date` is a working day. kNotFound ("no working-day calendar
  // published for 2027") when its year has not been published.
  Result<bool> is_working_day(Date date) const;

  // The date `n` days after `start`, not counting `start` itself:
  //   kWorking: the n-th working day after `start` (start may be any day,
  //             even a holiday or a make-up day);
  //   kCalendar: start + n, even when that is a holiday; needs no published
  //             calendar.
  // n == 0 gives `start`. kInvalidArgument when n < 0 or n > kMaxTimeLimit or
  // the result would pass 9999-12-31; kNotFound when the count runs into an
  // unpublished year. Same as deadline(start, n, kind, {}).
  Result<Date> add_days(Date start, int n, DayKind kind) const;

  // The last day of a time limit of `limit` days (counted as add_days())
  // for a case accepted on `accepted`, skipping every day a pause excludes
  // (see Pause; overlapping pauses are allowed, a day is skipped once).
  // A pause that begins on or after the deadline so reached does not move it
  // (a case paused after it is overdue stays overdue).
  // Errors: kInvalidArgument for a limit outside 0..kMaxTimeLimit, a pause
  // that starts before `accepted`, or ends before it starts;
  // kFailedPrecondition ("deadline unknown: the clock is paused since
  // 2026-03-04") when an open pause starts before the deadline is reached;
  // kNotFound when the count runs into an unpublished year.
  Result<Date> deadline(Date accepted, int limit, DayKind kind,
                        std::span<const Pause> pauses) const;

  // The card for a case due on `due`, seen on `today`:
  //   red    when today > due (needs no calendar);
  //   yellow when the working days from today to due, both included, are at
  //          most `yellow_working_days` (on a working due day: yellow with 1
  //          left; a due day that is not a working day may leave 0);
  //   green  otherwise.
  // kInvalidArgument when yellow_working_days < 0; kNotFound when a year
  // needed for the count has not been published (counting stops as soon as
  // the card is known to be green).
  Result<Card> card(Date today, Date due, int yellow_working_days = 1) const;

 private:
  // working_[year][day of year, 0-based] is true for a working day.
  std::map<int, std::vector<bool>> working_;
};

// One year of the working-day calendar as the city publishes it (from a
// calendar file, node/hall/calendar_file.h, or the calendar page).
struct CalendarYear {
  int year = 0;
  std::vector<Date> holidays;
  std::vector<Date> makeup_working_days;  // 调休: weekend days that are working days
  std::string notice;                     // the State Council notice it follows
  // A stand-in published before the State Council's arrangement (e.g. by
  // `make demo` for a year without an official one); shown as provisional
  // wherever the calendar is shown.
  bool provisional = false;
};

// From this month on, a node warns that next year's calendar is missing.
inline constexpr int kCalendarWarningMonth = 11;

// Whether the calendar covers today and the year ahead. Without the year's
// calendar, deadlines, cards, appointments and on-time figures are unknown
// from its first day, so every node warns early (dashboard, `yimen status`,
// /metrics).
struct CalendarOutlook {
  int this_year = 0;
  bool this_year_published = false;
  bool next_year_published = false;
  // The year to warn about: this year when it is not published (deadlines are
  // unknown now), else next year from 1 November (kCalendarWarningMonth) when
  // it is not; nullopt when nothing is missing.
  std::optional<int> missing_year;
  // The first day deadlines become unknown: 1 January of missing_year.
  std::optional<Date> unknown_from;
};

// The outlook of `calendar` seen on `today` (pure).
CalendarOutlook calendar_outlook(const WorkingDayCalendar& calendar, Date today);

}  // namespace yimen::hall
