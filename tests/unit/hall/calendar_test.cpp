#include "node/hall/calendar.h"

#include <gtest/gtest.h>

#include <array>
#include <ostream>
#include <stdexcept>
#include <string_view>
#include <vector>

namespace yimen::hall {

// Readable dates in failure output; gtest looks this name up.
void PrintTo(const Date& value, std::ostream* os) {  // NOLINT(readability-identifier-naming)
  *os << value.to_string();
}

namespace {

Date date(std::string_view text) {
  Result<Date> d = Date::from_string(text);
  if (!d.ok()) throw std::invalid_argument("bad test date: " + d.status().message());
  return *d;
}

std::vector<Date> dates(std::initializer_list<std::string_view> texts) {
  std::vector<Date> out;
  for (auto t : texts) out.push_back(date(t));
  return out;
}

// 国务院办公厅关于2026年部分节假日安排的通知 (国办发明电〔2025〕7号), as in
// /work/shared/data/holidays-2026.md. Days off, including weekends.
const std::vector<Date>& holidays_2026() {
  static const std::vector<Date> list = dates({
      "2026-01-01", "2026-01-02", "2026-01-03",                              // 元旦
      "2026-02-15", "2026-02-16", "2026-02-17", "2026-02-18", "2026-02-19",  // 春节
      "2026-02-20", "2026-02-21", "2026-02-22", "2026-02-23",                //
      "2026-04-04", "2026-04-05", "2026-04-06",                              // 清明节
      "2026-05-01", "2026-05-02", "2026-05-03", "2026-05-04", "2026-05-05",  // 劳动节
      "2026-06-19", "2026-06-20", "2026-06-21",                              // 端午节
      "2026-09-25", "2026-09-26", "2026-09-27",                              // 中秋节
      "2026-10-01", "2026-10-02", "2026-10-03", "2026-10-04", "2026-10-05",  // 国庆节
      "2026-10-06", "2026-10-07",                                            //
  });
  return list;
}

// 调休上班 2026: weekend days that are working days.
const std::vector<Date>& makeup_2026() {
  static const std::vector<Date> list = dates({
      "2026-01-04",  // Sun, 元旦
      "2026-02-14",  // Sat, 春节
      "2026-02-28",  // Sat, 春节
      "2026-05-09",  // Sat, 劳动节
      "2026-09-20",  // Sun, 国庆节
      "2026-10-10",  // Sat, 国庆节
  });
  return list;
}

// 2025 (国办发明电〔2024〕12号), for a second year.
const std::vector<Date>& holidays_2025() {
  static const std::vector<Date> list = dates({
      "2025-01-01", "2025-01-28", "2025-01-29", "2025-01-30", "2025-01-31", "2025-02-01",
      "2025-02-02", "2025-02-03", "2025-02-04", "2025-04-04", "2025-04-05", "2025-04-06",
      "2025-05-01", "2025-05-02", "2025-05-03", "2025-05-04", "2025-05-05", "2025-05-31",
      "2025-06-01", "2025-06-02", "2025-10-01", "2025-10-02", "2025-10-03", "2025-10-04",
      "2025-10-05", "2025-10-06", "2025-10-07", "2025-10-08",
  });
  return list;
}
const std::vector<Date>& makeup_2025() {
  static const std::vector<Date> list =
      dates({"2025-01-26", "2025-02-08", "2025-04-27", "2025-09-28", "2025-10-11"});
  return list;
}

class CalendarTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(cal_.publish_year(2025, holidays_2025(), makeup_2025()).ok());
    ASSERT_TRUE(cal_.publish_year(2026, holidays_2026(), makeup_2026()).ok());
  }

  bool working(std::string_view day) const {
    Result<bool> r = cal_.is_working_day(date(day));
    EXPECT_TRUE(r.ok()) << r.status().message();
    return r.ok() && *r;
  }
  Date add_working(std::string_view start, int n) const {
    Result<Date> r = cal_.add_days(date(start), n, DayKind::kWorking);
    EXPECT_TRUE(r.ok()) << r.status().message();
    return r.ok() ? *r : Date();
  }
  Card card_on(std::string_view today, std::string_view due, int yellow = 1) const {
    Result<Card> r = cal_.card(date(today), date(due), yellow);
    EXPECT_TRUE(r.ok()) << r.status().message();
    return r.ok() ? *r : Card::kGreen;
  }

