#include "node/hall/catalogue_file.h"

#include <toml++/toml.h>

#include <array>
#include <climits>
#include <fstream>
#include <initializer_list>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "config/toml_names.h"

namespace yimen::hall {
namespace {

enum class Need { kRequired, kOptional };

constexpr std::array<ServiceTarget, 3> kTargets = {
    ServiceTarget::kNaturalPerson, ServiceTarget::kLegalPerson, ServiceTarget::kBoth};
constexpr std::array<ProviderKind, 4> kProviderKinds = {
    ProviderKind::kGovernmentDepartment, ProviderKind::kPublicInstitution,
    ProviderKind::kPublicUtility, ProviderKind::kIntermediary};
constexpr std::array<RegionLevel, 4> kLevels = {RegionLevel::kCity, RegionLevel::kCounty,
                                                RegionLevel::kTown, RegionLevel::kVillage};
constexpr std::array<TerritorialRule, 2> kRules = {TerritorialRule::kDomicile,
                                                   TerritorialRule::kIntake};
constexpr std::array<MaterialForm, 4> kForms = {MaterialForm::kOriginal, MaterialForm::kCopy,
                                                MaterialForm::kOriginalAndCopy,
                                                MaterialForm::kElectronic};
constexpr std::array<MaterialKind, 3> kKinds = {MaterialKind::kRequired, MaterialKind::kDataSharing,
                                                MaterialKind::kCommitmentAllowed};
constexpr std::array<DayKind, 2> kDayKinds = {DayKind::kWorking, DayKind::kCalendar};

// The keys of an [[item]] table: ServiceItem's field names, but the version
// (publishing assigns it), and the unverified marks.
const std::vector<std::string_view>& item_keys() {
  static const std::vector<std::string_view> keys = [] {
    std::vector<std::string_view> out;
    for (std::string_view name : service_item_field_names()) {
      if (name != "version") out.push_back(name);
    }
    out.push_back("unverified");
    return out;
  }();
  return keys;
}

constexpr std::array<std::string_view, 9> kMaterialKeys = {
    "name",   "copies",          "form", "kind", "sharing_source", "sample_text",
    "sample", "common_mistakes", "notes"};

using Keys = std::span<const std::string_view>;

std::string join(const std::string& path, std::string_view key) {
  return path.empty() ? std::string(key) : path + "." + std::string(key);
}

std::string indexed(const std::string& path, size_t i) {
  return path + "[" + std::to_string(i) + "]";
}

// `s` in single quotes, cut to at most 60 bytes at a UTF-8 character boundary.
std::string single_quoted(std::string_view s) {
  constexpr size_t kMax = 60;
  if (s.size() <= kMax) return "'" + std::string(s) + "'";
  size_t end = kMax;
  while (end > 0 && (static_cast<unsigned char>(s[end]) & 0xc0) == 0x80) --end;
  return "'" + std::string(s.substr(0, end)) + "...'";
}

// Reads typed values out of a parsed file and keeps the first error; once an
// error is recorded, later ones are ignored, so a caller may read on and
// check failed() once. `path` arguments are the full key path of the table
// being read ("item[3].materials[2]"); "" is the root.
class FileReader {
 public:
  explicit FileReader(std::string_view source) : source_(source) {}

  bool failed() const { return !status_.ok(); }
  const Status& status() const { return status_; }

  // Records "<source>:<line of at>: <path>: <what>".
  void fail(const toml::node& at, const std::string& path, const std::string& what) {
    if (failed()) return;
    std::string where(source_);
    if (at.source().begin.line > 0) where += ":" + std::to_string(at.source().begin.line);
    status_ = invalid_argument(where + ": " + path + ": " + what);
  }

  // Every key of `t` must be in `allowed`; reports the unknown key that comes
  // first in the file (tables iterate in key order, not file order).
  void only_keys(const toml::table& t, const std::string& path, Keys allowed) {
    const toml::key* first = nullptr;
    const toml::node* first_value = nullptr;
    for (const auto& [k, v] : t) {
      if (is_allowed(allowed, k.str())) continue;
      if (first == nullptr || k.source().begin < first->source().begin) {
        first = &k;
        first_value = &v;
      }
    }
    if (first == nullptr) return;
    const std::string_view key = first->str();
    std::string what = first_value->is_table() || first_value->is_array_of_tables()
                           ? "unknown table"
                           : "unknown key";
    if (key == "version" && is_allowed(allowed, "code")) {
      what += " (publishing assigns version numbers)";
    } else if (is_allowed(allowed, std::string(key) + "s")) {
      what += "; did you mean '" + std::string(key) + "s'?";
    }
    fail(*first_value, join(path, key), what);
  }

