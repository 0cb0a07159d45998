#include "node/hall/consultation.h"

#include <algorithm>
#include <cstdio>

#include "common/text.h"
#include "node/hall/hall.h"
#include "node/hall/hall_projection.h"
#include "node/hall/identity.h"

namespace yimen::hall {
namespace {

using Admission = sync::EventSink::Admission;
using Body = schema::Body;

constexpr size_t kMaxContactNameBytes = 100;
constexpr size_t kMaxCodeHashBytes = 256;

std::string text(capnp::Text::Reader t) { return {t.cStr(), t.size()}; }

std::string question_dependency(const std::string& no) { return "question:" + no; }

bool valid_text(const std::string& s, size_t max) {
  return !is_blank(s) && s.size() <= max && is_multiline_text(s);
}

bool valid_contact_name(const std::string& s) {
  return s.size() <= kMaxContactNameBytes && is_display_text(s);
}

// Empty (not given) or a phone number as identity.h's valid_phone() takes it.
bool valid_contact_phone(const std::string& phone) { return phone.empty() || valid_phone(phone); }

bool all_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// Whether `no` is a question number of `origin`: <origin>-Q<yyyymmdd>-<nnnnnn>.
bool numbered_by(const std::string& no, const RegionCode& origin) {
  const std::string head = origin.str() + "-Q";
  if (no.size() != head.size() + 8 + 1 + 6 || no.compare(0, head.size(), head) != 0) return false;
  const std::string_view rest = std::string_view(no).substr(head.size());
  return all_digits(rest.substr(0, 8)) && rest[8] == '-' && all_digits(rest.substr(9));
}

constexpr const char* kQuestionColumns =
    "SELECT question_no, asking_node, answering_node, item_code, question, contact_name, "
    "contact_phone, code_hash, asked_on, asked_at, answer, answered_on, answered_by "
    "FROM question ";

Result<QuestionRecord> read_question(storage::Statement& stmt) {
  auto asking = RegionCode::parse(stmt.column_text(1));
  auto answering = RegionCode::parse(stmt.column_text(2));
  auto asked_on = Date::from_string(stmt.column_text(8));
  if (!asking.ok() || !answering.ok() || !asked_on.ok()) {
    return corruption("question row " + stmt.column_text(0) + " is malformed");
  }
  QuestionRecord r{stmt.column_text(0),
                   *asking,
                   *answering,
                   stmt.column_text(3),
                   stmt.column_text(4),
                   stmt.column_text(5),
                   stmt.column_text(6),
                   stmt.column_text(7),
                   *asked_on,
                   stmt.column_int64(9),
                   stmt.column_text(10),
                   std::nullopt,
                   stmt.column_text(12)};
  if (!stmt.column_is_null(11)) {
    YIMEN_ASSIGN_OR_RETURN(r.answered_on, Date::from_string(stmt.column_text(11)));
  }
  return r;
}

}  // namespace

Result<RegionCode> question_answerer(const std::string& item_code) {
  auto code = parse_item_code(item_code);
  if (!code.ok()) return code.status().with_context("item_code");
  auto region = RegionCode::parse(code->region);
  if (!region.ok()) return region.status().with_context("item_code");
  return *region;
}

// --- commands ---

Result<AskedQuestion> Hall::ask_question(const Actor& actor, const QuestionInput& q) {
  if (q.item_code.size() > 64 || !is_display_text(q.item_code)) {
    return invalid_argument("item_code is malformed");
  }
  YIMEN_ASSIGN_OR_RETURN(const RegionCode answerer, question_answerer(q.item_code));
  if (answerer.city() != node_.city()) {
    return invalid_argument("item_code: " + q.item_code + " is not an item of this city");
  }
  if (!valid_text(q.question, kMaxQuestionBytes)) {
    return invalid_argument("question must be 1 to 2000 bytes of text");
  }
  if (!valid_contact_name(q.contact_name)) {
    return invalid_argument("contact_name must be at most 100 bytes of text");
  }
  if (!valid_contact_phone(q.contact_phone)) {
    return invalid_argument("contact_phone must be 5 to 20 digits, spaces, '-' or '+'");
  }
  YIMEN_ASSIGN_OR_RETURN(auto item, load_item(db_, q.item_code));
  if (!item) return not_found("no item " + q.item_code + " in the catalogue");
  {
    YIMEN_ASSIGN_OR_RETURN(auto codes, current_item_codes(db_));
    if (std::find(codes.begin(), codes.end(), q.item_code) == codes.end()) {
      return failed_precondition("item " + q.item_code + " has been withdrawn");
    }
  }
  YIMEN_ASSIGN_OR_RETURN(const crypto::SecretCode code, crypto::new_secret_code());
  AskedQuestion out{"", code.code, answerer};
  Status status = in_transaction([&]() -> Status {
    YIMEN_ASSIGN_OR_RETURN(out.question_no,
                           next_number("question", "question_no", node_.str() + "-Q"));
    std::vector<sync::AudienceEntry> audience = {{sync::AudienceEntry::Kind::kNode, node_}};
    if (answerer != node_) audience.push_back({sync::AudienceEntry::Kind::kNode, answerer});
    YIMEN_ASSIGN_OR_RETURN(auto r, emit(actor, audience, [&](schema::Body::Builder b) {
                             auto e = b.initQuestion();
                             e.setQuestionNo(out.question_no);
                             e.setItemCode(q.item_code);
                             e.setAnswerer(answerer.str());
                             e.setText(q.question);
                             e.setContactName(q.contact_name);
                             e.setContactPhone(q.contact_phone);
                             e.setCodeHash(code.hash);
                           }));
    (void)r;
    return {};
  });
  if (!status.ok()) return status;
  return out;
}

Status Hall::answer_question(const Actor& actor, const std::string& question_no,
                             const std::string& answer) {
  if (!valid_text(answer, kMaxAnswerBytes)) {
    return invalid_argument("answer must be 1 to 4000 bytes of text");
  }
  return in_transaction([&]() -> Status {
    YIMEN_ASSIGN_OR_RETURN(auto q, load_question(db_, question_no));
    if (!q) return not_found("no question " + question_no + " at this node");
    if (q->answering_node != node_) {
      return permission_denied("question " + question_no + " is answered by " +
                               q->answering_node.str() + ", which publishes the item");
    }
    if (!q->answer.empty()) {
      return already_exists("question " + question_no + " was already answered");
    }
    std::vector<sync::AudienceEntry> audience = {{sync::AudienceEntry::Kind::kNode, node_}};
    if (q->asking_node != node_) {
      audience.push_back({sync::AudienceEntry::Kind::kNode, q->asking_node});
    }
    YIMEN_ASSIGN_OR_RETURN(auto r, emit(actor, audience, [&](schema::Body::Builder b) {
                             auto e = b.initQuestionAnswer();
                             e.setQuestionNo(question_no);
                             e.setText(answer);
                           }));
    (void)r;
    return {};
  });
}

// --- received events ---

Result<Admission> admit_consultation(storage::Database& db, const sync::DecodedEvent& event) {
  const auto body = event.reader().getBody();
  if (body.which() == Body::QUESTION) {
    const auto q = body.getQuestion();
    const std::string no = text(q.getQuestionNo());
    if (!numbered_by(no, event.origin())) {
      return Admission::reject("question " + no + " is not numbered by its origin");
    }
    auto answerer = question_answerer(text(q.getItemCode()));
    if (!answerer.ok()) return Admission::reject(answerer.status().message());
    if (answerer->str() != text(q.getAnswerer())) {
      return Admission::reject("question " + no + " names the wrong answerer");
    }
    if (answerer->city() != event.origin().city()) {
      return Admission::reject("question " + no + " is about an item of another city");
    }
    if (!valid_text(text(q.getText()), kMaxQuestionBytes)) {
      return Admission::reject("question " + no + ": the question must be 1 to 2000 bytes of text");
    }
    if (!valid_contact_name(text(q.getContactName())) ||
        !valid_contact_phone(text(q.getContactPhone()))) {
      return Admission::reject("question " + no + ": the contact is malformed");
    }
    if (q.getCodeHash().size() == 0 || q.getCodeHash().size() > kMaxCodeHashBytes) {
      return Admission::reject("question " + no + ": the code hash is missing or too long");
    }
    YIMEN_ASSIGN_OR_RETURN(auto known, load_question(db, no));
    if (known) return Admission::reject("question " + no + " was already asked");
    return Admission::accept();
  }
  if (body.which() == Body::QUESTION_ANSWER) {
    const auto a = body.getQuestionAnswer();
    const std::string no = text(a.getQuestionNo());
    if (!valid_text(text(a.getText()), kMaxAnswerBytes)) {
      return Admission::reject("the answer to " + no + " must be 1 to 4000 bytes of text");
    }
    YIMEN_ASSIGN_OR_RETURN(auto q, load_question(db, no));
    if (!q) return Admission::wait_for(question_dependency(no));
    if (q->answering_node != event.origin()) {
      return Admission::reject("question " + no + " is answered only by " +
                               q->answering_node.str());
    }
    if (!q->answer.empty()) return Admission::reject("question " + no + " was already answered");
    return Admission::accept();
  }
  return Admission::accept();
}

Status apply_consultation(storage::Database& db, const sync::DecodedEvent& event) {
  const auto body = event.reader().getBody();
  const std::string on = cst_date(event.time()).to_string();
  if (body.which() == Body::QUESTION) {
    const auto q = body.getQuestion();
    YIMEN_ASSIGN_OR_RETURN(
        auto ins, db.prepare("INSERT INTO question (question_no, asking_node, answering_node, "
                             "item_code, question, contact_name, contact_phone, code_hash, "
                             "asked_on, asked_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
    ins.bind(1, text(q.getQuestionNo()));
    ins.bind(2, event.origin().str());
    ins.bind(3, text(q.getAnswerer()));
    ins.bind(4, text(q.getItemCode()));
    ins.bind(5, text(q.getText()));
    ins.bind(6, text(q.getContactName()));
    ins.bind(7, text(q.getContactPhone()));
    ins.bind(8, text(q.getCodeHash()));
    ins.bind(9, on);
    ins.bind(10, event.time());
    return ins.run();
  }
  if (body.which() == Body::QUESTION_ANSWER) {
    const auto a = body.getQuestionAnswer();
    YIMEN_ASSIGN_OR_RETURN(auto upd, db.prepare("UPDATE question SET answer = ?, answered_on = ?, "
                                                "answered_by = ? WHERE question_no = ? AND "
                                                "answer = ''"));
    upd.bind(1, text(a.getText()));
    upd.bind(2, on);
    upd.bind(3, event.author());
    upd.bind(4, text(a.getQuestionNo()));
    return upd.run();
  }
  return {};
}

std::vector<std::string> consultation_provides(const sync::DecodedEvent& event) {
  const auto body = event.reader().getBody();
  if (body.which() == Body::QUESTION) {
    return {question_dependency(text(body.getQuestion().getQuestionNo()))};
  }
  return {};
}

// --- queries ---

Result<std::optional<QuestionRecord>> load_question(storage::Database& db,
                                                    const std::string& question_no) {
  YIMEN_ASSIGN_OR_RETURN(auto stmt,
                         db.prepare(std::string(kQuestionColumns) + "WHERE question_no = ?"));
  stmt.bind(1, question_no);
  YIMEN_ASSIGN_OR_RETURN(bool row, stmt.step());
  if (!row) return std::optional<QuestionRecord>();
  YIMEN_ASSIGN_OR_RETURN(auto r, read_question(stmt));
  return std::optional<QuestionRecord>(std::move(r));
}

Result<std::vector<QuestionRecord>> questions_in(storage::Database& db, const RegionCode& region,
                                                 const RegionCode& self, QuestionFilter filter) {
  const std::string prefix = region_prefix(region);
  YIMEN_ASSIGN_OR_RETURN(
      auto stmt,
      db.prepare(std::string(kQuestionColumns) +
                 "WHERE (substr(answering_node, 1, ?1) = ?2 OR substr(asking_node, 1, ?1) = ?2) "
                 "AND (?3 = 2 OR (?3 = 0 AND answer = '') OR (?3 = 1 AND answer <> '')) "
                 "ORDER BY answering_node = ?4 DESC, answer <> '', "
                 "CASE WHEN answer = '' THEN asked_at ELSE -asked_at END, question_no "
                 "LIMIT 500"));
  stmt.bind(1, static_cast<std::int64_t>(prefix.size()));
  stmt.bind(2, prefix);
  stmt.bind(3, static_cast<std::int64_t>(filter == QuestionFilter::kOpen       ? 0
                                         : filter == QuestionFilter::kAnswered ? 1
                                                                               : 2));
  stmt.bind(4, self.str());
  return storage::collect(stmt, read_question);
}

}  // namespace yimen::hall
