#pragma once

// Appointments (预约, plan task 12): a resident books a visit to this hall for
// an item, in a slot of its opening hours on a working day; each slot takes
// one booking per window ([appointments] in node.toml). A booking is an event
// of this node (audience: this node), so it holds while the node is offline;
// it is cancelled by the resident with the booking's code, or by staff, with
// a later event of the same node. The events are in
// sync/schema/appointment.capnp; the commands are Hall members.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/region_code.h"
#include "common/status.h"
#include "config/node_config.h"
#include "node/hall/calendar.h"
#include "storage/database.h"
#include "sync/event_log.h"

namespace yimen::hall {

// "09:30" for 570 minutes after midnight, and back (nullopt for anything
// but "HH:MM").
std::string slot_label(int minutes);
std::optional<int> parse_slot(std::string_view slot);

struct AppointmentInput {
  std::string item_code;
  Date day;
  std::string slot;   // "HH:MM", the start of one of the hall's slots
  std::string name;   // the resident's name, 1..100 bytes
  std::string phone;  // a contact phone (valid_phone)
};

struct BookedAppointment {
  std::string booking_no;
  std::string code;  // 8 digits, given to the resident once and stored only as a hash
};

struct AppointmentRecord {
  std::string booking_no;
  RegionCode node;
  std::string item_code;
  Date day;
  std::string slot;
  std::string name;
  std::string phone;
  std::string code_hash;
  std::int64_t booked_at = 0;  // Unix seconds
  bool cancelled = false;
  std::string cancel_reason;  // "resident" when the resident cancelled
};

// One slot of a day as the booking page shows it.
struct SlotLoad {
  std::string slot;  // "HH:MM"
  int capacity = 0;
  int booked = 0;
};

// The slots of `day` at `node` still open to booking at `now_ms` (Unix
// milliseconds): none on a day that is not a working day, before today or
// beyond the booking horizon, and on today only those not yet started.
// NotFound when the calendar of the day's year is not published.
Result<std::vector<SlotLoad>> open_slots(storage::Database& db, const RegionCode& node,
                                         const config::AppointmentConfig& settings,
                                         const WorkingDayCalendar& calendar, Date day,
                                         std::int64_t now_ms);

Result<std::optional<AppointmentRecord>> load_appointment(storage::Database& db,
                                                          const std::string& booking_no);
// The bookings at `node` on `day`, cancelled ones included, by slot.
Result<std::vector<AppointmentRecord>> appointments_on(storage::Database& db,
                                                       const RegionCode& node, Date day);

Result<sync::EventSink::Admission> admit_appointment(storage::Database& db,
                                                     const sync::DecodedEvent& event);
Status apply_appointment(storage::Database& db, const sync::DecodedEvent& event);
std::vector<std::string> appointment_provides(const sync::DecodedEvent& event);

}  // namespace yimen::hall
