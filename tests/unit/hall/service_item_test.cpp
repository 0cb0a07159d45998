#include "node/hall/service_item.h"

#include <gtest/gtest.h>

#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace yimen::hall {
namespace {

constexpr std::string_view kHash =
    "3f2a91c0d4e5b6a7980112233445566778899aabbccddeeff00112233445566a";

// 最低生活保障金给付 as a county (清城区) would publish it. Names and legal
// bases follow /work/shared/data/service-items.md (S01); the Guangdong
// document name and the article are marked unverified.
ServiceItem dibao() {
  ServiceItem item;
  item.code = parse_item_code("JF-00105-001-441802000000").value();
  item.version = 3;
  item.name = "最低生活保障金给付";
  item.keywords = {"低保", "最低生活保障", "社会救助"};
  item.theme = Theme::kSocialSecurity;
  item.target = ServiceTarget::kNaturalPerson;
  item.provider = {ProviderKind::kGovernmentDepartment, "清远市清城区民政局"};
  item.handling_level = RegionLevel::kCounty;
  item.territorial_rule = TerritorialRule::kDomicile;
  item.same_city_handling = true;
  item.online_capable = true;
  item.visits_required = 1;
  item.legal_basis = {{"《社会救助暂行办法》（国务院令第649号）", "第十一条"},
                      {"《广东省最低生活保障制度实施办法》", ""}};
  item.accepting_unit = "户籍所在地镇人民政府（街道办事处）";
  item.steps = {{"申请受理", "镇人民政府（街道办事处）", {0, DayKind::kWorking}},
                {"家庭经济状况调查", "镇人民政府（街道办事处）", {15, DayKind::kWorking}},
                {"审核确认", "清远市清城区民政局", {5, DayKind::kWorking}}};
  item.materials = {
      {.name = "最低生活保障申请书",
       .copies = 1,
       .form = MaterialForm::kOriginal,
       .kind = MaterialKind::kRequired,
       .sharing_source = "",
       .sample_text = "本人张某，户籍清城区东城街道，家庭共同生活成员3人……特申请最低生活保障。",
       .sample = Attachment{"最低生活保障申请书（示范文本）.pdf", std::string(kHash)},
       .common_mistakes = {"未写明家庭困难原因", "申请人未签名或未按手印"},
       .notes = ""},
      {.name = "家庭经济状况核对授权书",
       .copies = 1,
       .form = MaterialForm::kOriginal,
       .kind = MaterialKind::kRequired,
       .sharing_source = "",
       .sample_text = "",
       .sample = std::nullopt,
       .common_mistakes = {"未由全部共同生活家庭成员签字"},
       .notes = "不签授权书则无法开展家庭经济状况核对"},
      {.name = "家庭收入和财产状况申报表",
       .copies = 2,
       .form = MaterialForm::kOriginal,
       .kind = MaterialKind::kCommitmentAllowed,
       .sharing_source = "",
       .sample_text = "",
       .sample = std::nullopt,
       .common_mistakes = {"遗漏共同生活家庭成员的收入或财产",
                           "未申报与经办人员、村干部的近亲属关系"},
       .notes = ""},
  };
  item.forms = {{"最低生活保障申请书.docx", std::string(kHash)}};
  item.fee = {true, 0, ""};
  item.legal_limit = TimeLimit{30, DayKind::kWorking};
  item.committed_limit = {20, DayKind::kWorking};
  item.public_notice = TimeLimit{7, DayKind::kCalendar};
  item.accountability = "工作人员滥用职权、玩忽职守、徇私舞弊的，依法给予处分。";
  item.consultation = {"0763-3362345", "粤省事小程序在线咨询"};
  item.office_hours = "周一至周五 上午8:30-12:00\n下午14:30-17:30（法定节假日除外）";
  item.office_address = "清远市清城区东城街道政务服务中心一楼综合窗口";
  item.transport = "乘坐8路、12路公交车至东城街道办站";
  item.status_query = "凭受理回执编号在广东政务服务网或粤省事查询";
  item.unverified = {"legal_basis", "committed_limit"};
  return item;
}

std::string message_of(const ServiceItem& item) {
  Status s = validate(item);
  EXPECT_FALSE(s.ok()) << "expected a validation error";
  if (!s.ok()) {
    EXPECT_EQ(s.code(), ErrorCode::kInvalidArgument);
  }
  return s.message();
}

// ------------------------------------------------------------- item code

TEST(ItemCodeTest, FormatsAndParsesEveryType) {
  const std::vector<std::pair<ItemType, std::string_view>> letters = {
      {ItemType::kLicence, "XK"},      {ItemType::kBenefitPayment, "JF"},
      {ItemType::kConfirmation, "QR"}, {ItemType::kLevy, "ZS"},
      {ItemType::kAward, "JL"},        {ItemType::kAdjudication, "CJ"},
      {ItemType::kOtherPower, "QT"},   {ItemType::kPublicService, "GG"}};
  for (const auto& [type, l] : letters) {
    const ItemCode code{type, 105, 1, "441802000000"};
    const std::string text = format_item_code(code);
    EXPECT_EQ(text, std::string(l) + "-00105-001-441802000000");
    Result<ItemCode> parsed = parse_item_code(text);
    ASSERT_TRUE(parsed.ok()) << parsed.status().message();
    EXPECT_EQ(*parsed, code);
    EXPECT_TRUE(validate_item_code(code).ok());
  }
}

TEST(ItemCodeTest, RoundTripsBounds) {
  for (const ItemCode& code : {ItemCode{ItemType::kLicence, 1, 0, "441802001001"},
                               ItemCode{ItemType::kPublicService, 99999, 999, "441800000000"}}) {
    Result<ItemCode> parsed = parse_item_code(format_item_code(code));
    ASSERT_TRUE(parsed.ok()) << parsed.status().message();
    EXPECT_EQ(*parsed, code);
  }
  EXPECT_EQ(format_item_code({ItemType::kLicence, 1, 0, "441802001001"}),
            "XK-00001-000-441802001001");
}

TEST(ItemCodeTest, ParseErrorsSayWhatIsWrong) {
  const std::vector<std::pair<std::string_view, std::string>> cases = {
      {"", "item code '': expected the form XK-00105-001-441802000000"},
      {"XK-105-001-441802000000",
       "item code 'XK-105-001-441802000000': expected the form XK-00105-001-441802000000"},
      {"XK_00105_001_441802000000",
       "item code 'XK_00105_001_441802000000': expected the form XK-00105-001-441802000000"},
      {" XK-00105-001-441802000000",
       "item code ' XK-00105-001-441802000000': expected the form XK-00105-001-441802000000"},
      {"XY-00105-001-441802000000",
       "item code 'XY-00105-001-441802000000': unknown item type 'XY', expected one of XK JF "
       "QR ZS JL CJ QT GG"},
      {"xk-00105-001-441802000000",
       "item code 'xk-00105-001-441802000000': unknown item type 'xk', expected one of XK JF "
       "QR ZS JL CJ QT GG"},
      {"XK-0010a-001-441802000000",
       "item code 'XK-0010a-001-441802000000': main item must be 5 digits, got '0010a'"},
      {"XK-00000-001-441802000000",
       "item code 'XK-00000-001-441802000000': main item must be 00001 to 99999"},
      {"XK-00105-0x1-441802000000",
       "item code 'XK-00105-0x1-441802000000': sub item must be 3 digits, got '0x1'"},
      {"XK-00105-001-991802000000",
       "item code 'XK-00105-001-991802000000': region code 991802000000: 99 is not a province "
       "prefix"},
      {"XK-00105-001-44180200000a",
       "item code 'XK-00105-001-44180200000a': region code must be 12 digits, got a non-digit"},
  };
  for (const auto& [text, message] : cases) {
    Result<ItemCode> parsed = parse_item_code(text);
    ASSERT_FALSE(parsed.ok()) << text;
    EXPECT_EQ(parsed.status().code(), ErrorCode::kInvalidArgument);
    EXPECT_EQ(parsed.status().message(), message);
  }
}

TEST(ItemCodeTest, ValidateNamesTheMember) {
  EXPECT_EQ(validate_item_code({ItemType::kLicence, 0, 1, "441802000000"}).message(),
            "main_item: expected 1 to 99999, got 0");
  EXPECT_EQ(validate_item_code({ItemType::kLicence, 100000, 1, "441802000000"}).message(),
            "main_item: expected 1 to 99999, got 100000");
  EXPECT_EQ(validate_item_code({ItemType::kLicence, 1, 1000, "441802000000"}).message(),
            "sub_item: expected 0 to 999, got 1000");
  EXPECT_EQ(validate_item_code({ItemType::kLicence, 1, -1, "441802000000"}).message(),
            "sub_item: expected 0 to 999, got -1");
  EXPECT_EQ(validate_item_code({ItemType::kLicence, 1, 1, "4418"}).message(),
            "region: region code must be 12 digits, got 4 characters");
  EXPECT_EQ(validate_item_code({static_cast<ItemType>(42), 1, 1, "441802000000"}).message(),
            "type: unknown value 42");
}

// ----------------------------------------------------------------- enums

TEST(EnumNamesTest, ThemesHaveStableNamesAndLabels) {
  EXPECT_EQ(all_themes().size(), 12u);
  EXPECT_STREQ(theme_name(Theme::kStartUp), "startup");
  EXPECT_STREQ(theme_label_zh(Theme::kStartUp), "创业");
  EXPECT_STREQ(theme_name(Theme::kSocialSecurity), "social_security");
  EXPECT_STREQ(theme_label_zh(Theme::kSocialSecurity), "社会保障");
  EXPECT_STREQ(theme_name(Theme::kPovertyRelief), "poverty_relief");
  EXPECT_STREQ(theme_label_zh(Theme::kHealth), "医疗卫生");
  EXPECT_STREQ(theme_label_zh(Theme::kMarriageBirth), "婚育");
  std::vector<std::string> names;
  for (Theme t : all_themes()) {
    EXPECT_EQ(parse_theme(theme_name(t)), t);
    for (const std::string& seen : names) EXPECT_NE(seen, theme_name(t));
    names.emplace_back(theme_name(t));
  }
  EXPECT_EQ(parse_theme("Startup"), std::nullopt);
  EXPECT_EQ(parse_theme("创业"), std::nullopt);
}

TEST(EnumNamesTest, OtherEnumsRoundTrip) {
  for (auto t : {ItemType::kLicence, ItemType::kBenefitPayment, ItemType::kConfirmation,
                 ItemType::kLevy, ItemType::kAward, ItemType::kAdjudication, ItemType::kOtherPower,
                 ItemType::kPublicService}) {
    EXPECT_EQ(parse_item_type(item_type_name(t)), t);
  }
  EXPECT_STREQ(item_type_label_zh(ItemType::kBenefitPayment), "行政给付");
  EXPECT_STREQ(item_type_letters(ItemType::kConfirmation), "QR");
  for (auto t :
       {ServiceTarget::kNaturalPerson, ServiceTarget::kLegalPerson, ServiceTarget::kBoth}) {
    EXPECT_EQ(parse_service_target(service_target_name(t)), t);
  }
  for (auto k : {ProviderKind::kGovernmentDepartment, ProviderKind::kPublicInstitution,
                 ProviderKind::kPublicUtility, ProviderKind::kIntermediary}) {
    EXPECT_EQ(parse_provider_kind(provider_kind_name(k)), k);
  }
  for (auto r : {TerritorialRule::kDomicile, TerritorialRule::kIntake}) {
    EXPECT_EQ(parse_territorial_rule(territorial_rule_name(r)), r);
  }
  for (auto f : {MaterialForm::kOriginal, MaterialForm::kCopy, MaterialForm::kOriginalAndCopy,
                 MaterialForm::kElectronic}) {
    EXPECT_EQ(parse_material_form(material_form_name(f)), f);
  }
  for (auto k :
       {MaterialKind::kRequired, MaterialKind::kDataSharing, MaterialKind::kCommitmentAllowed}) {
    EXPECT_EQ(parse_material_kind(material_kind_name(k)), k);
  }
  EXPECT_EQ(parse_day_kind("working"), DayKind::kWorking);
  EXPECT_EQ(parse_day_kind("calendar"), DayKind::kCalendar);
  EXPECT_STREQ(day_kind_label_zh(DayKind::kWorking), "工作日");
  EXPECT_EQ(parse_day_kind("Working"), std::nullopt);
}

TEST(EnumNamesTest, TargetServesApplicantKinds) {
  EXPECT_TRUE(serves(ServiceTarget::kNaturalPerson, ApplicantKind::kNaturalPerson));
  EXPECT_FALSE(serves(ServiceTarget::kNaturalPerson, ApplicantKind::kLegalPerson));
  EXPECT_FALSE(serves(ServiceTarget::kLegalPerson, ApplicantKind::kNaturalPerson));
  EXPECT_TRUE(serves(ServiceTarget::kLegalPerson, ApplicantKind::kLegalPerson));
  EXPECT_TRUE(serves(ServiceTarget::kBoth, ApplicantKind::kNaturalPerson));
  EXPECT_TRUE(serves(ServiceTarget::kBoth, ApplicantKind::kLegalPerson));
}

// ------------------------------------------------------------ validation

TEST(ValidateTest, SampleItemIsValid) {
  Status s = validate(dibao());
  EXPECT_TRUE(s.ok()) << s.message();
}

TEST(ValidateTest, OptionalFieldsMayBeEmpty) {
  ServiceItem item = dibao();
  item.keywords.clear();
  item.transport.clear();
  item.consultation.channels.clear();
  item.forms.clear();
  item.legal_limit.reset();
  item.public_notice.reset();
  item.unverified.clear();
  for (Material& m : item.materials) {
    m.common_mistakes.clear();
    m.sample_text.clear();
    m.sample.reset();
  }
  Status s = validate(item);
  EXPECT_TRUE(s.ok()) << s.message();
}

struct Rule {
  const char* what;
  std::function<void(ServiceItem&)> change;
  std::string message;
};

void expect_rules(const std::vector<Rule>& rules) {
  for (const Rule& rule : rules) {
    ServiceItem item = dibao();
    rule.change(item);
    EXPECT_EQ(message_of(item), rule.message) << rule.what;
  }
}

TEST(ValidateTest, CatalogueEntryRules) {
  expect_rules({
      {"main item", [](ServiceItem& i) { i.code.main_item = 0; },
       "code.main_item: expected 1 to 99999, got 0"},
      {"region", [](ServiceItem& i) { i.code.region = "4418"; },
       "code.region: region code must be 12 digits, got 4 characters"},
      {"version", [](ServiceItem& i) { i.version = 0; }, "version: expected 1 or more, got 0"},
      {"empty name", [](ServiceItem& i) { i.name = ""; }, "name: required"},
      {"blank name", [](ServiceItem& i) { i.name = "  \t"; }, "name: required"},
      {"long name", [](ServiceItem& i) { i.name = std::string(201, 'a'); },
       "name: at most 200 bytes, got 201"},
      {"control character", [](ServiceItem& i) { i.name = "最低生活\n保障"; },
       "name: must be UTF-8 text without control characters"},
      {"bad UTF-8", [](ServiceItem& i) { i.name = "低保\xff"; },
       "name: must be UTF-8 text without control characters"},
      {"duplicate keyword", [](ServiceItem& i) { i.keywords.push_back("低保"); },
       "keywords[3]: duplicate of keywords[0]"},
      {"empty keyword", [](ServiceItem& i) { i.keywords[1] = ""; }, "keywords[1]: required"},
      {"long keyword", [](ServiceItem& i) { i.keywords[0] = std::string(51, 'k'); },
       "keywords[0]: at most 50 bytes, got 51"},
      {"too many keywords",
       [](ServiceItem& i) {
         i.keywords.clear();
         for (int k = 0; k < 21; ++k) i.keywords.push_back("k" + std::to_string(k));
       },
       "keywords: at most 20 entries, got 21"},
      {"theme", [](ServiceItem& i) { i.theme = static_cast<Theme>(99); },
       "theme: unknown value 99"},
      {"target", [](ServiceItem& i) { i.target = static_cast<ServiceTarget>(7); },
       "target: unknown value 7"},
      {"provider name", [](ServiceItem& i) { i.provider.name = ""; }, "provider.name: required"},
      {"intermediary power", [](ServiceItem& i) { i.provider.kind = ProviderKind::kIntermediary; },
       "provider.kind: intermediary providers offer public services only, not benefit_payment "
       "items"},
      {"utility power", [](ServiceItem& i) { i.provider.kind = ProviderKind::kPublicUtility; },
       "provider.kind: public_utility providers offer public services only, not "
       "benefit_payment items"},
      {"handled above the catalogue", [](ServiceItem& i) { i.handling_level = RegionLevel::kCity; },
       "handling_level: an item of a county catalogue (441802000000) cannot be handled at city "
       "level"},
      {"village by intake",
       [](ServiceItem& i) {
         i.handling_level = RegionLevel::kVillage;
         i.territorial_rule = TerritorialRule::kIntake;
       },
       "territorial_rule: a village-level item is handled by the applicant's domicile village, "
       "not by the intake node"},
      {"visits", [](ServiceItem& i) { i.visits_required = 6; },
       "visits_required: expected 0 to 5, got 6"},
      {"negative visits", [](ServiceItem& i) { i.visits_required = -1; },
       "visits_required: expected 0 to 5, got -1"},
      {"zero visits offline",
       [](ServiceItem& i) {
         i.online_capable = false;
         i.visits_required = 0;
       },
       "visits_required: an item that cannot be applied for online needs at least 1 visit, "
       "got 0"},
  });
}

TEST(ValidateTest, EntryRulesAcceptWhatTheyShould) {
  ServiceItem item = dibao();
  item.visits_required = 0;  // online, zero visits
  item.handling_level = RegionLevel::kVillage;
  item.territorial_rule = TerritorialRule::kDomicile;
  item.provider.kind = ProviderKind::kPublicInstitution;
  EXPECT_TRUE(validate(item).ok()) << validate(item).message();

  ServiceItem water = dibao();
  water.code.type = ItemType::kPublicService;
  water.materials[2].kind = MaterialKind::kRequired;  // no commitment for public services
  water.provider = {ProviderKind::kPublicUtility, "清远市供水有限公司"};
  water.legal_basis.clear();  // a public service may have none
  EXPECT_TRUE(validate(water).ok()) << validate(water).message();
}

TEST(ValidateTest, GuideRules) {
  expect_rules({
      {"no legal basis", [](ServiceItem& i) { i.legal_basis.clear(); },
       "legal_basis: at least one entry required for a benefit_payment item"},
      {"legal basis document", [](ServiceItem& i) { i.legal_basis[1].document = " "; },
       "legal_basis[1].document: required"},
      {"article length", [](ServiceItem& i) { i.legal_basis[0].article = std::string(101, '1'); },
       "legal_basis[0].article: at most 100 bytes, got 101"},
      {"accepting unit", [](ServiceItem& i) { i.accepting_unit.clear(); },
       "accepting_unit: required"},
      {"no steps", [](ServiceItem& i) { i.steps.clear(); }, "steps: at least one step required"},
      {"step name", [](ServiceItem& i) { i.steps[2].name.clear(); }, "steps[2].name: required"},
      {"step department", [](ServiceItem& i) { i.steps[0].department.clear(); },
       "steps[0].department: required"},
      {"step days", [](ServiceItem& i) { i.steps[1].limit.days = -1; },
       "steps[1].limit.days: expected 0 to 3660, got -1"},
      {"step kind", [](ServiceItem& i) { i.steps[1].limit.kind = static_cast<DayKind>(5); },
       "steps[1].limit.kind: unknown value 5"},
      {"step over committed", [](ServiceItem& i) { i.steps[1].limit.days = 25; },
       "steps[1].limit: 25 working days exceeds committed_limit 20 working days"},
      {"form hash length", [](ServiceItem& i) { i.forms[0].content_hash.pop_back(); },
       "forms[0].content_hash: expected 64 lower-case hex digits, got 63 characters"},
      {"form hash case", [](ServiceItem& i) { i.forms[0].content_hash[0] = 'F'; },
       "forms[0].content_hash: expected 64 lower-case hex digits; character 1 is not one"},
      {"form hash digit", [](ServiceItem& i) { i.forms[0].content_hash[9] = 'g'; },
       "forms[0].content_hash: expected 64 lower-case hex digits; character 10 is not one"},
      {"form name", [](ServiceItem& i) { i.forms[0].name.clear(); }, "forms[0].name: required"},
      {"accountability", [](ServiceItem& i) { i.accountability = "\n"; },
       "accountability: required"},
      {"phone missing", [](ServiceItem& i) { i.consultation.phone.clear(); },
       "consultation.phone: required"},
      {"phone letters", [](ServiceItem& i) { i.consultation.phone = "民政局电话"; },
       "consultation.phone: expected at least 3 digits and only digits and \" -+(),/\", got "
       "'民政局电话'"},
      {"phone too short", [](ServiceItem& i) { i.consultation.phone = "12"; },
       "consultation.phone: expected at least 3 digits and only digits and \" -+(),/\", got "
       "'12'"},
      {"office hours", [](ServiceItem& i) { i.office_hours.clear(); }, "office_hours: required"},
      {"office hours tab", [](ServiceItem& i) { i.office_hours = "周一\t周五"; },
       "office_hours: must be UTF-8 text without control characters other than '\\n'"},
      {"office address", [](ServiceItem& i) { i.office_address.clear(); },
       "office_address: required"},
      {"long transport", [](ServiceItem& i) { i.transport = std::string(4001, 'x'); },
       "transport: at most 4000 bytes, got 4001"},
      {"status query", [](ServiceItem& i) { i.status_query.clear(); }, "status_query: required"},
      {"unknown unverified field", [](ServiceItem& i) { i.unverified.push_back("foo"); },
       "unverified[2]: unknown field 'foo'"},
      {"duplicate unverified field", [](ServiceItem& i) { i.unverified.push_back("legal_basis"); },
       "unverified[2]: duplicate of unverified[0]"},
  });
}

TEST(ValidateTest, MaterialRules) {
  expect_rules({
      {"no materials", [](ServiceItem& i) { i.materials.clear(); },
       "materials: at least one required (or set no_materials)"},
      {"no_materials with materials", [](ServiceItem& i) { i.no_materials = true; },
       "no_materials: set, but 3 materials are listed"},
      {"name", [](ServiceItem& i) { i.materials[1].name.clear(); }, "materials[1].name: required"},
      {"duplicate name", [](ServiceItem& i) { i.materials[2].name = i.materials[0].name; },
       "materials[2].name: duplicate of materials[0]"},
      {"zero copies", [](ServiceItem& i) { i.materials[2].copies = 0; },
       "materials[2].copies: expected 1 to 20, got 0"},
      {"too many copies", [](ServiceItem& i) { i.materials[2].copies = 21; },
       "materials[2].copies: expected 1 to 20, got 21"},
      {"form", [](ServiceItem& i) { i.materials[0].form = static_cast<MaterialForm>(9); },
       "materials[0].form: unknown value 9"},
      {"electronic copies",
       [](ServiceItem& i) {
         i.materials[2].form = MaterialForm::kElectronic;
         i.materials[2].copies = 2;
       },
       "materials[2].copies: an electronic material has 1 copy, got 2"},
      {"sharing without source",
       [](ServiceItem& i) { i.materials[1].kind = MaterialKind::kDataSharing; },
       "materials[1].sharing_source: required"},
      {"source without sharing",
       [](ServiceItem& i) { i.materials[0].sharing_source = "清远市公安局"; },
       "materials[0].sharing_source: only for a material obtained by data sharing"},
      {"commitment outside scope", [](ServiceItem& i) { i.code.type = ItemType::kLevy; },
       "materials[2].kind: commitment (告知承诺) applies only to licence, confirmation and "
       "benefit payment items, not levy"},
      {"empty mistake", [](ServiceItem& i) { i.materials[0].common_mistakes[1] = ""; },
       "materials[0].common_mistakes[1]: required"},
      {"duplicate mistake",
       [](ServiceItem& i) {
         i.materials[1].common_mistakes.push_back("未由全部共同生活家庭成员签字");
       },
       "materials[1].common_mistakes[1]: duplicate of materials[1].common_mistakes[0]"},
      {"sample hash", [](ServiceItem& i) { i.materials[0].sample->content_hash = "abc"; },
       "materials[0].sample.content_hash: expected 64 lower-case hex digits, got 3 characters"},
      {"long sample text",
       [](ServiceItem& i) { i.materials[0].sample_text = std::string(4001, 's'); },
       "materials[0].sample_text: at most 4000 bytes, got 4001"},
  });

  ServiceItem none = dibao();
  none.materials.clear();
  none.no_materials = true;
  EXPECT_TRUE(validate(none).ok()) << validate(none).message();

  ServiceItem shared = dibao();
  shared.materials[1].kind = MaterialKind::kDataSharing;
  shared.materials[1].sharing_source = "清远市公安局清城分局";
  EXPECT_TRUE(validate(shared).ok()) << validate(shared).message();
}

TEST(ValidateTest, FeeRules) {
  expect_rules({
      {"free with amount", [](ServiceItem& i) { i.fee.amount_fen = 500; },
       "fee.amount_fen: a free item has amount 0, got 500"},
      {"charged zero",
       [](ServiceItem& i) {
         i.fee.free = false;
         i.fee.basis = "粤发改价格〔2017〕1号";
       },
       "fee.amount_fen: expected 1 to 10000000000, got 0"},
      {"charged too much",
       [](ServiceItem& i) {
         i.fee = {false, 10'000'000'001, "依据"};
       },
       "fee.amount_fen: expected 1 to 10000000000, got 10000000001"},
      {"charged without basis",
       [](ServiceItem& i) {
         i.fee = {false, 2000, " "};
       },
       "fee.basis: required for an item that charges a fee"},
  });
  ServiceItem charged = dibao();
  charged.fee = {false, 2000, "《居民身份证法》第二十条；换领20元/证"};
  EXPECT_TRUE(validate(charged).ok()) << validate(charged).message();
}

TEST(ValidateTest, TimeLimitRules) {
  expect_rules({
      {"committed zero", [](ServiceItem& i) { i.committed_limit.days = 0; },
       "committed_limit.days: expected 1 to 3660, got 0"},
      {"committed too long", [](ServiceItem& i) { i.committed_limit.days = 3661; },
       "committed_limit.days: expected 1 to 3660, got 3661"},
      {"committed kind", [](ServiceItem& i) { i.committed_limit.kind = static_cast<DayKind>(5); },
       "committed_limit.kind: unknown value 5"},
      {"legal zero", [](ServiceItem& i) { i.legal_limit->days = 0; },
       "legal_limit.days: expected 1 to 3660, got 0"},
      {"legal too long", [](ServiceItem& i) { i.legal_limit->days = 3661; },
       "legal_limit.days: expected 1 to 3660, got 3661"},
      {"committed over legal", [](ServiceItem& i) { i.committed_limit.days = 31; },
       "committed_limit: 31 working days exceeds legal_limit 30 working days"},
      {"working committed over calendar legal",
       [](ServiceItem& i) {
         i.legal_limit = TimeLimit{20, DayKind::kCalendar};
         i.committed_limit = {21, DayKind::kWorking};
         i.steps[1].limit.days = 10;
       },
       "committed_limit: 21 working days exceeds legal_limit 20 calendar days"},
      {"public notice zero", [](ServiceItem& i) { i.public_notice->days = 0; },
       "public_notice.days: expected 1 to 3660, got 0"},
  });

  ServiceItem equal = dibao();
  equal.committed_limit = {30, DayKind::kWorking};
  EXPECT_TRUE(validate(equal).ok()) << validate(equal).message();

  // Calendar-day commitment against working-day law: not comparable, accepted.
  ServiceItem mixed = dibao();
  mixed.committed_limit = {40, DayKind::kCalendar};
  EXPECT_TRUE(validate(mixed).ok()) << validate(mixed).message();

  // A calendar-day step is not compared with a working-day commitment.
  ServiceItem notice_step = dibao();
  notice_step.steps.push_back({"公示", "村（居）民委员会", {30, DayKind::kCalendar}});
  EXPECT_TRUE(validate(notice_step).ok()) << validate(notice_step).message();

  ServiceItem longest = dibao();
  longest.legal_limit = TimeLimit{3660, DayKind::kCalendar};
  longest.committed_limit = {3660, DayKind::kCalendar};
  EXPECT_TRUE(validate(longest).ok()) << validate(longest).message();
}

TEST(ValidateTest, ReportsTheFirstProblemInDeclarationOrder) {
  ServiceItem item = dibao();
  item.status_query.clear();
  item.materials[0].copies = 0;
  item.name.clear();
  EXPECT_EQ(message_of(item), "name: required");
  item.name = "最低生活保障金给付";
  EXPECT_EQ(message_of(item), "materials[0].copies: expected 1 to 20, got 0");
}

TEST(ValidateTest, FieldNamesCoverTheItem) {
  const auto names = service_item_field_names();
  EXPECT_EQ(names.size(), 30u);
  ServiceItem item = dibao();
  item.unverified.assign(names.begin(), names.end());
  EXPECT_TRUE(validate(item).ok()) << validate(item).message();
}

// ---------------------------------------------------------------- routing

RegionCode region(std::string_view text) { return RegionCode::parse(text).value(); }

TEST(CompetentRegionTest, DomicileRuleFindsTheCountyAboveTheDomicile) {
  const ServiceItem item = dibao();  // county level, domicile rule, same-city handling
  Result<RegionCode> r = competent_region(item, region("441802001001"), region("441802001001"));
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->str(), "441802000000");
  // Taken at a town of another county of the same city (同城通办).
  r = competent_region(item, region("441802001001"), region("441803100000"));
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->str(), "441802000000");
}

