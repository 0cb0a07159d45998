#include "node/hall/kpi.h"

#include <algorithm>

#include "node/hall/hall_projection.h"

namespace yimen::hall {
namespace {

std::vector<KpiCount> top(std::map<std::string, int> counts, size_t limit) {
  std::vector<KpiCount> out;
  for (auto& [key, count] : counts) out.push_back({key, key, count});
  std::stable_sort(out.begin(), out.end(),
                   [](const KpiCount& a, const KpiCount& b) { return a.count > b.count; });
  if (out.size() > limit) out.resize(limit);
  return out;
}

// Working days after `from` up to and including `to`, or nullopt when the
// calendar does not cover them.
std::optional<int> working_days_between(const WorkingDayCalendar& calendar, Date from, Date to) {
  if (to < from || to - from > WorkingDayCalendar::kMaxTimeLimit) return std::nullopt;
  int n = 0;
  for (Date d = from.plus_days(1); d <= to; d = d.plus_days(1)) {
    auto working = calendar.is_working_day(d);
    if (!working.ok()) return std::nullopt;
    n += *working ? 1 : 0;
  }
  return n;
}

bool online(const std::string& channel) { return channel == "online" || channel == "mobile"; }

}  // namespace

Result<Kpis> compute_kpis(storage::Database& db, const RegionCode& region, Date from, Date to,
                          const WorkingDayCalendar& calendar) {
  if (to < from) return invalid_argument("the range ends before it starts");
  if (to - from > kMaxKpiRangeDays) {
    return invalid_argument("the range is longer than " + std::to_string(kMaxKpiRangeDays) +
                            " days");
  }
  Kpis k;
  k.from = from;
  k.to = to;
  k.items_fully_online.target = 0.5;
  k.applied_online.target = 0.5;
  k.completed_online.target = 0.4;
  k.online_at_most_one_visit.target = 0.7;
  k.zero_visits.target = 0.2;

  // Items: the current catalogue.
  {
    YIMEN_ASSIGN_OR_RETURN(auto codes, current_item_codes(db));
    for (const auto& code : codes) {
      YIMEN_ASSIGN_OR_RETURN(auto item, load_item(db, code));
      if (!item) continue;
      ++k.items_fully_online.denominator;
      if (item->online_capable && item->visits_required == 0) ++k.items_fully_online.numerator;
    }
  }

  const std::string prefix = region_prefix(region);
  YIMEN_ASSIGN_OR_RETURN(
      auto stmt,
      db.prepare("SELECT case_no, item_code, channel, visits, state, decision, submitted_at "
                 "FROM case_file WHERE (substr(handling_node, 1, ?1) = ?2 OR "
                 "substr(intake_node, 1, ?1) = ?2) AND submitted_on >= ?3 AND "
                 "submitted_on <= ?4 ORDER BY case_no"));
  stmt.bind(1, static_cast<std::int64_t>(prefix.size()));
  stmt.bind(2, prefix);
  stmt.bind(3, from.to_string());
  stmt.bind(4, to.to_string());
  std::map<std::string, int> items, channels, reasons;
  std::vector<std::string> finished_cases;
  for (;;) {
    YIMEN_ASSIGN_OR_RETURN(bool row, stmt.step());
    if (!row) break;
    const std::string case_no = stmt.column_text(0);
    const std::string channel = stmt.column_text(2);
    const int visits = static_cast<int>(stmt.column_int64(3));
    const auto state = parse_case_state(stmt.column_text(4));
    if (!state) return corruption("case_file row of " + case_no + " is malformed");
    ++k.cases;
    ++items[stmt.column_text(1)];
    ++channels[channel];
    const bool applied_online = online(channel);
    k.applied_online.denominator++;
    k.zero_visits.denominator++;
    if (applied_online) {
      ++k.applied_online.numerator;
      ++k.online_at_most_one_visit.denominator;
      if (visits <= 1) ++k.online_at_most_one_visit.numerator;
    }
    if (visits == 0) ++k.zero_visits.numerator;
    if (*state == CaseState::kRefused || *state == CaseState::kRejected) {
      ++reasons[stmt.column_text(5)];
    }
    const std::int64_t at = stmt.column_int64(6);
    if (at > 0) {
      const std::int64_t cst = at + 8 * 3600;
      ++k.by_hour[static_cast<size_t>((cst % 86400 + 86400) % 86400 / 3600)];
      ++k.by_weekday[static_cast<size_t>(static_cast<int>(cst_date(at).weekday()) - 1)];
    }
    finished_cases.push_back(case_no);
    (void)applied_online;
  }

  // Finished cases: handling time, timeliness, online completion, ratings.
  double handling_days = 0;
  int timed = 0, scored = 0, score_sum = 0;
  for (const auto& case_no : finished_cases) {
    YIMEN_ASSIGN_OR_RETURN(auto file, load_case(db, case_no));
    if (!file || !file->finished_on) continue;
    ++k.finished;
    ++k.completed_online.denominator;
    if (online(file->channel) && file->visits == 0) ++k.completed_online.numerator;
    if (file->accepted_on) {
      if (auto days = working_days_between(calendar, *file->accepted_on, *file->finished_on)) {
        handling_days += *days;
        ++timed;
      }
      auto due = calendar.deadline(*file->accepted_on, file->committed_limit.days,
                                   file->committed_limit.kind, file->pauses);
      if (due.ok()) {
        ++k.on_time.denominator;
        if (*file->finished_on <= *due) ++k.on_time.numerator;
      }
    }
    YIMEN_ASSIGN_OR_RETURN(auto stmt2, db.prepare("SELECT score FROM rating WHERE case_no = ? "
                                                  "ORDER BY hlc, origin LIMIT 1"));
    stmt2.bind(1, case_no);
    YIMEN_ASSIGN_OR_RETURN(bool rated, stmt2.step());
    if (rated) {
      const int score = static_cast<int>(stmt2.column_int64(0));
      ++scored;
      score_sum += score;
      ++k.satisfied.denominator;
      if (score >= 4) ++k.satisfied.numerator;
    }
  }
  if (timed > 0) k.average_handling_working_days = handling_days / timed;
  k.ratings = scored;
  if (scored > 0) k.average_score = static_cast<double>(score_sum) / scored;

  k.top_items = top(items, 10);
  for (auto& entry : k.top_items) {
    YIMEN_ASSIGN_OR_RETURN(auto item, load_item(db, entry.key));
    if (item) entry.label = item->name;
  }
  k.channels = top(channels, channels.size());
  k.rejection_reasons = top(reasons, 10);
  return k;
}

}  // namespace yimen::hall
