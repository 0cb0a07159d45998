// /api/v1/kpis: the five targets of task 9 and demand analytics for this
// node's subtree over a range of submission dates (default: the year so far).

#include "node/hall/hall_projection.h"
#include "node/hall/kpi.h"
#include "web/api_support.h"

namespace yimen::web {
namespace {

json::object ratio_json(const hall::KpiRatio& r) {
  const auto v = r.value();
  return json::object{{"numerator", r.numerator},
                      {"denominator", r.denominator},
                      {"value", v ? json::value(*v) : nullptr},
                      {"target", r.target},
                      {"met", r.met()}};
}

json::array counts_json(const std::vector<hall::KpiCount>& counts) {
  json::array out;
  for (const auto& c : counts) {
    out.push_back(json::object{{"key", c.key}, {"label", c.label}, {"count", c.count}});
  }
  return out;
}

HttpResponse kpis(Call& call) {
  const hall::Date today = hall::cst_date(call.now);
  hall::Date from = hall::Date::from_string(std::to_string(today.year()) + "-01-01").value();
  hall::Date to = today;
  for (auto [name, target] : {std::pair{"from", &from}, std::pair{"to", &to}}) {
    if (auto v = call.request.query_value(name); v && !v->empty()) {
      auto d = hall::Date::from_string(*v);
      if (!d.ok()) return status_response(d.status().with_context(name));
      *target = *d;
    }
  }
  json::object out;
  const Status s = call.backend().read([&](storage::Database& db) -> Status {
    YIMEN_ASSIGN_OR_RETURN(auto calendar, hall::load_calendar(db));
    YIMEN_ASSIGN_OR_RETURN(auto k,
                           hall::compute_kpis(db, call.backend().node_id(), from, to, calendar));
    out = json::object{
        {"region", call.backend().node_id().str()},
        {"from", from.to_string()},
        {"to", to.to_string()},
        {"cases", k.cases},
        {"finished", k.finished},
        {"targets",
         json::object{{"items_fully_online", ratio_json(k.items_fully_online)},
                      {"applied_online", ratio_json(k.applied_online)},
                      {"completed_online", ratio_json(k.completed_online)},
                      {"online_at_most_one_visit", ratio_json(k.online_at_most_one_visit)},
                      {"zero_visits", ratio_json(k.zero_visits)}}},
        {"average_handling_working_days",
         k.average_handling_working_days ? json::value(*k.average_handling_working_days) : nullptr},
        {"on_time", ratio_json(k.on_time)},
        {"ratings", k.ratings},
        {"average_score", k.average_score ? json::value(*k.average_score) : nullptr},
        {"satisfied", ratio_json(k.satisfied)},
        {"top_items", counts_json(k.top_items)},
        {"channels", counts_json(k.channels)},
        {"rejection_reasons", counts_json(k.rejection_reasons)},
        {"by_hour", json::array(k.by_hour.begin(), k.by_hour.end())},
        {"by_weekday", json::array(k.by_weekday.begin(), k.by_weekday.end())}};
    return {};
  });
  if (!s.ok()) return status_response(s);
  return json_response(out);
}

}  // namespace

void add_kpi_routes(std::vector<Route>& routes) {
  routes.push_back({"GET", "/api/v1/kpis", staff(), kpis});
}

}  // namespace yimen::web
