#include "node/hall/hall_projection.h"

#include <algorithm>
#include <array>
#include <limits>
#include <sstream>

#include "node/hall/appointment.h"
#include "node/hall/catalogue_codec.h"
#include "node/hall/consultation.h"
#include "node/hall/feedback.h"
#include "node/hall/identity.h"
#include "node/hall/licence.h"
#include "node/hall/online_application.h"
#include "node/hall/parallel_review.h"
#include "node/hall/public_notice.h"
#include "node/hall/supervision.h"
#include "storage/blob_store.h"
#include "storage/migration.h"

namespace yimen::hall {
namespace {

constexpr std::array<storage::Migration, 13> kMigrations = {{
    {1, "calendar, catalogue and cases", R"sql(
CREATE TABLE calendar_year (
  year      INTEGER PRIMARY KEY,
  holidays  TEXT NOT NULL,   -- space-separated YYYY-MM-DD
  makeup    TEXT NOT NULL,
  notice    TEXT NOT NULL
);
CREATE TABLE catalogue_item (
  code        TEXT NOT NULL,
  version     INTEGER NOT NULL,
  name        TEXT NOT NULL,
  publisher   TEXT NOT NULL,
  event_id    BLOB NOT NULL,   -- the itemPublished event: the whole guide
  withdrawn   INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (code, version)
);
CREATE TABLE case_file (
  case_no               TEXT PRIMARY KEY,
  intake_node           TEXT NOT NULL,
  handling_node         TEXT NOT NULL,
  item_code             TEXT NOT NULL,
  item_version          INTEGER NOT NULL,
  applicant_id          TEXT NOT NULL,
  applicant_name        TEXT NOT NULL,
  applicant_phone       TEXT NOT NULL,
  domicile              TEXT NOT NULL,
  channel               TEXT NOT NULL,
  query_code_hash       TEXT NOT NULL,
  state                 TEXT NOT NULL,
  submitted_on          TEXT NOT NULL,
  accepted_on           TEXT,
  limit_days            INTEGER NOT NULL,
  limit_kind            TEXT NOT NULL,
  responsible_login     TEXT NOT NULL,
  responsible_name      TEXT NOT NULL,
  returned              INTEGER NOT NULL DEFAULT 0,
  withdrawal_requested  INTEGER NOT NULL DEFAULT 0,
  repeat_of             TEXT NOT NULL DEFAULT '',
  decision              TEXT NOT NULL DEFAULT '',
  result                TEXT NOT NULL DEFAULT ''
);
CREATE INDEX case_file_applicant ON case_file (applicant_id, item_code);
CREATE INDEX case_file_handling ON case_file (handling_node, state);
CREATE TABLE case_transition (
  case_no       TEXT NOT NULL REFERENCES case_file (case_no),
  position      INTEGER NOT NULL,
  half          TEXT NOT NULL,
  action        TEXT NOT NULL,
  actor_login   TEXT NOT NULL,
  actor_name    TEXT NOT NULL,
  actor_office  TEXT NOT NULL,
  actor_phone   TEXT NOT NULL,
  on_date       TEXT NOT NULL,
  at            INTEGER NOT NULL,
  note          TEXT NOT NULL,
  PRIMARY KEY (case_no, position)
);
CREATE TABLE case_pause (
  case_no    TEXT NOT NULL REFERENCES case_file (case_no),
  from_date  TEXT NOT NULL,
  to_date    TEXT,            -- NULL while the clock is still paused
  reason     TEXT NOT NULL
);
CREATE INDEX case_pause_case ON case_pause (case_no);
)sql"},
    {2, "audit anchors", R"sql(
CREATE TABLE audit_anchor (
  origin       TEXT NOT NULL,
  event_seq    INTEGER NOT NULL,  -- the anchoring event's seq in its origin's log
  audit_seq    INTEGER NOT NULL,  -- the anchored row of the origin's audit log
  audit_hash   BLOB NOT NULL,     -- its hash
  anchored_at  INTEGER NOT NULL,  -- Unix seconds, the event's time
  PRIMARY KEY (origin, event_seq)
);
)sql"},
    {3, "visits, agents, commitments, ratings, complaints, supervision, notices", R"sql(
ALTER TABLE case_file ADD COLUMN visits INTEGER NOT NULL DEFAULT 0;
ALTER TABLE case_file ADD COLUMN submitted_at INTEGER NOT NULL DEFAULT 0;
ALTER TABLE case_file ADD COLUMN agent_id TEXT NOT NULL DEFAULT '';
ALTER TABLE case_file ADD COLUMN agent_name TEXT NOT NULL DEFAULT '';
ALTER TABLE case_file ADD COLUMN agent_phone TEXT NOT NULL DEFAULT '';
ALTER TABLE case_file ADD COLUMN agent_authorisation TEXT NOT NULL DEFAULT '';
ALTER TABLE case_file ADD COLUMN commitment INTEGER NOT NULL DEFAULT 0;
ALTER TABLE case_file ADD COLUMN approved_on TEXT;
ALTER TABLE case_file ADD COLUMN finished_on TEXT;
ALTER TABLE case_file ADD COLUMN post_check TEXT NOT NULL DEFAULT '';
CREATE TABLE applicant_flag (
  case_no       TEXT PRIMARY KEY,   -- the case whose commitment was false
  applicant_id  TEXT NOT NULL,
  on_date       TEXT NOT NULL,
  reason        TEXT NOT NULL
);
CREATE INDEX applicant_flag_applicant ON applicant_flag (applicant_id);
CREATE TABLE rating (
  origin    TEXT NOT NULL,
  seq       INTEGER NOT NULL,
  case_no   TEXT NOT NULL,
  hlc       INTEGER NOT NULL,
  score     INTEGER NOT NULL,
  tags      TEXT NOT NULL,       -- space-separated tag names
  comment   TEXT NOT NULL,
  rated_on  TEXT NOT NULL,
  PRIMARY KEY (origin, seq)
);
CREATE INDEX rating_case ON rating (case_no, hlc);
CREATE TABLE rating_follow_up (
  case_no   TEXT PRIMARY KEY,
  note      TEXT NOT NULL,
  by_name   TEXT NOT NULL,
  on_date   TEXT NOT NULL
);
CREATE TABLE complaint (
  complaint_no   TEXT PRIMARY KEY,
  taken_by       TEXT NOT NULL,
  about          TEXT NOT NULL,
  handler        TEXT NOT NULL,
  case_no        TEXT NOT NULL,
  kind           TEXT NOT NULL,
  subject        TEXT NOT NULL,
  body           TEXT NOT NULL,
  contact_name   TEXT NOT NULL,
  contact_phone  TEXT NOT NULL,
  code_hash      TEXT NOT NULL,
  filed_on       TEXT NOT NULL,
  answer         TEXT NOT NULL DEFAULT '',
  upheld         INTEGER NOT NULL DEFAULT 0,
  answered_on    TEXT,
  answered_by    TEXT NOT NULL DEFAULT ''
);
CREATE INDEX complaint_handler ON complaint (handler);
CREATE TABLE supervision_order (
  order_no        TEXT PRIMARY KEY,
  origin          TEXT NOT NULL,
  case_no         TEXT NOT NULL,
  handling_node   TEXT NOT NULL,
  instruction     TEXT NOT NULL,
  respond_within  INTEGER NOT NULL,
  ordered_on      TEXT NOT NULL,
  ordered_by      TEXT NOT NULL,
  response        TEXT NOT NULL DEFAULT '',
  responded_on    TEXT,
  responded_by    TEXT NOT NULL DEFAULT ''
);
CREATE INDEX supervision_order_case ON supervision_order (case_no);
CREATE TABLE public_notice (
  notice_no        TEXT PRIMARY KEY,
  origin           TEXT NOT NULL,
  category         TEXT NOT NULL,
  title            TEXT NOT NULL,
  body             TEXT NOT NULL,
  valid_until      TEXT NOT NULL,
  published_on     TEXT NOT NULL,
  published_by     TEXT NOT NULL,
  withdrawn        INTEGER NOT NULL DEFAULT 0,
  withdraw_reason  TEXT NOT NULL DEFAULT ''
);
)sql"},
    {4, "e-licences", R"sql(
CREATE TABLE licence (
  number           TEXT PRIMARY KEY,
  case_no          TEXT NOT NULL,
  type             TEXT NOT NULL,
  holder_id        TEXT NOT NULL,
  holder_domicile  TEXT NOT NULL,
  issuer           TEXT NOT NULL,
  valid_from       TEXT NOT NULL,
  valid_until      TEXT NOT NULL,   -- '' when it does not expire
  document         BLOB NOT NULL    -- the signed LicenceDocument
);
CREATE INDEX licence_holder ON licence (holder_id);
CREATE INDEX licence_case ON licence (case_no);
CREATE TABLE licence_revocation (
  number      TEXT PRIMARY KEY,
  reason      TEXT NOT NULL,
  revoked_on  TEXT NOT NULL
);
)sql"},
    {5, "appointments", R"sql(
CREATE TABLE appointment (
  booking_no     TEXT PRIMARY KEY,
  node           TEXT NOT NULL,     -- the hall the resident comes to (the booking's origin)
  item_code      TEXT NOT NULL,
  day            TEXT NOT NULL,     -- YYYY-MM-DD
  slot           TEXT NOT NULL,     -- HH:MM
  name           TEXT NOT NULL,
  phone          TEXT NOT NULL,
  code_hash      TEXT NOT NULL,
  booked_at      INTEGER NOT NULL,  -- Unix seconds
  cancelled      INTEGER NOT NULL DEFAULT 0,
  cancel_reason  TEXT NOT NULL DEFAULT ''
);
CREATE INDEX appointment_slot ON appointment (node, day, slot);
)sql"},
    {6, "consultations", R"sql(
CREATE TABLE question (
  question_no     TEXT PRIMARY KEY,
  asking_node     TEXT NOT NULL,    -- where it was asked (the question's origin)
  answering_node  TEXT NOT NULL,    -- the node that publishes the item, which answers
  item_code       TEXT NOT NULL,
  question        TEXT NOT NULL,
  contact_name    TEXT NOT NULL,
  contact_phone   TEXT NOT NULL,
  code_hash       TEXT NOT NULL,
  asked_on        TEXT NOT NULL,    -- YYYY-MM-DD, China Standard Time
  asked_at        INTEGER NOT NULL, -- Unix seconds
  answer          TEXT NOT NULL DEFAULT '',
  answered_on     TEXT,
  answered_by     TEXT NOT NULL DEFAULT ''
);
CREATE INDEX question_answering ON question (answering_node);
)sql"},
    {7, "parallel department opinions", R"sql(
CREATE TABLE case_opinion (
  case_no     TEXT NOT NULL,
  department  TEXT NOT NULL,
  agreed      INTEGER NOT NULL,
  note        TEXT NOT NULL,
  on_date     TEXT NOT NULL,      -- YYYY-MM-DD, China Standard Time
  by_name     TEXT NOT NULL,
  by_office   TEXT NOT NULL,
  PRIMARY KEY (case_no, department)
);
)sql"},
    {8, "how materials were supplied, the applicant's identity check", R"sql(
ALTER TABLE case_file ADD COLUMN identity TEXT NOT NULL DEFAULT 'window';
ALTER TABLE case_file ADD COLUMN identity_note TEXT NOT NULL DEFAULT '';
CREATE TABLE case_material (
  case_no     TEXT NOT NULL,
  material    INTEGER NOT NULL,   -- index into the item version's materials
  how         TEXT NOT NULL,
  note        TEXT NOT NULL,
  file_hash   BLOB,               -- NULL: no file attached
  file_size   INTEGER NOT NULL DEFAULT 0,
  file_name   TEXT NOT NULL DEFAULT '',
  file_type   TEXT NOT NULL DEFAULT '',
  PRIMARY KEY (case_no, material)
);
-- Files residents uploaded here (local state, not a projection of events):
-- those no case refers to are dropped after a while.
CREATE TABLE material_upload (
  hash         BLOB PRIMARY KEY,
  uploaded_at  INTEGER NOT NULL   -- Unix seconds of the latest upload of this content
);
)sql"},
    {9, "audit log epochs in anchors", R"sql(
ALTER TABLE audit_anchor ADD COLUMN epoch INTEGER NOT NULL DEFAULT 0;
ALTER TABLE audit_anchor ADD COLUMN kept_rows INTEGER NOT NULL DEFAULT 0;
)sql"},
    {10, "catalogue items find their event by (publisher, seq)", R"sql(
-- The event log no longer indexes event ids (sync migration 3): an item's
-- itemPublished event is found by its origin (the publisher) and seq, and
-- event_id confirms it.
ALTER TABLE catalogue_item ADD COLUMN event_seq INTEGER NOT NULL DEFAULT 0;
-- body_type 3 is itemPublished (sync/schema/event.capnp, Body @3).
CREATE TEMP TABLE item_event AS SELECT id, seq FROM event WHERE body_type = 3;
CREATE INDEX temp.item_event_id ON item_event (id);
UPDATE catalogue_item SET event_seq = COALESCE((SELECT seq FROM temp.item_event
                                                WHERE id = catalogue_item.event_id), 0);
DROP TABLE temp.item_event;
)sql"},
    {11, "cases by applicant: the ID number alone", R"sql(
-- Every query by applicant names the ID number and reads a few rows of it; a
-- shorter key of random order is fewer pages to write per case stored.
DROP INDEX case_file_applicant;
CREATE INDEX case_file_applicant ON case_file (applicant_id);
)sql"},
    {12, "provisional calendar years", R"sql(
ALTER TABLE calendar_year ADD COLUMN provisional INTEGER NOT NULL DEFAULT 0;
)sql"},
    {13, "what a materials request found, and the day to supply by", R"sql(
-- The findings of a materials request (补正) or an incomplete return, one row
-- each, under the transition that made them; cases requested before this
-- version show theirs after `yimen rebuild`.
CREATE TABLE case_finding (
  case_no          TEXT NOT NULL REFERENCES case_file (case_no),
  position         INTEGER NOT NULL,   -- case_transition.position
  ordinal          INTEGER NOT NULL,
  material         INTEGER NOT NULL,   -- index into the item version's materials
  problem          TEXT NOT NULL,      -- material_problem_name
  note             TEXT NOT NULL,
  copies_received  INTEGER NOT NULL,
  PRIMARY KEY (case_no, position, ordinal)
);
ALTER TABLE case_transition ADD COLUMN supply_by TEXT NOT NULL DEFAULT '';
)sql"},
}};

using Admission = sync::EventSink::Admission;
using Body = schema::Body;

std::string text(capnp::Text::Reader t) { return {t.cStr(), t.size()}; }

std::string item_dependency(const std::string& code, int version) {
  return "item:" + code + ":" + std::to_string(version);
}
std::string case_dependency(const std::string& case_no) { return "case:" + case_no; }

bool any_supplied(capnp::List<schema::SuppliedMaterial>::Reader supplied, std::string_view how) {
  for (const auto m : supplied) {
    if (std::string_view(m.getHow().cStr(), m.getHow().size()) == how) return true;
  }
  return false;
}

std::string join_dates(capnp::List<capnp::Text>::Reader dates) {
  std::string out;
  for (auto d : dates) {
    if (!out.empty()) out += ' ';
    out += text(d);
  }
  return out;
}

Result<std::vector<Date>> split_dates(const std::string& joined) {
  std::vector<Date> out;
  std::istringstream in(joined);
  std::string word;
  while (in >> word) {
    YIMEN_ASSIGN_OR_RETURN(auto d, Date::from_string(word));
    out.push_back(d);
  }
  return out;
}

// The intake node is the case number's prefix: <node>-<yyyymmdd>-<nnnnnn>.
std::optional<RegionCode> intake_of(const std::string& case_no) {
  if (case_no.size() != 12 + 1 + 8 + 1 + 6 || case_no[12] != '-' || case_no[21] != '-') {
    return std::nullopt;
  }
  auto code = RegionCode::parse(std::string_view(case_no).substr(0, 12));
  if (!code.ok()) return std::nullopt;
  return *code;
}

// Why the findings of a received materials request or incomplete return are
// refused (a finding names no material of the item's guide, an unknown
// problem, an overlong note, a supply-by day that is no date), or nullopt.
std::optional<std::string> findings_refused(capnp::List<schema::MaterialFinding>::Reader findings,
                                            capnp::Text::Reader supply_by,
                                            const ServiceItem* item) {
  if (findings.size() == 0) return "a materials request names no material";
  if (item != nullptr && findings.size() > item->materials.size()) {
    return "a materials request names more findings than the item has materials";
  }
  for (auto f : findings) {
    if (item != nullptr && f.getMaterial() >= item->materials.size()) {
      return "a finding names a material that is not in the item's list";
    }
    if (!parse_material_problem(text(f.getProblem()))) return "a finding names an unknown problem";
    if (f.getNote().size() > kMaxNoteBytes) return "a finding's note is too long";
  }
  if (supply_by.size() != 0 && !Date::from_string(text(supply_by)).ok()) {
    return "the day to supply by is not a date";
  }
  if (item != nullptr) {
    // The rules the notice is made by (one finding per material, a note for
    // an incomplete one, no original of a copy...), as the sender checked them.
    std::vector<MaterialFinding> list;
    for (auto f : findings) {
      list.push_back({f.getMaterial(), *parse_material_problem(text(f.getProblem())),
                      text(f.getNote()), static_cast<int>(f.getCopiesReceived())});
    }
    auto notice = make_one_time_notice(*item, "case", "applicant", Date(), list);
    if (!notice.ok()) return "the findings break the notice's rules: " + notice.status().message();
  }
  return std::nullopt;
}

std::optional<CaseAction> handling_action(schema::CaseHandling::Reader h) {
  switch (h.which()) {
    case schema::CaseHandling::ACCEPTED:
      return CaseAction::kAccept;
    case schema::CaseHandling::REFUSED:
      return CaseAction::kRefuse;
    case schema::CaseHandling::MATERIALS_REQUESTED:
      return CaseAction::kRequestMaterials;
    case schema::CaseHandling::SUPPLEMENT_ACCEPTED:
      return CaseAction::kAcceptSupplement;
    case schema::CaseHandling::NOTICE_STARTED:
      return CaseAction::kStartNotice;
    case schema::CaseHandling::NOTICE_ENDED:
      return CaseAction::kEndNotice;
    case schema::CaseHandling::APPROVED:
      return CaseAction::kApprove;
    case schema::CaseHandling::REJECTED:
      return CaseAction::kReject;
    case schema::CaseHandling::RESULT_ISSUED:
      return CaseAction::kIssueResult;
    case schema::CaseHandling::CLOSED:
      return CaseAction::kClose;
    case schema::CaseHandling::WITHDRAWN:
      return CaseAction::kWithdraw;
    case schema::CaseHandling::COMMITMENT_CONFIRMED:
      return CaseAction::kConfirmCommitment;
    case schema::CaseHandling::COMMITMENT_FALSE:
      return CaseAction::kFalseCommitment;
    case schema::CaseHandling::DEPARTMENT_OPINION:
      return CaseAction::kDepartmentOpinion;
  }
  return std::nullopt;
}

// The text a handling event carries (decision, reason, result), if any.
std::string handling_note(schema::CaseHandling::Reader h) {
  switch (h.which()) {
    case schema::CaseHandling::REFUSED:
      return text(h.getRefused());
    case schema::CaseHandling::NOTICE_STARTED:
      return text(h.getNoticeStarted());
    case schema::CaseHandling::NOTICE_ENDED:
      return text(h.getNoticeEnded());
    case schema::CaseHandling::APPROVED:
      return text(h.getApproved());
    case schema::CaseHandling::REJECTED:
      return text(h.getRejected());
    case schema::CaseHandling::RESULT_ISSUED:
      return text(h.getResultIssued());
    case schema::CaseHandling::WITHDRAWN:
      return text(h.getWithdrawn());
    case schema::CaseHandling::COMMITMENT_CONFIRMED:
      return text(h.getCommitmentConfirmed());
    case schema::CaseHandling::COMMITMENT_FALSE:
      return text(h.getCommitmentFalse());
    case schema::CaseHandling::DEPARTMENT_OPINION:
      return text(h.getDepartmentOpinion().getNote());
    default:
      return {};
  }
}

Result<std::optional<std::pair<RegionCode, std::string>>> case_owner(storage::Database& db,
                                                                     const std::string& case_no,
                                                                     bool handling) {
  YIMEN_ASSIGN_OR_RETURN(auto stmt,
                         db.prepare(handling ? "SELECT handling_node, state FROM case_file "
                                               "WHERE case_no = ?"
                                             : "SELECT intake_node, state FROM case_file "
                                               "WHERE case_no = ?"));
  stmt.bind(1, case_no);
  YIMEN_ASSIGN_OR_RETURN(bool row, stmt.step());
  if (!row) return std::optional<std::pair<RegionCode, std::string>>();
  auto node = RegionCode::parse(stmt.column_text(0));
  if (!node.ok()) return corruption("case_file: " + node.status().message());
  return std::optional<std::pair<RegionCode, std::string>>({*node, stmt.column_text(1)});
}

Result<int> newest_version(storage::Database& db, const std::string& code) {
  YIMEN_ASSIGN_OR_RETURN(auto stmt, db.prepare("SELECT COALESCE(MAX(version), 0) FROM "
                                               "catalogue_item WHERE code = ?"));
  stmt.bind(1, code);
  YIMEN_ASSIGN_OR_RETURN(bool row, stmt.step());
  return row ? static_cast<int>(stmt.column_int64(0)) : 0;
}

}  // namespace

Date cst_date(std::int64_t unix_seconds) {
  constexpr std::int64_t kCst = 8 * 3600;
  const std::int64_t shifted = unix_seconds + kCst;
  std::int64_t days = shifted / 86400;
  if (shifted % 86400 < 0) --days;
  return Date::from_days_since_epoch(days);
}

Status HallProjection::migrate(storage::Database& db) {
  return storage::migrate(db, "hall", kMigrations);
}

Admission HallProjection::admit(const sync::DecodedEvent& event) {
  auto admission = admit_checked(event);
  if (!admission.ok()) return Admission::reject(admission.status().message());
  return *admission;
}

Result<Admission> HallProjection::admit_checked(const sync::DecodedEvent& event) {
  const auto body = event.reader().getBody();
  const RegionCode& origin = event.origin();
  switch (body.which()) {
    case Body::CALENDAR_PUBLISHED: {
      if (origin.level() != RegionLevel::kCity) {
        return Admission::reject("only the city publishes the working-day calendar");
      }
      const auto year = body.getCalendarPublished();
      WorkingDayCalendar check;
      auto holidays = split_dates(join_dates(year.getHolidays()));
      auto makeup = split_dates(join_dates(year.getMakeupWorkingDays()));
      if (!holidays.ok() || !makeup.ok()) return Admission::reject("calendar: a date is malformed");
      Status valid = check.publish_year(year.getYear(), *holidays, *makeup);
      if (!valid.ok()) return Admission::reject("calendar: " + valid.message());
      return Admission::accept();
    }
    case Body::ITEM_PUBLISHED: {
      auto item = read_service_item(body.getItemPublished());
      if (!item.ok()) return Admission::reject(item.status().message());
      if (item->code.region != origin.str()) {
        return Admission::reject(
            "an item is published only by the node of its implementing "
            "region (" +
            item->code.region + ")");
      }
      const std::string code = format_item_code(item->code);
      YIMEN_ASSIGN_OR_RETURN(int newest, newest_version(db_, code));
      if (item->version <= newest) {
        return Admission::reject("version " + std::to_string(item->version) + " of " + code +
                                 " is already published");
      }
      if (item->version > newest + 1) {
        return Admission::wait_for(item_dependency(code, item->version - 1));
      }
      return Admission::accept();
    }
    case Body::ITEM_WITHDRAWN: {
      const std::string code = text(body.getItemWithdrawn().getCode());
      auto parsed = parse_item_code(code);
      if (!parsed.ok()) return Admission::reject(parsed.status().message());
      if (parsed->region != origin.str()) {
        return Admission::reject("an item is withdrawn only by the node that publishes it");
      }
      YIMEN_ASSIGN_OR_RETURN(int newest, newest_version(db_, code));
      if (newest == 0) return Admission::wait_for(item_dependency(code, 1));
      return Admission::accept();
    }
    case Body::CASE_INTAKE: {
      const auto intake = body.getCaseIntake();
      const std::string case_no = text(intake.getCaseNo());
      const auto prefix = intake_of(case_no);
      if (!prefix) return Admission::reject("malformed case number");
      if (*prefix != origin) {
        return Admission::reject("intake events of " + case_no + " come only from " +
                                 prefix->str());
      }
      YIMEN_ASSIGN_OR_RETURN(auto owner, case_owner(db_, case_no, false));
      if (intake.which() != schema::CaseIntake::SUBMITTED) {
        if (!owner) return Admission::wait_for(case_dependency(case_no));
        if (intake.which() == schema::CaseIntake::RETURNED_INCOMPLETE) {
          YIMEN_ASSIGN_OR_RETURN(
              auto refused,
              findings_refused_for(case_no, intake.getReturnedIncomplete(), intake.getSupplyBy()));
          if (refused) return Admission::reject(*refused);
        }
        if (intake.which() == schema::CaseIntake::IDENTITY_VERIFIED) {
          YIMEN_ASSIGN_OR_RETURN(auto file, load_case(db_, case_no));
          if (file && file->identity != kIdentityUnverified) {
            return Admission::reject("the identity of the applicant of " + case_no +
                                     " was already established");
          }
        }
        return Admission::accept();
      }
      if (owner) return Admission::reject("case " + case_no + " was already submitted");
      const auto sub = intake.getSubmitted();
      const std::string code = text(sub.getItemCode());
      YIMEN_ASSIGN_OR_RETURN(const ServiceItem* item,
                             item_version(code, static_cast<int>(sub.getItemVersion())));
      if (!item) {
        return Admission::wait_for(item_dependency(code, static_cast<int>(sub.getItemVersion())));
      }
      auto domicile = RegionCode::parse(text(sub.getApplicant().getDomicile()));
      if (!domicile.ok()) return Admission::reject("domicile: " + domicile.status().message());
      auto competent = competent_region(*item, *domicile, origin);
      if (!competent.ok()) return Admission::reject(competent.status().message());
      if (competent->str() != text(sub.getHandlingNode())) {
        return Admission::reject("case " + case_no + " names " + text(sub.getHandlingNode()) +
                                 " as handling node, but " + competent->str() + " is competent");
      }
      auto applicant =
          parse_applicant_id(text(sub.getApplicant().getIdNumber()), cst_date(event.time()));
      if (!applicant.ok()) return Admission::reject("applicant: " + applicant.status().message());
      if (!serves(item->target, applicant->kind())) {
        return Admission::reject(std::string("the item does not serve a ") +
                                 applicant_kind_name(applicant->kind()));
      }
      for (auto m : sub.getMaterials()) {
        if (m.getMaterial() >= item->materials.size()) {
          return Admission::reject("a supplied material is not in the item's list");
        }
      }
      return Admission::accept();
    }
    case Body::AUDIT_ANCHOR: {
      // An origin anchors only its own log, and the event's origin is who signed it.
      const auto anchor = body.getAuditAnchor();
      if (anchor.getSeq() == 0 ||
          anchor.getSeq() > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
        return Admission::reject("an audit anchor names row 0 or a row beyond 2^63");
      }
      if (anchor.getHash().size() != crypto::kDigestSize) {
        return Admission::reject("an audit anchor's hash must be 32 bytes");
      }
      if (anchor.getKeptRows() > anchor.getSeq()) {
        return Admission::reject("an audit anchor says its epoch kept more rows than it names");
      }
      return Admission::accept();
    }
    case Body::CASE_HANDLING: {
      const auto handling = body.getCaseHandling();
      const std::string case_no = text(handling.getCaseNo());
      YIMEN_ASSIGN_OR_RETURN(auto owner, case_owner(db_, case_no, true));
      if (!owner) return Admission::wait_for(case_dependency(case_no));
      if (owner->first != origin) {
        return Admission::reject("handling events of " + case_no + " come only from " +
                                 owner->first.str());
      }
      const auto action = handling_action(handling);
      if (!action) return Admission::accept();  // a newer action: stored, applied to nothing
      auto state = parse_case_state(owner->second);
      if (!state) return corruption("case_file: unknown state " + owner->second);
      auto next = next_state(*state, *action);
      if (!next.ok()) return Admission::reject(next.status().message());
      if (*action == CaseAction::kRequestMaterials) {
        YIMEN_ASSIGN_OR_RETURN(auto refused,
                               findings_refused_for(case_no, handling.getMaterialsRequested(),
                                                    handling.getSupplyBy()));
        if (refused) return Admission::reject(*refused);
      }
      if (*action == CaseAction::kApprove) {
        // The origin refuses to approve while departments of a parallel
        // review (并联审批) have not given their opinion, or while nobody has
        // established who the applicant is; so must a receiver.
        YIMEN_ASSIGN_OR_RETURN(auto file, load_case(db_, case_no));
        if (file && file->identity == kIdentityUnverified) {
          return Admission::reject("case " + case_no +
                                   " was approved while the applicant's identity was unverified");
        }
        const ServiceItem* item = nullptr;
        if (file) {
          YIMEN_ASSIGN_OR_RETURN(item, item_version(file->item_code, file->item_version));
        }
        YIMEN_ASSIGN_OR_RETURN(auto opinions, load_opinions(db_, case_no));
        if (const auto awaited =
                item ? awaited_departments(*item, opinions) : std::vector<std::string>();
            !awaited.empty()) {
          return Admission::reject("case " + case_no + " was approved while the opinion of " +
                                   awaited.front() + " was awaited (并联审批)");
        }
      }
      return Admission::accept();
    }
    case Body::RATING:
    case Body::RATING_FOLLOW_UP:
    case Body::COMPLAINT:
    case Body::COMPLAINT_ANSWER:
      return admit_feedback(db_, event);
    case Body::SUPERVISION_ORDER:
    case Body::SUPERVISION_RESPONSE:
      return admit_supervision(db_, event);
    case Body::PUBLIC_NOTICE:
    case Body::NOTICE_WITHDRAWN:
      return admit_notice(db_, event);
    case Body::LICENCE_ISSUED:
    case Body::LICENCE_REVOKED:
      return admit_licence(db_, event);
    case Body::APPOINTMENT_BOOKED:
    case Body::APPOINTMENT_CANCELLED:
      return admit_appointment(db_, event);
    case Body::QUESTION:
    case Body::QUESTION_ANSWER:
      return admit_consultation(db_, event);
    default:
      return Admission::accept();
  }
}

std::vector<std::string> HallProjection::provides(const sync::DecodedEvent& event) {
  const auto body = event.reader().getBody();
  if (body.which() == Body::ITEM_PUBLISHED) {
    const auto item = body.getItemPublished();
    return {item_dependency(text(item.getCode()), static_cast<int>(item.getVersion()))};
  }
  if (body.which() == Body::CASE_INTAKE &&
      body.getCaseIntake().which() == schema::CaseIntake::SUBMITTED) {
    return {case_dependency(text(body.getCaseIntake().getCaseNo()))};
  }
  switch (body.which()) {
    case Body::COMPLAINT:
      return feedback_provides(event);
    case Body::SUPERVISION_ORDER:
      return supervision_provides(event);
    case Body::PUBLIC_NOTICE:
      return notice_provides(event);
    case Body::APPOINTMENT_BOOKED:
      return appointment_provides(event);
    case Body::QUESTION:
      return consultation_provides(event);
    default:
      return {};
  }
}

Status HallProjection::apply(const sync::DecodedEvent& event) {
  const auto body = event.reader().getBody();
  switch (body.which()) {
    case Body::CALENDAR_PUBLISHED: {
      const auto year = body.getCalendarPublished();
      YIMEN_ASSIGN_OR_RETURN(auto del, db_.prepare("DELETE FROM calendar_year WHERE year = ?"));
      del.bind(1, static_cast<std::int64_t>(year.getYear()));
      YIMEN_TRY(del.run());
      YIMEN_ASSIGN_OR_RETURN(auto ins,
                             db_.prepare("INSERT INTO calendar_year (year, holidays, makeup, "
                                         "notice, provisional) VALUES (?, ?, ?, ?, ?)"));
      ins.bind(1, static_cast<std::int64_t>(year.getYear()));
      ins.bind(2, join_dates(year.getHolidays()));
      ins.bind(3, join_dates(year.getMakeupWorkingDays()));
      ins.bind(4, text(year.getNotice()));
      ins.bind(5, static_cast<std::int64_t>(year.getProvisional() ? 1 : 0));
      return ins.run();
    }
    case Body::ITEM_PUBLISHED: {
      const auto item = body.getItemPublished();
      YIMEN_ASSIGN_OR_RETURN(auto ins,
                             db_.prepare("INSERT INTO catalogue_item (code, version, name, "
                                         "publisher, event_id, event_seq) VALUES (?, ?, ?, ?, "
                                         "?, ?)"));
      ins.bind(1, text(item.getCode()));
      ins.bind(2, static_cast<std::int64_t>(item.getVersion()));
      ins.bind(3, text(item.getName()));
      ins.bind(4, event.origin().str());
      ins.bind_blob(5, event.id());
      ins.bind(6, static_cast<std::int64_t>(event.seq()));
      return ins.run();
    }
    case Body::ITEM_WITHDRAWN: {
      YIMEN_ASSIGN_OR_RETURN(auto upd,
                             db_.prepare("UPDATE catalogue_item SET withdrawn = 1 WHERE code = ?"));
      upd.bind(1, text(body.getItemWithdrawn().getCode()));
      return upd.run();
    }
    case Body::AUDIT_ANCHOR: {
      const auto anchor = body.getAuditAnchor();
      YIMEN_ASSIGN_OR_RETURN(auto ins, db_.prepare("INSERT INTO audit_anchor (origin, event_seq, "
                                                   "audit_seq, audit_hash, anchored_at, epoch, "
                                                   "kept_rows) VALUES (?, ?, ?, ?, ?, ?, ?)"));
      ins.bind(1, event.origin().str());
      ins.bind(2, static_cast<std::int64_t>(event.seq()));
      ins.bind(3, static_cast<std::int64_t>(anchor.getSeq()));
      ins.bind_blob(4, ByteView(anchor.getHash().begin(), anchor.getHash().size()));
      ins.bind(5, event.time());
      ins.bind(6, static_cast<std::int64_t>(anchor.getEpoch()));
      ins.bind(7, static_cast<std::int64_t>(anchor.getKeptRows()));
      return ins.run();
    }
    case Body::CASE_INTAKE:
      return apply_case_intake(event);
    case Body::CASE_HANDLING:
      return apply_case_handling(event);
    case Body::RATING:
    case Body::RATING_FOLLOW_UP:
    case Body::COMPLAINT:
    case Body::COMPLAINT_ANSWER:
      return apply_feedback(db_, event);
    case Body::SUPERVISION_ORDER:
    case Body::SUPERVISION_RESPONSE:
      return apply_supervision(db_, event);
    case Body::PUBLIC_NOTICE:
    case Body::NOTICE_WITHDRAWN:
      return apply_notice(db_, event);
    case Body::LICENCE_ISSUED:
    case Body::LICENCE_REVOKED:
      return apply_licence(db_, event);
    case Body::APPOINTMENT_BOOKED:
    case Body::APPOINTMENT_CANCELLED:
      return apply_appointment(db_, event);
    case Body::QUESTION:
    case Body::QUESTION_ANSWER:
      return apply_consultation(db_, event);
    default:
      return {};
  }
}

Status HallProjection::record_materials(const std::string& case_no,
                                        capnp::List<schema::SuppliedMaterial>::Reader supplied) {
  for (const auto m : supplied) {
    YIMEN_ASSIGN_OR_RETURN(
        auto ins, db_.prepare("INSERT OR REPLACE INTO case_material (case_no, material, how, "
                              "note, file_hash, file_size, file_name, file_type) "
                              "VALUES (?, ?, ?, ?, ?, ?, ?, ?)"));
    ins.bind(1, case_no);
    ins.bind(2, static_cast<std::int64_t>(m.getMaterial()));
    ins.bind(3, text(m.getHow()));
    ins.bind(4, text(m.getNote()));
    if (m.hasAttachment()) {
      const auto a = m.getAttachment();
      ins.bind_blob(5, ByteView(a.getHash().begin(), a.getHash().size()));
      ins.bind(6, static_cast<std::int64_t>(a.getSize()));
      ins.bind(7, text(a.getName()));
      ins.bind(8, text(a.getMediaType()));
    } else {
      ins.bind_null(5);
      ins.bind(6, std::int64_t{0});
      ins.bind(7, std::string_view());
      ins.bind(8, std::string_view());
    }
    YIMEN_TRY(ins.run());
  }
  return {};
}

Status HallProjection::want_attachments(const sync::DecodedEvent& event,
                                        capnp::List<schema::SuppliedMaterial>::Reader supplied) {
  const bool named = std::any_of(
      event.audience().begin(), event.audience().end(), [&](const sync::AudienceEntry& e) {
        return e.kind == sync::AudienceEntry::Kind::kNode && e.code == self_;
      });
  if (!named || event.origin() == self_) return {};
  for (const auto m : supplied) {
    if (!m.hasAttachment()) continue;
    const auto a = m.getAttachment();
    const storage::BlobRef ref{Bytes(a.getHash().begin(), a.getHash().end()), a.getSize()};
    // A bad reference is the intake node's mistake; the case itself stands.
    if (Status s = storage::want_blob(db_, ref, event.origin().str()); !s.ok()) {
      if (s.code() != ErrorCode::kInvalidArgument) return s;
    }
  }
  return {};
}

Status HallProjection::apply_case_intake(const sync::DecodedEvent& event) {
  const auto intake = event.reader().getBody().getCaseIntake();
  const std::string case_no = text(intake.getCaseNo());
  const Date on = cst_date(event.time());
  switch (intake.which()) {
    case schema::CaseIntake::SUBMITTED: {
      const auto sub = intake.getSubmitted();
      const std::string code = text(sub.getItemCode());
      YIMEN_ASSIGN_OR_RETURN(const ServiceItem* item,
                             item_version(code, static_cast<int>(sub.getItemVersion())));
      if (!item) return internal_error("admitted case " + case_no + " has no item version");
      const auto applicant = sub.getApplicant();
      // A second open case for the same item and applicant is flagged (task 19).
      std::string repeat_of;
      {
        YIMEN_ASSIGN_OR_RETURN(auto open, db_.prepare("SELECT case_no FROM case_file WHERE "
                                                      "applicant_id = ? AND item_code = ? AND "
                                                      "state NOT IN ('closed', 'withdrawn', "
                                                      "'refused') AND returned = 0 "
                                                      "ORDER BY case_no LIMIT 1"));
        open.bind(1, text(applicant.getIdNumber()));
        open.bind(2, code);
        YIMEN_ASSIGN_OR_RETURN(bool row, open.step());
        if (row) repeat_of = open.column_text(0);
      }
      YIMEN_ASSIGN_OR_RETURN(
          auto ins,
          db_.prepare("INSERT INTO case_file (case_no, intake_node, handling_node, item_code, "
                      "item_version, applicant_id, applicant_name, applicant_phone, domicile, "
                      "channel, query_code_hash, state, submitted_on, limit_days, limit_kind, "
                      "responsible_login, responsible_name, repeat_of, visits, submitted_at, "
                      "agent_id, agent_name, agent_authorisation, commitment, agent_phone, "
                      "identity, identity_note) "
                      "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'submitted', ?, ?, ?, ?, ?, ?, "
                      "?, ?, ?, ?, ?, ?, ?, ?, ?)"));
      ins.bind(1, case_no);
      ins.bind(2, event.origin().str());
      ins.bind(3, text(sub.getHandlingNode()));
      ins.bind(4, code);
      ins.bind(5, static_cast<std::int64_t>(sub.getItemVersion()));
      ins.bind(6, text(applicant.getIdNumber()));
      ins.bind(7, text(applicant.getName()));
      ins.bind(8, text(applicant.getPhone()));
      ins.bind(9, text(applicant.getDomicile()));
      ins.bind(10, text(sub.getChannel()));
      ins.bind(11, text(sub.getQueryCodeHash()));
      ins.bind(12, on.to_string());
      ins.bind(13, static_cast<std::int64_t>(item->committed_limit.days));
      ins.bind(14, day_kind_name(item->committed_limit.kind));
      ins.bind(15, text(intake.getActor().getLogin()));
      ins.bind(16, text(intake.getActor().getName()));
      ins.bind(17, repeat_of);
      ins.bind(18, static_cast<std::int64_t>(sub.getVisits()));
      ins.bind(19, event.time());
      const auto agent = sub.getAgent();
      ins.bind(20, sub.hasAgent() ? text(agent.getIdNumber()) : std::string());
      ins.bind(21, sub.hasAgent() ? text(agent.getName()) : std::string());
      ins.bind(22, sub.hasAgent() ? text(agent.getAuthorisation()) : std::string());
      ins.bind(23, static_cast<std::int64_t>(any_supplied(sub.getMaterials(), "commitment")));
      ins.bind(24, sub.hasAgent() ? text(agent.getPhone()) : std::string());
      const std::string identity = text(sub.getIdentity());
      ins.bind(25, identity.empty() ? std::string(kIdentityWindow) : identity);
      ins.bind(26, text(sub.getIdentitySource()));
      YIMEN_TRY(ins.run());
      YIMEN_TRY(record_materials(case_no, sub.getMaterials()));
      YIMEN_TRY(want_attachments(event, sub.getMaterials()));
      return add_transition(case_no, CaseHalf::kIntake, CaseAction::kSubmit, event, "");
    }
    case schema::CaseIntake::RETURNED_INCOMPLETE: {
      YIMEN_ASSIGN_OR_RETURN(auto upd, db_.prepare("UPDATE case_file SET returned = 1 WHERE "
                                                   "case_no = ? AND state = 'submitted'"));
      upd.bind(1, case_no);
      YIMEN_TRY(upd.run());
      return add_transition(case_no, CaseHalf::kIntake, CaseAction::kReturnIncomplete, event, "");
    }
    case schema::CaseIntake::MATERIALS_SUPPLIED: {
      const auto supplied = intake.getMaterialsSupplied();
      // Paper handed in means the applicant came in person once more.
      YIMEN_ASSIGN_OR_RETURN(auto upd, db_.prepare("UPDATE case_file SET visits = visits + ?, "
                                                   "commitment = MAX(commitment, ?) "
                                                   "WHERE case_no = ?"));
      upd.bind(1, static_cast<std::int64_t>(any_supplied(supplied, "paper")));
      upd.bind(2, static_cast<std::int64_t>(any_supplied(supplied, "commitment")));
      upd.bind(3, case_no);
      YIMEN_TRY(upd.run());
      YIMEN_TRY(record_materials(case_no, supplied));
      YIMEN_TRY(want_attachments(event, supplied));
      return add_transition(case_no, CaseHalf::kIntake, CaseAction::kSupplyMaterials, event, "");
    }
    case schema::CaseIntake::WITHDRAWAL_REQUESTED: {
      YIMEN_ASSIGN_OR_RETURN(auto upd, db_.prepare("UPDATE case_file SET withdrawal_requested = 1 "
                                                   "WHERE case_no = ?"));
      upd.bind(1, case_no);
      YIMEN_TRY(upd.run());
      return add_transition(case_no, CaseHalf::kIntake, CaseAction::kRequestWithdrawal, event,
                            text(intake.getWithdrawalRequested()));
    }
    case schema::CaseIntake::RESULT_DELIVERED:
      return add_transition(case_no, CaseHalf::kIntake, CaseAction::kDeliverResult, event,
                            text(intake.getResultDelivered()));
    case schema::CaseIntake::IDENTITY_VERIFIED: {
      const std::string how = text(intake.getIdentityVerified());
      YIMEN_ASSIGN_OR_RETURN(auto upd, db_.prepare("UPDATE case_file SET identity = ?, "
                                                   "identity_note = ? WHERE case_no = ?"));
      upd.bind(1, kIdentityWindow);
      upd.bind(2, how);
      upd.bind(3, case_no);
      YIMEN_TRY(upd.run());
      return add_transition(case_no, CaseHalf::kIntake, CaseAction::kVerifyIdentity, event, how);
    }
  }
  return {};
}

Status HallProjection::apply_case_handling(const sync::DecodedEvent& event) {
  const auto handling = event.reader().getBody().getCaseHandling();
  const std::string case_no = text(handling.getCaseNo());
  const auto action = handling_action(handling);
  if (!action) return {};
  YIMEN_ASSIGN_OR_RETURN(auto owner, case_owner(db_, case_no, true));
  if (!owner) return internal_error("admitted handling event for a missing case");
  const auto state = parse_case_state(owner->second);
  if (!state) return corruption("case_file: unknown state " + owner->second);
  YIMEN_ASSIGN_OR_RETURN(const CaseState next, next_state(*state, *action));
  const std::string on = cst_date(event.time()).to_string();
  const std::string note = handling_note(handling);

  YIMEN_ASSIGN_OR_RETURN(auto upd, db_.prepare("UPDATE case_file SET state = ? WHERE case_no = ?"));
  upd.bind(1, case_state_name(next));
  upd.bind(2, case_no);
  YIMEN_TRY(upd.run());

  // What the action records besides the state: (column, value) pairs.
  std::vector<std::pair<const char*, std::string>> sets;
  switch (*action) {
    case CaseAction::kAccept:
      sets = {{"accepted_on", on}};
      break;
    case CaseAction::kRefuse:
      sets = {{"decision", note}, {"finished_on", on}};
      break;
    case CaseAction::kApprove:
      sets = {{"decision", note}, {"approved_on", on}};
      break;
    case CaseAction::kReject:
      sets = {{"decision", note}};
      break;
    case CaseAction::kIssueResult:
      sets = {{"result", note}, {"finished_on", on}};
      break;
    case CaseAction::kConfirmCommitment:
      sets = {{"post_check", "confirmed"}};
      break;
    case CaseAction::kFalseCommitment: {
      sets = {{"post_check", "false"}};
      YIMEN_ASSIGN_OR_RETURN(auto flag, db_.prepare("INSERT OR REPLACE INTO applicant_flag "
                                                    "(case_no, applicant_id, on_date, reason) "
                                                    "SELECT case_no, applicant_id, ?, ? FROM "
                                                    "case_file WHERE case_no = ?"));
      flag.bind(1, on);
      flag.bind(2, note);
      flag.bind(3, case_no);
      YIMEN_TRY(flag.run());
      break;
    }
    case CaseAction::kDepartmentOpinion: {
      const auto opinion = handling.getDepartmentOpinion();
      YIMEN_ASSIGN_OR_RETURN(
          auto ins, db_.prepare("INSERT OR REPLACE INTO case_opinion (case_no, department, "
                                "agreed, note, on_date, by_name, by_office) "
                                "VALUES (?, ?, ?, ?, ?, ?, ?)"));
      ins.bind(1, case_no);
      ins.bind(2, text(opinion.getDepartment()));
      ins.bind(3, static_cast<std::int64_t>(opinion.getAgreed()));
      ins.bind(4, note);
      ins.bind(5, on);
      ins.bind(6, text(handling.getActor().getName()));
      ins.bind(7, text(handling.getActor().getOffice()));
      YIMEN_TRY(ins.run());
      break;
    }
    default:
      break;
  }
  for (const auto& [column, value] : sets) {
    YIMEN_ASSIGN_OR_RETURN(auto set, db_.prepare(std::string("UPDATE case_file SET ") + column +
                                                 " = ? WHERE case_no = ?"));
    set.bind(1, value);
    set.bind(2, case_no);
    YIMEN_TRY(set.run());
  }
  if (*action == CaseAction::kRequestMaterials || *action == CaseAction::kStartNotice) {
    YIMEN_ASSIGN_OR_RETURN(auto pause, db_.prepare("INSERT INTO case_pause (case_no, from_date, "
                                                   "reason) VALUES (?, ?, ?)"));
    pause.bind(1, case_no);
    pause.bind(2, on);
    pause.bind(3, case_action_name(*action));
    YIMEN_TRY(pause.run());
  } else if (*action == CaseAction::kAcceptSupplement || *action == CaseAction::kEndNotice) {
    YIMEN_ASSIGN_OR_RETURN(auto end, db_.prepare("UPDATE case_pause SET to_date = ? WHERE "
                                                 "case_no = ? AND to_date IS NULL"));
    end.bind(1, on);
    end.bind(2, case_no);
    YIMEN_TRY(end.run());
  }
  return add_transition(case_no, CaseHalf::kHandling, *action, event, note);
}

Status HallProjection::add_transition(const std::string& case_no, CaseHalf half, CaseAction action,
                                      const sync::DecodedEvent& event, const std::string& note) {
  const auto body = event.reader().getBody();
  const auto actor = half == CaseHalf::kIntake ? body.getCaseIntake().getActor()
                                               : body.getCaseHandling().getActor();
  // A materials request and an incomplete return carry their findings.
  capnp::List<schema::MaterialFinding>::Reader findings;
  std::string supply_by;
  if (action == CaseAction::kRequestMaterials) {
    findings = body.getCaseHandling().getMaterialsRequested();
    supply_by = text(body.getCaseHandling().getSupplyBy());
  } else if (action == CaseAction::kReturnIncomplete) {
    findings = body.getCaseIntake().getReturnedIncomplete();
    supply_by = text(body.getCaseIntake().getSupplyBy());
  }
  // The position is read first: INSERT ... SELECT from the same table would go
  // through a temporary table. A submission is a case's first transition.
  std::int64_t position = 1;
  if (action != CaseAction::kSubmit) {
    YIMEN_ASSIGN_OR_RETURN(auto last, db_.prepare("SELECT MAX(position) FROM case_transition "
                                                  "WHERE case_no = ?"));
    last.bind(1, case_no);
    YIMEN_ASSIGN_OR_RETURN(bool row, last.step());
    position = (row ? last.column_int64(0) : 0) + 1;
  }
  YIMEN_ASSIGN_OR_RETURN(
      auto ins,
      db_.prepare("INSERT INTO case_transition (case_no, position, half, action, actor_login, "
                  "actor_name, actor_office, actor_phone, on_date, at, note, supply_by) "
                  "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
  ins.bind(1, case_no);
  ins.bind(2, position);
  ins.bind(3, half == CaseHalf::kIntake ? "intake" : "handling");
  ins.bind(4, case_action_name(action));
  ins.bind(5, text(actor.getLogin()));
  ins.bind(6, text(actor.getName()));
  ins.bind(7, text(actor.getOffice()));
  ins.bind(8, text(actor.getPhone()));
  ins.bind(9, cst_date(event.time()).to_string());
  ins.bind(10, event.time());
  ins.bind(11, note);
  ins.bind(12, supply_by);
  YIMEN_TRY(ins.run());
  std::int64_t ordinal = 0;
  for (auto f : findings) {
    YIMEN_ASSIGN_OR_RETURN(auto row, db_.prepare("INSERT INTO case_finding (case_no, position, "
                                                 "ordinal, material, problem, note, "
                                                 "copies_received) VALUES (?, ?, ?, ?, ?, ?, ?)"));
    row.bind(1, case_no);
    row.bind(2, position);
    row.bind(3, ordinal++);
    row.bind(4, static_cast<std::int64_t>(f.getMaterial()));
    row.bind(5, text(f.getProblem()));
    row.bind(6, text(f.getNote()));
    row.bind(7, static_cast<std::int64_t>(f.getCopiesReceived()));
    YIMEN_TRY(row.run());
  }
  return {};
}

Result<std::optional<std::string>> HallProjection::findings_refused_for(
    const std::string& case_no, capnp::List<schema::MaterialFinding>::Reader findings,
    capnp::Text::Reader supply_by) {
  YIMEN_ASSIGN_OR_RETURN(auto file, load_case(db_, case_no));
  const ServiceItem* item = nullptr;
  if (file) {
    YIMEN_ASSIGN_OR_RETURN(item, item_version(file->item_code, file->item_version));
  }
  return findings_refused(findings, supply_by, item);
}

Result<const ServiceItem*> HallProjection::item_version(const std::string& code, int version) {
  auto key = std::make_pair(code, version);
  if (auto it = items_.find(key); it != items_.end()) return &it->second;
  YIMEN_ASSIGN_OR_RETURN(auto item, load_item(db_, code, version));
  if (!item) return nullptr;
  return &items_.emplace(std::move(key), std::move(*item)).first->second;
}

Status HallProjection::reset() {
  items_.clear();
  return db_.exec(
      "DELETE FROM case_pause; DELETE FROM case_finding; DELETE FROM case_transition; "
      "DELETE FROM case_file; "
      "DELETE FROM catalogue_item; DELETE FROM calendar_year; DELETE FROM audit_anchor; "
      "DELETE FROM applicant_flag; DELETE FROM rating; DELETE FROM rating_follow_up; "
      "DELETE FROM complaint; DELETE FROM supervision_order; DELETE FROM public_notice; "
      "DELETE FROM licence; DELETE FROM licence_revocation; "
      "DELETE FROM question; DELETE FROM appointment; DELETE FROM case_opinion; "
      "DELETE FROM case_material;");
}

// --- Queries ---

Result<std::optional<ServiceItem>> load_item(storage::Database& db, const std::string& code,
                                             std::optional<int> version) {
  YIMEN_ASSIGN_OR_RETURN(
      auto stmt, db.prepare(version ? "SELECT e.envelope FROM catalogue_item c JOIN event e ON "
                                      "e.origin = c.publisher AND e.seq = c.event_seq AND e.id = "
                                      "c.event_id WHERE c.code = ? AND c.version = ?"
                                    : "SELECT e.envelope FROM catalogue_item c JOIN event e ON "
                                      "e.origin = c.publisher AND e.seq = c.event_seq AND e.id = "
                                      "c.event_id WHERE c.code = ? ORDER BY c.version DESC "
                                      "LIMIT 1"));
  stmt.bind(1, code);
  if (version) stmt.bind(2, static_cast<std::int64_t>(*version));
  YIMEN_ASSIGN_OR_RETURN(bool row, stmt.step());
  if (!row) return std::optional<ServiceItem>();
  YIMEN_ASSIGN_OR_RETURN(auto event, sync::decode_envelope(stmt.column_blob(0)));
  YIMEN_ASSIGN_OR_RETURN(auto item, read_service_item(event.reader().getBody().getItemPublished()));
  return std::optional<ServiceItem>(std::move(item));
}

Result<std::vector<std::string>> current_item_codes(storage::Database& db) {
  YIMEN_ASSIGN_OR_RETURN(auto stmt, db.prepare("SELECT DISTINCT code FROM catalogue_item WHERE "
                                               "withdrawn = 0 ORDER BY code"));
  return storage::collect(stmt, [](storage::Statement& row) { return row.column_text(0); });
}

Result<CatalogueIndex> load_catalogue_index(storage::Database& db) {
  CatalogueIndex index;
  YIMEN_ASSIGN_OR_RETURN(auto codes, current_item_codes(db));
  for (const auto& code : codes) {
    YIMEN_ASSIGN_OR_RETURN(auto item, load_item(db, code));
    if (item) YIMEN_TRY(index.put(std::move(*item)));
  }
  return index;
}

Result<std::vector<CalendarYear>> load_calendar_years(storage::Database& db) {
  YIMEN_ASSIGN_OR_RETURN(
      auto stmt, db.prepare("SELECT year, holidays, makeup, notice, provisional FROM calendar_year "
                            "ORDER BY year"));
  std::vector<CalendarYear> out;
  for (;;) {
    YIMEN_ASSIGN_OR_RETURN(bool row, stmt.step());
    if (!row) break;
    CalendarYear y;
    y.year = static_cast<int>(stmt.column_int64(0));
    YIMEN_ASSIGN_OR_RETURN(y.holidays, split_dates(stmt.column_text(1)));
    YIMEN_ASSIGN_OR_RETURN(y.makeup_working_days, split_dates(stmt.column_text(2)));
    y.notice = stmt.column_text(3);
    y.provisional = stmt.column_int64(4) != 0;
    out.push_back(std::move(y));
  }
  return out;
}

Result<WorkingDayCalendar> load_calendar(storage::Database& db) {
  YIMEN_ASSIGN_OR_RETURN(auto years, load_calendar_years(db));
  WorkingDayCalendar calendar;
  for (auto& y : years) {
    YIMEN_TRY(
        calendar.publish_year(y.year, std::move(y.holidays), std::move(y.makeup_working_days)));
  }
  return calendar;
}

Result<std::optional<CaseFile>> load_case(storage::Database& db, const std::string& case_no) {
  YIMEN_ASSIGN_OR_RETURN(
      auto stmt,
      db.prepare("SELECT intake_node, handling_node, item_code, item_version, applicant_id, "
                 "applicant_name, applicant_phone, domicile, channel, query_code_hash, state, "
                 "submitted_on, accepted_on, limit_days, limit_kind, responsible_login, "
                 "responsible_name, returned, withdrawal_requested, repeat_of, decision, result, "
                 "visits, submitted_at, agent_id, agent_name, agent_authorisation, commitment, "
                 "approved_on, finished_on, post_check, agent_phone, identity, identity_note "
                 "FROM case_file WHERE case_no = ?"));
  stmt.bind(1, case_no);
  YIMEN_ASSIGN_OR_RETURN(bool row, stmt.step());
  if (!row) return std::optional<CaseFile>();
  auto region = [&](int i) { return RegionCode::parse(stmt.column_text(i)); };
  auto intake = region(0), handling = region(1), domicile = region(7);
  auto state = parse_case_state(stmt.column_text(10));
  auto submitted = Date::from_string(stmt.column_text(11));
  auto kind = parse_day_kind(stmt.column_text(14));
  if (!intake.ok() || !handling.ok() || !domicile.ok() || !state || !submitted.ok() || !kind) {
    return corruption("case_file row of " + case_no + " is malformed");
  }
  CaseFile f{
      case_no,
      *intake,
      *handling,
      stmt.column_text(2),
      static_cast<int>(stmt.column_int64(3)),
      stmt.column_text(4),
      stmt.column_text(5),
      stmt.column_text(6),
      *domicile,
      stmt.column_text(8),
      stmt.column_text(9),
      *state,
      *submitted,
      std::nullopt,
      {static_cast<int>(stmt.column_int64(13)), *kind},
      {},
      stmt.column_text(15),
      stmt.column_text(16),
      stmt.column_int64(17) != 0,
      stmt.column_int64(18) != 0,
      stmt.column_text(19),
      stmt.column_text(20),
      stmt.column_text(21),
      static_cast<int>(stmt.column_int64(22)),
      stmt.column_int64(23),
      {stmt.column_text(24), stmt.column_text(25), stmt.column_text(31), stmt.column_text(26)},
      stmt.column_int64(27) != 0,
      std::nullopt,
      std::nullopt,
      stmt.column_text(30),
      stmt.column_text(32),
      stmt.column_text(33)};
  auto optional_date = [&](int column, std::optional<Date>& out) -> Status {
    if (stmt.column_is_null(column)) return {};
    YIMEN_ASSIGN_OR_RETURN(out, Date::from_string(stmt.column_text(column)));
    return {};
  };
  YIMEN_TRY(optional_date(12, f.accepted_on));
  YIMEN_TRY(optional_date(28, f.approved_on));
  YIMEN_TRY(optional_date(29, f.finished_on));
  YIMEN_ASSIGN_OR_RETURN(auto pauses, db.prepare("SELECT from_date, to_date FROM case_pause WHERE "
                                                 "case_no = ? ORDER BY rowid"));
  pauses.bind(1, case_no);
  for (;;) {
    YIMEN_ASSIGN_OR_RETURN(bool p, pauses.step());
    if (!p) break;
    YIMEN_ASSIGN_OR_RETURN(auto from, Date::from_string(pauses.column_text(0)));
    Pause pause{from, std::nullopt};
    if (!pauses.column_is_null(1)) {
      YIMEN_ASSIGN_OR_RETURN(pause.to, Date::from_string(pauses.column_text(1)));
    }
    f.pauses.push_back(pause);
  }
  return std::optional<CaseFile>(std::move(f));
}

Result<std::vector<CaseMaterial>> case_materials(storage::Database& db,
                                                 const std::string& case_no) {
  YIMEN_ASSIGN_OR_RETURN(auto stmt, db.prepare("SELECT material, how, note, file_hash, file_size, "
                                               "file_name, file_type FROM case_material WHERE "
                                               "case_no = ? ORDER BY material"));
  stmt.bind(1, case_no);
  return storage::collect(stmt, [](storage::Statement& row) {
    CaseMaterial m{static_cast<int>(row.column_int64(0)), row.column_text(1), row.column_text(2),
                   std::nullopt};
    if (!row.column_is_null(3)) {
      m.file = MaterialFile{row.column_blob(3), static_cast<std::uint64_t>(row.column_int64(4)),
                            row.column_text(5), row.column_text(6)};
    }
    return m;
  });
}

Result<std::vector<CaseTransition>> load_transitions(storage::Database& db,
                                                     const std::string& case_no) {
  YIMEN_ASSIGN_OR_RETURN(auto stmt, db.prepare("SELECT position, half, action, actor_login, "
                                               "actor_name, actor_office, actor_phone, on_date, "
                                               "at, note, supply_by FROM case_transition WHERE "
                                               "case_no = ? ORDER BY position"));
  stmt.bind(1, case_no);
  std::vector<CaseTransition> out;
  for (;;) {
    YIMEN_ASSIGN_OR_RETURN(bool row, stmt.step());
    if (!row) break;
    auto action = parse_case_action(stmt.column_text(2));
    auto on = Date::from_string(stmt.column_text(7));
    if (!action || !on.ok()) return corruption("case_transition row is malformed");
    out.push_back({static_cast<int>(stmt.column_int64(0)),
                   stmt.column_text(1) == "intake" ? CaseHalf::kIntake : CaseHalf::kHandling,
                   *action,
                   stmt.column_text(3),
                   stmt.column_text(4),
                   stmt.column_text(5),
                   stmt.column_text(6),
                   *on,
                   stmt.column_int64(8),
                   stmt.column_text(9),
                   std::nullopt,
                   {}});
    if (auto by = stmt.column_text(10); !by.empty()) {
      auto date = Date::from_string(by);
      if (!date.ok()) return corruption("case_transition: supply_by is not a date");
      out.back().supply_by = *date;
    }
  }
  YIMEN_ASSIGN_OR_RETURN(auto findings,
                         db.prepare("SELECT position, material, problem, note, copies_received "
                                    "FROM case_finding WHERE case_no = ? "
                                    "ORDER BY position, ordinal"));
  findings.bind(1, case_no);
  for (;;) {
    YIMEN_ASSIGN_OR_RETURN(bool row, findings.step());
    if (!row) break;
    const auto position = static_cast<int>(findings.column_int64(0));
    auto problem = parse_material_problem(findings.column_text(2));
    if (!problem) return corruption("case_finding: unknown problem");
    for (auto& t : out) {
      if (t.position != position) continue;
      t.findings.push_back({static_cast<size_t>(findings.column_int64(1)), *problem,
                            findings.column_text(3), static_cast<int>(findings.column_int64(4))});
    }
  }
  return out;
}

std::string region_prefix(const RegionCode& region) {
  constexpr std::array<size_t, 4> kPrefix = {4, 6, 9, 12};  // city, county, town, village
  return region.str().substr(0, kPrefix[static_cast<size_t>(region.level()) - 1]);
}

Result<std::vector<std::string>> case_numbers(storage::Database& db, const RegionCode& region,
                                              std::optional<CaseState> state) {
  const std::string prefix = region_prefix(region);
  YIMEN_ASSIGN_OR_RETURN(
      auto stmt,
      db.prepare(state ? "SELECT case_no FROM case_file WHERE (substr(handling_node, 1, "
                         "?1) = ?2 OR substr(intake_node, 1, ?1) = ?2) AND state = ?3 "
                         "ORDER BY case_no"
                       : "SELECT case_no FROM case_file WHERE (substr(handling_node, 1, "
                         "?1) = ?2 OR substr(intake_node, 1, ?1) = ?2) ORDER BY case_no"));
  stmt.bind(1, static_cast<std::int64_t>(prefix.size()));
  stmt.bind(2, prefix);
  if (state) stmt.bind(3, case_state_name(*state));
  return storage::collect(stmt, [](storage::Statement& row) { return row.column_text(0); });
}

Result<std::vector<std::string>> search_case_numbers(storage::Database& db,
                                                     const RegionCode& region,
                                                     const std::string& query) {
  const std::string prefix = region_prefix(region);
  std::string like;
  for (const char c : query) {
    if (c == '%' || c == '_' || c == '\\') like += '\\';
    like += c;
  }
  like += '%';
  std::string id = query;
  for (char& c : id) {
    if (c == 'x') c = 'X';
  }
  YIMEN_ASSIGN_OR_RETURN(
      auto stmt, db.prepare("SELECT case_no FROM case_file WHERE (substr(handling_node, 1, ?1) = "
                            "?2 OR substr(intake_node, 1, ?1) = ?2) AND (case_no LIKE ?3 "
                            "ESCAPE '\\' OR applicant_id = ?4 OR instr(applicant_name, ?5) > 0) "
                            "ORDER BY case_no DESC LIMIT ?6"));
  stmt.bind(1, static_cast<std::int64_t>(prefix.size()));
  stmt.bind(2, prefix);
  stmt.bind(3, like);
  stmt.bind(4, id);
  stmt.bind(5, query);
  stmt.bind(6, static_cast<std::int64_t>(kMaxSearchResults));
  return storage::collect(stmt, [](storage::Statement& row) { return row.column_text(0); });
}

Result<std::vector<PostCheckTask>> post_check_tasks(storage::Database& db, const RegionCode& region,
                                                    const WorkingDayCalendar& calendar,
                                                    int working_days) {
  const std::string prefix = region_prefix(region);
  YIMEN_ASSIGN_OR_RETURN(auto stmt,
                         db.prepare("SELECT case_no, handling_node, approved_on FROM case_file "
                                    "WHERE commitment = 1 AND approved_on IS NOT NULL AND "
                                    "post_check = '' AND state != 'revoked' AND "
                                    "substr(handling_node, 1, ?) = ? "
                                    "ORDER BY approved_on, case_no LIMIT 1000"));
  stmt.bind(1, static_cast<std::int64_t>(prefix.size()));
  stmt.bind(2, prefix);
  std::vector<PostCheckTask> out;
  for (;;) {
    YIMEN_ASSIGN_OR_RETURN(bool row, stmt.step());
    if (!row) break;
    auto handling = RegionCode::parse(stmt.column_text(1));
    auto approved = Date::from_string(stmt.column_text(2));
    if (!handling.ok() || !approved.ok()) {
      return corruption("case_file row of " + stmt.column_text(0) + " is malformed");
    }
    PostCheckTask task{stmt.column_text(0), *handling, *approved, std::nullopt};
    if (auto due = calendar.add_days(*approved, working_days, DayKind::kWorking); due.ok()) {
      task.due = *due;
    }
    out.push_back(std::move(task));
  }
  return out;
}

Result<std::vector<CaseFile>> cases_of_applicant(storage::Database& db,
                                                 const std::string& applicant_id) {
  YIMEN_ASSIGN_OR_RETURN(auto stmt, db.prepare("SELECT case_no FROM case_file WHERE "
                                               "applicant_id = ? ORDER BY submitted_at DESC, "
                                               "case_no DESC LIMIT 50"));
  stmt.bind(1, applicant_id);
  std::vector<CaseFile> out;
  for (;;) {
    YIMEN_ASSIGN_OR_RETURN(bool row, stmt.step());
    if (!row) break;
    YIMEN_ASSIGN_OR_RETURN(auto file, load_case(db, stmt.column_text(0)));
    if (file) out.push_back(std::move(*file));
  }
  return out;
}

Result<std::string> false_commitment_of(storage::Database& db, const std::string& applicant_id) {
  YIMEN_ASSIGN_OR_RETURN(auto stmt, db.prepare("SELECT case_no FROM applicant_flag WHERE "
                                               "applicant_id = ? ORDER BY on_date LIMIT 1"));
  stmt.bind(1, applicant_id);
  YIMEN_ASSIGN_OR_RETURN(bool row, stmt.step());
  return row ? stmt.column_text(0) : std::string();
}

}  // namespace yimen::hall