  // The value at `key`, or nullptr; a missing required key is reported at
  // the line of `t`.
  const toml::node* find(const toml::table& t, const std::string& path, std::string_view key,
                         Need need) {
    const toml::node* n = t.get(key);
    if (n == nullptr && need == Need::kRequired) {
      fail(t, join(path, key), "required key is missing");
    }
    return n;
  }

  std::optional<std::string> string(const toml::table& t, const std::string& path,
                                    std::string_view key, Need need) {
    const toml::node* n = find(t, path, key, need);
    if (n == nullptr) return std::nullopt;
    return string_value(*n, join(path, key));
  }

  std::optional<bool> boolean(const toml::table& t, const std::string& path, std::string_view key) {
    const toml::node* n = find(t, path, key, Need::kOptional);
    if (n == nullptr) return std::nullopt;
    if (!n->is_boolean()) {
      fail(*n, join(path, key),
           std::string("expected true or false, got ") + config::toml_type_name(*n));
      return std::nullopt;
    }
    return n->as_boolean()->get();
  }

  std::optional<std::int64_t> integer(const toml::table& t, const std::string& path,
                                      std::string_view key, Need need) {
    const toml::node* n = find(t, path, key, need);
    if (n == nullptr) return std::nullopt;
    if (!n->is_integer()) {
      fail(*n, join(path, key),
           std::string("expected an integer, got ") + config::toml_type_name(*n));
      return std::nullopt;
    }
    return n->as_integer()->get();
  }

  // An integer that fits an int (validate() checks the real bounds).
  std::optional<int> small_integer(const toml::table& t, const std::string& path,
                                   std::string_view key, Need need) {
    const std::optional<std::int64_t> v = integer(t, path, key, need);
    if (!v) return std::nullopt;
    if (*v < INT_MIN || *v > INT_MAX) {
      fail(*t.get(key), join(path, key), "out of range, got " + std::to_string(*v));
      return std::nullopt;
    }
    return static_cast<int>(*v);
  }

  // An array of strings; empty when absent.
  std::vector<std::string> strings(const toml::table& t, const std::string& path,
                                   std::string_view key) {
    std::vector<std::string> out;
    const toml::node* n = find(t, path, key, Need::kOptional);
    if (n == nullptr) return out;
    const std::string full = join(path, key);
    if (!n->is_array()) {
      fail(*n, full,
           std::string("expected an array of strings, got ") + config::toml_type_name(*n));
      return out;
    }
    const toml::array& a = *n->as_array();
    for (size_t i = 0; i < a.size(); ++i) {
      if (auto s = string_value(*a.get(i), indexed(full, i))) out.push_back(std::move(*s));
    }
    return out;
  }

  // One of the ASCII names of an enum, e.g. "county".
  template <typename E>
  std::optional<E> word(const toml::table& t, const std::string& path, std::string_view key,
                        Need need, std::optional<E> (*parse)(std::string_view),
                        const char* (*name)(E), std::span<const E> values) {
    const std::optional<std::string> s = string(t, path, key, need);
    if (!s) return std::nullopt;
    if (std::optional<E> v = parse(*s)) return v;
    std::string expected = "expected one of ";
    for (size_t i = 0; i < values.size(); ++i) {
      if (i > 0) expected += ", ";
      expected += name(values[i]);
    }
    fail(*t.get(key), join(path, key), expected + ", got " + single_quoted(*s));
    return std::nullopt;
  }

  // A sub-table (inline or a [section]) whose keys must be in `allowed`.
  const toml::table* table(const toml::table& t, const std::string& path, std::string_view key,
                           Need need, Keys allowed) {
    const toml::node* n = find(t, path, key, need);
    if (n == nullptr) return nullptr;
    if (!n->is_table()) {
      fail(*n, join(path, key), std::string("expected a table, got ") + config::toml_type_name(*n));
      return nullptr;
    }
    only_keys(*n->as_table(), join(path, key), allowed);
    return n->as_table();
  }