TEST(CompetentRegionTest, RefusesIntakeOutsideWhatTheItemAllows) {
  ServiceItem item = dibao();
  Result<RegionCode> r = competent_region(item, region("441802001001"), region("440103000000"));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), ErrorCode::kFailedPrecondition);
  EXPECT_EQ(r.status().message(),
            "intake node 440103000000 is not in the city of the competent region 441802000000");

  item.same_city_handling = false;
  r = competent_region(item, region("441802001001"), region("441803100000"));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(),
            "intake node 441803100000 lies outside the competent region 441802000000 and the "
            "item does not allow same-city handling");
  // A village of the county may still collect the application.
  r = competent_region(item, region("441802001001"), region("441802002003"));
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->str(), "441802000000");
}

TEST(CompetentRegionTest, RefusesADomicileOutsideTheItemsRegion) {
  const ServiceItem item = dibao();
  Result<RegionCode> r = competent_region(item, region("441803100200"), region("441802001001"));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(),
            "the applicant's domicile lies outside the item's region 441802000000");
}

TEST(CompetentRegionTest, IntakeRuleAtTownLevel) {
  ServiceItem item = dibao();
  item.handling_level = RegionLevel::kTown;
  item.territorial_rule = TerritorialRule::kIntake;
  item.same_city_handling = false;
  Result<RegionCode> r = competent_region(item, region("441803100200"), region("441802001004"));
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->str(), "441802001000");

  r = competent_region(item, region("441802001004"), region("441802000000"));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), ErrorCode::kFailedPrecondition);
  EXPECT_EQ(r.status().message(),
            "intake node 441802000000 is at county level, above the item's handling level "
            "(town)");
}

TEST(CompetentRegionTest, DomicileMustBeAtOrBelowTheHandlingLevel) {
  ServiceItem item = dibao();
  item.handling_level = RegionLevel::kVillage;
  Result<RegionCode> r = competent_region(item, region("441802001000"), region("441802001001"));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(),
            "the applicant's domicile is at town level, above the item's handling level "
            "(village)");
}

}  // namespace
}  // namespace yimen::hall
