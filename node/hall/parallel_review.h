#pragma once

// Parallel approval (并联审批, plan tasks 5 and 13): an item may name
// departments that review an accepted case in parallel under the lead
// department, each with its own time limit and deadline card. Each records
// its opinion as a handling event of the case (departmentOpinion); the case
// is approved with the last agreeing opinion, or rejected with the first
// disagreeing one, in the same transaction. Until then the lead department
// cannot approve alone. The command is a Hall member (defined in
// parallel_review.cpp).

#include <optional>
#include <string>
#include <vector>

#include "node/hall/calendar.h"
#include "node/hall/hall_projection.h"
#include "node/hall/service_item.h"
#include "storage/database.h"

namespace yimen::hall {

struct DepartmentOpinionRecord {
  std::string department;
  bool agreed = false;
  std::string note;
  Date on;
  std::string by_name;
  std::string by_office;
};

// One parallel department of a case as the case page shows it.
struct ParallelTask {
  std::string department;
  TimeLimit limit;
  std::optional<Date> due;   // from acceptance, pauses excluded; nullopt before acceptance
  std::optional<Card> card;  // while its opinion is awaited and the case's clock runs
  std::optional<DepartmentOpinionRecord> opinion;
};

// The opinions recorded on a case, by department.
Result<std::vector<DepartmentOpinionRecord>> load_opinions(storage::Database& db,
                                                           const std::string& case_no);

// The parallel departments of `item` for `file` on `today` (empty when the
// item has none).
std::vector<ParallelTask> parallel_tasks(const WorkingDayCalendar& calendar, const CaseFile& file,
                                         const ServiceItem& item,
                                         const std::vector<DepartmentOpinionRecord>& opinions,
                                         Date today, int yellow_card_working_days);

// The departments whose opinion is still awaited, in the item's order.
std::vector<std::string> awaited_departments(const ServiceItem& item,
                                             const std::vector<DepartmentOpinionRecord>& opinions);

}  // namespace yimen::hall
