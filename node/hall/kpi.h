#pragma once

// Performance indicators and demand analytics (plan tasks 9 and 14) for a
// node's subtree over a range of submission dates, computed from the case
// projection the node holds (an ancestor holds its whole subtree's cases, so
// a county's figures roll up its towns and villages).
//
// The five targets of task 9, as Yimen counts them:
//   items_fully_online        current items applicable online with zero visits / current items ≥ 50
//   % applied_online            cases applied online (channel online or mobile) / cases      ≥ 50 %
//   completed_online          finished cases applied online with zero visits / finished    ≥ 40 %
//   online_at_most_one_visit  online-applied cases with ≤ 1 visit / online-applied cases   ≥ 70 %
//   zero_visits               cases with zero visits / cases                                ≥ 20 %
// A case is finished once its result is issued or it is refused. A ratio with
// a zero denominator has no value and is not met.

#include <array>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/region_code.h"
#include "common/status.h"
#include "node/hall/calendar.h"
#include "storage/database.h"

namespace yimen::hall {

struct KpiRatio {
  int numerator = 0;
  int denominator = 0;
  double target = 0;  // 0..1; 0 when the plan sets none
  std::optional<double> value() const {
    if (denominator == 0) return std::nullopt;
    return static_cast<double>(numerator) / denominator;
  }
  bool met() const { return denominator > 0 && value() >= target; }
};

struct KpiCount {
  std::string key;    // an item code, a reason, a channel
  std::string label;  // the item's name; the reason itself
  int count = 0;
};

struct Kpis {
  Date from;
  Date to;
  int cases = 0;
  int finished = 0;
  KpiRatio items_fully_online;
  KpiRatio applied_online;
  KpiRatio completed_online;
  KpiRatio online_at_most_one_visit;
  KpiRatio zero_visits;
  // Working days from acceptance to result, over finished accepted cases
  // whose years the calendar covers.
  std::optional<double> average_handling_working_days;
  KpiRatio on_time;  // finished on or before the committed deadline
  int ratings = 0;
  std::optional<double> average_score;
  KpiRatio satisfied;                       // ratings of 4 or 5
  std::vector<KpiCount> top_items;          // at most 10, most cases first
  std::vector<KpiCount> channels;           // every channel used
  std::vector<KpiCount> rejection_reasons;  // at most 10 (refusals and rejections)
  std::array<int, 24> by_hour{};            // submissions by hour of day (CST)
  std::array<int, 7> by_weekday{};          // Monday = 0
};

// Longest range computed in one call.
inline constexpr int kMaxKpiRangeDays = 366 * 3;

// KPIs of the cases whose intake or handling node lies in `region`,
// submitted from `from` to `to` inclusive. InvalidArgument when to < from or
// the range is longer than kMaxKpiRangeDays.
Result<Kpis> compute_kpis(storage::Database& db, const RegionCode& region, Date from, Date to,
                          const WorkingDayCalendar& calendar);

}  // namespace yimen::hall
