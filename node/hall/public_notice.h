#pragma once

// Public notices (村务公开, plan task 12): a village — or any node — publishes
// notices on village affairs, finances and subsidies for anyone to read; the
// events are in sync/schema/notice.capnp. The commands are Hall members.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/region_code.h"
#include "common/status.h"
#include "node/hall/calendar.h"
#include "storage/database.h"
#include "sync/event_log.h"

namespace yimen::hall {

// "affairs" 村务, "finance" 财务, "subsidy" 惠民补贴, "other" 其他.
bool is_notice_category(std::string_view category);

struct NoticeInput {
  std::string category = "affairs";
  std::string title;                // one line, 1..200 bytes
  std::string body;                 // 1..8000 bytes
  std::optional<Date> valid_until;  // the last day it is shown; none: until withdrawn
};

struct NoticeRecord {
  std::string notice_no;
  RegionCode origin;
  std::string category;
  std::string title;
  std::string body;
  std::optional<Date> valid_until;
  Date published_on;
  std::string published_by;
  bool withdrawn = false;
  std::string withdraw_reason;
};

Result<sync::EventSink::Admission> admit_notice(storage::Database& db,
                                                const sync::DecodedEvent& event);
Status apply_notice(storage::Database& db, const sync::DecodedEvent& event);
std::vector<std::string> notice_provides(const sync::DecodedEvent& event);

Result<std::optional<NoticeRecord>> load_notice(storage::Database& db,
                                                const std::string& notice_no);
// Notices published within `region`, newest first: only those shown on
// `today` (not withdrawn, not past valid_until) unless `all`.
Result<std::vector<NoticeRecord>> notices_in(storage::Database& db, const RegionCode& region,
                                             Date today, bool all);

}  // namespace yimen::hall