  WorkingDayCalendar cal_;
};

// ---------------------------------------------------------------- Date

TEST(DateTest, ParsesAndFormats) {
  Result<Date> d = Date::from_string("2026-02-14");
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->year(), 2026);
  EXPECT_EQ(d->month(), 2);
  EXPECT_EQ(d->day(), 14);
  EXPECT_EQ(d->to_string(), "2026-02-14");
  EXPECT_EQ(Date::from_string("0001-01-01")->to_string(), "0001-01-01");
  EXPECT_EQ(Date::from_string("9999-12-31")->to_string(), "9999-12-31");
  EXPECT_EQ(Date().to_string(), "1970-01-01");
}

TEST(DateTest, RejectsMalformedText) {
  for (std::string_view bad : {"2026-2-14", "2026/02/14", "20260214", "2026-02-1a", "",
                               " 2026-02-14", "2026-02-14 ", "+026-02-14", "0000-01-01"}) {
    EXPECT_FALSE(Date::from_string(bad).ok()) << bad;
  }
  EXPECT_EQ(Date::from_string("2026-2-14").status().message(),
            "date must be YYYY-MM-DD, got 9 characters");
  EXPECT_EQ(Date::from_string("2026/02/14").status().message(),
            "date must be YYYY-MM-DD, got '2026/02/14'");
  EXPECT_EQ(Date::from_string("2026-02-30").status().message(), "2026-02-30 is not a real date");
  EXPECT_EQ(Date::from_string("2026-13-01").status().message(), "2026-13-01 is not a real date");
  EXPECT_EQ(Date::from_string("2026-00-10").status().message(), "2026-00-10 is not a real date");
  EXPECT_EQ(Date::from_string("2026-04-31").status().message(), "2026-04-31 is not a real date");
  EXPECT_EQ(Date::from_string("2026-02-30").status().code(), ErrorCode::kInvalidArgument);
}

TEST(DateTest, LeapYears) {
  EXPECT_FALSE(is_leap_year(1900));
  EXPECT_TRUE(is_leap_year(2000));
  EXPECT_TRUE(is_leap_year(2024));
  EXPECT_FALSE(is_leap_year(2026));
  EXPECT_FALSE(is_leap_year(2100));
  EXPECT_TRUE(Date::from_ymd(2024, 2, 29).ok());
  EXPECT_TRUE(Date::from_ymd(2000, 2, 29).ok());
  EXPECT_FALSE(Date::from_ymd(2026, 2, 29).ok());
  EXPECT_FALSE(Date::from_ymd(1900, 2, 29).ok());
  EXPECT_EQ(days_in_month(2026, 2), 28);
  EXPECT_EQ(days_in_month(2024, 2), 29);
  EXPECT_EQ(days_in_month(2026, 13), 0);
}

TEST(DateTest, Weekdays) {
  EXPECT_EQ(date("1970-01-01").weekday(), Weekday::kThursday);
  EXPECT_EQ(date("2026-01-01").weekday(), Weekday::kThursday);
  EXPECT_EQ(date("2026-02-14").weekday(), Weekday::kSaturday);
  EXPECT_EQ(date("2026-01-04").weekday(), Weekday::kSunday);
  EXPECT_EQ(date("2026-02-23").weekday(), Weekday::kMonday);
  EXPECT_EQ(date("2026-05-05").weekday(), Weekday::kTuesday);
  EXPECT_EQ(date("2026-10-07").weekday(), Weekday::kWednesday);
  EXPECT_EQ(date("2000-01-01").weekday(), Weekday::kSaturday);
  EXPECT_EQ(date("1900-01-01").weekday(), Weekday::kMonday);
  EXPECT_EQ(date("0001-01-01").weekday(), Weekday::kMonday);
  EXPECT_TRUE(date("2026-02-14").is_weekend());
  EXPECT_FALSE(date("2026-02-13").is_weekend());
}

