#include "node/hall/feedback.h"

#include <algorithm>
#include <array>
#include <cstdio>
#include <sstream>

#include "common/text.h"
#include "node/hall/hall.h"
#include "node/hall/hall_projection.h"

namespace yimen::hall {
namespace {

using Admission = sync::EventSink::Admission;
using Body = schema::Body;

constexpr std::array<std::string_view, 9> kRatingTags = {
    "quick",    "polite",           "clear_guidance", "one_visit",      "slow",
    "impolite", "unclear_guidance", "many_visits",    "extra_materials"};
constexpr std::array<std::string_view, 3> kComplaintKinds = {"complaint", "report", "suggestion"};

std::string text(capnp::Text::Reader t) { return {t.cStr(), t.size()}; }

bool valid_text(const std::string& s, size_t max, bool required) {
  if (required && s.find_first_not_of(" \t\n") == std::string::npos) return false;
  return s.size() <= max && is_multiline_text(s);
}

// Case state as the projection holds it, or nullopt when the case is unknown here.
Result<std::optional<std::pair<CaseState, RegionCode>>> case_state(storage::Database& db,
                                                                   const std::string& case_no) {
  YIMEN_ASSIGN_OR_RETURN(auto file, load_case(db, case_no));
  if (!file) return std::optional<std::pair<CaseState, RegionCode>>();
  return std::optional<std::pair<CaseState, RegionCode>>({file->state, file->handling_node});
}

bool rateable(CaseState state) {
  return state == CaseState::kRefused || state == CaseState::kResultIssued ||
         state == CaseState::kClosed || state == CaseState::kRevoked;
}

std::string join_tags(const std::vector<std::string>& tags) {
  std::string out;
  for (const auto& t : tags) out += (out.empty() ? "" : " ") + t;
  return out;
}

std::vector<std::string> split_tags(const std::string& joined) {
  std::vector<std::string> out;
  std::istringstream in(joined);
  std::string word;
  while (in >> word) out.push_back(word);
  return out;
}

std::optional<Date> follow_up_due(const WorkingDayCalendar& calendar, Date rated_on) {
  auto due = calendar.add_days(rated_on, kFollowUpWorkingDays, DayKind::kWorking);
  if (!due.ok()) return std::nullopt;
  return *due;
}

std::string complaint_dependency(const std::string& no) { return "complaint:" + no; }

// The node a number names: "<12 digits>-<letter>...".
std::optional<RegionCode> numbered_by(const std::string& no, char letter) {
  if (no.size() < 14 || no[12] != '-' || no[13] != letter) return std::nullopt;
  auto code = RegionCode::parse(std::string_view(no).substr(0, 12));
  if (!code.ok()) return std::nullopt;
  return *code;
}

Result<ComplaintRecord> read_complaint(storage::Statement& stmt) {
  auto taken = RegionCode::parse(stmt.column_text(1));
  auto about = RegionCode::parse(stmt.column_text(2));
  auto handler = RegionCode::parse(stmt.column_text(3));
  auto filed = Date::from_string(stmt.column_text(11));
  if (!taken.ok() || !about.ok() || !handler.ok() || !filed.ok()) {
    return corruption("complaint row " + stmt.column_text(0) + " is malformed");
  }
  ComplaintRecord r{stmt.column_text(0),
                    *taken,
                    *about,
                    *handler,
                    stmt.column_text(4),
                    stmt.column_text(5),
                    stmt.column_text(6),
                    stmt.column_text(7),
                    stmt.column_text(8),
                    stmt.column_text(9),
                    stmt.column_text(10),
                    *filed,
                    stmt.column_text(12),
                    stmt.column_int64(13) != 0,
                    std::nullopt,
                    stmt.column_text(15)};
  if (!stmt.column_is_null(14)) {
    YIMEN_ASSIGN_OR_RETURN(r.answered_on, Date::from_string(stmt.column_text(14)));
  }
  return r;
}

constexpr const char* kComplaintColumns =
    "SELECT complaint_no, taken_by, about, handler, case_no, kind, subject, body, contact_name, "
    "contact_phone, code_hash, filed_on, answer, upheld, answered_on, answered_by FROM complaint ";

}  // namespace

bool is_rating_tag(std::string_view tag) {
  return std::find(kRatingTags.begin(), kRatingTags.end(), tag) != kRatingTags.end();
}

bool is_complaint_kind(std::string_view kind) {
  return std::find(kComplaintKinds.begin(), kComplaintKinds.end(), kind) != kComplaintKinds.end();
}

RegionCode complaint_handler(const RegionCode& about) {
  RegionCode at = about;
  while (at.level() != RegionLevel::kCounty && at.level() != RegionLevel::kCity) {
    at = *at.parent();
  }
  if (at == about) return about.city();
  return at;
}

// --- commands ---

Status Hall::rate(const std::string& case_no, const RatingInput& rating) {
  if (rating.score < 1 || rating.score > 5) {
    return invalid_argument("score must be 1 to 5, got " + std::to_string(rating.score));
  }
  if (rating.tags.size() > kRatingTags.size()) return invalid_argument("too many tags");
  for (const auto& tag : rating.tags) {
    if (!is_rating_tag(tag)) return invalid_argument("tags: unknown tag '" + tag + "'");
  }
  if (!valid_text(rating.comment, kMaxFeedbackTextBytes, false)) {
    return invalid_argument("comment must be at most 2000 bytes of text");
  }
  return in_transaction([&]() -> Status {
    YIMEN_ASSIGN_OR_RETURN(auto file, load_case(db_, case_no));
    if (!file) return not_found("no case " + case_no + " at this node");
    if (!rateable(file->state)) {
      return failed_precondition("case " + case_no + " can be rated once it is finished; it is " +
                                 case_state_name(file->state));
    }
    YIMEN_ASSIGN_OR_RETURN(auto rated, db_.prepare("SELECT rated_on FROM rating WHERE "
                                                   "case_no = ? ORDER BY hlc LIMIT 1"));
    rated.bind(1, case_no);
    YIMEN_ASSIGN_OR_RETURN(bool row, rated.step());
    if (row) {
      return already_exists("case " + case_no + " was already rated on " + rated.column_text(0));
    }
    std::vector<sync::AudienceEntry> audience = {
        {sync::AudienceEntry::Kind::kNode, file->handling_node}};
    if (file->intake_node != file->handling_node) {
      audience.push_back({sync::AudienceEntry::Kind::kNode, file->intake_node});
    }
    YIMEN_ASSIGN_OR_RETURN(auto r, emit(Actor{}, audience, [&](schema::Body::Builder b) {
                             auto out = b.initRating();
                             out.setCaseNo(case_no);
                             out.setScore(static_cast<std::uint8_t>(rating.score));
                             auto tags = out.initTags(static_cast<unsigned>(rating.tags.size()));
                             for (unsigned i = 0; i < rating.tags.size(); ++i) {
                               tags.set(i, rating.tags[i]);
                             }
                             out.setComment(rating.comment);
                           }));
    (void)r;
    return {};
  });
}

Status Hall::follow_up_rating(const Actor& actor, const std::string& case_no,
                              const std::string& note) {
  if (!valid_text(note, kMaxFeedbackTextBytes, true)) {
    return invalid_argument("note must say what was done (1 to 2000 bytes of text)");
  }
  return in_transaction([&]() -> Status {
    YIMEN_ASSIGN_OR_RETURN(auto file, load_case(db_, case_no));
    if (!file) return not_found("no case " + case_no + " at this node");
    if (file->handling_node != node_) {
      return permission_denied("case " + case_no + " is handled by " + file->handling_node.str() +
                               ", which follows up its ratings");
    }
    YIMEN_ASSIGN_OR_RETURN(auto rating, load_rating(db_, case_no, WorkingDayCalendar()));
    if (!rating || rating->score > kPoorRating) {
      return failed_precondition("case " + case_no + " has no poor rating to follow up");
    }
    if (!rating->follow_up.empty()) {
      return already_exists("the rating of case " + case_no + " was already followed up");
    }
    std::vector<sync::AudienceEntry> audience = {{sync::AudienceEntry::Kind::kNode, node_}};
    if (file->intake_node != node_) {
      audience.push_back({sync::AudienceEntry::Kind::kNode, file->intake_node});
    }
    YIMEN_ASSIGN_OR_RETURN(auto r, emit(actor, audience, [&](schema::Body::Builder b) {
                             auto out = b.initRatingFollowUp();
                             out.setCaseNo(case_no);
                             out.setNote(note);
                           }));
    (void)r;
    return {};
  });
}

Result<FiledComplaint> Hall::file_complaint(const Actor& actor, const ComplaintInput& c) {
  if (c.about.city() != node_.city()) {
    return invalid_argument("about: " + c.about.str() + " is not an office of this city");
  }
  if (!is_complaint_kind(c.kind)) {
    return invalid_argument("kind must be complaint, report or suggestion");
  }
  if (!valid_text(c.subject, 200, true) || c.subject.find('\n') != std::string::npos) {
    return invalid_argument("subject must be one line of 1 to 200 bytes");
  }
  if (!valid_text(c.body, kMaxFeedbackTextBytes, true)) {
    return invalid_argument("body must be 1 to 2000 bytes of text");
  }
  if (c.case_no.size() > 40 || !is_display_text(c.case_no)) {
    return invalid_argument("case_no is malformed");
  }
  if (c.contact_name.size() > 100 || !is_display_text(c.contact_name) ||
      c.contact_phone.size() > 20 || !is_display_text(c.contact_phone)) {
    return invalid_argument("contact name or phone is too long");
  }
  YIMEN_ASSIGN_OR_RETURN(const crypto::SecretCode code, crypto::new_secret_code());
  FiledComplaint out{"", code.code, complaint_handler(c.about)};
  Status status = in_transaction([&]() -> Status {
    YIMEN_ASSIGN_OR_RETURN(out.complaint_no,
                           next_number("complaint", "complaint_no", node_.str() + "-C"));
    std::vector<sync::AudienceEntry> audience = {{sync::AudienceEntry::Kind::kNode, node_}};
    if (out.handler != node_) audience.push_back({sync::AudienceEntry::Kind::kNode, out.handler});
    YIMEN_ASSIGN_OR_RETURN(auto r, emit(actor, audience, [&](schema::Body::Builder b) {
                             auto e = b.initComplaint();
                             e.setComplaintNo(out.complaint_no);
                             e.setAbout(c.about.str());
                             e.setHandler(out.handler.str());
                             e.setCaseNo(c.case_no);
                             e.setKind(c.kind);
                             e.setSubject(c.subject);
                             e.setBody(c.body);
                             e.setContactName(c.contact_name);
                             e.setContactPhone(c.contact_phone);
                             e.setCodeHash(code.hash);
                           }));
    (void)r;
    return {};
  });
  if (!status.ok()) return status;
  return out;
}

Status Hall::answer_complaint(const Actor& actor, const std::string& complaint_no,
                              const std::string& answer, bool upheld) {
  if (!valid_text(answer, kMaxFeedbackTextBytes, true)) {
    return invalid_argument("answer must be 1 to 2000 bytes of text");
  }
  return in_transaction([&]() -> Status {
    YIMEN_ASSIGN_OR_RETURN(auto c, load_complaint(db_, complaint_no));
    if (!c) return not_found("no complaint " + complaint_no + " at this node");
    if (c->handler != node_) {
      return permission_denied("complaint " + complaint_no + " is handled by " + c->handler.str());
    }
    if (!c->answer.empty()) {
      return already_exists("complaint " + complaint_no + " was already answered");
    }
    std::vector<sync::AudienceEntry> audience = {{sync::AudienceEntry::Kind::kNode, node_}};
    if (c->taken_by != node_) audience.push_back({sync::AudienceEntry::Kind::kNode, c->taken_by});
    YIMEN_ASSIGN_OR_RETURN(auto r, emit(actor, audience, [&](schema::Body::Builder b) {
                             auto e = b.initComplaintAnswer();
                             e.setComplaintNo(complaint_no);
                             e.setAnswer(answer);
                             e.setUpheld(upheld);
                           }));
    (void)r;
    return {};
  });
}

// --- received events ---

Result<Admission> admit_feedback(storage::Database& db, const sync::DecodedEvent& event) {
  const auto body = event.reader().getBody();
  switch (body.which()) {
    case Body::RATING: {
      const auto r = body.getRating();
      const std::string case_no = text(r.getCaseNo());
      if (r.getScore() < 1 || r.getScore() > 5) return Admission::reject("score outside 1..5");
      YIMEN_ASSIGN_OR_RETURN(auto state, case_state(db, case_no));
      if (!state) return Admission::wait_for("case:" + case_no);
      return Admission::accept();
    }
    case Body::RATING_FOLLOW_UP: {
      const std::string case_no = text(body.getRatingFollowUp().getCaseNo());
      YIMEN_ASSIGN_OR_RETURN(auto state, case_state(db, case_no));
      if (!state) return Admission::wait_for("case:" + case_no);
      if (state->second != event.origin()) {
        return Admission::reject("ratings of " + case_no + " are followed up only by " +
                                 state->second.str());
      }
      return Admission::accept();
    }
    case Body::COMPLAINT: {
      const auto c = body.getComplaint();
      const std::string no = text(c.getComplaintNo());
      const auto by = numbered_by(no, 'C');
      if (!by || *by != event.origin()) {
        return Admission::reject("complaint " + no + " is not numbered by its origin");
      }
      auto about = RegionCode::parse(text(c.getAbout()));
      if (!about.ok()) return Admission::reject("about: " + about.status().message());
      if (complaint_handler(*about).str() != text(c.getHandler())) {
        return Admission::reject("complaint " + no + " names the wrong handler");
      }
      YIMEN_ASSIGN_OR_RETURN(auto known, load_complaint(db, no));
      if (known) return Admission::reject("complaint " + no + " was already filed");
      return Admission::accept();
    }
    case Body::COMPLAINT_ANSWER: {
      const std::string no = text(body.getComplaintAnswer().getComplaintNo());
      YIMEN_ASSIGN_OR_RETURN(auto c, load_complaint(db, no));
      if (!c) return Admission::wait_for(complaint_dependency(no));
      if (c->handler != event.origin()) {
        return Admission::reject("complaint " + no + " is answered only by " + c->handler.str());
      }
      return Admission::accept();
    }
    default:
      return Admission::accept();
  }
}

Status apply_feedback(storage::Database& db, const sync::DecodedEvent& event) {
  const auto body = event.reader().getBody();
  const std::string on = cst_date(event.time()).to_string();
  switch (body.which()) {
    case Body::RATING: {
      const auto r = body.getRating();
      std::vector<std::string> tags;
      for (auto t : r.getTags()) {
        if (is_rating_tag(text(t))) tags.push_back(text(t));
      }
      YIMEN_ASSIGN_OR_RETURN(auto ins, db.prepare("INSERT INTO rating (origin, seq, case_no, hlc, "
                                                  "score, tags, comment, rated_on) "
                                                  "VALUES (?, ?, ?, ?, ?, ?, ?, ?)"));
      ins.bind(1, event.origin().str());
      ins.bind(2, static_cast<std::int64_t>(event.seq()));
      ins.bind(3, text(r.getCaseNo()));
      ins.bind(4, static_cast<std::int64_t>(event.hlc()));
      ins.bind(5, static_cast<std::int64_t>(r.getScore()));
      ins.bind(6, join_tags(tags));
      ins.bind(7, text(r.getComment()));
      ins.bind(8, on);
      return ins.run();
    }
    case Body::RATING_FOLLOW_UP: {
      const auto f = body.getRatingFollowUp();
      YIMEN_ASSIGN_OR_RETURN(auto ins, db.prepare("INSERT OR IGNORE INTO rating_follow_up "
                                                  "(case_no, note, by_name, on_date) "
                                                  "VALUES (?, ?, ?, ?)"));
      ins.bind(1, text(f.getCaseNo()));
      ins.bind(2, text(f.getNote()));
      ins.bind(3, event.author());
      ins.bind(4, on);
      return ins.run();
    }
    case Body::COMPLAINT: {
      const auto c = body.getComplaint();
      YIMEN_ASSIGN_OR_RETURN(
          auto ins, db.prepare("INSERT INTO complaint (complaint_no, taken_by, about, handler, "
                               "case_no, kind, subject, body, contact_name, contact_phone, "
                               "code_hash, filed_on) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
      ins.bind(1, text(c.getComplaintNo()));
      ins.bind(2, event.origin().str());
      ins.bind(3, text(c.getAbout()));
      ins.bind(4, text(c.getHandler()));
      ins.bind(5, text(c.getCaseNo()));
      ins.bind(6, text(c.getKind()));
      ins.bind(7, text(c.getSubject()));
      ins.bind(8, text(c.getBody()));
      ins.bind(9, text(c.getContactName()));
      ins.bind(10, text(c.getContactPhone()));
      ins.bind(11, text(c.getCodeHash()));
      ins.bind(12, on);
      return ins.run();
    }
    case Body::COMPLAINT_ANSWER: {
      const auto a = body.getComplaintAnswer();
      YIMEN_ASSIGN_OR_RETURN(auto upd, db.prepare("UPDATE complaint SET answer = ?, upheld = ?, "
                                                  "answered_on = ?, answered_by = ? WHERE "
                                                  "complaint_no = ? AND answer = ''"));
      upd.bind(1, text(a.getAnswer()));
      upd.bind(2, static_cast<std::int64_t>(a.getUpheld()));
      upd.bind(3, on);
      upd.bind(4, event.author());
      upd.bind(5, text(a.getComplaintNo()));
      return upd.run();
    }
    default:
      return {};
  }
}

std::vector<std::string> feedback_provides(const sync::DecodedEvent& event) {
  const auto body = event.reader().getBody();
  if (body.which() == Body::COMPLAINT) {
    return {complaint_dependency(text(body.getComplaint().getComplaintNo()))};
  }
  return {};
}

// --- queries ---

Result<std::optional<CaseRating>> load_rating(storage::Database& db, const std::string& case_no,
                                              const WorkingDayCalendar& calendar) {
  YIMEN_ASSIGN_OR_RETURN(auto stmt, db.prepare("SELECT r.score, r.tags, r.comment, r.rated_on, "
                                               "r.origin, f.note, f.by_name FROM rating r "
                                               "LEFT JOIN rating_follow_up f ON f.case_no = "
                                               "r.case_no WHERE r.case_no = ? "
                                               "ORDER BY r.hlc, r.origin LIMIT 1"));
  stmt.bind(1, case_no);
  YIMEN_ASSIGN_OR_RETURN(bool row, stmt.step());
  if (!row) return std::optional<CaseRating>();
  auto rated_on = Date::from_string(stmt.column_text(3));
  auto at = RegionCode::parse(stmt.column_text(4));
  if (!rated_on.ok() || !at.ok()) return corruption("rating row of " + case_no + " is malformed");
  CaseRating r{static_cast<int>(stmt.column_int64(0)),
               split_tags(stmt.column_text(1)),
               stmt.column_text(2),
               *rated_on,
               *at,
               std::nullopt,
               stmt.column_is_null(5) ? std::string() : stmt.column_text(5),
               stmt.column_is_null(6) ? std::string() : stmt.column_text(6)};
  if (r.score <= kPoorRating) r.follow_up_due = follow_up_due(calendar, r.rated_on);
  return std::optional<CaseRating>(std::move(r));
}

Result<std::vector<FollowUpTask>> follow_up_tasks(storage::Database& db, const RegionCode& region,
                                                  const WorkingDayCalendar& calendar, bool all) {
  const std::string prefix = region_prefix(region);
  YIMEN_ASSIGN_OR_RETURN(auto stmt,
                         db.prepare("SELECT DISTINCT c.case_no, c.handling_node FROM rating r "
                                    "JOIN case_file c ON c.case_no = r.case_no WHERE "
                                    "r.score <= ? AND substr(c.handling_node, 1, ?) = ? "
                                    "ORDER BY c.case_no"));
  stmt.bind(1, static_cast<std::int64_t>(kPoorRating));
  stmt.bind(2, static_cast<std::int64_t>(prefix.size()));
  stmt.bind(3, prefix);
  std::vector<FollowUpTask> out;
  for (;;) {
    YIMEN_ASSIGN_OR_RETURN(bool row, stmt.step());
    if (!row) break;
    const std::string case_no = stmt.column_text(0);
    auto handling = RegionCode::parse(stmt.column_text(1));
    if (!handling.ok()) return corruption("case_file row of " + case_no + " is malformed");
    YIMEN_ASSIGN_OR_RETURN(auto rating, load_rating(db, case_no, calendar));
    // The case's rating is its earliest one; a poor later one does not count.
    if (!rating || rating->score > kPoorRating) continue;
    if (!all && !rating->follow_up.empty()) continue;
    out.push_back({case_no, *handling, std::move(*rating)});
  }
  return out;
}

Result<std::optional<ComplaintRecord>> load_complaint(storage::Database& db,
                                                      const std::string& complaint_no) {
  YIMEN_ASSIGN_OR_RETURN(auto stmt,
                         db.prepare(std::string(kComplaintColumns) + "WHERE complaint_no = ?"));
  stmt.bind(1, complaint_no);
  YIMEN_ASSIGN_OR_RETURN(bool row, stmt.step());
  if (!row) return std::optional<ComplaintRecord>();
  YIMEN_ASSIGN_OR_RETURN(auto r, read_complaint(stmt));
  return std::optional<ComplaintRecord>(std::move(r));
}

Result<std::vector<ComplaintRecord>> complaints_handled_in(storage::Database& db,
                                                           const RegionCode& region) {
  const std::string prefix = region_prefix(region);
  YIMEN_ASSIGN_OR_RETURN(auto stmt, db.prepare(std::string(kComplaintColumns) +
                                               "WHERE substr(handler, 1, ?) = ? OR "
                                               "substr(taken_by, 1, ?) = ? "
                                               "ORDER BY filed_on DESC, complaint_no DESC "
                                               "LIMIT 500"));
  stmt.bind(1, static_cast<std::int64_t>(prefix.size()));
  stmt.bind(2, prefix);
  stmt.bind(3, static_cast<std::int64_t>(prefix.size()));
  stmt.bind(4, prefix);
  return storage::collect(stmt, read_complaint);
}

Result<Date> complaint_due(const WorkingDayCalendar& calendar, Date filed_on) {
  return calendar.add_days(filed_on, kComplaintWorkingDays, DayKind::kWorking);
}

}  // namespace yimen::hall
