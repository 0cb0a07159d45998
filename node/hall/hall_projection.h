#pragma once

// The hall's projections: the tables every query reads, derived only from
// events (DESIGN.md section 2). HallProjection is the EventSink the event log
// calls for both local and replicated events: there is no second apply path.
//
// Dependencies it names: "item:<code>:<version>" (a catalogue version) and
// "case:<number>" (a submitted case).
//
// The audit anchors of this node and of its subtree (auditAnchor events) are
// kept in audit_anchor; node/hall/audit_log.h has the format and the queries.

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/region_code.h"
#include "node/hall/calendar.h"
#include "node/hall/case_lifecycle.h"
#include "node/hall/catalogue_index.h"
#include "node/hall/one_time_notice.h"
#include "node/hall/service_item.h"
#include "storage/database.h"
#include "sync/event_log.h"

namespace yimen::hall {

// The civil date (China Standard Time, UTC+8) of a Unix time in seconds.
Date cst_date(std::int64_t unix_seconds);

// Who applied on the applicant's behalf (代办), with what authorisation.
struct CaseAgent {
  std::string id_number;  // empty when nobody did
  std::string name;
  std::string phone;
  std::string authorisation;
};

// What the projection holds about a case (the handling state, the intake
// annotations, and what the deadline needs).
// A file attached to a supplied material, stored as a blob at the intake node.
struct MaterialFile {
  Bytes hash;  // BLAKE2b-256 of the content (storage::put_blob)
  std::uint64_t size = 0;
  std::string name;
  std::string media_type;
};

// A material as supplied for a case, at submission or later, with its file.
struct CaseMaterial {
  int material = 0;  // index into the item version's materials
  std::string how;   // "paper" | "electronic" | "shared" | "commitment"
  std::string note;
  std::optional<MaterialFile> file;
};

struct CaseFile {
  std::string case_no;
  RegionCode intake_node;
  RegionCode handling_node;
  std::string item_code;
  int item_version = 0;
  std::string applicant_id;
  std::string applicant_name;
  std::string applicant_phone;
  RegionCode domicile;
  std::string channel;
  std::string query_code_hash;
  CaseState state = CaseState::kSubmitted;
  Date submitted_on;
  std::optional<Date> accepted_on;
  TimeLimit committed_limit;
  std::vector<Pause> pauses;
  std::string responsible_login;  // 首问负责: the clerk who received the applicant
  std::string responsible_name;
  bool returned = false;  // returned incomplete by the intake node
  bool withdrawal_requested = false;
  std::string repeat_of;  // an open case for the same item and applicant, if any
  std::string decision;   // approval text or rejection/refusal reason
  std::string result;
  int visits = 0;                 // times the applicant came in person (KPIs, task 9)
  std::int64_t submitted_at = 0;  // Unix seconds
  CaseAgent agent;                // empty unless someone applied on the applicant's behalf
  bool commitment = false;        // a signed commitment replaced a material (告知承诺)
  std::optional<Date> approved_on;
  std::optional<Date> finished_on;  // result issued, or refused
  std::string post_check;           // "" until checked, then "confirmed" or "false"
  // How the applicant's identity was established (online_application.h):
  // "window", "shared" or "unverified"; with what (a source, how it was checked).
  std::string identity;
  std::string identity_note;
};

struct CaseTransition {
  int position = 0;
  CaseHalf half = CaseHalf::kIntake;
  CaseAction action = CaseAction::kSubmit;
  std::string actor_login;
  std::string actor_name;
  std::string actor_office;
  std::string actor_phone;
  Date on;
  std::int64_t at = 0;  // Unix seconds
  std::string note;
  // A materials request (补正) or an incomplete return: the day the applicant
  // is to supply by, and what was found missing or wrong.
  std::optional<Date> supply_by;
  std::vector<MaterialFinding> findings;
};

// Not thread-safe: used on the writer thread (apply) and by readers through
// their own connections via the free query functions below.
class HallProjection : public sync::EventSink {
 public:
  // Borrows `db`, which must outlive it.
  // `self` is this node: it fetches the attachments of cases that name it.
  HallProjection(storage::Database& db, RegionCode self) : db_(db), self_(std::move(self)) {}

  // Brings the "hall" schema component up to date.
  static Status migrate(storage::Database& db);

  Admission admit(const sync::DecodedEvent& event) override;
  Status apply(const sync::DecodedEvent& event) override;
  std::vector<std::string> provides(const sync::DecodedEvent& event) override;
  Status reset() override;

