#include "node/hall/public_notice.h"

#include <algorithm>
#include <array>

#include "common/text.h"
#include "node/hall/hall.h"
#include "node/hall/hall_projection.h"

namespace yimen::hall {
namespace {

using Admission = sync::EventSink::Admission;
using Body = schema::Body;

constexpr std::array<std::string_view, 4> kCategories = {"affairs", "finance", "subsidy", "other"};
constexpr size_t kMaxNoticeBodyBytes = 8000;

std::string text(capnp::Text::Reader t) { return {t.cStr(), t.size()}; }
std::string notice_dependency(const std::string& no) { return "notice:" + no; }

constexpr const char* kNoticeColumns =
    "SELECT notice_no, origin, category, title, body, valid_until, published_on, published_by, "
    "withdrawn, withdraw_reason FROM public_notice ";

Result<NoticeRecord> read_notice(storage::Statement& stmt) {
  auto origin = RegionCode::parse(stmt.column_text(1));
  auto on = Date::from_string(stmt.column_text(6));
  if (!origin.ok() || !on.ok()) {
    return corruption("public_notice row " + stmt.column_text(0) + " is malformed");
  }
  NoticeRecord r{stmt.column_text(0),
                 *origin,
                 stmt.column_text(2),
                 stmt.column_text(3),
                 stmt.column_text(4),
                 std::nullopt,
                 *on,
                 stmt.column_text(7),
                 stmt.column_int64(8) != 0,
                 stmt.column_text(9)};
  if (const std::string until = stmt.column_text(5); !until.empty()) {
    YIMEN_ASSIGN_OR_RETURN(r.valid_until, Date::from_string(until));
  }
  return r;
}

}  // namespace

bool is_notice_category(std::string_view category) {
  return std::find(kCategories.begin(), kCategories.end(), category) != kCategories.end();
}

Result<std::string> Hall::publish_notice(const Actor& actor, const NoticeInput& notice) {
  if (!is_notice_category(notice.category)) {
    return invalid_argument("category must be affairs, finance, subsidy or other");
  }
  if (notice.title.empty() || notice.title.size() > 200 || !is_display_text(notice.title)) {
    return invalid_argument("title must be one line of 1 to 200 bytes");
  }
  if (notice.body.find_first_not_of(" \t\n") == std::string::npos ||
      notice.body.size() > kMaxNoticeBodyBytes || !is_multiline_text(notice.body)) {
    return invalid_argument("body must be 1 to 8000 bytes of text");
  }
  if (notice.valid_until && *notice.valid_until < today()) {
    return invalid_argument("valid_until " + notice.valid_until->to_string() + " is in the past");
  }
  std::string notice_no;
  Status status = in_transaction([&]() -> Status {
    YIMEN_ASSIGN_OR_RETURN(notice_no,
                           next_number("public_notice", "notice_no", node_.str() + "-N"));
    YIMEN_ASSIGN_OR_RETURN(
        auto r,
        emit(actor, {{sync::AudienceEntry::Kind::kNode, node_}}, [&](schema::Body::Builder b) {
          auto n = b.initPublicNotice();
          n.setNoticeNo(notice_no);
          n.setCategory(notice.category);
          n.setTitle(notice.title);
          n.setBody(notice.body);
          n.setValidUntil(notice.valid_until ? notice.valid_until->to_string() : "");
        }));
    (void)r;
    return {};
  });
  if (!status.ok()) return status;
  return notice_no;
}

Status Hall::withdraw_notice(const Actor& actor, const std::string& notice_no,
                             const std::string& reason) {
  if (reason.size() > 500 || !is_display_text(reason)) {
    return invalid_argument("reason must be at most 500 bytes of text");
  }
  return in_transaction([&]() -> Status {
    YIMEN_ASSIGN_OR_RETURN(auto notice, load_notice(db_, notice_no));
    if (!notice) return not_found("no notice " + notice_no + " at this node");
    if (notice->origin != node_) {
      return permission_denied("notice " + notice_no + " was published by " + notice->origin.str());
    }
    if (notice->withdrawn) return already_exists("notice " + notice_no + " is already withdrawn");
    YIMEN_ASSIGN_OR_RETURN(auto r, emit(actor, {{sync::AudienceEntry::Kind::kNode, node_}},
                                        [&](schema::Body::Builder b) {
                                          auto n = b.initNoticeWithdrawn();
                                          n.setNoticeNo(notice_no);
                                          n.setReason(reason);
                                        }));
    (void)r;
    return {};
  });
}

Result<Admission> admit_notice(storage::Database& db, const sync::DecodedEvent& event) {
  const auto body = event.reader().getBody();
  if (body.which() == Body::PUBLIC_NOTICE) {
    const auto n = body.getPublicNotice();
    const std::string no = text(n.getNoticeNo());
    if (no.size() < 14 || no.compare(0, 12, event.origin().str()) != 0 || no[12] != '-' ||
        no[13] != 'N') {
      return Admission::reject("notice " + no + " is not numbered by its origin");
    }
    if (!is_notice_category(text(n.getCategory()))) {
      return Admission::reject("unknown notice category");
    }
    if (n.getValidUntil().size() > 0 && !Date::from_string(text(n.getValidUntil())).ok()) {
      return Admission::reject("validUntil is not a date");
    }
    YIMEN_ASSIGN_OR_RETURN(auto known, load_notice(db, no));
    if (known) return Admission::reject("notice " + no + " was already published");
    return Admission::accept();
  }
  if (body.which() == Body::NOTICE_WITHDRAWN) {
    const std::string no = text(body.getNoticeWithdrawn().getNoticeNo());
    YIMEN_ASSIGN_OR_RETURN(auto notice, load_notice(db, no));
    if (!notice) return Admission::wait_for(notice_dependency(no));
    if (notice->origin != event.origin()) {
      return Admission::reject("notice " + no + " is withdrawn only by " + notice->origin.str());
    }
  }
  return Admission::accept();
}

Status apply_notice(storage::Database& db, const sync::DecodedEvent& event) {
  const auto body = event.reader().getBody();
  if (body.which() == Body::PUBLIC_NOTICE) {
    const auto n = body.getPublicNotice();
    YIMEN_ASSIGN_OR_RETURN(
        auto ins, db.prepare("INSERT INTO public_notice (notice_no, origin, category, title, "
                             "body, valid_until, published_on, published_by) "
                             "VALUES (?, ?, ?, ?, ?, ?, ?, ?)"));
    ins.bind(1, text(n.getNoticeNo()));
    ins.bind(2, event.origin().str());
    ins.bind(3, text(n.getCategory()));
    ins.bind(4, text(n.getTitle()));
    ins.bind(5, text(n.getBody()));
    ins.bind(6, text(n.getValidUntil()));
    ins.bind(7, cst_date(event.time()).to_string());
    ins.bind(8, event.author());
    return ins.run();
  }
  if (body.which() == Body::NOTICE_WITHDRAWN) {
    const auto w = body.getNoticeWithdrawn();
    YIMEN_ASSIGN_OR_RETURN(auto upd, db.prepare("UPDATE public_notice SET withdrawn = 1, "
                                                "withdraw_reason = ? WHERE notice_no = ?"));
    upd.bind(1, text(w.getReason()));
    upd.bind(2, text(w.getNoticeNo()));
    return upd.run();
  }
  return {};
}

std::vector<std::string> notice_provides(const sync::DecodedEvent& event) {
  const auto body = event.reader().getBody();
  if (body.which() == Body::PUBLIC_NOTICE) {
    return {notice_dependency(text(body.getPublicNotice().getNoticeNo()))};
  }
  return {};
}

Result<std::optional<NoticeRecord>> load_notice(storage::Database& db,
                                                const std::string& notice_no) {
  YIMEN_ASSIGN_OR_RETURN(auto stmt,
                         db.prepare(std::string(kNoticeColumns) + "WHERE notice_no = ?"));
  stmt.bind(1, notice_no);
  YIMEN_ASSIGN_OR_RETURN(bool row, stmt.step());
  if (!row) return std::optional<NoticeRecord>();
  YIMEN_ASSIGN_OR_RETURN(auto r, read_notice(stmt));
  return std::optional<NoticeRecord>(std::move(r));
}

Result<std::vector<NoticeRecord>> notices_in(storage::Database& db, const RegionCode& region,
                                             Date today, bool all) {
  const std::string prefix = region_prefix(region);
  YIMEN_ASSIGN_OR_RETURN(
      auto stmt, db.prepare(std::string(kNoticeColumns) +
                            "WHERE substr(origin, 1, ?1) = ?2 AND (?3 OR (withdrawn = 0 AND "
                            "(valid_until = '' OR valid_until >= ?4))) "
                            "ORDER BY published_on DESC, notice_no DESC LIMIT 200"));
  stmt.bind(1, static_cast<std::int64_t>(prefix.size()));
  stmt.bind(2, prefix);
  stmt.bind(3, static_cast<std::int64_t>(all));
  stmt.bind(4, today.to_string());
  return storage::collect(stmt, read_notice);
}

}  // namespace yimen::hall