  // An array of tables ([[item.steps]] or an array of inline tables), each
  // with its path; empty when absent. Keys are not checked here.
  std::vector<std::pair<const toml::table*, std::string>> tables(const toml::table& t,
                                                                 const std::string& path,
                                                                 std::string_view key) {
    std::vector<std::pair<const toml::table*, std::string>> out;
    const toml::node* n = find(t, path, key, Need::kOptional);
    if (n == nullptr) return out;
    const std::string full = join(path, key);
    if (!n->is_array()) {
      fail(*n, full,
           "expected an array of tables ([[" + full_header(path, key) + "]]), got " +
               config::toml_type_name(*n));
      return out;
    }
    const toml::array& a = *n->as_array();
    for (size_t i = 0; i < a.size(); ++i) {
      const toml::node& e = *a.get(i);
      if (!e.is_table()) {
        fail(e, indexed(full, i),
             std::string("expected a table, got ") + config::toml_type_name(e));
        return out;
      }
      out.emplace_back(e.as_table(), indexed(full, i));
    }
    return out;
  }

  // A time limit: { days = <int>, kind = "working" | "calendar" }.
  std::optional<TimeLimit> limit(const toml::table& t, const std::string& path,
                                 std::string_view key, Need need) {
    static constexpr std::array<std::string_view, 2> kKeys = {"days", "kind"};
    const toml::table* lt = table(t, path, key, need, kKeys);
    if (lt == nullptr) return std::nullopt;
    const std::string full = join(path, key);
    const auto days = small_integer(*lt, full, "days", Need::kRequired);
    const auto kind =
        word<DayKind>(*lt, full, "kind", Need::kRequired, parse_day_kind, day_kind_name, kDayKinds);
    if (!days || !kind) return std::nullopt;
    return TimeLimit{*days, *kind};
  }

  // An attachment: { name = "...", content_hash = "<64 hex digits>" }.
  std::optional<Attachment> attachment(const toml::table& t, const std::string& path) {
    static constexpr std::array<std::string_view, 2> kKeys = {"name", "content_hash"};
    only_keys(t, path, kKeys);
    auto name = string(t, path, "name", Need::kRequired);
    auto hash = string(t, path, "content_hash", Need::kRequired);
    if (!name || !hash) return std::nullopt;
    return Attachment{std::move(*name), std::move(*hash)};
  }

 private:
  static bool is_allowed(Keys allowed, std::string_view key) {
    for (std::string_view a : allowed) {
      if (a == key) return true;
    }
    return false;
  }

  // "item.steps" for the path "item[3]" and key "steps".
  static std::string full_header(const std::string& path, std::string_view key) {
    std::string header;
    for (size_t i = 0; i < path.size(); ++i) {
      if (path[i] == '[') {
        i = path.find(']', i);
        if (i == std::string::npos) break;
        continue;
      }
      header.push_back(path[i]);
    }
    return join(header, key);
  }

  std::optional<std::string> string_value(const toml::node& n, const std::string& full) {
    if (!n.is_string()) {
      fail(n, full, std::string("expected a string, got ") + config::toml_type_name(n));
      return std::nullopt;
    }
    return n.as_string()->get();
  }

