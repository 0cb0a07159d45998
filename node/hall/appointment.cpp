#include "node/hall/appointment.h"

#include <algorithm>
#include <cstdio>

#include "common/text.h"
#include "crypto/crypto.h"
#include "node/hall/hall.h"
#include "node/hall/hall_projection.h"
#include "node/hall/identity.h"

namespace yimen::hall {
namespace {

using Admission = sync::EventSink::Admission;
using Body = schema::Body;

constexpr std::int64_t kCstOffsetSeconds = 8 * 3600;

std::string text(capnp::Text::Reader t) { return {t.cStr(), t.size()}; }
std::string booking_dependency(const std::string& no) { return "booking:" + no; }

// Minutes after midnight, China Standard Time, of Unix milliseconds.
int cst_minute_of_day(std::int64_t unix_ms) {
  const std::int64_t local = unix_ms / 1000 + kCstOffsetSeconds;
  return static_cast<int>(((local % 86400) + 86400) % 86400 / 60);
}

constexpr const char* kColumns =
    "SELECT booking_no, node, item_code, day, slot, name, phone, code_hash, booked_at, cancelled, "
    "cancel_reason FROM appointment ";

Result<AppointmentRecord> read_appointment(storage::Statement& stmt) {
  auto node = RegionCode::parse(stmt.column_text(1));
  auto day = Date::from_string(stmt.column_text(3));
  if (!node.ok() || !day.ok()) {
    return corruption("appointment row " + stmt.column_text(0) + " is malformed");
  }
  return AppointmentRecord{stmt.column_text(0),  *node,
                           stmt.column_text(2),  *day,
                           stmt.column_text(4),  stmt.column_text(5),
                           stmt.column_text(6),  stmt.column_text(7),
                           stmt.column_int64(8), stmt.column_int64(9) != 0,
                           stmt.column_text(10)};
}

// Live bookings per slot of `day` at `node`.
Result<std::vector<std::pair<std::string, int>>> bookings_per_slot(storage::Database& db,
                                                                   const RegionCode& node,
                                                                   Date day) {
  YIMEN_ASSIGN_OR_RETURN(auto stmt, db.prepare("SELECT slot, count(*) FROM appointment WHERE "
                                               "node = ? AND day = ? AND cancelled = 0 "
                                               "GROUP BY slot"));
  stmt.bind(1, node.str());
  stmt.bind(2, day.to_string());
  std::vector<std::pair<std::string, int>> out;
  for (;;) {
    YIMEN_ASSIGN_OR_RETURN(bool row, stmt.step());
    if (!row) break;
    out.emplace_back(stmt.column_text(0), static_cast<int>(stmt.column_int64(1)));
  }
  return out;
}

}  // namespace

std::string slot_label(int minutes) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "%02d:%02d", (minutes / 60) % 100, minutes % 60);
  return buf;
}

std::optional<int> parse_slot(std::string_view slot) {
  const auto minutes = config::time_of_day_minutes(slot);
  if (!minutes || *minutes >= 24 * 60) return std::nullopt;
  return minutes;
}

Result<std::vector<SlotLoad>> open_slots(storage::Database& db, const RegionCode& node,
                                         const config::AppointmentConfig& settings,
                                         const WorkingDayCalendar& calendar, Date day,
                                         std::int64_t now_ms) {
  std::vector<SlotLoad> out;
  const Date today = cst_date(now_ms / 1000);
  if (settings.windows <= 0 || day < today || day - today >= settings.days_ahead) return out;
  YIMEN_ASSIGN_OR_RETURN(const bool working, calendar.is_working_day(day));
  if (!working) return out;
  YIMEN_ASSIGN_OR_RETURN(const auto booked, bookings_per_slot(db, node, day));
  const int now_minute = cst_minute_of_day(now_ms);
  for (const int start : settings.slot_starts()) {
    if (day == today && start <= now_minute) continue;
    SlotLoad load{slot_label(start), settings.windows, 0};
    for (const auto& [slot, n] : booked) {
      if (slot == load.slot) load.booked = n;
    }
    out.push_back(std::move(load));
  }
  return out;
}

