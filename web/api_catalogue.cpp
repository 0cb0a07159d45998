// /api/v1/catalogue: the public catalogue and each item's whole guide.

#include "node/hall/hall_projection.h"
#include "web/api_support.h"

namespace yimen::web {
namespace {

constexpr std::size_t kMaxCachedAnswers = 256;

// Changes whenever a version is published or an item withdrawn.
Result<std::string> catalogue_generation(storage::Database& db) {
  YIMEN_ASSIGN_OR_RETURN(
      auto stmt,
      db.prepare("SELECT count(*), total(withdrawn), total(version) FROM catalogue_item"));
  YIMEN_TRY(stmt.step().status());
  return std::to_string(stmt.column_int64(0)) + ":" + stmt.column_text(1) + ":" +
         stmt.column_text(2);
}

// The current index, reloaded when the catalogue changed. The cache's mutex is
// held only to swap pointers, never during the load.
Result<std::shared_ptr<const hall::CatalogueIndex>> current_index(Call& call,
                                                                  std::string& generation) {
  auto& cache = call.state.catalogue;
  std::shared_ptr<const hall::CatalogueIndex> index;
  YIMEN_TRY(call.backend().read([&](storage::Database& db) -> Status {
    YIMEN_ASSIGN_OR_RETURN(generation, catalogue_generation(db));
    {
      std::lock_guard lock(cache.mutex);
      if (cache.generation == generation && cache.index) {
        index = cache.index;
        return {};
      }
    }
    YIMEN_ASSIGN_OR_RETURN(auto loaded, hall::load_catalogue_index(db));
    index = std::make_shared<const hall::CatalogueIndex>(std::move(loaded));
    std::lock_guard lock(cache.mutex);
    if (cache.generation != generation) {
      cache.generation = generation;
      cache.answers.clear();
    }
    cache.index = index;
    return {};
  }));
  return index;
}

json::array themes_json() {
  json::array out;
  for (auto theme : hall::all_themes()) {
    out.push_back(
        json::object{{"name", hall::theme_name(theme)}, {"label", hall::theme_label_zh(theme)}});
  }
  return out;
}

HttpResponse list_items(Call& call) {
  const std::string q = call.request.query_value("q").value_or("");
  const std::string theme_name = call.request.query_value("theme").value_or("");
  const std::string target_name = call.request.query_value("target").value_or("");
  std::optional<hall::Theme> theme;
  if (!theme_name.empty()) {
    theme = hall::parse_theme(theme_name);
    if (!theme) return error_response(400, "bad_request", "theme: unknown theme");
  }
  std::optional<hall::ApplicantKind> applicant;
  if (target_name == "natural_person") {
    applicant = hall::ApplicantKind::kNaturalPerson;
  } else if (target_name == "legal_person") {
    applicant = hall::ApplicantKind::kLegalPerson;
  } else if (!target_name.empty()) {
    return error_response(400, "bad_request", "target: natural_person or legal_person");
  }
  std::string generation;
  auto index = current_index(call, generation);
  if (!index.ok()) return status_response(index.status());

  const std::string key = q + '\x1f' + theme_name + '\x1f' + target_name;
  auto& cache = call.state.catalogue;
  {
    std::lock_guard lock(cache.mutex);
    if (cache.generation == generation) {
      if (auto it = cache.answers.find(key); it != cache.answers.end()) {
        HttpResponse r;
        r.body = *it->second;
        return r;
      }
    }
  }
  auto hits = (*index)->search(q, theme, applicant);
  if (!hits.ok()) return status_response(hits.status().with_context("q"));
  json::array items;
  for (const auto& hit : *hits) {
    if (const auto* item = (*index)->find(hit.code)) items.push_back(item_summary_json(*item));
  }
  auto body = std::make_shared<const std::string>(
      to_json(json::object{{"themes", themes_json()}, {"items", std::move(items)}}));
  {
    std::lock_guard lock(cache.mutex);
    if (cache.generation == generation) {
      if (cache.answers.size() >= kMaxCachedAnswers) cache.answers.clear();
      cache.answers[key] = body;
    }
  }
  HttpResponse r;
  r.body = *body;
  return r;
}

HttpResponse get_item(Call& call) {
  const std::string& text = call.params.at("code");
  auto code = hall::parse_item_code(text);
  if (!code.ok()) return status_response(code.status());
  std::string generation;
  auto index = current_index(call, generation);
  if (!index.ok()) return status_response(index.status());
  const auto* item = (*index)->find(*code);
  if (item == nullptr) return error_response(404, "not_found", "no item " + text + " is offered");
  return json_response(item_guide_json(*item));
}

}  // namespace

json::object time_limit_json(const hall::TimeLimit& limit) {
  return json::object{{"days", limit.days}, {"kind", hall::day_kind_name(limit.kind)}};
}

json::object item_summary_json(const hall::ServiceItem& item) {
  return json::object{
      {"code", hall::format_item_code(item.code)},
      {"version", item.version},
      {"name", item.name},
      {"type", hall::item_type_name(item.code.type)},
      {"type_label", hall::item_type_label_zh(item.code.type)},
      {"theme", hall::theme_name(item.theme)},
      {"theme_label", hall::theme_label_zh(item.theme)},
      {"target", hall::service_target_name(item.target)},
      {"target_label", hall::service_target_label_zh(item.target)},
      {"provider", item.provider.name},
      {"handling_level", region_level_name(item.handling_level)},
      {"online_capable", item.online_capable},
      {"same_city_handling", item.same_city_handling},
      {"visits_required", item.visits_required},
      {"on_the_spot", item.on_the_spot},
      {"committed_limit", time_limit_json(item.committed_limit)},
  };
}

json::object item_guide_json(const hall::ServiceItem& item) {
  json::object out = item_summary_json(item);
  json::array keywords(item.keywords.begin(), item.keywords.end());
  out["keywords"] = std::move(keywords);
  out["territorial_rule"] = hall::territorial_rule_name(item.territorial_rule);
  out["territorial_rule_label"] = hall::territorial_rule_label_zh(item.territorial_rule);
  out["provider_kind"] = hall::provider_kind_name(item.provider.kind);
  json::array basis;
  for (const auto& b : item.legal_basis) {
    basis.push_back(json::object{{"document", b.document}, {"article", b.article}});
  }
  out["legal_basis"] = std::move(basis);
  out["accepting_unit"] = item.accepting_unit;
  json::array steps;
  for (const auto& s : item.steps) {
    steps.push_back(json::object{
        {"name", s.name}, {"department", s.department}, {"limit", time_limit_json(s.limit)}});
  }
  out["steps"] = std::move(steps);
  json::array materials;
  for (size_t i = 0; i < item.materials.size(); ++i) {
    const auto& m = item.materials[i];
    json::array mistakes(m.common_mistakes.begin(), m.common_mistakes.end());
    materials.push_back(json::object{
        {"index", i},
        {"name", m.name},
        {"copies", m.copies},
        {"form", hall::material_form_name(m.form)},
        {"form_label", hall::material_form_label_zh(m.form)},
        {"kind", hall::material_kind_name(m.kind)},
        {"kind_label", hall::material_kind_label_zh(m.kind)},
        {"sharing_source", m.sharing_source},
        {"sample_text", m.sample_text},
        {"common_mistakes", std::move(mistakes)},
        {"notes", m.notes},
    });
  }
  out["materials"] = std::move(materials);
  out["no_materials"] = item.no_materials;
  json::array forms;
  for (const auto& f : item.forms) {
    forms.push_back(json::object{{"name", f.name}, {"content_hash", f.content_hash}});
  }
  out["forms"] = std::move(forms);
  out["fee"] = json::object{
      {"free", item.fee.free}, {"amount_fen", item.fee.amount_fen}, {"basis", item.fee.basis}};
  out["legal_limit"] = item.legal_limit ? json::value(time_limit_json(*item.legal_limit)) : nullptr;
  out["public_notice"] =
      item.public_notice ? json::value(time_limit_json(*item.public_notice)) : nullptr;
  out["accountability"] = item.accountability;
  out["consultation"] =
      json::object{{"phone", item.consultation.phone}, {"channels", item.consultation.channels}};
  out["office_hours"] = item.office_hours;
  out["office_address"] = item.office_address;
  out["transport"] = item.transport;
  out["status_query"] = item.status_query;
  json::array unverified(item.unverified.begin(), item.unverified.end());
  out["unverified"] = std::move(unverified);
  return out;
}

void add_catalogue_routes(std::vector<Route>& routes) {
  routes.push_back({"GET", "/api/v1/catalogue", anyone(), list_items});
  routes.push_back({"GET", "/api/v1/catalogue/{code}", anyone(), get_item});
}

}  // namespace yimen::web
