#pragma once

// Supervision orders (督办, plan task 19); the events are in
// sync/schema/supervision.capnp. The commands are Hall members (hall.h).
// A response is due `respond_within` working days after the order.

#include <optional>
#include <string>
#include <vector>

#include "common/region_code.h"
#include "common/status.h"
#include "node/hall/calendar.h"
#include "storage/database.h"
#include "sync/event_log.h"

namespace yimen::hall {

inline constexpr int kMaxRespondWithin = 20;

struct SupervisionRecord {
  std::string order_no;
  RegionCode ordered_by_node;
  std::string ordered_by;  // the supervisor's login
  std::string case_no;
  RegionCode handling_node;
  std::string instruction;
  int respond_within = 0;
  Date ordered_on;
  std::optional<Date> due;  // unknown when the calendar does not reach it
  std::string response;     // empty until answered
  std::optional<Date> responded_on;
  std::string responded_by;
};

// Whether a node may supervise cases handled at `handling`: a county or the
// city that contains it.
bool may_supervise(const RegionCode& supervisor, const RegionCode& handling);

Result<sync::EventSink::Admission> admit_supervision(storage::Database& db,
                                                     const sync::DecodedEvent& event);
Status apply_supervision(storage::Database& db, const sync::DecodedEvent& event);
std::vector<std::string> supervision_provides(const sync::DecodedEvent& event);

Result<std::optional<SupervisionRecord>> load_supervision_order(storage::Database& db,
                                                                const std::string& order_no,
                                                                const WorkingDayCalendar& calendar);
// Orders issued by or addressed to nodes within `region`, newest first; open
// ones only unless `all`.
Result<std::vector<SupervisionRecord>> supervision_orders(storage::Database& db,
                                                          const RegionCode& region,
                                                          const WorkingDayCalendar& calendar,
                                                          bool all);
// Orders on one case, oldest first.
Result<std::vector<SupervisionRecord>> supervision_orders_of_case(
    storage::Database& db, const std::string& case_no, const WorkingDayCalendar& calendar);

}  // namespace yimen::hall
