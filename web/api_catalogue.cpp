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

// --- an item from the JSON the guide page shows (publishing a new version) ---

// Reads the fields of one JSON object, naming each in its errors.
class FieldReader {
 public:
  FieldReader(const json::object& object, std::string where)
      : object_(object), where_(std::move(where)) {}

  std::string path(std::string_view key) const {
    return where_.empty() ? std::string(key) : where_ + "." + std::string(key);
  }
  Result<std::string> text(std::string_view key, bool required, std::size_t max = 4000) const {
    YIMEN_ASSIGN_OR_RETURN(auto v, optional_string(object_, key, path(key), max));
    if (!v && required) return invalid_argument(path(key) + ": required");
    return v.value_or("");
  }
  Result<bool> flag(std::string_view key) const {
    auto it = object_.find(key);
    if (it == object_.end() || it->value().is_null()) return false;
    if (!it->value().is_bool()) return invalid_argument(path(key) + ": expected true or false");
    return it->value().get_bool();
  }
  Result<std::int64_t> integer(std::string_view key, std::int64_t min, std::int64_t max,
                               std::int64_t fallback) const {
    YIMEN_ASSIGN_OR_RETURN(auto v, optional_integer(object_, key, path(key), min, max));
    return v.value_or(fallback);
  }
  Result<std::vector<std::string>> texts(std::string_view key) const {
    YIMEN_ASSIGN_OR_RETURN(const json::array* list, optional_array(object_, key, path(key)));
    std::vector<std::string> out;
    if (list == nullptr) return out;
    if (list->size() > 100) return invalid_argument(path(key) + ": too many entries");
    for (size_t i = 0; i < list->size(); ++i) {
      if (!(*list)[i].is_string()) {
        return invalid_argument(path(key) + "[" + std::to_string(i) + "]: expected a string");
      }
      out.emplace_back((*list)[i].get_string());
    }
    return out;
  }
  // Each element of an array of objects, with its path.
  Result<std::vector<FieldReader>> objects(std::string_view key) const {
    YIMEN_ASSIGN_OR_RETURN(const json::array* list, optional_array(object_, key, path(key)));
    std::vector<FieldReader> out;
    if (list == nullptr) return out;
    if (list->size() > 100) return invalid_argument(path(key) + ": too many entries");
    for (size_t i = 0; i < list->size(); ++i) {
      const std::string at = path(key) + "[" + std::to_string(i) + "]";
      if (!(*list)[i].is_object()) return invalid_argument(at + ": expected an object");
      out.emplace_back((*list)[i].get_object(), at);
    }
    return out;
  }
  Result<std::optional<FieldReader>> object(std::string_view key) const {
    YIMEN_ASSIGN_OR_RETURN(const json::object* o, optional_object(object_, key, path(key)));
    if (o == nullptr) return std::optional<FieldReader>();
    return std::optional<FieldReader>(FieldReader(*o, path(key)));
  }
  // A named enumeration value through its parser.
  template <class Parse>
  auto choice(std::string_view key, Parse parse, const char* expected) const
      -> Result<std::remove_reference_t<decltype(*parse(std::string_view()))>> {
    YIMEN_ASSIGN_OR_RETURN(auto name, text(key, true, 40));
    auto value = parse(name);
    if (!value) return invalid_argument(path(key) + ": expected " + expected);
    return *value;
  }

 private:
  const json::object& object_;
  std::string where_;
};

Result<std::optional<hall::TimeLimit>> limit_of(const FieldReader& r, std::string_view key) {
  YIMEN_ASSIGN_OR_RETURN(auto o, r.object(key));
  if (!o) return std::optional<hall::TimeLimit>();
  hall::TimeLimit limit;
  YIMEN_ASSIGN_OR_RETURN(auto days, o->integer("days", 0, 3660, -1));
  if (days < 0) return invalid_argument(o->path("days") + ": required");
  limit.days = static_cast<int>(days);
  YIMEN_ASSIGN_OR_RETURN(limit.kind,
                         o->choice("kind", hall::parse_day_kind, "working or calendar"));
  return std::optional<hall::TimeLimit>(limit);
}