TEST(DateTest, ArithmeticAndOrder) {
  EXPECT_EQ(date("1970-01-01").days_since_epoch(), 0);
  EXPECT_EQ(date("1969-12-31").days_since_epoch(), -1);
  EXPECT_EQ(date("2026-02-28").plus_days(1), date("2026-03-01"));
  EXPECT_EQ(date("2024-02-28").plus_days(1), date("2024-02-29"));
  EXPECT_EQ(date("2026-12-31").plus_days(1), date("2027-01-01"));
  EXPECT_EQ(date("2026-01-01").plus_days(-1), date("2025-12-31"));
  EXPECT_EQ(date("2027-01-01") - date("2026-01-01"), 365);
  EXPECT_EQ(date("2025-01-01") - date("2024-01-01"), 366);
  EXPECT_LT(date("2026-02-14"), date("2026-02-15"));
  EXPECT_LT(date("2025-12-31"), date("2026-01-01"));
  EXPECT_LT(date("2026-01-31"), date("2026-02-01"));
  EXPECT_EQ(Date::min(), date("0001-01-01"));
  EXPECT_EQ(Date::max(), date("9999-12-31"));
  EXPECT_THROW((void)Date::max().plus_days(1), std::out_of_range);
  EXPECT_THROW((void)Date::min().plus_days(-1), std::out_of_range);

  // Every day of 1899..2101 round-trips through days_since_epoch and text.
  Date d = date("1899-01-01");
  for (std::int64_t n = d.days_since_epoch(); d <= date("2101-12-31"); ++n, d = d.plus_days(1)) {
    ASSERT_EQ(d.days_since_epoch(), n);
    ASSERT_EQ(Date::from_days_since_epoch(n), d);
    ASSERT_EQ(date(d.to_string()), d);
  }
}

// ---------------------------------------------------------------- publishing

TEST_F(CalendarTest, Data2026HasTheDocumentedShape) {
  for (const Date& d : makeup_2026()) EXPECT_TRUE(d.is_weekend()) << d.to_string();
  int weekday_holidays = 0;
  for (const Date& d : holidays_2026()) weekday_holidays += d.is_weekend() ? 0 : 1;
  EXPECT_EQ(weekday_holidays, 19);
  EXPECT_EQ(holidays_2026().size(), 33u);
}

TEST_F(CalendarTest, WorkingDaysPerYear) {
  for (int year : {2025, 2026}) {
    int count = 0;
    for (Date d = *Date::from_ymd(year, 1, 1); d.year() == year; d = d.plus_days(1)) {
      Result<bool> w = cal_.is_working_day(d);
      ASSERT_TRUE(w.ok());
      count += *w ? 1 : 0;
    }
    EXPECT_EQ(count, 248) << year;
  }
}

TEST_F(CalendarTest, WorkedExamplesOfTheNotice) {
  EXPECT_TRUE(working("2026-01-04"));   // Sun, make-up day
  EXPECT_FALSE(working("2026-01-03"));  // Sat, holiday
  EXPECT_FALSE(working("2026-01-01"));
  EXPECT_TRUE(working("2026-01-05"));
  EXPECT_TRUE(working("2026-02-14"));
  EXPECT_FALSE(working("2026-02-23"));  // Mon, 正月初七
  EXPECT_TRUE(working("2026-02-24"));
  EXPECT_TRUE(working("2026-09-20"));   // Sun, 国庆节 make-up before 中秋
  EXPECT_FALSE(working("2026-09-19"));  // an ordinary Saturday
  EXPECT_TRUE(working("2026-10-08"));
  EXPECT_TRUE(working("2026-10-09"));
  EXPECT_TRUE(working("2026-10-10"));   // Sat, make-up day
  EXPECT_FALSE(working("2026-10-11"));  // Sun
  EXPECT_FALSE(working("2026-06-19"));  // Fri, 端午
  EXPECT_FALSE(working("2026-09-25"));  // Fri, 中秋
}

TEST_F(CalendarTest, UnpublishedYearIsUnknown) {
  Result<bool> r = cal_.is_working_day(date("2027-01-04"));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), ErrorCode::kNotFound);
  EXPECT_EQ(r.status().message(), "no working-day calendar published for 2027");
  // Not even a plain Saturday is guessed.
  EXPECT_FALSE(cal_.is_working_day(date("2027-01-02")).ok());
  EXPECT_FALSE(cal_.is_working_day(date("2024-12-31")).ok());
  EXPECT_TRUE(cal_.is_published(2026));
  EXPECT_FALSE(cal_.is_published(2027));
}

