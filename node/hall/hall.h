#pragma once

// The service hall as an application service (DESIGN.md sections 2 and 6):
// every command is validated against the projections, becomes an event,
// is signed, appended and applied in ONE durable transaction, and only then
// returns. Replicated events reach the same projections through the event
// log and HallProjection; there is no second apply path.
//
// Not thread-safe: one Hall per writer thread, owning the write connection.

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "config/node_config.h"
#include "crypto/crypto.h"
#include "node/hall/appointment.h"
#include "node/hall/audit_log.h"
#include "node/hall/calendar.h"
#include "node/hall/case_lifecycle.h"
#include "node/hall/consultation.h"
#include "node/hall/feedback.h"
#include "node/hall/hall_projection.h"
#include "node/hall/licence.h"
#include "node/hall/one_time_notice.h"
#include "node/hall/public_notice.h"
#include "node/hall/service_item.h"
#include "storage/database.h"
#include "sync/event_log.h"

namespace yimen::hall {

// Who acts: recorded with every transition (first-contact responsibility,
// and the handler's name and office phone shown to the applicant).
struct Actor {
  std::string login;
  std::string name;
  std::string office;
  std::string phone;
};

struct Applicant {
  std::string id_number;  // 18-digit resident ID number or unified social credit code
  std::string name;
  std::string phone;
  std::string domicile;  // 12-digit region code
};

struct SuppliedMaterial {
  int material = 0;  // index into the item version's materials
  std::string how;   // "paper" | "electronic" | "shared" | "commitment"
  std::string note;
  std::optional<MaterialFile> attachment;
};

// Someone applying on the applicant's behalf (代办, plan task 11).
struct Agent {
  std::string id_number;  // the agent's own resident ID number
  std::string name;
  std::string phone;
  std::string authorisation;  // what the clerk saw, e.g. "委托书（2026-11-02 签）"
};

struct Application {
  std::string item_code;
  Applicant applicant;
  std::string channel = "window";
  std::vector<SuppliedMaterial> materials;
  // Times the applicant came in person for this application so far; unset:
  // 0 for the online and mobile channels, 1 otherwise.
  std::optional<int> visits;
  std::optional<Agent> agent;
};

struct SubmittedCase {
  std::string case_no;
  std::string query_code;  // 8 digits, given to the applicant once and stored only as a hash
  RegionCode handling_node;
  std::string repeat_of;  // set when the applicant has an open case for the same item
  std::string identity;   // kIdentityWindow, kIdentityShared or kIdentityUnverified
};

// A handling or intake action on an existing case.
// How long an applicant has to supply missing materials, in calendar days.
inline constexpr int kDefaultSupplyDays = 30;
inline constexpr int kMinSupplyDays = 1;
inline constexpr int kMaxSupplyDays = 365;

struct CaseCommand {
  CaseAction action = CaseAction::kAccept;
  std::string note;                        // decision, reason, result, how delivered
  std::vector<MaterialFinding> findings;   // request_materials / return_incomplete
  std::vector<SuppliedMaterial> supplied;  // supply_materials
};

// A case as the deadline engine sees it today.
struct CaseDeadline {
  std::optional<Date> due;  // nullopt while not accepted, paused, or the calendar is unknown
  std::optional<Card> card;
  std::string unknown_reason;  // why due is unknown, when it is
};

// Due date and card of `file` on `today` under `calendar` (pure; any thread).
// The card is set only while the case is accepted and its clock runs.
CaseDeadline case_deadline(const WorkingDayCalendar& calendar, const CaseFile& file, Date today,
                           int yellow_card_working_days);

// Who receives a case's events: its intake and its handling node.
std::vector<sync::AudienceEntry> case_audience(const RegionCode& intake,
                                               const RegionCode& handling);

// Writes who acted into a case event.
void fill_actor(const Actor& actor, schema::Actor::Builder out);

class Hall {
 public:
  using Clock = std::function<std::int64_t()>;  // Unix milliseconds; a seam for tests

  // Borrows `db` and `key`, which must outlive the Hall. `node` is this
  // node's region code.
  Hall(storage::Database& db, RegionCode node, const crypto::NodeKey& key, Clock clock);

  // Brings the event log and projection schemas up to date.
  static Status migrate(storage::Database& db);

  const RegionCode& node() const { return node_; }