Result<hall::ServiceItem> item_from_json(const json::object& body) {
  const FieldReader r(body, "");
  hall::ServiceItem item;
  YIMEN_ASSIGN_OR_RETURN(auto code, r.text("code", true, 64));
  YIMEN_ASSIGN_OR_RETURN(item.code, hall::parse_item_code(code));
  YIMEN_ASSIGN_OR_RETURN(item.name, r.text("name", true));
  YIMEN_ASSIGN_OR_RETURN(item.keywords, r.texts("keywords"));
  YIMEN_ASSIGN_OR_RETURN(item.theme, r.choice("theme", hall::parse_theme, "a theme name"));
  YIMEN_ASSIGN_OR_RETURN(item.target, r.choice("target", hall::parse_service_target,
                                               "natural_person, legal_person or both"));
  YIMEN_ASSIGN_OR_RETURN(item.provider.name, r.text("provider", true));
  YIMEN_ASSIGN_OR_RETURN(item.provider.kind,
                         r.choice("provider_kind", hall::parse_provider_kind, "a provider kind"));
  YIMEN_ASSIGN_OR_RETURN(item.handling_level, r.choice("handling_level", parse_region_level,
                                                       "city, county, town or village"));
  YIMEN_ASSIGN_OR_RETURN(
      item.territorial_rule,
      r.choice("territorial_rule", hall::parse_territorial_rule, "domicile or intake"));
  YIMEN_ASSIGN_OR_RETURN(item.same_city_handling, r.flag("same_city_handling"));
  YIMEN_ASSIGN_OR_RETURN(item.online_capable, r.flag("online_capable"));
  YIMEN_ASSIGN_OR_RETURN(auto visits, r.integer("visits_required", 0, 5, 1));
  item.visits_required = static_cast<int>(visits);
  YIMEN_ASSIGN_OR_RETURN(item.on_the_spot, r.flag("on_the_spot"));
  YIMEN_ASSIGN_OR_RETURN(auto basis, r.objects("legal_basis"));
  for (const auto& b : basis) {
    hall::LegalBasis lb;
    YIMEN_ASSIGN_OR_RETURN(lb.document, b.text("document", true));
    YIMEN_ASSIGN_OR_RETURN(lb.article, b.text("article", false));
    item.legal_basis.push_back(std::move(lb));
  }
  YIMEN_ASSIGN_OR_RETURN(item.accepting_unit, r.text("accepting_unit", true));
  YIMEN_ASSIGN_OR_RETURN(auto steps, r.objects("steps"));
  for (const auto& st : steps) {
    hall::ProcessStep step;
    YIMEN_ASSIGN_OR_RETURN(step.name, st.text("name", true));
    YIMEN_ASSIGN_OR_RETURN(step.department, st.text("department", true));
    YIMEN_ASSIGN_OR_RETURN(auto limit, limit_of(st, "limit"));
    if (!limit) return invalid_argument(st.path("limit") + ": required");
    step.limit = *limit;
    item.steps.push_back(std::move(step));
  }
  YIMEN_ASSIGN_OR_RETURN(auto materials, r.objects("materials"));
  for (const auto& m : materials) {
    hall::Material material;
    YIMEN_ASSIGN_OR_RETURN(material.name, m.text("name", true));
    YIMEN_ASSIGN_OR_RETURN(auto copies, m.integer("copies", 1, 20, 1));
    material.copies = static_cast<int>(copies);
    YIMEN_ASSIGN_OR_RETURN(material.form, m.choice("form", hall::parse_material_form,
                                                   "original, copy, original_and_copy or "
                                                   "electronic"));
    YIMEN_ASSIGN_OR_RETURN(material.kind, m.choice("kind", hall::parse_material_kind,
                                                   "required, data_sharing or "
                                                   "commitment_allowed"));
    YIMEN_ASSIGN_OR_RETURN(material.sharing_source, m.text("sharing_source", false));
    YIMEN_ASSIGN_OR_RETURN(material.sample_text, m.text("sample_text", false));
    YIMEN_ASSIGN_OR_RETURN(auto sample, m.object("sample"));
    if (sample) {
      hall::Attachment a;
      YIMEN_ASSIGN_OR_RETURN(a.name, sample->text("name", true));
      YIMEN_ASSIGN_OR_RETURN(a.content_hash, sample->text("content_hash", true, 64));
      material.sample = std::move(a);
    }
    YIMEN_ASSIGN_OR_RETURN(material.common_mistakes, m.texts("common_mistakes"));
    YIMEN_ASSIGN_OR_RETURN(material.notes, m.text("notes", false));
    item.materials.push_back(std::move(material));
  }
  YIMEN_ASSIGN_OR_RETURN(item.no_materials, r.flag("no_materials"));
  YIMEN_ASSIGN_OR_RETURN(auto forms, r.objects("forms"));
  for (const auto& f : forms) {
    hall::Attachment a;
    YIMEN_ASSIGN_OR_RETURN(a.name, f.text("name", true));
    YIMEN_ASSIGN_OR_RETURN(a.content_hash, f.text("content_hash", true, 64));
    item.forms.push_back(std::move(a));
  }
  YIMEN_ASSIGN_OR_RETURN(auto fee, r.object("fee"));
  if (fee) {
    YIMEN_ASSIGN_OR_RETURN(item.fee.free, fee->flag("free"));
    YIMEN_ASSIGN_OR_RETURN(item.fee.amount_fen, fee->integer("amount_fen", 0, 1'000'000'000, 0));
    YIMEN_ASSIGN_OR_RETURN(item.fee.basis, fee->text("basis", false));
  }
  YIMEN_ASSIGN_OR_RETURN(item.legal_limit, limit_of(r, "legal_limit"));
  YIMEN_ASSIGN_OR_RETURN(auto committed, limit_of(r, "committed_limit"));
  if (!committed) return invalid_argument("committed_limit: required");
  item.committed_limit = *committed;
  YIMEN_ASSIGN_OR_RETURN(item.public_notice, limit_of(r, "public_notice"));
  YIMEN_ASSIGN_OR_RETURN(auto parallel, r.objects("parallel_departments"));
  for (const auto& d : parallel) {
    hall::ParallelDepartment department;
    YIMEN_ASSIGN_OR_RETURN(department.department, d.text("department", true));
    YIMEN_ASSIGN_OR_RETURN(auto limit, limit_of(d, "limit"));
    if (!limit) return invalid_argument(d.path("limit") + ": required");
    department.limit = *limit;
    item.parallel_departments.push_back(std::move(department));
  }
  YIMEN_ASSIGN_OR_RETURN(item.accountability, r.text("accountability", false));
  YIMEN_ASSIGN_OR_RETURN(auto consultation, r.object("consultation"));
  if (consultation) {
    YIMEN_ASSIGN_OR_RETURN(item.consultation.phone, consultation->text("phone", false, 40));
    YIMEN_ASSIGN_OR_RETURN(item.consultation.channels, consultation->text("channels", false));
  }
  YIMEN_ASSIGN_OR_RETURN(item.office_hours, r.text("office_hours", false));
  YIMEN_ASSIGN_OR_RETURN(item.office_address, r.text("office_address", false));
  YIMEN_ASSIGN_OR_RETURN(item.transport, r.text("transport", false));
  YIMEN_ASSIGN_OR_RETURN(item.status_query, r.text("status_query", false));
  YIMEN_ASSIGN_OR_RETURN(item.unverified, r.texts("unverified"));
  return item;
}

HttpResponse publish_item(Call& call) {
  auto body = body_object(call);
  if (!body.ok()) return status_response(body.status());
  auto item = item_from_json(*body);
  if (!item.ok()) return status_response(item.status());
  const std::string code = hall::format_item_code(item->code);
  if (call.backend().recovering()) {
    return recovering_response();
  }
  const Status s = call.backend().write([&](hall::Hall& hall, storage::Database& db) -> Status {
    YIMEN_TRY(hall.publish_item(call.actor(), *item).status());
    return audit(db, call, "catalogue.publish", code, "ok");
  });
  if (!s.ok()) return status_response(s);
  call.params["code"] = code;
  HttpResponse r = get_item(call);
  if (r.status == 200) r.status = 201;
  return r;
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
    json::object material{
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
    };
    // 示范文本 as a file, when there is one (absent otherwise).
    if (m.sample) {
      material["sample"] =
          json::object{{"name", m.sample->name}, {"content_hash", m.sample->content_hash}};
    }
    materials.push_back(std::move(material));
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
  json::array parallel;
  for (const auto& d : item.parallel_departments) {
    parallel.push_back(
        json::object{{"department", d.department}, {"limit", time_limit_json(d.limit)}});
  }
  out["parallel_departments"] = std::move(parallel);
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
  routes.push_back({"POST", "/api/v1/catalogue", roles({hall::Role::kAdmin}), publish_item});
}

}  // namespace yimen::web
