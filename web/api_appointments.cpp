// /api/v1/appointments: residents book a visit to this hall for an item (预约)
// in an open slot, look their booking up and cancel it with its code; staff
// see the day's bookings and cancel one with a reason.

#include <map>

#include "node/hall/appointment.h"
#include "node/hall/hall_projection.h"
#include "node/hall/identity.h"
#include "web/api_support.h"

namespace yimen::web {
namespace {

json::object booking_json(const hall::AppointmentRecord& a, const std::string& item_name,
                          bool staff) {
  json::object o{{"booking_no", a.booking_no}, {"node", a.node.str()},
                 {"item_code", a.item_code},   {"item_name", item_name},
                 {"day", a.day.to_string()},   {"slot", a.slot},
                 {"cancelled", a.cancelled},   {"cancel_reason", a.cancel_reason}};
  // The resident sees their own booking with the phone masked; the window
  // clerk needs the name and number to call the resident.
  o["name"] = a.name;
  o["phone"] = staff || a.phone.size() < 7
                   ? a.phone
                   : a.phone.substr(0, 3) + std::string(a.phone.size() - 7, '*') +
                         a.phone.substr(a.phone.size() - 4);
  return o;
}

Result<std::string> item_name_of(storage::Database& db, const std::string& code) {
  YIMEN_ASSIGN_OR_RETURN(auto item, hall::load_item(db, code));
  return item ? item->name : std::string();
}

HttpResponse list_slots(Call& call) {
  const auto& settings = call.backend().appointments();
  json::array days;
  const Status s = call.backend().read([&](storage::Database& db) -> Status {
    YIMEN_ASSIGN_OR_RETURN(auto calendar, hall::load_calendar(db));
    const hall::Date today = hall::cst_date(call.now);
    for (int i = 0; i < settings.days_ahead; ++i) {
      const hall::Date day = today.plus_days(i);
      auto slots =
          hall::open_slots(db, call.backend().node_id(), settings, calendar, day, call.now * 1000);
      if (!slots.ok()) {
        if (slots.status().code() == ErrorCode::kNotFound) break;  // calendar not published yet
        return slots.status();
      }
      if (slots->empty()) continue;
      json::array list;
      for (const auto& slot : *slots) {
        list.push_back(json::object{{"slot", slot.slot},
                                    {"capacity", slot.capacity},
                                    {"free", std::max(0, slot.capacity - slot.booked)}});
      }
      days.push_back(json::object{{"day", day.to_string()}, {"slots", std::move(list)}});
    }
    return {};
  });
  if (!s.ok()) return status_response(s);
  return json_response(json::object{{"windows", settings.windows},
                                    {"slot_minutes", settings.slot_minutes},
                                    {"hours", settings.hours},
                                    {"days", std::move(days)}});
}

HttpResponse book(Call& call) {
  auto body = body_object(call);
  if (!body.ok()) return status_response(body.status());
  const std::string address = call.request.peer;
  const bool staff_booking = call.session && call.session->user;
  if (auto blocked = call.state.bookings_by_address.blocked_for(address, call.now);
      blocked > 0 && !staff_booking) {
    return rate_limited(blocked, "too many bookings from this address; try later");
  }
  auto item = required_string(*body, "item_code", "item_code", 64);
  auto day = required_string(*body, "day", "day", 10);
  auto slot = required_string(*body, "slot", "slot", 5);
  auto name = required_string(*body, "name", "name", 100);
  auto phone = required_string(*body, "phone", "phone", 20);
  for (const Status& st :
       {item.status(), day.status(), slot.status(), name.status(), phone.status()}) {
    if (!st.ok()) return status_response(st);
  }
  auto date = hall::Date::from_string(*day);
  if (!date.ok()) return status_response(date.status().with_context("day"));
  if (call.backend().recovering()) {
    return recovering_response();
  }
  const hall::AppointmentInput input{*item, *date, *slot, *name, *phone};
  std::optional<hall::BookedAppointment> booked;
  std::string item_name;
  const Status s = call.backend().write([&](hall::Hall& hall, storage::Database& db) -> Status {
    const hall::Actor actor = staff_booking ? call.actor() : hall::Actor{};
    YIMEN_ASSIGN_OR_RETURN(auto result,
                           hall.book_appointment(actor, input, call.backend().appointments()));
    booked = std::move(result);
    YIMEN_ASSIGN_OR_RETURN(item_name, item_name_of(db, *item));
    return audit(db, call, "appointment.book", booked->booking_no, "ok");
  });
  if (!s.ok()) return status_response(s);
  if (!staff_booking) call.state.bookings_by_address.record_failure(address, call.now);
  return json_response(json::object{{"booking_no", booked->booking_no},
                                    {"code", booked->code},
                                    {"item_code", *item},
                                    {"item_name", item_name},
                                    {"day", *day},
                                    {"slot", *slot},
                                    {"node", call.backend().node_id().str()},
                                    {"node_name", call.backend().node_name()}},
                       201);
}

// The booking named in the body, once its code is checked; or the answer to send.
Result<hall::AppointmentRecord> booking_with_code(Call& call, const json::object& body,
                                                  std::optional<HttpResponse>& refused) {
  YIMEN_ASSIGN_OR_RETURN(const auto no, required_string(body, "booking_no", "booking_no", 40));
  YIMEN_ASSIGN_OR_RETURN(const auto code, required_string(body, "code", "code", 16));
  std::optional<hall::AppointmentRecord> record;
  YIMEN_TRY(call.backend().read([&](storage::Database& db) -> Status {
    YIMEN_ASSIGN_OR_RETURN(record, hall::load_appointment(db, no));
    return {};
  }));
  if (record && record->node != call.backend().node_id()) record.reset();
  refused = check_code(call, no, record ? record->code_hash : "", code);
  if (refused) return not_found("refused");
  return *record;
}

HttpResponse look_up(Call& call) {
  auto body = body_object(call);
  if (!body.ok()) return status_response(body.status());
  std::optional<HttpResponse> refused;
  auto booking = booking_with_code(call, *body, refused);
  if (refused) return *refused;
  if (!booking.ok()) return status_response(booking.status());
  std::string item_name;
  const Status s = call.backend().read([&](storage::Database& db) -> Status {
    YIMEN_ASSIGN_OR_RETURN(item_name, item_name_of(db, booking->item_code));
    return {};
  });
  if (!s.ok()) return status_response(s);
  return json_response(booking_json(*booking, item_name, false));
}

// The resident cancels with the booking's code (anyone); staff with a reason.
HttpResponse cancel(Call& call) {
  const std::string& no = call.params.at("no");
  auto body = body_object(call);
  if (!body.ok()) return status_response(body.status());
  const bool staff = call.session && call.session->user && !body->contains("code");
  std::string reason = "resident";
  if (staff) {
    auto given = required_string(*body, "reason", "reason", 500);
    if (!given.ok()) return status_response(given.status());
    reason = *given;
  } else {
    (*body)["booking_no"] = no;
    std::optional<HttpResponse> refused;
    auto booking = booking_with_code(call, *body, refused);
    if (refused) return *refused;
    if (!booking.ok()) return status_response(booking.status());
  }
  if (call.backend().recovering()) {
    return recovering_response();
  }
  const Status s = call.backend().write([&](hall::Hall& hall, storage::Database& db) -> Status {
    const hall::Actor actor = staff ? call.actor() : hall::Actor{};
    YIMEN_TRY(hall.cancel_appointment(actor, no, reason));
    return audit(db, call, "appointment.cancel", no, "ok");
  });
  if (!s.ok()) return status_response(s);
  return json_response(json::object{{"booking_no", no}, {"cancelled", true}});
}

HttpResponse list_day(Call& call) {
  hall::Date day = hall::cst_date(call.now);
  if (auto given = call.request.query_value("day"); given && !given->empty()) {
    auto d = hall::Date::from_string(*given);
    if (!d.ok()) return status_response(d.status().with_context("day"));
    day = *d;
  }
  json::array list;
  int live = 0;
  const Status s = call.backend().read([&](storage::Database& db) -> Status {
    YIMEN_ASSIGN_OR_RETURN(auto bookings, hall::appointments_on(db, call.backend().node_id(), day));
    std::map<std::string, std::string> item_names;  // a day's bookings share few items
    for (const auto& a : bookings) {
      auto [name, added] = item_names.try_emplace(a.item_code);
      if (added) {
        YIMEN_ASSIGN_OR_RETURN(name->second, item_name_of(db, a.item_code));
      }
      list.push_back(booking_json(a, name->second, true));
      if (!a.cancelled) ++live;
    }
    return {};
  });
  if (!s.ok()) return status_response(s);
  return json_response(
      json::object{{"day", day.to_string()}, {"booked", live}, {"appointments", std::move(list)}});
}

}  // namespace

void add_appointment_routes(std::vector<Route>& routes) {
  routes.push_back({"GET", "/api/v1/appointments/slots", anyone(), list_slots});
  routes.push_back({"POST", "/api/v1/appointments", anyone(), book});
  routes.push_back({"POST", "/api/v1/appointments/lookup", anyone(), look_up});
  routes.push_back({"POST", "/api/v1/appointments/{no}/cancel", anyone(), cancel});
  routes.push_back({"GET", "/api/v1/appointments", staff(), list_day});
}

}  // namespace yimen::web