TEST_F(CalendarTest, PublishValidates) {
  WorkingDayCalendar cal;
  Status s = cal.publish_year(2026, dates({"2026-05-01", "2027-01-01"}), {});
  EXPECT_EQ(s.code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(s.message(), "holiday 2027-01-01 is not in 2026");

  s = cal.publish_year(2026, {}, dates({"2025-12-27"}));
  EXPECT_EQ(s.message(), "make-up working day 2025-12-27 is not in 2026");

  s = cal.publish_year(2026, {}, dates({"2026-05-08"}));  // a Friday
  EXPECT_EQ(s.message(), "make-up working day 2026-05-08 is not a Saturday or Sunday");

  s = cal.publish_year(2026, dates({"2026-05-09"}), dates({"2026-05-09"}));
  EXPECT_EQ(s.message(), "2026-05-09 is listed both as a holiday and as a make-up working day");

  s = cal.publish_year(2026, dates({"2026-05-01", "2026-05-02", "2026-05-01"}), {});
  EXPECT_EQ(s.message(), "holiday 2026-05-01 is listed twice");

  s = cal.publish_year(0, {}, {});
  EXPECT_EQ(s.code(), ErrorCode::kInvalidArgument);
  s = cal.publish_year(10000, {}, {});
  EXPECT_EQ(s.code(), ErrorCode::kInvalidArgument);

  // Nothing was published by the failures.
  EXPECT_FALSE(cal.is_published(2026));
}

TEST_F(CalendarTest, FailedRepublishKeepsTheOldYear) {
  EXPECT_FALSE(cal_.publish_year(2026, dates({"2026-05-08"}), dates({"2026-05-08"})).ok());
  EXPECT_TRUE(working("2026-02-14"));
  EXPECT_FALSE(working("2026-02-16"));
}

TEST_F(CalendarTest, RepublishReplacesTheYear) {
  // A corrected notice: no make-up days, only 1 October off.
  ASSERT_TRUE(cal_.publish_year(2026, dates({"2026-10-01"}), {}).ok());
  EXPECT_FALSE(working("2026-02-14"));  // no longer a make-up day
  EXPECT_TRUE(working("2026-02-16"));   // no longer a holiday
  EXPECT_FALSE(working("2026-10-01"));
  EXPECT_TRUE(working("2026-10-02"));
  EXPECT_TRUE(working("2025-10-09"));  // other years untouched
  EXPECT_FALSE(working("2025-10-08"));
}

TEST_F(CalendarTest, AnEmptyYearIsWeekendsOnlyOnPurpose) {
  ASSERT_TRUE(cal_.publish_year(2030, {}, {}).ok());
  EXPECT_TRUE(cal_.is_working_day(date("2030-01-01")).value());   // Tue
  EXPECT_FALSE(cal_.is_working_day(date("2030-01-05")).value());  // Sat
}

// ---------------------------------------------------------------- add_days

TEST_F(CalendarTest, WorkingDayExamplesOfTheNotice) {
  // Submitted Fri 02-13 with 1 working day: due on the make-up Saturday.
  EXPECT_EQ(add_working("2026-02-13", 1), date("2026-02-14"));
  // 5 working days from Thu 04-30: 05-06, 05-07, 05-08, 05-09 (Sat), 05-11.
  EXPECT_EQ(add_working("2026-04-30", 1), date("2026-05-06"));
  EXPECT_EQ(add_working("2026-04-30", 2), date("2026-05-07"));
  EXPECT_EQ(add_working("2026-04-30", 3), date("2026-05-08"));
  EXPECT_EQ(add_working("2026-04-30", 4), date("2026-05-09"));
  EXPECT_EQ(add_working("2026-04-30", 5), date("2026-05-11"));
  // Received Wed 09-30: 10-08, 10-09, 10-10 (Sat), then Mon 10-12.
  EXPECT_EQ(add_working("2026-09-30", 1), date("2026-10-08"));
  EXPECT_EQ(add_working("2026-09-30", 2), date("2026-10-09"));
  EXPECT_EQ(add_working("2026-09-30", 3), date("2026-10-10"));
  EXPECT_EQ(add_working("2026-09-30", 4), date("2026-10-12"));
}

TEST_F(CalendarTest, AcrossTheSpringFestival) {
  EXPECT_EQ(add_working("2026-02-13", 2), date("2026-02-24"));
  EXPECT_EQ(add_working("2026-02-13", 6), date("2026-02-28"));  // Sat make-up
  EXPECT_EQ(add_working("2026-02-13", 7), date("2026-03-02"));
  // 02-13, 02-14, 02-24..02-28 (7), 03-02..03-06 (12), 03-09..03-13 (17), 03-16..03-18.
  EXPECT_EQ(add_working("2026-02-12", 20), date("2026-03-18"));
  // 2025: 1-26 (Sun) and 2-08 (Sat) are make-up days.
  EXPECT_EQ(add_working("2025-01-24", 1), date("2025-01-26"));
  EXPECT_EQ(add_working("2025-01-26", 1), date("2025-01-27"));
  EXPECT_EQ(add_working("2025-01-27", 1), date("2025-02-05"));
  EXPECT_EQ(add_working("2025-02-07", 1), date("2025-02-08"));
}

TEST_F(CalendarTest, BoundaryStartDays) {
  // Accepted the day before a holiday.
  EXPECT_EQ(add_working("2026-04-03", 1), date("2026-04-07"));  // Fri before 清明
  EXPECT_EQ(add_working("2026-12-31", 0), date("2026-12-31"));
  // Accepted on a make-up day: it is not counted either.
  EXPECT_EQ(add_working("2026-10-10", 1), date("2026-10-12"));
  EXPECT_EQ(add_working("2026-02-14", 1), date("2026-02-24"));
  EXPECT_EQ(add_working("2026-01-04", 1), date("2026-01-05"));
  // Accepted on a holiday (e.g. online): counting starts after it.
  EXPECT_EQ(add_working("2026-10-03", 1), date("2026-10-08"));
  EXPECT_EQ(add_working("2026-05-01", 1), date("2026-05-06"));
  EXPECT_EQ(add_working("2026-01-01", 1), date("2026-01-04"));  // Sun make-up
  // Accepted on an ordinary Saturday.
  EXPECT_EQ(add_working("2026-03-07", 1), date("2026-03-09"));
  // Across the new year.
  EXPECT_EQ(add_working("2025-12-31", 1), date("2026-01-04"));
  EXPECT_EQ(add_working("2025-12-30", 2), date("2026-01-04"));
}

TEST_F(CalendarTest, CalendarDaysAreNotExtended) {
  Result<Date> r = cal_.add_days(date("2026-09-30"), 3, DayKind::kCalendar);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, date("2026-10-03"));  // a holiday, and it stays the deadline
  EXPECT_EQ(*cal_.add_days(date("2026-02-13"), 10, DayKind::kCalendar), date("2026-02-23"));
  EXPECT_EQ(*cal_.add_days(date("2026-02-13"), 0, DayKind::kCalendar), date("2026-02-13"));
  // Needs no calendar: 2027 is unpublished.
  EXPECT_EQ(*cal_.add_days(date("2026-12-30"), 5, DayKind::kCalendar), date("2027-01-04"));
  EXPECT_EQ(*cal_.add_days(date("2027-06-01"), 30, DayKind::kCalendar), date("2027-07-01"));
}

