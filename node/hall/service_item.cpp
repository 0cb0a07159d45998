#include "node/hall/service_item.h"

#include <array>

#include "common/text.h"

namespace yimen::hall {
namespace {

// One row of an enum's name table.
template <typename E>
struct EnumName {
  E value;
  const char* name;
  const char* label_zh;
};

template <typename E, size_t N>
const EnumName<E>* find_row(const std::array<EnumName<E>, N>& table, E value) {
  for (const auto& row : table) {
    if (row.value == value) return &row;
  }
  return nullptr;
}

template <typename E, size_t N>
const char* name_of(const std::array<EnumName<E>, N>& table, E value) {
  const auto* row = find_row(table, value);
  return row != nullptr ? row->name : "unknown";
}

template <typename E, size_t N>
const char* label_of(const std::array<EnumName<E>, N>& table, E value) {
  const auto* row = find_row(table, value);
  return row != nullptr ? row->label_zh : "未知";
}

template <typename E, size_t N>
std::optional<E> parse_name(const std::array<EnumName<E>, N>& table, std::string_view name) {
  for (const auto& row : table) {
    if (name == row.name) return row.value;
  }
  return std::nullopt;
}

template <typename E, size_t N>
bool is_declared(const std::array<EnumName<E>, N>& table, E value) {
  return find_row(table, value) != nullptr;
}

constexpr std::array<EnumName<ItemType>, 8> kItemTypes = {{
    {ItemType::kLicence, "licence", "行政许可"},
    {ItemType::kBenefitPayment, "benefit_payment", "行政给付"},
    {ItemType::kConfirmation, "confirmation", "行政确认"},
    {ItemType::kLevy, "levy", "行政征收"},
    {ItemType::kAward, "award", "行政奖励"},
    {ItemType::kAdjudication, "adjudication", "行政裁决"},
    {ItemType::kOtherPower, "other_power", "其他行政权力"},
    {ItemType::kPublicService, "public_service", "公共服务"},
}};

// Code letters, in the order of kItemTypes.
constexpr std::array<const char*, 8> kItemTypeLetters = {"XK", "JF", "QR", "ZS",
                                                         "JL", "CJ", "QT", "GG"};

constexpr std::array<EnumName<Theme>, 12> kThemes = {{
    {Theme::kStartUp, "startup", "创业"},
    {Theme::kEducation, "education", "教育"},
    {Theme::kEmployment, "employment", "就业"},
    {Theme::kSocialSecurity, "social_security", "社会保障"},
    {Theme::kHealth, "health", "医疗卫生"},
    {Theme::kHousing, "housing", "住房"},
    {Theme::kCulture, "culture", "文化"},
    {Theme::kPovertyRelief, "poverty_relief", "扶贫"},
    {Theme::kHouseholdRegistration, "household_registration", "户籍"},
    {Theme::kCivilAffairs, "civil_affairs", "民政"},
    {Theme::kMarriageBirth, "marriage_birth", "婚育"},
    {Theme::kOther, "other", "其他"},
}};

constexpr std::array<Theme, 12> kAllThemes = {
    Theme::kStartUp,        Theme::kEducation,     Theme::kEmployment,
    Theme::kSocialSecurity, Theme::kHealth,        Theme::kHousing,
    Theme::kCulture,        Theme::kPovertyRelief, Theme::kHouseholdRegistration,
    Theme::kCivilAffairs,   Theme::kMarriageBirth, Theme::kOther,
};

constexpr std::array<EnumName<ServiceTarget>, 3> kTargets = {{
    {ServiceTarget::kNaturalPerson, "natural_person", "自然人"},
    {ServiceTarget::kLegalPerson, "legal_person", "法人"},
    {ServiceTarget::kBoth, "both", "自然人、法人"},
}};

constexpr std::array<EnumName<ProviderKind>, 4> kProviderKinds = {{
    {ProviderKind::kGovernmentDepartment, "government_department", "政府部门"},
    {ProviderKind::kPublicInstitution, "public_institution", "事业单位或群团组织"},
    {ProviderKind::kPublicUtility, "public_utility", "公用事业单位"},
    {ProviderKind::kIntermediary, "intermediary", "中介服务机构"},
}};

constexpr std::array<EnumName<TerritorialRule>, 2> kTerritorialRules = {{
    {TerritorialRule::kDomicile, "domicile", "按申请人户籍或住所地"},
    {TerritorialRule::kIntake, "intake", "按受理地"},
}};

constexpr std::array<EnumName<MaterialForm>, 4> kMaterialForms = {{
    {MaterialForm::kOriginal, "original", "原件"},
    {MaterialForm::kCopy, "copy", "复印件"},
    {MaterialForm::kOriginalAndCopy, "original_and_copy", "原件和复印件"},
    {MaterialForm::kElectronic, "electronic", "电子件"},
}};

constexpr std::array<EnumName<MaterialKind>, 3> kMaterialKinds = {{
    {MaterialKind::kRequired, "required", "申请人提交"},
    {MaterialKind::kDataSharing, "data_sharing", "数据共享获取"},
    {MaterialKind::kCommitmentAllowed, "commitment_allowed", "可告知承诺"},
}};

constexpr std::array<EnumName<DayKind>, 2> kDayKinds = {{
    {DayKind::kWorking, "working", "工作日"},
    {DayKind::kCalendar, "calendar", "自然日"},
}};

constexpr std::array<EnumName<RegionLevel>, 4> kRegionLevels = {{
    {RegionLevel::kCity, "city", "市"},
    {RegionLevel::kCounty, "county", "县"},
    {RegionLevel::kTown, "town", "镇"},
    {RegionLevel::kVillage, "village", "村"},
}};

constexpr std::array<std::string_view, 30> kFieldNames = {
    "code",
    "version",
    "name",
    "keywords",
    "theme",
    "target",
    "provider",
    "handling_level",
    "territorial_rule",
    "same_city_handling",
    "online_capable",
    "visits_required",
    "on_the_spot",
    "legal_basis",
    "accepting_unit",
    "steps",
    "materials",
    "no_materials",
    "forms",
    "fee",
    "legal_limit",
    "committed_limit",
    "public_notice",
    "parallel_departments",
    "accountability",
    "consultation",
    "office_hours",
    "office_address",
    "transport",
    "status_query",
};

constexpr std::string_view kCodeExample = "XK-00105-001-441802000000";

bool is_digits(std::string_view s) {
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

int to_int(std::string_view digits) {
  int v = 0;
  for (char c : digits) v = v * 10 + (c - '0');
  return v;
}

std::string zero_padded(int value, size_t width) {
  std::string s = std::to_string(value);
  if (s.size() < width) s.insert(0, width - s.size(), '0');
  return s;
}

std::string indexed(std::string_view list, size_t i) {
  return std::string(list) + "[" + std::to_string(i) + "]";
}

enum class Need { kRequired, kOptional };
enum class Lines { kOne, kMany };

// Checks one text field; `field` is its path in messages.
Status check_text(const std::string& field, std::string_view s, size_t max_bytes, Need need,
                  Lines lines) {
  if (need == Need::kRequired && is_blank(s)) return invalid_argument(field + ": required");
  if (s.size() > max_bytes) {
    return invalid_argument(field + ": at most " + std::to_string(max_bytes) + " bytes, got " +
                            std::to_string(s.size()));
  }
  if (lines == Lines::kOne && !is_display_text(s)) {
    return invalid_argument(field + ": must be UTF-8 text without control characters");
  }
  if (lines == Lines::kMany && !is_multiline_text(s)) {
    return invalid_argument(field +
                            ": must be UTF-8 text without control characters other than '\\n'");
  }
  return Status::ok_status();
}

Status check_name(const std::string& field, std::string_view s) {
  return check_text(field, s, kMaxNameBytes, Need::kRequired, Lines::kOne);
}

Status check_long_text(const std::string& field, std::string_view s, Need need) {
  return check_text(field, s, kMaxTextBytes, need, Lines::kMany);
}

Status check_list_size(const std::string& field, size_t size, size_t max) {
  if (size > max) {
    return invalid_argument(field + ": at most " + std::to_string(max) + " entries, got " +
                            std::to_string(size));
  }
  return Status::ok_status();
}

Status check_range(const std::string& field, std::int64_t value, std::int64_t lo, std::int64_t hi) {
  if (value < lo || value > hi) {
    return invalid_argument(field + ": expected " + std::to_string(lo) + " to " +
                            std::to_string(hi) + ", got " + std::to_string(value));
  }
  return Status::ok_status();
}

template <typename E, size_t N>
Status check_enum(const std::string& field, const std::array<EnumName<E>, N>& table, E value) {
  if (is_declared(table, value)) return Status::ok_status();
  return invalid_argument(field + ": unknown value " + std::to_string(static_cast<int>(value)));
}

std::string describe(const TimeLimit& limit) {
  return std::to_string(limit.days) + " " + name_of(kDayKinds, limit.kind) + " days";
}

Status check_limit(const std::string& field, const TimeLimit& limit, int min_days) {
  YIMEN_TRY(check_range(field + ".days", limit.days, min_days, kMaxLimitDays));
  return check_enum(field + ".kind", kDayKinds, limit.kind);
}

Status check_attachment(const std::string& field, const Attachment& a) {
  YIMEN_TRY(check_name(field + ".name", a.name));
  if (a.content_hash.size() != 64) {
    return invalid_argument(field + ".content_hash: expected 64 lower-case hex digits, got " +
                            std::to_string(a.content_hash.size()) + " characters");
  }
  for (size_t i = 0; i < a.content_hash.size(); ++i) {
    const char c = a.content_hash[i];
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
      return invalid_argument(field + ".content_hash: expected 64 lower-case hex digits; " +
                              "character " + std::to_string(i + 1) + " is not one");
    }
  }
  return Status::ok_status();
}

// Each entry non-blank, unique, and valid text of at most `max_bytes`.
Status check_string_list(const std::string& field, const std::vector<std::string>& list,
                         size_t max_entries, size_t max_bytes, Lines lines) {
  YIMEN_TRY(check_list_size(field, list.size(), max_entries));
  for (size_t i = 0; i < list.size(); ++i) {
    YIMEN_TRY(check_text(indexed(field, i), list[i], max_bytes, Need::kRequired, lines));
    for (size_t j = 0; j < i; ++j) {
      if (list[j] == list[i]) {
        return invalid_argument(indexed(field, i) + ": duplicate of " + indexed(field, j));
      }
    }
  }
  return Status::ok_status();
}

bool is_phone_text(std::string_view s) {
  int digits = 0;
  for (char c : s) {
    if (c >= '0' && c <= '9') {
      ++digits;
    } else if (std::string_view(" -+(),/").find(c) == std::string_view::npos) {
      return false;
    }
  }
  return digits >= 3;
}

bool commitment_in_scope(ItemType type) {
  return type == ItemType::kLicence || type == ItemType::kConfirmation ||
         type == ItemType::kBenefitPayment;
}

Status check_material(const ServiceItem& item, size_t i) {
  const Material& m = item.materials[i];
  const std::string f = indexed("materials", i);
  YIMEN_TRY(check_name(f + ".name", m.name));
  for (size_t j = 0; j < i; ++j) {
    if (item.materials[j].name == m.name) {
      return invalid_argument(f + ".name: duplicate of " + indexed("materials", j));
    }
  }
  YIMEN_TRY(check_range(f + ".copies", m.copies, 1, kMaxCopies));
  YIMEN_TRY(check_enum(f + ".form", kMaterialForms, m.form));
  if (m.form == MaterialForm::kElectronic && m.copies != 1) {
    return invalid_argument(f + ".copies: an electronic material has 1 copy, got " +
                            std::to_string(m.copies));
  }
  YIMEN_TRY(check_enum(f + ".kind", kMaterialKinds, m.kind));
  if (m.kind == MaterialKind::kDataSharing) {
    YIMEN_TRY(check_name(f + ".sharing_source", m.sharing_source));
  } else if (!m.sharing_source.empty()) {
    return invalid_argument(f + ".sharing_source: only for a material obtained by data sharing");
  }
  if (m.kind == MaterialKind::kCommitmentAllowed && !commitment_in_scope(item.code.type)) {
    return invalid_argument(f + ".kind: commitment (告知承诺) applies only to licence, " +
                            "confirmation and benefit payment items, not " +
                            item_type_name(item.code.type));
  }
  YIMEN_TRY(check_long_text(f + ".sample_text", m.sample_text, Need::kOptional));
  if (m.sample.has_value()) YIMEN_TRY(check_attachment(f + ".sample", *m.sample));
  YIMEN_TRY(check_string_list(f + ".common_mistakes", m.common_mistakes, kMaxListSize,
                              kMaxTextBytes, Lines::kMany));
  return check_long_text(f + ".notes", m.notes, Need::kOptional);
}

int level_number(RegionLevel level) { return static_cast<int>(level); }

// The members of `code`, named "<prefix>main_item" etc. in messages.
Status check_code(const std::string& prefix, const ItemCode& code) {
  YIMEN_TRY(check_enum(prefix + "type", kItemTypes, code.type));
  YIMEN_TRY(check_range(prefix + "main_item", code.main_item, 1, 99999));
  YIMEN_TRY(check_range(prefix + "sub_item", code.sub_item, 0, 999));
  Result<RegionCode> region = RegionCode::parse(code.region);
  if (!region.ok()) return region.status().with_context(prefix + "region");
  return Status::ok_status();
}

}  // namespace

// ---------------------------------------------------------------- enums

const char* item_type_name(ItemType type) { return name_of(kItemTypes, type); }
const char* item_type_label_zh(ItemType type) { return label_of(kItemTypes, type); }
const char* item_type_letters(ItemType type) {
  for (size_t i = 0; i < kItemTypes.size(); ++i) {
    if (kItemTypes[i].value == type) return kItemTypeLetters[i];
  }
  return "??";
}
std::optional<ItemType> parse_item_type(std::string_view name) {
  return parse_name(kItemTypes, name);
}

const char* theme_name(Theme theme) { return name_of(kThemes, theme); }
const char* theme_label_zh(Theme theme) { return label_of(kThemes, theme); }
std::optional<Theme> parse_theme(std::string_view name) { return parse_name(kThemes, name); }
std::span<const Theme> all_themes() { return kAllThemes; }

const char* service_target_name(ServiceTarget target) { return name_of(kTargets, target); }
const char* service_target_label_zh(ServiceTarget target) { return label_of(kTargets, target); }
std::optional<ServiceTarget> parse_service_target(std::string_view name) {
  return parse_name(kTargets, name);
}
bool serves(ServiceTarget target, ApplicantKind kind) {
  switch (target) {
    case ServiceTarget::kNaturalPerson:
      return kind == ApplicantKind::kNaturalPerson;
    case ServiceTarget::kLegalPerson:
      return kind == ApplicantKind::kLegalPerson;
    case ServiceTarget::kBoth:
      return true;
  }
  return false;
}

const char* provider_kind_name(ProviderKind kind) { return name_of(kProviderKinds, kind); }
const char* provider_kind_label_zh(ProviderKind kind) { return label_of(kProviderKinds, kind); }
std::optional<ProviderKind> parse_provider_kind(std::string_view name) {
  return parse_name(kProviderKinds, name);
}

const char* territorial_rule_name(TerritorialRule rule) { return name_of(kTerritorialRules, rule); }
const char* territorial_rule_label_zh(TerritorialRule rule) {
  return label_of(kTerritorialRules, rule);
}
std::optional<TerritorialRule> parse_territorial_rule(std::string_view name) {
  return parse_name(kTerritorialRules, name);
}

const char* material_form_name(MaterialForm form) { return name_of(kMaterialForms, form); }
const char* material_form_label_zh(MaterialForm form) { return label_of(kMaterialForms, form); }
std::optional<MaterialForm> parse_material_form(std::string_view name) {
  return parse_name(kMaterialForms, name);
}

const char* material_kind_name(MaterialKind kind) { return name_of(kMaterialKinds, kind); }
const char* material_kind_label_zh(MaterialKind kind) { return label_of(kMaterialKinds, kind); }
std::optional<MaterialKind> parse_material_kind(std::string_view name) {
  return parse_name(kMaterialKinds, name);
}

const char* day_kind_name(DayKind kind) { return name_of(kDayKinds, kind); }
const char* day_kind_label_zh(DayKind kind) { return label_of(kDayKinds, kind); }
std::optional<DayKind> parse_day_kind(std::string_view name) { return parse_name(kDayKinds, name); }

// ------------------------------------------------------------ item code

std::string format_item_code(const ItemCode& code) {
  return std::string(item_type_letters(code.type)) + "-" + zero_padded(code.main_item, 5) + "-" +
         zero_padded(code.sub_item, 3) + "-" + code.region;
}

Result<ItemCode> parse_item_code(std::string_view text) {
  const std::string quoted = "item code '" + std::string(text) + "'";
  // Shape: LL-DDDDD-DDD-<12 chars>, 25 characters with '-' at 2, 8 and 12.
  if (text.size() != kCodeExample.size() || text[2] != '-' || text[8] != '-' || text[12] != '-') {
    return invalid_argument(quoted + ": expected the form " + std::string(kCodeExample));
  }
  ItemCode code;
  const std::string_view letters = text.substr(0, 2);
  bool known = false;
  for (size_t i = 0; i < kItemTypes.size(); ++i) {
    if (letters == kItemTypeLetters[i]) {
      code.type = kItemTypes[i].value;
      known = true;
    }
  }
  if (!known) {
    return invalid_argument(quoted + ": unknown item type '" + std::string(letters) +
                            "', expected one of XK JF QR ZS JL CJ QT GG");
  }
  const std::string_view main_item = text.substr(3, 5);
  if (!is_digits(main_item)) {
    return invalid_argument(quoted + ": main item must be 5 digits, got '" +
                            std::string(main_item) + "'");
  }
  code.main_item = to_int(main_item);
  if (code.main_item == 0) return invalid_argument(quoted + ": main item must be 00001 to 99999");
  const std::string_view sub_item = text.substr(9, 3);
  if (!is_digits(sub_item)) {
    return invalid_argument(quoted + ": sub item must be 3 digits, got '" + std::string(sub_item) +
                            "'");
  }
  code.sub_item = to_int(sub_item);
  const std::string_view region = text.substr(13);
  Result<RegionCode> parsed = RegionCode::parse(region);
  if (!parsed.ok()) return parsed.status().with_context(quoted);
  code.region = parsed->str();
  return code;
}

Status validate_item_code(const ItemCode& code) { return check_code("", code); }

// ----------------------------------------------------------- validation

std::span<const std::string_view> service_item_field_names() { return kFieldNames; }

Status validate(const ServiceItem& item) {
  YIMEN_TRY(check_code("code.", item.code));
  const RegionCode region = RegionCode::parse(item.code.region).value();
  if (item.version < 1) {
    return invalid_argument("version: expected 1 or more, got " + std::to_string(item.version));
  }
  YIMEN_TRY(check_name("name", item.name));
  YIMEN_TRY(
      check_string_list("keywords", item.keywords, kMaxKeywords, kMaxKeywordBytes, Lines::kOne));
  YIMEN_TRY(check_enum("theme", kThemes, item.theme));
  YIMEN_TRY(check_enum("target", kTargets, item.target));

  YIMEN_TRY(check_enum("provider.kind", kProviderKinds, item.provider.kind));
  YIMEN_TRY(check_name("provider.name", item.provider.name));
  if ((item.provider.kind == ProviderKind::kPublicUtility ||
       item.provider.kind == ProviderKind::kIntermediary) &&
      item.code.type != ItemType::kPublicService) {
    return invalid_argument(
        std::string("provider.kind: ") + provider_kind_name(item.provider.kind) +
        " providers offer public services only, not " + item_type_name(item.code.type) + " items");
  }

  YIMEN_TRY(check_enum("handling_level", kRegionLevels, item.handling_level));
  if (level_number(item.handling_level) < level_number(region.level())) {
    return invalid_argument(std::string("handling_level: an item of a ") +
                            region_level_name(region.level()) + " catalogue (" + region.str() +
                            ") cannot be handled at " + region_level_name(item.handling_level) +
                            " level");
  }
  YIMEN_TRY(check_enum("territorial_rule", kTerritorialRules, item.territorial_rule));
  if (item.handling_level == RegionLevel::kVillage &&
      item.territorial_rule != TerritorialRule::kDomicile) {
    return invalid_argument(
        "territorial_rule: a village-level item is handled by the applicant's domicile "
        "village, not by the intake node");
  }
  YIMEN_TRY(check_range("visits_required", item.visits_required, 0, kMaxVisits));
  if (!item.online_capable && item.visits_required == 0) {
    return invalid_argument(
        "visits_required: an item that cannot be applied for online needs at least 1 visit, "
        "got 0");
  }

  YIMEN_TRY(check_list_size("legal_basis", item.legal_basis.size(), kMaxListSize));
  if (item.legal_basis.empty() && item.code.type != ItemType::kPublicService) {
    return invalid_argument(std::string("legal_basis: at least one entry required for a ") +
                            item_type_name(item.code.type) + " item");
  }
  for (size_t i = 0; i < item.legal_basis.size(); ++i) {
    const std::string f = indexed("legal_basis", i);
    YIMEN_TRY(check_name(f + ".document", item.legal_basis[i].document));
    YIMEN_TRY(check_text(f + ".article", item.legal_basis[i].article, kMaxArticleBytes,
                         Need::kOptional, Lines::kOne));
  }
  YIMEN_TRY(check_name("accepting_unit", item.accepting_unit));

  YIMEN_TRY(check_list_size("steps", item.steps.size(), kMaxListSize));
  if (item.steps.empty()) return invalid_argument("steps: at least one step required");
  for (size_t i = 0; i < item.steps.size(); ++i) {
    const std::string f = indexed("steps", i);
    YIMEN_TRY(check_name(f + ".name", item.steps[i].name));
    YIMEN_TRY(check_name(f + ".department", item.steps[i].department));
    YIMEN_TRY(check_limit(f + ".limit", item.steps[i].limit, 0));
  }

  YIMEN_TRY(check_list_size("materials", item.materials.size(), kMaxListSize));
  for (size_t i = 0; i < item.materials.size(); ++i) YIMEN_TRY(check_material(item, i));
  if (item.no_materials && !item.materials.empty()) {
    return invalid_argument("no_materials: set, but " + std::to_string(item.materials.size()) +
                            " materials are listed");
  }
  if (!item.no_materials && item.materials.empty()) {
    return invalid_argument("materials: at least one required (or set no_materials)");
  }

  YIMEN_TRY(check_list_size("forms", item.forms.size(), kMaxListSize));
  for (size_t i = 0; i < item.forms.size(); ++i) {
    YIMEN_TRY(check_attachment(indexed("forms", i), item.forms[i]));
  }

  if (item.fee.free) {
    if (item.fee.amount_fen != 0) {
      return invalid_argument("fee.amount_fen: a free item has amount 0, got " +
                              std::to_string(item.fee.amount_fen));
    }
    YIMEN_TRY(check_long_text("fee.basis", item.fee.basis, Need::kOptional));
  } else {
    YIMEN_TRY(check_range("fee.amount_fen", item.fee.amount_fen, 1, kMaxFeeFen));
    if (is_blank(item.fee.basis)) {
      return invalid_argument("fee.basis: required for an item that charges a fee");
    }
    YIMEN_TRY(check_long_text("fee.basis", item.fee.basis, Need::kRequired));
  }

  if (item.legal_limit.has_value()) YIMEN_TRY(check_limit("legal_limit", *item.legal_limit, 1));
  YIMEN_TRY(check_limit("committed_limit", item.committed_limit, 1));
  if (item.legal_limit.has_value()) {
    const TimeLimit& legal = *item.legal_limit;
    const TimeLimit& committed = item.committed_limit;
    const bool comparable = legal.kind == committed.kind || (committed.kind == DayKind::kWorking &&
                                                             legal.kind == DayKind::kCalendar);
    if (comparable && committed.days > legal.days) {
      return invalid_argument("committed_limit: " + describe(committed) + " exceeds legal_limit " +
                              describe(legal));
    }
  }
  for (size_t i = 0; i < item.steps.size(); ++i) {
    const TimeLimit& step = item.steps[i].limit;
    if (step.kind == item.committed_limit.kind && step.days > item.committed_limit.days) {
      return invalid_argument(indexed("steps", i) + ".limit: " + describe(step) +
                              " exceeds committed_limit " + describe(item.committed_limit));
    }
  }
  if (item.public_notice.has_value()) {
    YIMEN_TRY(check_limit("public_notice", *item.public_notice, 1));
  }
  YIMEN_TRY(check_list_size("parallel_departments", item.parallel_departments.size(),
                            kMaxParallelDepartments));
  for (size_t i = 0; i < item.parallel_departments.size(); ++i) {
    const std::string f = indexed("parallel_departments", i);
    const ParallelDepartment& d = item.parallel_departments[i];
    YIMEN_TRY(check_name(f + ".department", d.department));
    YIMEN_TRY(check_limit(f + ".limit", d.limit, 1));
    if (d.limit.kind != item.committed_limit.kind || d.limit.days > item.committed_limit.days) {
      return invalid_argument(f + ".limit: " + describe(d.limit) +
                              " is not within committed_limit " + describe(item.committed_limit));
    }
    for (size_t j = 0; j < i; ++j) {
      if (item.parallel_departments[j].department == d.department) {
        return invalid_argument(f + ".department: duplicate of " +
                                indexed("parallel_departments", j));
      }
    }
  }

  YIMEN_TRY(check_long_text("accountability", item.accountability, Need::kRequired));
  YIMEN_TRY(check_text("consultation.phone", item.consultation.phone, kMaxPhoneBytes,
                       Need::kRequired, Lines::kOne));
  if (!is_phone_text(item.consultation.phone)) {
    return invalid_argument("consultation.phone: expected at least 3 digits and only " +
                            std::string("digits and \" -+(),/\", got '") + item.consultation.phone +
                            "'");
  }
  YIMEN_TRY(check_long_text("consultation.channels", item.consultation.channels, Need::kOptional));
  YIMEN_TRY(check_long_text("office_hours", item.office_hours, Need::kRequired));
  YIMEN_TRY(check_long_text("office_address", item.office_address, Need::kRequired));
  YIMEN_TRY(check_long_text("transport", item.transport, Need::kOptional));
  YIMEN_TRY(check_long_text("status_query", item.status_query, Need::kRequired));

  YIMEN_TRY(check_list_size("unverified", item.unverified.size(), kFieldNames.size()));
  for (size_t i = 0; i < item.unverified.size(); ++i) {
    bool known = false;
    for (std::string_view name : kFieldNames) known = known || name == item.unverified[i];
    if (!known) {
      return invalid_argument(indexed("unverified", i) + ": unknown field '" + item.unverified[i] +
                              "'");
    }
    for (size_t j = 0; j < i; ++j) {
      if (item.unverified[j] == item.unverified[i]) {
        return invalid_argument(indexed("unverified", i) + ": duplicate of " +
                                indexed("unverified", j));
      }
    }
  }
  return Status::ok_status();
}

// ------------------------------------------------------------- routing

Result<RegionCode> competent_region(const ServiceItem& item, const RegionCode& domicile,
                                    const RegionCode& intake) {
  Result<RegionCode> implementing = RegionCode::parse(item.code.region);
  if (!implementing.ok()) return implementing.status().with_context("code.region");
  const bool by_domicile = item.territorial_rule == TerritorialRule::kDomicile;
  const RegionCode& base = by_domicile ? domicile : intake;
  const std::string base_desc =
      by_domicile ? "the applicant's domicile" : "intake node " + intake.str();
  if (level_number(base.level()) < level_number(item.handling_level)) {
    return failed_precondition(base_desc + " is at " + region_level_name(base.level()) +
                               " level, above the item's handling level (" +
                               region_level_name(item.handling_level) + ")");
  }
  RegionCode competent = base;
  while (level_number(competent.level()) > level_number(item.handling_level)) {
    competent = *competent.parent();
  }
  if (!implementing->contains(competent)) {
    return failed_precondition(base_desc + " lies outside the item's region " +
                               implementing->str());
  }
  if (item.same_city_handling) {
    if (!(intake.city() == competent.city())) {
      return failed_precondition("intake node " + intake.str() +
                                 " is not in the city of the competent region " + competent.str());
    }
  } else if (!competent.contains(intake)) {
    return failed_precondition("intake node " + intake.str() +
                               " lies outside the competent region " + competent.str() +
                               " and the item does not allow same-city handling");
  }
  return competent;
}

}  // namespace yimen::hall
