#include "node/hall/supervision.h"

#include "common/text.h"
#include "node/hall/hall.h"
#include "node/hall/hall_projection.h"

namespace yimen::hall {
namespace {

using Admission = sync::EventSink::Admission;
using Body = schema::Body;

std::string text(capnp::Text::Reader t) { return {t.cStr(), t.size()}; }
std::string order_dependency(const std::string& no) { return "order:" + no; }

constexpr const char* kOrderColumns =
    "SELECT order_no, origin, ordered_by, case_no, handling_node, instruction, respond_within, "
    "ordered_on, response, responded_on, responded_by FROM supervision_order ";

Result<SupervisionRecord> read_order(storage::Statement& stmt, const WorkingDayCalendar& calendar) {
  auto origin = RegionCode::parse(stmt.column_text(1));
  auto handling = RegionCode::parse(stmt.column_text(4));
  auto on = Date::from_string(stmt.column_text(7));
  if (!origin.ok() || !handling.ok() || !on.ok()) {
    return corruption("supervision_order row " + stmt.column_text(0) + " is malformed");
  }
  SupervisionRecord r{stmt.column_text(0),
                      *origin,
                      stmt.column_text(2),
                      stmt.column_text(3),
                      *handling,
                      stmt.column_text(5),
                      static_cast<int>(stmt.column_int64(6)),
                      *on,
                      std::nullopt,
                      stmt.column_text(8),
                      std::nullopt,
                      stmt.column_text(10)};
  if (auto due = calendar.add_days(r.ordered_on, r.respond_within, DayKind::kWorking); due.ok()) {
    r.due = *due;
  }
  if (!stmt.column_is_null(9)) {
    YIMEN_ASSIGN_OR_RETURN(r.responded_on, Date::from_string(stmt.column_text(9)));
  }
  return r;
}

Result<std::vector<SupervisionRecord>> read_orders(storage::Statement& stmt,
                                                   const WorkingDayCalendar& calendar) {
  return storage::collect(stmt, [&](storage::Statement& row) { return read_order(row, calendar); });
}

}  // namespace

bool may_supervise(const RegionCode& supervisor, const RegionCode& handling) {
  const auto level = supervisor.level();
  return (level == RegionLevel::kCounty || level == RegionLevel::kCity) &&
         supervisor.contains(handling);
}

Result<std::string> Hall::order_supervision(const Actor& actor, const std::string& case_no,
                                            const std::string& instruction, int respond_within) {
  if (instruction.find_first_not_of(" \t\n") == std::string::npos || instruction.size() > 2000 ||
      !is_multiline_text(instruction)) {
    return invalid_argument("instruction must say what is required (1 to 2000 bytes of text)");
  }
  if (respond_within < 1 || respond_within > kMaxRespondWithin) {
    return invalid_argument("respond_within must be 1 to 20 working days");
  }
  std::string order_no;
  Status status = in_transaction([&]() -> Status {
    YIMEN_ASSIGN_OR_RETURN(auto file, load_case(db_, case_no));
    if (!file) return not_found("no case " + case_no + " at this node");
    if (!may_supervise(node_, file->handling_node)) {
      return permission_denied("case " + case_no + " is handled by " + file->handling_node.str() +
                               ", outside what this node (" + node_.str() +
                               ") supervises: a county or the city supervises its own subtree");
    }
    YIMEN_ASSIGN_OR_RETURN(const CaseDeadline d, deadline(*file));
    if (d.card != Card::kRed) {
      return failed_precondition("case " + case_no +
                                 " is not overdue: supervision orders are for red-card cases");
    }
    // One open order per case: the next waits for the answer to the first.
    YIMEN_ASSIGN_OR_RETURN(auto open, db_.prepare("SELECT order_no FROM supervision_order WHERE "
                                                  "case_no = ? AND response = '' LIMIT 1"));
    open.bind(1, case_no);
    YIMEN_ASSIGN_OR_RETURN(const bool pending, open.step());
    if (pending) {
      return already_exists("case " + case_no + " already has an open supervision order (" +
                            open.column_text(0) + "): wait for its answer");
    }
    YIMEN_ASSIGN_OR_RETURN(order_no,
                           next_number("supervision_order", "order_no", node_.str() + "-S"));
    std::vector<sync::AudienceEntry> audience = {
        {sync::AudienceEntry::Kind::kNode, file->handling_node}};
    if (file->handling_node != node_) {
      audience.push_back({sync::AudienceEntry::Kind::kNode, node_});
    }
    YIMEN_ASSIGN_OR_RETURN(auto r, emit(actor, audience, [&](schema::Body::Builder b) {
                             auto o = b.initSupervisionOrder();
                             o.setOrderNo(order_no);
                             o.setCaseNo(case_no);
                             o.setHandlingNode(file->handling_node.str());
                             o.setInstruction(instruction);
                             o.setRespondWithin(static_cast<std::uint16_t>(respond_within));
                           }));
    (void)r;
    return {};
  });
  if (!status.ok()) return status;
  return order_no;
}

Status Hall::respond_supervision(const Actor& actor, const std::string& order_no,
                                 const std::string& response) {
  if (response.find_first_not_of(" \t\n") == std::string::npos || response.size() > 2000 ||
      !is_multiline_text(response)) {
    return invalid_argument("response must say what was done (1 to 2000 bytes of text)");
  }
  return in_transaction([&]() -> Status {
    YIMEN_ASSIGN_OR_RETURN(auto order, load_supervision_order(db_, order_no, WorkingDayCalendar()));
    if (!order) return not_found("no supervision order " + order_no + " at this node");
    if (order->handling_node != node_) {
      return permission_denied("order " + order_no + " is addressed to " +
                               order->handling_node.str());
    }
    if (!order->response.empty()) {
      return already_exists("order " + order_no + " was already answered");
    }
    std::vector<sync::AudienceEntry> audience = {
        {sync::AudienceEntry::Kind::kNode, order->ordered_by_node}};
    YIMEN_ASSIGN_OR_RETURN(auto r, emit(actor, audience, [&](schema::Body::Builder b) {
                             auto o = b.initSupervisionResponse();
                             o.setOrderNo(order_no);
                             o.setResponse(response);
                           }));
    (void)r;
    return {};
  });
}

Result<Admission> admit_supervision(storage::Database& db, const sync::DecodedEvent& event) {
  const auto body = event.reader().getBody();
  switch (body.which()) {
    case Body::SUPERVISION_ORDER: {
      const auto o = body.getSupervisionOrder();
      const std::string no = text(o.getOrderNo());
      if (no.size() < 14 || no.compare(0, 12, event.origin().str()) != 0 || no[12] != '-' ||
          no[13] != 'S') {
        return Admission::reject("order " + no + " is not numbered by its origin");
      }
      auto handling = RegionCode::parse(text(o.getHandlingNode()));
      if (!handling.ok()) return Admission::reject("handlingNode: " + handling.status().message());
      if (!may_supervise(event.origin(), *handling)) {
        return Admission::reject("a supervision order from " + event.origin().str() +
                                 ", outside the subtree above " + handling->str());
      }
      if (o.getRespondWithin() < 1 || o.getRespondWithin() > kMaxRespondWithin) {
        return Admission::reject("respondWithin outside 1..20");
      }
      YIMEN_ASSIGN_OR_RETURN(auto known, load_supervision_order(db, no, WorkingDayCalendar()));
      if (known) return Admission::reject("order " + no + " was already issued");
      return Admission::accept();
    }
    case Body::SUPERVISION_RESPONSE: {
      const std::string no = text(body.getSupervisionResponse().getOrderNo());
      YIMEN_ASSIGN_OR_RETURN(auto order, load_supervision_order(db, no, WorkingDayCalendar()));
      if (!order) return Admission::wait_for(order_dependency(no));
      if (order->handling_node != event.origin()) {
        return Admission::reject("order " + no + " is answered only by " +
                                 order->handling_node.str());
      }
      return Admission::accept();
    }
    default:
      return Admission::accept();
  }
}

Status apply_supervision(storage::Database& db, const sync::DecodedEvent& event) {
  const auto body = event.reader().getBody();
  const std::string on = cst_date(event.time()).to_string();
  if (body.which() == Body::SUPERVISION_ORDER) {
    const auto o = body.getSupervisionOrder();
    YIMEN_ASSIGN_OR_RETURN(
        auto ins, db.prepare("INSERT INTO supervision_order (order_no, origin, case_no, "
                             "handling_node, instruction, respond_within, ordered_on, ordered_by) "
                             "VALUES (?, ?, ?, ?, ?, ?, ?, ?)"));
    ins.bind(1, text(o.getOrderNo()));
    ins.bind(2, event.origin().str());
    ins.bind(3, text(o.getCaseNo()));
    ins.bind(4, text(o.getHandlingNode()));
    ins.bind(5, text(o.getInstruction()));
    ins.bind(6, static_cast<std::int64_t>(o.getRespondWithin()));
    ins.bind(7, on);
    ins.bind(8, event.author());
    return ins.run();
  }
  if (body.which() == Body::SUPERVISION_RESPONSE) {
    const auto r = body.getSupervisionResponse();
    YIMEN_ASSIGN_OR_RETURN(auto upd, db.prepare("UPDATE supervision_order SET response = ?, "
                                                "responded_on = ?, responded_by = ? WHERE "
                                                "order_no = ? AND response = ''"));
    upd.bind(1, text(r.getResponse()));
    upd.bind(2, on);
    upd.bind(3, event.author());
    upd.bind(4, text(r.getOrderNo()));
    return upd.run();
  }
  return {};
}

std::vector<std::string> supervision_provides(const sync::DecodedEvent& event) {
  const auto body = event.reader().getBody();
  if (body.which() == Body::SUPERVISION_ORDER) {
    return {order_dependency(text(body.getSupervisionOrder().getOrderNo()))};
  }
  return {};
}

Result<std::optional<SupervisionRecord>> load_supervision_order(
    storage::Database& db, const std::string& order_no, const WorkingDayCalendar& calendar) {
  YIMEN_ASSIGN_OR_RETURN(auto stmt, db.prepare(std::string(kOrderColumns) + "WHERE order_no = ?"));
  stmt.bind(1, order_no);
  YIMEN_ASSIGN_OR_RETURN(bool row, stmt.step());
  if (!row) return std::optional<SupervisionRecord>();
  YIMEN_ASSIGN_OR_RETURN(auto r, read_order(stmt, calendar));
  return std::optional<SupervisionRecord>(std::move(r));
}

Result<std::vector<SupervisionRecord>> supervision_orders(storage::Database& db,
                                                          const RegionCode& region,
                                                          const WorkingDayCalendar& calendar,
                                                          bool all) {
  const std::string prefix = region_prefix(region);
  YIMEN_ASSIGN_OR_RETURN(
      auto stmt, db.prepare(std::string(kOrderColumns) +
                            "WHERE (substr(origin, 1, ?1) = ?2 OR substr(handling_node, 1, ?1) = "
                            "?2) AND (?3 OR response = '') ORDER BY ordered_on DESC, order_no "
                            "DESC LIMIT 500"));
  stmt.bind(1, static_cast<std::int64_t>(prefix.size()));
  stmt.bind(2, prefix);
  stmt.bind(3, static_cast<std::int64_t>(all));
  return read_orders(stmt, calendar);
}

Result<std::vector<SupervisionRecord>> supervision_orders_of_case(
    storage::Database& db, const std::string& case_no, const WorkingDayCalendar& calendar) {
  YIMEN_ASSIGN_OR_RETURN(
      auto stmt, db.prepare(std::string(kOrderColumns) + "WHERE case_no = ? ORDER BY order_no"));
  stmt.bind(1, case_no);
  return read_orders(stmt, calendar);
}

}  // namespace yimen::hall