TEST_F(CalendarTest, WorkingDaysIntoAnUnpublishedYearAreUnknown) {
  EXPECT_EQ(add_working("2026-12-30", 1), date("2026-12-31"));
  Result<Date> r = cal_.add_days(date("2026-12-30"), 2, DayKind::kWorking);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), ErrorCode::kNotFound);
  EXPECT_EQ(r.status().message(), "no working-day calendar published for 2027");
  EXPECT_FALSE(cal_.add_days(date("2024-12-30"), 1, DayKind::kWorking).ok());
}

TEST_F(CalendarTest, LimitsAreChecked) {
  Result<Date> r = cal_.add_days(date("2026-03-02"), -1, DayKind::kWorking);
  EXPECT_EQ(r.status().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(r.status().message(), "time limit must be 0-3660 days, got -1");
  EXPECT_FALSE(
      cal_.add_days(date("2026-03-02"), WorkingDayCalendar::kMaxTimeLimit + 1, DayKind::kCalendar)
          .ok());
  EXPECT_TRUE(
      cal_.add_days(date("2026-03-02"), WorkingDayCalendar::kMaxTimeLimit, DayKind::kCalendar)
          .ok());
  Result<Date> late = cal_.add_days(date("9999-12-30"), 2, DayKind::kCalendar);
  EXPECT_EQ(late.status().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(late.status().message(), "deadline would fall after 9999-12-31");
}

// ---------------------------------------------------------------- pauses

TEST_F(CalendarTest, MaterialsPauseExcludesTheDaysAfterTheRequestUpToTheSupply) {
  const Date accepted = date("2026-03-02");  // Mon
  // No pause: 03-03, 04, 05, 06, 09.
  EXPECT_EQ(*cal_.deadline(accepted, 5, DayKind::kWorking, {}), date("2026-03-09"));
  // Requested Wed 03-04 (counts), supplied Mon 03-09 (does not count):
  // 03-03, 03-04, then 03-10, 03-11, 03-12.
  const std::array<Pause, 1> pause = {Pause{date("2026-03-04"), date("2026-03-09")}};
  Result<Date> r = cal_.deadline(accepted, 5, DayKind::kWorking, pause);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(*r, date("2026-03-12"));
  // Requested and supplied the same day: nothing excluded.
  const std::array<Pause, 1> same_day = {Pause{date("2026-03-04"), date("2026-03-04")}};
  EXPECT_EQ(*cal_.deadline(accepted, 5, DayKind::kWorking, same_day), date("2026-03-09"));
  // Supplied the next day: one day excluded.
  const std::array<Pause, 1> next_day = {Pause{date("2026-03-04"), date("2026-03-05")}};
  EXPECT_EQ(*cal_.deadline(accepted, 5, DayKind::kWorking, next_day), date("2026-03-10"));
  // Requested on the day of acceptance.
  const std::array<Pause, 1> at_once = {Pause{accepted, date("2026-03-04")}};
  EXPECT_EQ(*cal_.deadline(accepted, 5, DayKind::kWorking, at_once), date("2026-03-11"));
  // Calendar days: 03-12 plus the 5 paused days.
  EXPECT_EQ(*cal_.deadline(accepted, 10, DayKind::kCalendar, pause), date("2026-03-17"));
}

TEST_F(CalendarTest, PauseAcrossTheSpringFestival) {
  // Accepted Tue 02-10, 10 working days; materials requested Thu 02-12 and
  // supplied Thu 02-26: 02-11, 02-12 | 02-27, 02-28 (Sat make-up), 03-02..03-06, 03-09.
  const std::array<Pause, 1> pause = {Pause{date("2026-02-12"), date("2026-02-26")}};
  Result<Date> r = cal_.deadline(date("2026-02-10"), 10, DayKind::kWorking, pause);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(*r, date("2026-03-09"));
}

TEST_F(CalendarTest, PublicNoticeAcrossLabourDay) {
  // Accepted Mon 04-27, 8 working days. A 7-day notice (公示) posted Tue
  // 04-28 runs 04-29..05-05 = Pause{04-28, 05-05}. Counted: 04-28, then
  // 05-06, 05-07, 05-08, 05-09 (Sat make-up), 05-11, 05-12, 05-13.
  const std::array<Pause, 1> notice = {Pause{date("2026-04-28"), date("2026-05-05")}};
  EXPECT_EQ(*cal_.deadline(date("2026-04-27"), 8, DayKind::kWorking, notice), date("2026-05-13"));
  // The pause only covered days off and 04-29/04-30: without it, 04-28..04-30,
  // 05-06..05-09, 05-11 = 8.
  EXPECT_EQ(add_working("2026-04-27", 8), date("2026-05-11"));
}

TEST_F(CalendarTest, TwoPausesAroundNationalDay) {
  // Accepted Mon 09-14, 15 working days. Materials requested 09-16, supplied
  // 09-18; notice posted 10-09 for 3 days (10-10..10-12).
  const std::array<Pause, 2> pauses = {Pause{date("2026-10-09"), date("2026-10-12")},
                                       Pause{date("2026-09-16"), date("2026-09-18")}};
  // Counted: 09-15, 09-16 | 09-20 (Sun make-up), 09-21, 09-22, 09-23, 09-24,
  // 09-28, 09-29, 09-30, 10-08, 10-09 | 10-13, 10-14, 10-15.
  EXPECT_EQ(*cal_.deadline(date("2026-09-14"), 15, DayKind::kWorking, pauses), date("2026-10-15"));
}

TEST_F(CalendarTest, OverlappingPausesExcludeADayOnce) {
  const std::array<Pause, 2> pauses = {Pause{date("2026-03-04"), date("2026-03-09")},
                                       Pause{date("2026-03-06"), date("2026-03-11")}};
  // Excluded 03-05..03-11: counted 03-03, 03-04, 03-12, 03-13, 03-16.
  EXPECT_EQ(*cal_.deadline(date("2026-03-02"), 5, DayKind::kWorking, pauses), date("2026-03-16"));
  const std::array<Pause, 2> nested = {Pause{date("2026-03-04"), date("2026-03-11")},
                                       Pause{date("2026-03-05"), date("2026-03-06")}};
  EXPECT_EQ(*cal_.deadline(date("2026-03-02"), 5, DayKind::kWorking, nested), date("2026-03-16"));
}

TEST_F(CalendarTest, OpenPauseMakesTheDeadlineUnknown) {
  const std::array<Pause, 1> open = {Pause{date("2026-03-04"), std::nullopt}};
  Result<Date> r = cal_.deadline(date("2026-03-02"), 5, DayKind::kWorking, open);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), ErrorCode::kFailedPrecondition);
  EXPECT_EQ(r.status().message(), "deadline unknown: the clock is paused since 2026-03-04");
  EXPECT_FALSE(cal_.deadline(date("2026-03-02"), 5, DayKind::kCalendar, open).ok());
  // Paused on the deadline day itself or later: the deadline was reached.
  const std::array<Pause, 1> late = {Pause{date("2026-03-09"), std::nullopt}};
  EXPECT_EQ(*cal_.deadline(date("2026-03-02"), 5, DayKind::kWorking, late), date("2026-03-09"));
  // Paused on the day before the deadline: unknown.
  const std::array<Pause, 1> just_before = {Pause{date("2026-03-06"), std::nullopt}};
  EXPECT_FALSE(cal_.deadline(date("2026-03-02"), 5, DayKind::kWorking, just_before).ok());
}