  std::string_view source_;
  Status status_;
};

Material read_material(FileReader& r, const toml::table& t, const std::string& path) {
  Material m;
  r.only_keys(t, path, kMaterialKeys);
  m.name = r.string(t, path, "name", Need::kRequired).value_or("");
  m.copies = r.small_integer(t, path, "copies", Need::kOptional).value_or(1);
  m.form = r.word<MaterialForm>(t, path, "form", Need::kRequired, parse_material_form,
                                material_form_name, kForms)
               .value_or(MaterialForm::kOriginal);
  m.kind = r.word<MaterialKind>(t, path, "kind", Need::kRequired, parse_material_kind,
                                material_kind_name, kKinds)
               .value_or(MaterialKind::kRequired);
  m.sharing_source = r.string(t, path, "sharing_source", Need::kOptional).value_or("");
  m.sample_text = r.string(t, path, "sample_text", Need::kOptional).value_or("");
  if (const toml::node* n = r.find(t, path, "sample", Need::kOptional)) {
    if (!n->is_table()) {
      r.fail(*n, join(path, "sample"),
             std::string("expected a table, got ") + config::toml_type_name(*n));
    } else {
      m.sample = r.attachment(*n->as_table(), join(path, "sample"));
    }
  }
  m.common_mistakes = r.strings(t, path, "common_mistakes");
  m.notes = r.string(t, path, "notes", Need::kOptional).value_or("");
  return m;
}

// Reads one [[item]] table; check r.failed() afterwards.
ServiceItem read_item(FileReader& r, const toml::table& t, const std::string& path) {
  ServiceItem item;
  r.only_keys(t, path, item_keys());
  if (auto code = r.string(t, path, "code", Need::kRequired)) {
    Result<ItemCode> parsed = parse_item_code(*code);
    if (parsed.ok()) {
      item.code = std::move(parsed).value();
    } else {
      r.fail(*t.get("code"), join(path, "code"), parsed.status().message());
    }
  }
  item.name = r.string(t, path, "name", Need::kRequired).value_or("");
  item.keywords = r.strings(t, path, "keywords");
  item.theme =
      r.word<Theme>(t, path, "theme", Need::kRequired, parse_theme, theme_name, all_themes())
          .value_or(Theme::kOther);
  item.target = r.word<ServiceTarget>(t, path, "target", Need::kRequired, parse_service_target,
                                      service_target_name, kTargets)
                    .value_or(ServiceTarget::kNaturalPerson);

  static constexpr std::array<std::string_view, 2> kProviderKeys = {"kind", "name"};
  if (const toml::table* p = r.table(t, path, "provider", Need::kRequired, kProviderKeys)) {
    const std::string pp = join(path, "provider");
    item.provider.kind = r.word<ProviderKind>(*p, pp, "kind", Need::kRequired, parse_provider_kind,
                                              provider_kind_name, kProviderKinds)
                             .value_or(ProviderKind::kGovernmentDepartment);
    item.provider.name = r.string(*p, pp, "name", Need::kRequired).value_or("");
  }
  item.handling_level = r.word<RegionLevel>(t, path, "handling_level", Need::kRequired,
                                            parse_region_level, region_level_name, kLevels)
                            .value_or(RegionLevel::kCounty);
  item.territorial_rule =
      r.word<TerritorialRule>(t, path, "territorial_rule", Need::kRequired, parse_territorial_rule,
                              territorial_rule_name, kRules)
          .value_or(TerritorialRule::kDomicile);
  item.same_city_handling = r.boolean(t, path, "same_city_handling").value_or(false);
  item.online_capable = r.boolean(t, path, "online_capable").value_or(false);
  item.visits_required = r.small_integer(t, path, "visits_required", Need::kOptional).value_or(1);
  item.on_the_spot = r.boolean(t, path, "on_the_spot").value_or(false);

  static constexpr std::array<std::string_view, 2> kBasisKeys = {"document", "article"};
  for (const auto& [bt, bp] : r.tables(t, path, "legal_basis")) {
    r.only_keys(*bt, bp, kBasisKeys);
    LegalBasis& b = item.legal_basis.emplace_back();
    b.document = r.string(*bt, bp, "document", Need::kRequired).value_or("");
    b.article = r.string(*bt, bp, "article", Need::kOptional).value_or("");
  }
  item.accepting_unit = r.string(t, path, "accepting_unit", Need::kRequired).value_or("");

  static constexpr std::array<std::string_view, 3> kStepKeys = {"name", "department", "limit"};
  for (const auto& [st, sp] : r.tables(t, path, "steps")) {
    r.only_keys(*st, sp, kStepKeys);
    ProcessStep& s = item.steps.emplace_back();
    s.name = r.string(*st, sp, "name", Need::kRequired).value_or("");
    s.department = r.string(*st, sp, "department", Need::kRequired).value_or("");
    s.limit = r.limit(*st, sp, "limit", Need::kRequired).value_or(TimeLimit{});
  }
  for (const auto& [mt, mp] : r.tables(t, path, "materials")) {
    item.materials.push_back(read_material(r, *mt, mp));
  }
  item.no_materials = r.boolean(t, path, "no_materials").value_or(false);
  for (const auto& [ft, fp] : r.tables(t, path, "forms")) {
    if (auto a = r.attachment(*ft, fp)) item.forms.push_back(std::move(*a));
  }

  static constexpr std::array<std::string_view, 3> kFeeKeys = {"free", "amount_fen", "basis"};
  if (const toml::table* f = r.table(t, path, "fee", Need::kRequired, kFeeKeys)) {
    const std::string fp = join(path, "fee");
    if (r.find(*f, fp, "free", Need::kRequired) != nullptr) {
      item.fee.free = r.boolean(*f, fp, "free").value_or(true);
    }
    item.fee.amount_fen = r.integer(*f, fp, "amount_fen", Need::kOptional).value_or(0);
    item.fee.basis = r.string(*f, fp, "basis", Need::kOptional).value_or("");
  }
  item.legal_limit = r.limit(t, path, "legal_limit", Need::kOptional);
  item.committed_limit = r.limit(t, path, "committed_limit", Need::kRequired).value_or(TimeLimit{});
  item.public_notice = r.limit(t, path, "public_notice", Need::kOptional);
  static constexpr std::array<std::string_view, 2> kParallelKeys = {"department", "limit"};
  for (const auto& [dt, dp] : r.tables(t, path, "parallel_departments")) {
    r.only_keys(*dt, dp, kParallelKeys);
    ParallelDepartment& d = item.parallel_departments.emplace_back();
    d.department = r.string(*dt, dp, "department", Need::kRequired).value_or("");
    d.limit = r.limit(*dt, dp, "limit", Need::kRequired).value_or(TimeLimit{});
  }
  item.accountability = r.string(t, path, "accountability", Need::kRequired).value_or("");

  static constexpr std::array<std::string_view, 2> kConsultationKeys = {"phone", "channels"};
  if (const toml::table* c = r.table(t, path, "consultation", Need::kRequired, kConsultationKeys)) {
    const std::string cp = join(path, "consultation");
    item.consultation.phone = r.string(*c, cp, "phone", Need::kRequired).value_or("");
    item.consultation.channels = r.string(*c, cp, "channels", Need::kOptional).value_or("");
  }
  item.office_hours = r.string(t, path, "office_hours", Need::kRequired).value_or("");
  item.office_address = r.string(t, path, "office_address", Need::kRequired).value_or("");
  item.transport = r.string(t, path, "transport", Need::kOptional).value_or("");
  item.status_query = r.string(t, path, "status_query", Need::kRequired).value_or("");
  item.unverified = r.strings(t, path, "unverified");
  return item;
}

Status too_large(std::string_view source) {
  return invalid_argument(std::string(source) + ": larger than " +
                          std::to_string(kMaxCatalogueFileBytes) +
                          " bytes, the limit for a catalogue file");
}

}  // namespace

Result<std::vector<ServiceItem>> parse_catalogue_file(std::string_view text,
                                                      std::string_view source) {
  const std::string src(source);
  if (text.size() > kMaxCatalogueFileBytes) return too_large(source);
  toml::table root;
  try {
    root = toml::parse(text, source);
  } catch (const toml::parse_error& e) {
    return invalid_argument(src + ":" + std::to_string(e.source().begin.line) + ":" +
                            std::to_string(e.source().begin.column) + ": " +
                            std::string(e.description()));
  }

  FileReader r(source);
  static constexpr std::array<std::string_view, 1> kRootKeys = {"item"};
  r.only_keys(root, "", kRootKeys);
  if (r.failed()) return r.status();
  if (const toml::array* a = root["item"].as_array();
      a != nullptr && a->size() > kMaxCatalogueItems) {
    r.fail(*a, "item",
           "at most " + std::to_string(kMaxCatalogueItems) + " items, got " +
               std::to_string(a->size()));
    return r.status();
  }
  const auto tables = r.tables(root, "", "item");
  if (r.failed()) return r.status();
  if (tables.empty()) {
    return invalid_argument(src + ": the file holds no items (no [[item]] table)");
  }

  std::vector<ServiceItem> items;
  std::map<std::string, size_t> index_of_code;
  for (size_t i = 0; i < tables.size(); ++i) {
    const auto& [t, path] = tables[i];
    ServiceItem item = read_item(r, *t, path);
    if (r.failed()) return r.status();
    const std::string code = format_item_code(item.code);
    const auto [it, inserted] = index_of_code.emplace(code, i);
    if (!inserted) {
      r.fail(*t->get("code"), join(path, "code"),
             single_quoted(code) + " is also the code of " + indexed("item", it->second));
      return r.status();
    }
    const Status valid = validate(item);
    if (!valid.ok()) {
      std::string context = src;
      context.append(": ").append(path).append(" (").append(code).append(")");
      return valid.with_context(context);
    }
    items.push_back(std::move(item));
  }
  return items;
}

Result<std::vector<ServiceItem>> load_catalogue_file(const std::filesystem::path& path) {
  const std::string name = path.string();
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    return invalid_argument(name + ": is a directory, not a catalogue file");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return not_found(name + ": cannot read the catalogue file");
  std::string text;
  std::array<char, size_t{64} * 1024> buffer{};
  while (in) {
    in.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
    text.append(buffer.data(), static_cast<size_t>(in.gcount()));
    if (text.size() > kMaxCatalogueFileBytes) return too_large(name);
  }
  if (in.bad()) return io_error(name + ": cannot read the catalogue file");
  return parse_catalogue_file(text, name);
}

}  // namespace yimen::hall
