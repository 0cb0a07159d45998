// /api/v1/calendar: the city's working-day calendar (holidays and 调休 make-up
// working days), public to read, published by the city's administrator.

#include "node/hall/hall_projection.h"
#include "web/api_support.h"

namespace yimen::web {
namespace {

constexpr std::size_t kMaxDays = 120;

json::array dates_json(const std::vector<hall::Date>& dates) {
  json::array out;
  for (const auto& d : dates) out.push_back(json::value(d.to_string()));
  return out;
}

HttpResponse get_calendar(Call& call) {
  json::array years;
  hall::WorkingDayCalendar calendar;
  const Status s = call.backend().read([&](storage::Database& db) -> Status {
    YIMEN_ASSIGN_OR_RETURN(auto list, hall::load_calendar_years(db));
    for (const auto& y : list) {
      years.push_back(json::object{{"year", y.year},
                                   {"holidays", dates_json(y.holidays)},
                                   {"makeup_working_days", dates_json(y.makeup_working_days)},
                                   {"notice", y.notice},
                                   {"provisional", y.provisional}});
      YIMEN_TRY(calendar.publish_year(y.year, y.holidays, y.makeup_working_days));
    }
    return {};
  });
  if (!s.ok()) return status_response(s);
  const hall::CalendarOutlook outlook = hall::calendar_outlook(calendar, hall::cst_date(call.now));
  json::value missing = outlook.missing_year ? json::value(*outlook.missing_year) : nullptr;
  return json_response(json::object{
      {"years", std::move(years)},
      {"outlook", json::object{{"this_year", outlook.this_year},
                               {"this_year_published", outlook.this_year_published},
                               {"next_year_published", outlook.next_year_published},
                               {"missing_year", std::move(missing)},
                               {"unknown_from", date_or_null(outlook.unknown_from)}}}});
}

Result<std::vector<hall::Date>> dates_of(const json::object& body, std::string_view key) {
  const std::string where(key);
  YIMEN_ASSIGN_OR_RETURN(const json::array* list, optional_array(body, key, where));
  std::vector<hall::Date> out;
  if (list == nullptr) return out;
  if (list->size() > kMaxDays) return invalid_argument(where + ": too many dates");
  for (size_t i = 0; i < list->size(); ++i) {
    const auto& v = (*list)[i];
    const std::string at = where + "[" + std::to_string(i) + "]";
    if (!v.is_string()) return invalid_argument(at + ": expected a date YYYY-MM-DD");
    auto d = hall::Date::from_string(std::string(v.get_string()));
    if (!d.ok()) return d.status().with_context(at);
    out.push_back(*d);
  }
  return out;
}

HttpResponse publish_calendar(Call& call) {
  auto body = body_object(call);
  if (!body.ok()) return status_response(body.status());
  auto year = optional_integer(*body, "year", "year", 2000, 2100);
  if (!year.ok()) return status_response(year.status());
  if (!*year) return error_response(400, "bad_request", "year: required");
  auto holidays = dates_of(*body, "holidays");
  if (!holidays.ok()) return status_response(holidays.status());
  auto makeup = dates_of(*body, "makeup_working_days");
  if (!makeup.ok()) return status_response(makeup.status());
  auto notice = optional_string(*body, "notice", "notice", 500);
  if (!notice.ok()) return status_response(notice.status());
  if (call.backend().recovering()) {
    return recovering_response();
  }
  const Status s = call.backend().write([&](hall::Hall& hall, storage::Database& db) -> Status {
    YIMEN_TRY(hall.publish_calendar(
        call.actor(), {static_cast<int>(**year), *holidays, *makeup, notice->value_or(""), false}));
    return audit(db, call, "calendar.publish", std::to_string(**year), "ok");
  });
  if (!s.ok()) return status_response(s);
  return get_calendar(call);
}

}  // namespace

void add_calendar_routes(std::vector<Route>& routes) {
  routes.push_back({"GET", "/api/v1/calendar", anyone(), get_calendar});
  routes.push_back({"POST", "/api/v1/calendar", roles({hall::Role::kAdmin}), publish_calendar});
}

}  // namespace yimen::web