Result<BookedAppointment> Hall::book_appointment(const Actor& actor,
                                                 const AppointmentInput& booking,
                                                 const config::AppointmentConfig& settings) {
  if (settings.windows <= 0) return failed_precondition("this hall takes no appointments");
  if (booking.name.empty() || booking.name.size() > 100 || !is_display_text(booking.name)) {
    return invalid_argument("name must be 1 to 100 bytes of text");
  }
  if (!valid_phone(booking.phone)) {
    return invalid_argument("phone must be 5 to 20 digits, spaces, '-' or '+'");
  }
  if (!parse_slot(booking.slot)) return invalid_argument("slot must be HH:MM");
  YIMEN_ASSIGN_OR_RETURN(const crypto::SecretCode code, crypto::new_secret_code());
  BookedAppointment out{"", code.code};
  Status status = in_transaction([&]() -> Status {
    YIMEN_ASSIGN_OR_RETURN(auto item, load_item(db_, booking.item_code));
    if (!item) return not_found("no item " + booking.item_code + " in the catalogue");
    YIMEN_ASSIGN_OR_RETURN(auto codes, current_item_codes(db_));
    if (std::find(codes.begin(), codes.end(), booking.item_code) == codes.end()) {
      return failed_precondition("item " + booking.item_code + " has been withdrawn");
    }
    YIMEN_ASSIGN_OR_RETURN(auto calendar, load_calendar(db_));
    YIMEN_ASSIGN_OR_RETURN(auto slots,
                           open_slots(db_, node_, settings, calendar, booking.day, clock_()));
    const auto slot = std::find_if(slots.begin(), slots.end(),
                                   [&](const SlotLoad& s) { return s.slot == booking.slot; });
    if (slot == slots.end()) {
      return failed_precondition("slot " + booking.day.to_string() + " " + booking.slot +
                                 " is not open for booking");
    }
    if (slot->booked >= slot->capacity) {
      return failed_precondition("slot " + booking.day.to_string() + " " + booking.slot +
                                 " is fully booked");
    }
    YIMEN_ASSIGN_OR_RETURN(auto same_day, appointments_on(db_, node_, booking.day));
    for (const auto& a : same_day) {
      if (!a.cancelled && a.phone == booking.phone) {
        return already_exists("this phone already has a booking on " + booking.day.to_string() +
                              " (" + a.booking_no + ")");
      }
    }
    YIMEN_ASSIGN_OR_RETURN(out.booking_no,
                           next_number("appointment", "booking_no", node_.str() + "-A"));
    YIMEN_ASSIGN_OR_RETURN(auto r, emit(actor, {{sync::AudienceEntry::Kind::kNode, node_}},
                                        [&](schema::Body::Builder b) {
                                          auto e = b.initAppointmentBooked();
                                          e.setBookingNo(out.booking_no);
                                          e.setItemCode(booking.item_code);
                                          e.setDay(booking.day.to_string());
                                          e.setSlot(booking.slot);
                                          e.setName(booking.name);
                                          e.setPhone(booking.phone);
                                          e.setCodeHash(code.hash);
                                        }));
    (void)r;
    return {};
  });
  if (!status.ok()) return status;
  return out;
}

Status Hall::cancel_appointment(const Actor& actor, const std::string& booking_no,
                                const std::string& reason) {
  if (reason.empty() || reason.size() > 500 || !is_display_text(reason)) {
    return invalid_argument("reason must be 1 to 500 bytes of text");
  }
  return in_transaction([&]() -> Status {
    YIMEN_ASSIGN_OR_RETURN(auto booking, load_appointment(db_, booking_no));
    if (!booking || booking->node != node_) {
      return not_found("no booking " + booking_no + " at this hall");
    }
    if (booking->cancelled)
      return already_exists("booking " + booking_no + " is cancelled already");
    if (booking->day < today()) {
      return failed_precondition("booking " + booking_no + " was for a day that has passed");
    }
    YIMEN_ASSIGN_OR_RETURN(auto r, emit(actor, {{sync::AudienceEntry::Kind::kNode, node_}},
                                        [&](schema::Body::Builder b) {
                                          auto e = b.initAppointmentCancelled();
                                          e.setBookingNo(booking_no);
                                          e.setReason(reason);
                                        }));
    (void)r;
    return {};
  });
}

