#pragma once

// A service item (政务服务事项) as the catalogue publishes it: one version of
// the item with its full service guide (the 13 guide fields of plan task 2).
// DESIGN.md section 6; seed/MAP.md tasks 1, 2, 4, 5, 7, 17.
//
// Everything here is a plain value type (copyable, comparable, no I/O) and
// every function is pure and thread-safe. Catalogue content is public, so
// error messages quote it.
//
// Item code text form (Yimen's own, in the spirit of GB/T 39554):
//
//   XK-00105-001-441802000000
//   ^^ ^^^^^ ^^^ ^^^^^^^^^^^^
//   |  |     |   implementing region: 12-digit region code (RegionCode)
//   |  |     sub item: 3 digits, 000 = the main item itself (no sub items)
//   |  main item: 5 digits, 00001..99999
//   item type: two upper-case letters, the pinyin initials of the type
//              (XK JF QR ZS JL CJ QT GG, see ItemType)

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/region_code.h"
#include "common/status.h"
#include "node/hall/calendar.h"
#include "node/hall/identity.h"

namespace yimen::hall {

// ------------------------------------------------------------------ enums
// Every enum has a stable lower-case ASCII name (for storage and events) and
// a Chinese label (for pages and print). Parsing takes the ASCII name only.

// Kind of government power or service (事项类型).
enum class ItemType {
  kLicence,         // 行政许可, code letters XK
  kBenefitPayment,  // 行政给付, JF
  kConfirmation,    // 行政确认, QR
  kLevy,            // 行政征收, ZS
  kAward,           // 行政奖励, JL
  kAdjudication,    // 行政裁决, CJ
  kOtherPower,      // 其他行政权力, QT
  kPublicService,   // 公共服务, GG
};
// "licence", "benefit_payment", "confirmation", "levy", "award",
// "adjudication", "other_power", "public_service".
const char* item_type_name(ItemType type);
const char* item_type_label_zh(ItemType type);  // "行政许可" ...
const char* item_type_letters(ItemType type);   // "XK" ...
std::optional<ItemType> parse_item_type(std::string_view name);

// Catalogue theme (plan task 1, plus the grassroots themes).
enum class Theme {
  kStartUp,                // "startup", 创业
  kEducation,              // "education", 教育
  kEmployment,             // "employment", 就业
  kSocialSecurity,         // "social_security", 社会保障
  kHealth,                 // "health", 医疗卫生
  kHousing,                // "housing", 住房
  kCulture,                // "culture", 文化
  kPovertyRelief,          // "poverty_relief", 扶贫
  kHouseholdRegistration,  // "household_registration", 户籍
  kCivilAffairs,           // "civil_affairs", 民政
  kMarriageBirth,          // "marriage_birth", 婚育
  kOther,                  // "other", 其他
};
const char* theme_name(Theme theme);
const char* theme_label_zh(Theme theme);
std::optional<Theme> parse_theme(std::string_view name);
// All themes in declaration order (for menus).
std::span<const Theme> all_themes();

// Who may apply (服务对象).
enum class ServiceTarget {
  kNaturalPerson,  // "natural_person", 自然人
  kLegalPerson,    // "legal_person", 法人
  kBoth,           // "both", 自然人、法人
};
const char* service_target_name(ServiceTarget target);
const char* service_target_label_zh(ServiceTarget target);
std::optional<ServiceTarget> parse_service_target(std::string_view name);
// True when an applicant of `kind` may apply for an item aimed at `target`.
bool serves(ServiceTarget target, ApplicantKind kind);

// Who provides the item (plan tasks 7 and 17: not only government).
enum class ProviderKind {
  kGovernmentDepartment,  // "government_department", 政府部门
  kPublicInstitution,  // "public_institution", 事业单位或群团组织 (社保经办, 残联)
  kPublicUtility,      // "public_utility", 公用事业单位 (water, power, gas)
  kIntermediary,       // "intermediary", 中介服务机构
};
const char* provider_kind_name(ProviderKind kind);
const char* provider_kind_label_zh(ProviderKind kind);
std::optional<ProviderKind> parse_provider_kind(std::string_view name);

// Which node at the handling level is competent (属地原则).
enum class TerritorialRule {
  kDomicile,  // "domicile": the node at the handling level above the applicant's domicile
  kIntake,    // "intake": the node at the handling level above the node that took the case
};
const char* territorial_rule_name(TerritorialRule rule);
const char* territorial_rule_label_zh(TerritorialRule rule);
std::optional<TerritorialRule> parse_territorial_rule(std::string_view name);

// The form in which a material is handed in.
enum class MaterialForm {
  kOriginal,         // "original", 原件
  kCopy,             // "copy", 复印件
  kOriginalAndCopy,  // "original_and_copy", 原件和复印件 (original shown, copy kept)
  kElectronic,       // "electronic", 电子件
};
const char* material_form_name(MaterialForm form);
const char* material_form_label_zh(MaterialForm form);
std::optional<MaterialForm> parse_material_form(std::string_view name);

// How a material is obtained (plan task 4).
enum class MaterialKind {
  kRequired,     // "required", 申请人提交
  kDataSharing,  // "data_sharing", 数据共享获取: the office fetches it, never the applicant
  kCommitmentAllowed,  // "commitment_allowed", 可告知承诺: a signed commitment may replace it
};
const char* material_kind_name(MaterialKind kind);
const char* material_kind_label_zh(MaterialKind kind);
std::optional<MaterialKind> parse_material_kind(std::string_view name);

// DayKind (calendar.h) names: "working" / "calendar"; labels 工作日 / 自然日.
const char* day_kind_name(DayKind kind);
const char* day_kind_label_zh(DayKind kind);
std::optional<DayKind> parse_day_kind(std::string_view name);

// ------------------------------------------------------------- item code

// The identity of an item in one implementing region; all versions of an
// item share it.
struct ItemCode {
  ItemType type = ItemType::kLicence;
  int main_item = 0;   // 1..99999
  int sub_item = 0;    // 0..999; 0 is the main item itself
  std::string region;  // 12-digit region code of the implementing region