  // The yellow-card threshold in working days ([hall] yellow_card_working_days
  // in node.toml; 1 unless set). InvalidArgument outside 0..20.
  Status set_yellow_card_working_days(int days);
  // Days (calendar days, kMinSupplyDays..kMaxSupplyDays) an applicant is given
  // to supply what a materials request or an incomplete return asks for
  // ([hall] supply_within_days; kDefaultSupplyDays unless set). The day to
  // supply by travels with the request and is printed on the notice.
  Status set_supply_within_days(int days);
  sync::EventLog& log() { return log_; }

  // --- commands (each durable before it returns) ---

  // Publishes the next version of `item` (its version is assigned here).
  // Only the node of the item's implementing region publishes it.
  Result<int> publish_item(const Actor& actor, ServiceItem item);

  // Publishes a year of the working-day calendar (the city only).
  Status publish_calendar(const Actor& actor, const CalendarYear& year);

  // Takes an application at this node (收件) for any item of the city that
  // may be taken here; the competent node handles it.
  Result<SubmittedCase> submit(const Actor& actor, const Application& application);

  // A handling action (this node must be the case's handling node) or an
  // intake action (this node must be its intake node). An illegal
  // transition is refused with a message naming the state and the action.
  Status act(const Actor& actor, const std::string& case_no, const CaseCommand& command);

  // --- ratings and complaints (feedback.h; defined in feedback.cpp) ---

  // The applicant rates a finished case (refused, result issued or closed);
  // the caller has checked the case's query code. AlreadyExists when the case
  // is rated already, FailedPrecondition before it is finished,
  // InvalidArgument for a score outside 1..5, an unknown tag or a long comment.
  Status rate(const std::string& case_no, const RatingInput& rating);

  // The handling node records what it did about a poor rating.
  Status follow_up_rating(const Actor& actor, const std::string& case_no, const std::string& note);

  // Takes a complaint, report or suggestion from anyone (anonymous allowed),
  // about an office of this city; it is handled by complaint_handler(about).
  Result<FiledComplaint> file_complaint(const Actor& actor, const ComplaintInput& complaint);

  // The handling node answers a complaint, once.
  Status answer_complaint(const Actor& actor, const std::string& complaint_no,
                          const std::string& answer, bool upheld);

  // --- supervision (supervision.h; defined in supervision.cpp) ---

  // A supervisor of this node (a county or the city) orders the handling node
  // of a red-card case in this node's subtree to act, answering within
  // `respond_within` working days (1..20). PermissionDenied for a case outside
  // the subtree or at a town or village; FailedPrecondition when the case is
  // not overdue. Returns the order number.
  Result<std::string> order_supervision(const Actor& actor, const std::string& case_no,
                                        const std::string& instruction, int respond_within);

  // The handling node answers a supervision order, once.
  Status respond_supervision(const Actor& actor, const std::string& order_no,
                             const std::string& response);

  // --- e-licences (licence.h; defined in licence.cpp) ---

  // Issues the licence of an approved case handled here, signed as a licence
  // document, delivered to the intake node and the holder's domicile node.
  // AlreadyExists when the case has an unrevoked licence; FailedPrecondition
  // before approval or before the node is enrolled.
  Result<IssuedLicence> issue_licence(const Actor& actor, const std::string& case_no,
                                      const LicenceInput& licence);
  // Revokes a licence this node issued; the revocation reaches the whole city.
  Status revoke_licence(const Actor& actor, const std::string& number, const std::string& reason);

  // --- public notices (public_notice.h; defined in public_notice.cpp) ---

  // Publishes a notice (村务公开); returns its number.
  Result<std::string> publish_notice(const Actor& actor, const NoticeInput& notice);
  Status withdraw_notice(const Actor& actor, const std::string& notice_no,
                         const std::string& reason);

  // --- consultations (consultation.h; defined in consultation.cpp) ---

  // Takes a question from anyone (anonymous allowed) about an item of the
  // city's catalogue that is currently offered; it is answered by the node
  // that publishes the item (question_answerer). Returns the number and the
  // 8-digit code, given once. InvalidArgument naming the field (item_code,
  // question, contact_name, contact_phone), NotFound for an unknown item,
  // FailedPrecondition for a withdrawn one.
  Result<AskedQuestion> ask_question(const Actor& actor, const QuestionInput& question);

