#pragma once

// Ratings of finished cases (好差评) and complaints (投诉举报), plan tasks 19
// and 20; the events are in sync/schema/feedback.capnp, which says who emits
// them and for whom. The commands are Hall members (hall.h); this header has
// the values, the rules the projection applies to received events, and the
// queries.
//
// Deadlines are derived, never stored: a poor rating's follow-up is due
// kFollowUpWorkingDays after the rating, a complaint's answer
// kComplaintWorkingDays after it was filed, both in working days of the
// city's calendar.

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

inline constexpr int kFollowUpWorkingDays = 5;
inline constexpr int kComplaintWorkingDays = 10;
inline constexpr int kPoorRating = 2;  // a score at or below opens a follow-up
inline constexpr size_t kMaxFeedbackTextBytes = 2000;

// The tags a resident may attach to a rating.
// Praise: "quick", "polite", "clear_guidance", "one_visit".
// Criticism: "slow", "impolite", "unclear_guidance", "many_visits", "extra_materials".
bool is_rating_tag(std::string_view tag);

struct RatingInput {
  int score = 0;  // 1..5
  std::vector<std::string> tags;
  std::string comment;
};

struct CaseRating {
  int score = 0;
  std::vector<std::string> tags;
  std::string comment;
  Date rated_on;
  RegionCode rated_at;                // the node where the applicant rated
  std::optional<Date> follow_up_due;  // set for a poor rating
  std::string follow_up;              // what the office did, once recorded
  std::string follow_up_by;
};

// Kinds of complaint.
// "complaint" 投诉, "report" 举报, "suggestion" 建议.
bool is_complaint_kind(std::string_view kind);

struct ComplaintInput {
  RegionCode about;     // the office complained about
  std::string case_no;  // optional
  std::string kind = "complaint";
  std::string subject;
  std::string body;
  std::string contact_name;   // empty: anonymous
  std::string contact_phone;  // empty: anonymous
};

struct FiledComplaint {
  std::string complaint_no;
  std::string code;  // 8 digits, given to the complainant once and stored only as a hash
  RegionCode handler;
};

struct ComplaintRecord {
  std::string complaint_no;
  RegionCode taken_by;
  RegionCode about;
  RegionCode handler;
  std::string case_no;
  std::string kind;
  std::string subject;
  std::string body;
  std::string contact_name;
  std::string contact_phone;
  std::string code_hash;
  Date filed_on;
  std::string answer;  // empty until answered
  bool upheld = false;
  std::optional<Date> answered_on;
  std::string answered_by;
};

// The node that handles a complaint about `about`: the county above it (a
// county itself and the city are answered by the city).
RegionCode complaint_handler(const RegionCode& about);

// --- what the projection does with received events (hall_projection.cpp calls these) ---
Result<sync::EventSink::Admission> admit_feedback(storage::Database& db,
                                                  const sync::DecodedEvent& event);
Status apply_feedback(storage::Database& db, const sync::DecodedEvent& event);
std::vector<std::string> feedback_provides(const sync::DecodedEvent& event);

// --- queries (any connection) ---

// The case's rating (the earliest, when two nodes took one each while apart),
// with its follow-up; nullopt when the case is not rated. `calendar` gives the
// follow-up's due date (left empty when the calendar does not reach it).
Result<std::optional<CaseRating>> load_rating(storage::Database& db, const std::string& case_no,
                                              const WorkingDayCalendar& calendar);

// A poor rating waiting for (or given) its follow-up, for the handling node
// and its supervisors.
struct FollowUpTask {
  std::string case_no;
  RegionCode handling_node;
  CaseRating rating;
};
// Poor ratings of cases handled within `region`; open ones only unless `all`.
Result<std::vector<FollowUpTask>> follow_up_tasks(storage::Database& db, const RegionCode& region,
                                                  const WorkingDayCalendar& calendar, bool all);

Result<std::optional<ComplaintRecord>> load_complaint(storage::Database& db,
                                                      const std::string& complaint_no);
// Complaints handled by nodes within `region`, newest first.
Result<std::vector<ComplaintRecord>> complaints_handled_in(storage::Database& db,
                                                           const RegionCode& region);
// When an answer to a complaint filed on `filed_on` is due.
Result<Date> complaint_due(const WorkingDayCalendar& calendar, Date filed_on);

}  // namespace yimen::hall