  friend bool operator==(const ItemCode&, const ItemCode&) = default;
};

// The text form, e.g. "XK-00105-001-441802000000". Precondition: the numbers
// are in range (as validate_item_code() checks); otherwise the digits are
// whatever std::to_string gives, never truncated.
std::string format_item_code(const ItemCode& code);

// Parses the text form exactly (no spaces, upper-case letters). Returns the
// code, or kInvalidArgument quoting the text and saying what is wrong:
//   "item code 'XK-105-001': expected the form XK-00105-001-441802000000"
//   "item code 'XY-00105-001-441802000000': unknown item type 'XY', expected one of
//    XK JF QR ZS JL CJ QT GG"
//   "item code 'XK-00000-001-441802000000': main item must be 00001 to 99999"
//   "item code 'XK-0010a-001-441802000000': main item must be 5 digits, got '0010a'"
//   "item code 'XK-00105-001-990000000000': region code 990000000000: 99 is not a
//    province prefix"
Result<ItemCode> parse_item_code(std::string_view text);

// OK when the code's numbers are in range and its region is a valid region
// code; else kInvalidArgument naming the member, e.g.
// "main_item: expected 1 to 99999, got 0".
Status validate_item_code(const ItemCode& code);

// ------------------------------------------------------------- the guide

// A time limit: `days` counted as `kind` (see WorkingDayCalendar).
struct TimeLimit {
  int days = 0;
  DayKind kind = DayKind::kWorking;

  friend bool operator==(const TimeLimit&, const TimeLimit&) = default;
};

// Fee and its basis (收费依据及标准). A free item has amount 0.
struct Fee {
  bool free = true;
  std::int64_t amount_fen = 0;  // in fen (0.01 yuan)
  std::string basis;            // the document that allows the fee, and the standard

  friend bool operator==(const Fee&, const Fee&) = default;
};

// Who provides the item.
struct Provider {
  ProviderKind kind = ProviderKind::kGovernmentDepartment;
  std::string name;  // e.g. "清城区民政局"

  friend bool operator==(const Provider&, const Provider&) = default;
};

// One entry of the legal basis (办理依据).
struct LegalBasis {
  std::string document;  // e.g. "《社会救助暂行办法》（国务院令第649号）"
  std::string article;   // e.g. "第十一条"; empty when the whole document applies

  friend bool operator==(const LegalBasis&, const LegalBasis&) = default;
};

// A downloadable file (表格下载, 示范文本). The content itself lives in the
// attachment store, addressed by its hash.
struct Attachment {
  std::string name;          // e.g. "最低生活保障申请表.docx"
  std::string content_hash;  // 64 lower-case hex digits (a 256-bit content hash)