  // The node that publishes the item answers a question, once. NotFound when
  // this node does not hold the question, PermissionDenied at any other node,
  // AlreadyExists when it is answered, InvalidArgument for an empty answer or
  // one over 4000 bytes.
  Status answer_question(const Actor& actor, const std::string& question_no,
                         const std::string& answer);

  // --- parallel approval (parallel_review.h; defined in parallel_review.cpp) ---

  // Records the opinion of one of the item's parallel departments on an
  // accepted case handled here; with the last agreeing opinion the case is
  // approved, with a disagreeing one rejected, in the same transaction.
  // AlreadyExists when the department has given its opinion; InvalidArgument
  // for a department the item does not name, or a disagreement without a note.
  Status record_opinion(const Actor& actor, const std::string& case_no,
                        const std::string& department, bool agreed, const std::string& note);

  // --- appointments (appointment.h; defined in appointment.cpp) ---

  // Books a visit to this hall for an item in an open slot of `settings`
  // (FailedPrecondition when the slot is not open or full, or the hall takes
  // no bookings; AlreadyExists when the phone has a live booking that day).
  Result<BookedAppointment> book_appointment(const Actor& actor, const AppointmentInput& booking,
                                             const config::AppointmentConfig& settings);
  // Cancels a live booking at this hall for a day not yet passed; `reason` is
  // "resident" when the resident cancels with the booking's code.
  Status cancel_appointment(const Actor& actor, const std::string& booking_no,
                            const std::string& reason);

  // Anchors the audit log's head upward (node/hall/audit_log.h): when the newest audit row is
  // not the one this node's newest anchor names, emits an auditAnchor event naming its seq and
  // hash, audience `node <parent>` (`node <city>` at the city, which has no parent), author ""
  // (the node itself); durable before it returns. Returns true when it emitted one, false when
  // there was nothing to anchor (an empty log, or the head has not moved). FailedPrecondition
  // when this node is not enrolled yet (its key is not certified, so its events would wait).
  // Like every command it emits an event: never while the node recovers from a backup (the
  // running node calls it through its writer, which refuses writes then). `epochs` are the audit
  // log's epochs (node_store.h's load_audit_epochs); the anchor counts them, and one is emitted
  // when their number changed even if the head did not.
  Result<bool> anchor_audit(const std::vector<AuditEpoch>& epochs);

  // Rebuilds every projection from the log.
  Status rebuild();

  // Drops every cache over the database, after a rollback undid changes the
  // caches may have seen (the writer calls it).
  void forget_cached_state() {
    projection_.forget_cached_state();
    log_.forget_cached_state();
  }

  // --- queries ---

  // The one-time notification for findings on a case's materials.
  Result<OneTimeNotice> one_time_notice(const std::string& case_no,
                                        const std::vector<MaterialFinding>& findings);

  // Due date and card of a case today (China Standard Time).
  Result<CaseDeadline> deadline(const CaseFile& file);

  // Case numbers of this node's subtree with the given card today.
  Result<std::vector<std::string>> cases_with_card(Card card);

 private:
  // Runs `body` in one transaction, committed durably before returning.
  Status in_transaction(const std::function<Status()>& body);
  Result<sync::AppendResult> emit(const Actor& actor, std::vector<sync::AudienceEntry> audience,
                                  std::function<void(schema::Body::Builder)> fill);
  Date today() const;
  // `supplied` with the source of every material obtained by data sharing
  // that names none: the applicant's licence held here that the material
  // names ("电子证照 <number>"), or else the item's sharing source.
  Result<std::vector<SuppliedMaterial>> with_sharing_sources(
      const ServiceItem& item, const std::string& applicant_id,
      const std::vector<SuppliedMaterial>& supplied, Date on);
  // The next number of the day under `head` (e.g. "441802001001-C"):
  // head + YYYYMMDD + "-" + 6 digits, above every number `column` of `table`
  // already holds, so a restart never reuses one. Call inside a transaction.
  Result<std::string> next_number(const char* table, const char* column, const std::string& head);

  storage::Database& db_;
  RegionCode node_;
  const crypto::NodeKey& key_;
  Clock clock_;
  int yellow_card_working_days_ = 1;
  int supply_within_days_ = kDefaultSupplyDays;
  HallProjection projection_;
  sync::EventLog log_;
};

}  // namespace yimen::hall