TEST_F(CalendarTest, PausesAreValidated) {
  const std::array<Pause, 1> early = {Pause{date("2026-03-01"), date("2026-03-04")}};
  Result<Date> r = cal_.deadline(date("2026-03-02"), 5, DayKind::kWorking, early);
  EXPECT_EQ(r.status().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(r.status().message(),
            "pause from 2026-03-01 starts before the case was accepted on 2026-03-02");
  const std::array<Pause, 1> backwards = {Pause{date("2026-03-05"), date("2026-03-04")}};
  r = cal_.deadline(date("2026-03-02"), 5, DayKind::kWorking, backwards);
  EXPECT_EQ(r.status().message(), "pause from 2026-03-05 ends before it starts, on 2026-03-04");
}

TEST_F(CalendarTest, PauseRunningIntoAnUnpublishedYear) {
  const std::array<Pause, 1> pause = {Pause{date("2026-12-01"), date("2027-01-10")}};
  Result<Date> r = cal_.deadline(date("2026-11-30"), 3, DayKind::kWorking, pause);
  EXPECT_EQ(r.status().code(), ErrorCode::kNotFound);
  ASSERT_TRUE(cal_.publish_year(2027, {}, {}).ok());
  // 12-01, then 2027-01-11 (Mon), 01-12.
  EXPECT_EQ(*cal_.deadline(date("2026-11-30"), 3, DayKind::kWorking, pause), date("2027-01-12"));
}

// ---------------------------------------------------------------- cards

TEST_F(CalendarTest, CardsAroundTheSpringFestival) {
  // Accepted Fri 02-13 with 2 working days: due Tue 02-24.
  const std::string_view due = "2026-02-24";
  EXPECT_EQ(card_on("2026-02-13", due), Card::kGreen);   // 02-13, 02-14, 02-24 left
  EXPECT_EQ(card_on("2026-02-14", due), Card::kGreen);   // 02-14, 02-24 left
  EXPECT_EQ(card_on("2026-02-15", due), Card::kYellow);  // only the due day is left
  EXPECT_EQ(card_on("2026-02-23", due), Card::kYellow);
  EXPECT_EQ(card_on("2026-02-24", due), Card::kYellow);  // due day: 1 left
  EXPECT_EQ(card_on("2026-02-25", due), Card::kRed);
  // Two days' warning.
  EXPECT_EQ(card_on("2026-02-13", due, 2), Card::kGreen);
  EXPECT_EQ(card_on("2026-02-14", due, 2), Card::kYellow);
}

TEST_F(CalendarTest, CardsOnOrdinaryDays) {
  const std::string_view due = "2026-03-12";  // Thu
  EXPECT_EQ(card_on("2026-03-10", due), Card::kGreen);
  EXPECT_EQ(card_on("2026-03-11", due), Card::kGreen);
  EXPECT_EQ(card_on("2026-03-12", due), Card::kYellow);
  EXPECT_EQ(card_on("2026-03-13", due), Card::kRed);
  EXPECT_EQ(card_on("2026-03-10", due, 3), Card::kYellow);
  EXPECT_EQ(card_on("2026-03-09", due, 3), Card::kGreen);
  // Threshold 0: yellow only when no working day is left.
  EXPECT_EQ(card_on("2026-03-12", due, 0), Card::kGreen);
  EXPECT_EQ(card_on("2026-03-13", due, 0), Card::kRed);
}

TEST_F(CalendarTest, CardsForADueDayThatIsAHoliday) {
  // A calendar-day limit ending on Sat 10-03, a holiday.
  const std::string_view due = "2026-10-03";
  EXPECT_EQ(card_on("2026-09-29", due), Card::kGreen);   // 09-29, 09-30
  EXPECT_EQ(card_on("2026-09-30", due), Card::kYellow);  // 09-30
  EXPECT_EQ(card_on("2026-10-03", due), Card::kYellow);  // 0 working days left
  EXPECT_EQ(card_on("2026-10-04", due), Card::kRed);
}

TEST_F(CalendarTest, CardsAndUnpublishedYears) {
  // Red needs no calendar.
  EXPECT_EQ(*cal_.card(date("2027-03-01"), date("2027-02-01")), Card::kRed);
  // Green is known before reaching 2027.
  EXPECT_EQ(*cal_.card(date("2026-12-01"), date("2027-03-01")), Card::kGreen);
  // Yellow or green depends on 2027: unknown.
  Result<Card> r = cal_.card(date("2026-12-31"), date("2027-01-04"));
  EXPECT_EQ(r.status().code(), ErrorCode::kNotFound);
  EXPECT_EQ(cal_.card(date("2027-01-04"), date("2027-01-04")).status().code(),
            ErrorCode::kNotFound);
  EXPECT_EQ(cal_.card(date("2026-03-12"), date("2026-03-12"), -1).status().code(),
            ErrorCode::kInvalidArgument);
  EXPECT_STREQ(card_name(Card::kYellow), "yellow");
}

// A node warns from 1 November that next year's calendar is missing, and at
// once when this year's is.
TEST_F(CalendarTest, OutlookWarnsFromNovemberThatNextYearIsMissing) {
  // 2025 and 2026 are published (the fixture).
  CalendarOutlook october = calendar_outlook(cal_, date("2026-10-31"));
  EXPECT_TRUE(october.this_year_published);
  EXPECT_FALSE(october.next_year_published);
  EXPECT_FALSE(october.missing_year.has_value());

  CalendarOutlook november = calendar_outlook(cal_, date("2026-11-01"));
  ASSERT_TRUE(november.missing_year.has_value());
  EXPECT_EQ(*november.missing_year, 2027);
  EXPECT_EQ(*november.unknown_from, date("2027-01-01"));

  // In 2025, 2026 is published already: nothing to warn about in December.
  EXPECT_FALSE(calendar_outlook(cal_, date("2025-12-31")).missing_year.has_value());
  EXPECT_TRUE(calendar_outlook(cal_, date("2025-12-31")).next_year_published);

  // On 1 January 2027 the year itself is missing: deadlines are unknown now.
  CalendarOutlook january = calendar_outlook(cal_, date("2027-01-01"));
  EXPECT_FALSE(january.this_year_published);
  EXPECT_EQ(*january.missing_year, 2027);

  // Publishing 2027 ends the warning.
  ASSERT_TRUE(cal_.publish_year(2027, {}, {}).ok());
  EXPECT_FALSE(calendar_outlook(cal_, date("2026-12-07")).missing_year.has_value());
  EXPECT_TRUE(calendar_outlook(cal_, date("2026-12-07")).next_year_published);
}

}  // namespace
}  // namespace yimen::hall