  friend bool operator==(const Attachment&, const Attachment&) = default;
};

// One application material (申请材料).
struct Material {
  std::string name;  // unique within the item
  int copies = 1;    // 1..20; an electronic material has exactly 1
  MaterialForm form = MaterialForm::kOriginal;
  MaterialKind kind = MaterialKind::kRequired;
  std::string sharing_source;  // kDataSharing only: who the data comes from, e.g. "市公安局"
  std::string sample_text;     // 示范文本 (may be empty)
  std::optional<Attachment> sample;          // 示范文本 as a file (optional)
  std::vector<std::string> common_mistakes;  // 常见错误示例
  std::string notes;

  friend bool operator==(const Material&, const Material&) = default;
};

// One step of the process (基本流程). Steps may run in parallel (task 5), so
// their limits need not add up to the item's limit.
struct ProcessStep {
  std::string name;        // e.g. "受理"
  std::string department;  // e.g. "镇人民政府"
  TimeLimit limit;         // 0..3660 days; 0 = the same day

  friend bool operator==(const ProcessStep&, const ProcessStep&) = default;
};

// A department that reviews a case of the item in parallel with the others
// (并联审批, plan tasks 5 and 13), under the lead department (the provider):
// the case is approved when every one of them has agreed, refused as soon as
// one disagrees.
struct ParallelDepartment {
  std::string department;  // e.g. "区卫生健康局"
  TimeLimit limit;         // its own time limit from acceptance, within committed_limit

  friend bool operator==(const ParallelDepartment&, const ParallelDepartment&) = default;
};

// 咨询方式.
struct Consultation {
  std::string phone;     // e.g. "0763-3362345"; digits and " -+(),/" only
  std::string channels;  // other ways, e.g. "粤省事小程序在线咨询" (may be empty)

  friend bool operator==(const Consultation&, const Consultation&) = default;
};

// One version of a service item with its full guide.
struct ServiceItem {
  // --- catalogue entry
  ItemCode code;
  int version = 1;  // 1.. ; every edit publishes a new version
  std::string name;
  std::vector<std::string> keywords;
  Theme theme = Theme::kOther;
  ServiceTarget target = ServiceTarget::kNaturalPerson;
  Provider provider;
  RegionLevel handling_level = RegionLevel::kCounty;
  TerritorialRule territorial_rule = TerritorialRule::kDomicile;
  bool same_city_handling = false;  // 同城通办: any node of the city may take the case
  bool online_capable = false;      // can be applied for online
  int visits_required = 1;          // 0..5 visits to the hall
  bool on_the_spot = false;         // 即办件: decided the same day when materials are complete

  // --- the 13 guide fields
  std::vector<LegalBasis> legal_basis;  // 1. 办理依据
  std::string accepting_unit;           // 2. 受理单位
  std::vector<ProcessStep> steps;       // 3. 基本流程
  std::vector<Material> materials;  // 4. 申请材料 (6. samples and mistakes are per material)
  bool no_materials = false;        //    the guide states that no materials are needed
  std::vector<Attachment> forms;    // 5. 表格下载
  Fee fee;                          // 7. 收费依据及标准
  std::optional<TimeLimit> legal_limit;  // 8. 办理时限: statutory (法定), none if the law sets none
  TimeLimit committed_limit;             //    committed (承诺)
  std::optional<TimeLimit> public_notice;  //    公示 period, not counted in the limits
  std::vector<ParallelDepartment> parallel_departments;  // 并联审批; empty: the lead decides alone
  std::string accountability;                            // 9. 责任追究
  Consultation consultation;                             // 10. 咨询方式
  std::string office_hours;                              // 11. 办公时间
  std::string office_address;                            //     办公地址
  std::string transport;                                 // 12. 乘车线路 (may be empty)
  std::string status_query;                              // 13. 状态查询

  // Top-level field names (as in service_item_field_names()) whose content
  // has not been verified against an official source; the UI marks them.
  std::vector<std::string> unverified;