Result<Admission> admit_appointment(storage::Database& db, const sync::DecodedEvent& event) {
  const auto body = event.reader().getBody();
  if (body.which() == Body::APPOINTMENT_BOOKED) {
    const auto a = body.getAppointmentBooked();
    const std::string no = text(a.getBookingNo());
    if (no.size() < 14 || no.compare(0, 12, event.origin().str()) != 0 || no[12] != '-' ||
        no[13] != 'A') {
      return Admission::reject("booking " + no + " is not numbered by its origin");
    }
    if (!Date::from_string(text(a.getDay())).ok()) return Admission::reject("day is not a date");
    if (!parse_slot(text(a.getSlot()))) return Admission::reject("slot is not HH:MM");
    if (a.getName().size() == 0 || a.getName().size() > 100 || a.getPhone().size() > 20) {
      return Admission::reject("booking " + no + " has a malformed name or phone");
    }
    YIMEN_ASSIGN_OR_RETURN(auto known, load_appointment(db, no));
    if (known) return Admission::reject("booking " + no + " was already made");
    return Admission::accept();
  }
  if (body.which() == Body::APPOINTMENT_CANCELLED) {
    const std::string no = text(body.getAppointmentCancelled().getBookingNo());
    YIMEN_ASSIGN_OR_RETURN(auto booking, load_appointment(db, no));
    if (!booking) return Admission::wait_for(booking_dependency(no));
    if (booking->node != event.origin()) {
      return Admission::reject("booking " + no + " is cancelled only by " + booking->node.str());
    }
    if (booking->cancelled) return Admission::reject("booking " + no + " is cancelled already");
  }
  return Admission::accept();
}

Status apply_appointment(storage::Database& db, const sync::DecodedEvent& event) {
  const auto body = event.reader().getBody();
  if (body.which() == Body::APPOINTMENT_BOOKED) {
    const auto a = body.getAppointmentBooked();
    YIMEN_ASSIGN_OR_RETURN(
        auto ins, db.prepare("INSERT INTO appointment (booking_no, node, item_code, day, slot, "
                             "name, phone, code_hash, booked_at) "
                             "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"));
    ins.bind(1, text(a.getBookingNo()));
    ins.bind(2, event.origin().str());
    ins.bind(3, text(a.getItemCode()));
    ins.bind(4, text(a.getDay()));
    ins.bind(5, text(a.getSlot()));
    ins.bind(6, text(a.getName()));
    ins.bind(7, text(a.getPhone()));
    ins.bind(8, text(a.getCodeHash()));
    ins.bind(9, event.time());
    return ins.run();
  }
  if (body.which() == Body::APPOINTMENT_CANCELLED) {
    const auto c = body.getAppointmentCancelled();
    YIMEN_ASSIGN_OR_RETURN(auto upd, db.prepare("UPDATE appointment SET cancelled = 1, "
                                                "cancel_reason = ? WHERE booking_no = ?"));
    upd.bind(1, text(c.getReason()));
    upd.bind(2, text(c.getBookingNo()));
    return upd.run();
  }
  return {};
}

std::vector<std::string> appointment_provides(const sync::DecodedEvent& event) {
  const auto body = event.reader().getBody();
  if (body.which() == Body::APPOINTMENT_BOOKED) {
    return {booking_dependency(text(body.getAppointmentBooked().getBookingNo()))};
  }
  return {};
}

Result<std::optional<AppointmentRecord>> load_appointment(storage::Database& db,
                                                          const std::string& booking_no) {
  YIMEN_ASSIGN_OR_RETURN(auto stmt, db.prepare(std::string(kColumns) + "WHERE booking_no = ?"));
  stmt.bind(1, booking_no);
  YIMEN_ASSIGN_OR_RETURN(bool row, stmt.step());
  if (!row) return std::optional<AppointmentRecord>();
  YIMEN_ASSIGN_OR_RETURN(auto r, read_appointment(stmt));
  return std::optional<AppointmentRecord>(std::move(r));
}

Result<std::vector<AppointmentRecord>> appointments_on(storage::Database& db,
                                                       const RegionCode& node, Date day) {
  YIMEN_ASSIGN_OR_RETURN(auto stmt,
                         db.prepare(std::string(kColumns) + "WHERE node = ? AND day = ? "
                                                            "ORDER BY slot, booking_no"));
  stmt.bind(1, node.str());
  stmt.bind(2, day.to_string());
  return storage::collect(stmt, read_appointment);
}

}  // namespace yimen::hall