  // Drops the item cache, after a rollback may have undone a version it holds.
  void forget_cached_state() { items_.clear(); }

 private:
  Result<Admission> admit_checked(const sync::DecodedEvent& event);
  Status apply_case_intake(const sync::DecodedEvent& event);
  Status apply_case_handling(const sync::DecodedEvent& event);
  Status add_transition(const std::string& case_no, CaseHalf half, CaseAction action,
                        const sync::DecodedEvent& event, const std::string& note);
  // A published item version, parsed once: every case event of it needs it. nullptr when this
  // node does not hold it; else valid until forget_cached_state() or reset().
  Result<const ServiceItem*> item_version(const std::string& code, int version);
  // Why the findings of a received materials request or incomplete return on
  // `case_no` are refused, checked against the case's item version; nullopt
  // when they are in order.
  Result<std::optional<std::string>> findings_refused_for(
      const std::string& case_no, capnp::List<schema::MaterialFinding>::Reader findings,
      capnp::Text::Reader supply_by);

  // Records the attachments this node must fetch (it is named in the audience).
  Status record_materials(const std::string& case_no,
                          capnp::List<schema::SuppliedMaterial>::Reader supplied);
  Status want_attachments(const sync::DecodedEvent& event,
                          capnp::List<schema::SuppliedMaterial>::Reader supplied);

  storage::Database& db_;
  RegionCode self_;
  // Item versions never change once published; the cache is emptied by reset()
  // and forget_cached_state().
  std::map<std::pair<std::string, int>, ServiceItem> items_;
};

// --- Queries (any connection) ---

// The newest published version of an item, or a given version.
Result<std::optional<ServiceItem>> load_item(storage::Database& db, const std::string& code,
                                             std::optional<int> version = std::nullopt);
// Codes of the items currently offered (not withdrawn), in code order.
Result<std::vector<std::string>> current_item_codes(storage::Database& db);

// An index over the newest version of every item currently offered, for
// search (rebuilt on demand: a city's catalogue is hundreds of items).
Result<CatalogueIndex> load_catalogue_index(storage::Database& db);

// Every published year, oldest first.
Result<std::vector<CalendarYear>> load_calendar_years(storage::Database& db);

// The published calendar years.
Result<WorkingDayCalendar> load_calendar(storage::Database& db);

Result<std::optional<CaseFile>> load_case(storage::Database& db, const std::string& case_no);
// The materials of a case as supplied, in the item's order; a later supply of
// a material replaces the earlier one.
Result<std::vector<CaseMaterial>> case_materials(storage::Database& db, const std::string& case_no);
Result<std::vector<CaseTransition>> load_transitions(storage::Database& db,
                                                     const std::string& case_no);
// The leading digits every region code within `region` shares (a node's
// subtree), for `substr(column, 1, length) = prefix` in SQL.
std::string region_prefix(const RegionCode& region);

// Case numbers whose handling or intake node lies in `region`, optionally in one state.
Result<std::vector<std::string>> case_numbers(storage::Database& db, const RegionCode& region,
                                              std::optional<CaseState> state = std::nullopt);

// Case numbers of `region`'s subtree whose number starts with `query`, whose
// applicant's ID number is `query` (a lower-case x read as X), or whose
// applicant's name contains it; newest first, at most kMaxSearchResults.
inline constexpr int kMaxSearchResults = 500;
Result<std::vector<std::string>> search_case_numbers(storage::Database& db,
                                                     const RegionCode& region,
                                                     const std::string& query);

// A post-check (告知承诺): a case approved on a commitment is checked within
// `working_days` of its approval; derived, never stored as an event.
struct PostCheckTask {
  std::string case_no;
  RegionCode handling_node;
  Date approved_on;
  std::optional<Date> due;  // unknown when the calendar does not reach it
};
// Open post-checks of cases handled within `region`, oldest approval first.
Result<std::vector<PostCheckTask>> post_check_tasks(storage::Database& db, const RegionCode& region,
                                                    const WorkingDayCalendar& calendar,
                                                    int working_days);

// The applicant's cases this node holds, newest first (at most 50): for
// applying again and for materials a past case already verified.
Result<std::vector<CaseFile>> cases_of_applicant(storage::Database& db,
                                                 const std::string& applicant_id);

// Whether the applicant made a false commitment (the case it was found on), or "".
Result<std::string> false_commitment_of(storage::Database& db, const std::string& applicant_id);

}  // namespace yimen::hall