  friend bool operator==(const ServiceItem&, const ServiceItem&) = default;
};

// ------------------------------------------------------------ validation

// Bounds used by validate(), in bytes of UTF-8.
inline constexpr size_t kMaxNameBytes = 200;     // names, units, departments, documents
inline constexpr size_t kMaxKeywordBytes = 50;   // one keyword
inline constexpr size_t kMaxArticleBytes = 100;  // LegalBasis::article
inline constexpr size_t kMaxPhoneBytes = 60;     // Consultation::phone
inline constexpr size_t kMaxTextBytes = 4000;    // every other text field
inline constexpr size_t kMaxKeywords = 20;
inline constexpr size_t kMaxListSize = 100;  // legal basis, steps, materials, forms, mistakes
inline constexpr int kMaxCopies = 20;
inline constexpr int kMaxVisits = 5;
inline constexpr size_t kMaxParallelDepartments = 10;
inline constexpr int kMaxLimitDays = WorkingDayCalendar::kMaxTimeLimit;  // 3660
inline constexpr std::int64_t kMaxFeeFen = 10'000'000'000;               // 1亿元

// The top-level field names of ServiceItem, the values `unverified` may hold:
// "code", "version", "name", "keywords", "theme", "target", "provider",
// "handling_level", "territorial_rule", "same_city_handling", "online_capable",
// "visits_required", "on_the_spot", "legal_basis", "accepting_unit", "steps",
// "materials", "no_materials", "forms", "fee", "legal_limit", "committed_limit",
// "public_notice", "parallel_departments", "accountability", "consultation", "office_hours",
// "office_address", "transport", "status_query".
std::span<const std::string_view> service_item_field_names();

// Checks one item version. Returns OK, or kInvalidArgument for the FIRST
// problem found, as "<field path>: <problem>", e.g.
// "materials[2].copies: expected 1 to 20, got 0". Fields are checked in
// declaration order; a rule between two fields is checked at the later one
// (steps against committed_limit: right after committed_limit). Rules:
//   Text: every text is valid UTF-8 without control characters (long texts
//     — kMaxTextBytes — may contain '\n'); "required" texts must not be empty
//     or blank. Names ≤ kMaxNameBytes, keywords ≤ kMaxKeywordBytes, articles
//     ≤ kMaxArticleBytes, other texts ≤ kMaxTextBytes; lists ≤ kMaxListSize,
//     keywords ≤ kMaxKeywords.
//   Required: name, provider.name, accepting_unit, accountability,
//     consultation.phone, office_hours, office_address, status_query; each
//     legal basis document, step name and department, material name, form
//     name. Keywords are non-empty and unique.
//   code: as validate_item_code(); version ≥ 1; enums hold declared values.
//   Levels: handling_level is at or below the level of the code's region (a
//     county's catalogue cannot bind the city); a village-level item uses the
//     domicile rule (no village lies above a town or county intake node).
//   Provider: a public utility or intermediary provides public services only
//     (type kPublicService); administrative powers need a government
//     department or a public institution.
//   visits_required in 0..5; an item that is not online_capable needs ≥ 1.
//   legal_basis: at least one entry, except for public services.
//   steps: at least one; limits 0..3660 days; a step's limit of the same
//     kind as committed_limit does not exceed it.
//   materials: at least one unless no_materials (then none); names unique;
//     copies 1..20, exactly 1 for an electronic material; sharing_source is
//     required for kDataSharing and empty otherwise; kCommitmentAllowed only
//     on licence, confirmation and benefit payment items (告知承诺 scope);
//     common mistakes non-empty, ≤ kMaxListSize.
//   Attachments (forms, material samples): content_hash is 64 lower-case hex
//     digits.
//   fee: free ⇒ amount 0; not free ⇒ amount 1..kMaxFeeFen and a basis.
//   Limits: legal_limit, committed_limit and public_notice days 1..3660;
//     committed ≤ legal when both have the same kind; a working-day committed
//     limit of N days against a calendar-day legal limit of M needs N ≤ M (N
//     working days always span at least N calendar days); a calendar-day
//     committed limit against a working-day legal limit is not checked.
//   unverified: each a name from service_item_field_names(), no duplicates.
Status validate(const ServiceItem& item);

// The region of the node competent for a case on `item`: the ancestor (or
// self) at item.handling_level of the applicant's `domicile` or of the
// `intake` node, as item.territorial_rule says. Errors:
//   kInvalidArgument when a region code is malformed;
//   kFailedPrecondition when the chosen region lies above the handling level
//     (e.g. a town-level item taken by the intake rule at a county node),
//     when the competent region is outside the item's implementing region,
//     or when the intake node may not take the case: without same-city
//     handling it must lie within the competent region (a village may
//     collect for its town); with it, within the competent region's city.
Result<RegionCode> competent_region(const ServiceItem& item, const RegionCode& domicile,
                                    const RegionCode& intake);

}  // namespace yimen::hall
