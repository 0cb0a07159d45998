// Appointments (预约): residents book a slot of a hall's opening hours on a
// working day; each slot takes one booking per window; a booking is
// cancelled by the resident or by staff and frees its place.

#include "node/hall/appointment.h"

#include "hall_city.h"

namespace yimen::hall::testing {
namespace {

using AppointmentTest = HallCityTest;

Date day(const char* d) { return Date::from_string(d).value(); }

config::AppointmentConfig two_windows() {
  config::AppointmentConfig c;
  c.windows = 2;
  c.slot_minutes = 30;
  c.hours = "09:00-12:00,14:00-17:00";
  c.days_ahead = 14;
  return c;
}

std::vector<std::string> slot_names(const std::vector<SlotLoad>& slots) {
  std::vector<std::string> out;
  for (const auto& s : slots) out.push_back(s.slot);
  return out;
}

TEST_F(AppointmentTest, OpenSlotsFollowTheOpeningHoursAndTheWorkingDayCalendar) {
  auto& db = city[kVillage].db;
  const auto calendar = load_calendar(db).value();
  // 2026-02-12, 09:00: the 09:00 slot has begun; the rest of the day is open.
  auto today =
      open_slots(db, code(kVillage), two_windows(), calendar, day("2026-02-12"), city.clock_ms)
          .value();
  ASSERT_EQ(today.size(), 11u);
  EXPECT_EQ(today.front().slot, "09:30");
  EXPECT_EQ(today.back().slot, "16:30");
  EXPECT_EQ(today.front().capacity, 2);
  EXPECT_EQ(today.front().booked, 0);
  // Saturday 2026-02-14 is a make-up working day (调休上班); the Spring
  // Festival holiday that follows has no slots.
  EXPECT_EQ(
      open_slots(db, code(kVillage), two_windows(), calendar, day("2026-02-14"), city.clock_ms)
          ->size(),
      12u);
  EXPECT_TRUE(
      open_slots(db, code(kVillage), two_windows(), calendar, day("2026-02-16"), city.clock_ms)
          ->empty());
  // Yesterday, and beyond the 14 days bookings are open, nothing is open.
  EXPECT_TRUE(
      open_slots(db, code(kVillage), two_windows(), calendar, day("2026-02-11"), city.clock_ms)
          ->empty());
  EXPECT_TRUE(
      open_slots(db, code(kVillage), two_windows(), calendar, day("2026-02-26"), city.clock_ms)
          ->empty());
  auto hourly = two_windows();
  hourly.slot_minutes = 60;
  hourly.hours = "08:30-11:00";
  EXPECT_EQ(
      slot_names(open_slots(db, code(kVillage), hourly, calendar, day("2026-02-13"), city.clock_ms)
                     .value()),
      (std::vector<std::string>{"08:30", "09:30"}));
}

TEST_F(AppointmentTest, EachSlotTakesOneBookingPerWindow) {
  const auto settings = two_windows();
  const AppointmentInput first{kDibao, day("2026-02-13"), "10:00", "张三", "13800138000"};
  auto a = village().book_appointment(Actor{}, first, settings);
  ASSERT_TRUE(a.ok()) << a.status().message();
  EXPECT_EQ(a->booking_no, std::string(kVillage) + "-A20260212-000001");
  EXPECT_EQ(a->code.size(), 8u);
  // The same phone may not hold two bookings on one day.
  auto again = first;
  again.slot = "10:30";
  EXPECT_EQ(village().book_appointment(Actor{}, again, settings).status().code(),
            ErrorCode::kAlreadyExists);
  auto b = village().book_appointment(
      Actor{}, {kDibao, day("2026-02-13"), "10:00", "李四", "13900139000"}, settings);
  ASSERT_TRUE(b.ok()) << b.status().message();
  const AppointmentInput third{kDibao, day("2026-02-13"), "10:00", "王五", "13700137000"};
  EXPECT_EQ(village().book_appointment(Actor{}, third, settings).status().message(),
            "slot 2026-02-13 10:00 is fully booked");

  auto& db = city[kVillage].db;
  auto bookings = appointments_on(db, code(kVillage), day("2026-02-13")).value();
  ASSERT_EQ(bookings.size(), 2u);
  EXPECT_EQ(bookings[0].name, "张三");
  EXPECT_EQ(bookings[0].item_code, kDibao);
  EXPECT_FALSE(bookings[0].code_hash.empty());
  EXPECT_NE(bookings[0].code_hash, a->code);  // only a hash of the code is kept

  // Cancelling frees the place; a booking is cancelled once.
  ASSERT_TRUE(village().cancel_appointment(Actor{}, a->booking_no, "resident").ok());
  EXPECT_EQ(village().cancel_appointment(clerk(), a->booking_no, "窗口调整").code(),
            ErrorCode::kAlreadyExists);
  EXPECT_TRUE(village().book_appointment(Actor{}, third, settings).ok());
  const auto cancelled = load_appointment(db, a->booking_no).value().value();
  EXPECT_TRUE(cancelled.cancelled);
  EXPECT_EQ(cancelled.cancel_reason, "resident");

  // The projection is the events': a rebuild gives the same bookings.
  ASSERT_TRUE(village().rebuild().ok());
  bookings = appointments_on(db, code(kVillage), day("2026-02-13")).value();
  ASSERT_EQ(bookings.size(), 3u);
  EXPECT_EQ(std::count_if(bookings.begin(), bookings.end(),
                          [](const AppointmentRecord& r) { return r.cancelled; }),
            1);

  // Another hall knows nothing of this one's bookings and cannot cancel them.
  EXPECT_EQ(county().cancel_appointment(officer(), b->booking_no, "x").code(),
            ErrorCode::kNotFound);
  // Once the day has passed a booking is history, not cancellable.
  city.clock_ms += 2 * kDayMs;
  EXPECT_EQ(village().cancel_appointment(clerk(), b->booking_no, "迟到").code(),
            ErrorCode::kFailedPrecondition);
}

TEST_F(AppointmentTest, BadBookingsAreRefusedNamingWhatIsWrong) {
  const auto settings = two_windows();
  AppointmentInput in{kDibao, day("2026-02-13"), "10:00", "", "13800138000"};
  EXPECT_EQ(village().book_appointment(Actor{}, in, settings).status().message(),
            "name must be 1 to 100 bytes of text");
  in.name = "张三";
  in.phone = "call me";
  EXPECT_EQ(village().book_appointment(Actor{}, in, settings).status().code(),
            ErrorCode::kInvalidArgument);
  in.phone = "13800138000";
  in.slot = "25:00";
  EXPECT_EQ(village().book_appointment(Actor{}, in, settings).status().message(),
            "slot must be HH:MM");
  in.slot = "10:15";  // not the start of a slot
  EXPECT_EQ(village().book_appointment(Actor{}, in, settings).status().message(),
            "slot 2026-02-13 10:15 is not open for booking");
  in.slot = "10:00";
  in.day = day("2026-02-17");  // Spring Festival
  EXPECT_EQ(village().book_appointment(Actor{}, in, settings).status().code(),
            ErrorCode::kFailedPrecondition);
  in.day = day("2026-02-13");
  in.item_code = "JF-99999-001-441802000000";
  EXPECT_EQ(village().book_appointment(Actor{}, in, settings).status().code(),
            ErrorCode::kNotFound);
  in.item_code = kDibao;
  auto closed = settings;
  closed.windows = 0;
  EXPECT_EQ(village().book_appointment(Actor{}, in, closed).status().message(),
            "this hall takes no appointments");
  EXPECT_EQ(village().cancel_appointment(clerk(), "nope", "").code(), ErrorCode::kInvalidArgument);
  // Nothing refused was booked.
  EXPECT_TRUE(appointments_on(city[kVillage].db, code(kVillage), day("2026-02-13"))->empty());
}

}  // namespace
}  // namespace yimen::hall::testing
