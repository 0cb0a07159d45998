#include "node/hall/catalogue_file.h"

#include <gtest/gtest.h>

#include <fstream>
#include <iterator>
#include <string>
#include <string_view>

#include "support/test_dir.h"

namespace yimen::hall {
namespace {

// A valid item with every required key and nothing else; tests edit it.
// Line numbers matter: the messages below name them.
constexpr std::string_view kMinimal = R"([[item]]
code = "GG-00001-000-441802000000"
name = "测试事项"
theme = "other"
target = "both"
provider = { kind = "government_department", name = "区政务服务数据管理局" }
handling_level = "county"
territorial_rule = "intake"
accepting_unit = "区政务服务中心"
fee = { free = true }
committed_limit = { days = 5, kind = "working" }
accountability = "依法追究责任。"
consultation = { phone = "0763-0000000" }
office_hours = "工作日"
office_address = "区政务服务中心"
status_query = "窗口查询"

[[item.steps]]
name = "受理"
department = "区政务服务中心"
limit = { days = 1, kind = "working" }

[[item.materials]]
name = "申请表"
form = "original"
kind = "required"
)";

// kMinimal with the first `from` replaced by `to`.
std::string edited(std::string_view from, std::string_view to) {
  std::string text(kMinimal);
  const size_t at = text.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  if (at != std::string::npos) text.replace(at, from.size(), to);
  return text;
}

std::string error_of(std::string_view text) {
  auto r = parse_catalogue_file(text, "t.toml");
  EXPECT_FALSE(r.ok()) << "expected an error";
  if (r.ok()) return "";
  EXPECT_EQ(r.status().code(), ErrorCode::kInvalidArgument);
  return r.status().message();
}

std::string example_path() {
  return std::string(YIMEN_SOURCE_DIR) + "/config/catalogue.example.toml";
}

const Material* find_material(const ServiceItem& item, std::string_view name) {
  for (const Material& m : item.materials) {
    if (m.name == name) return &m;
  }
  return nullptr;
}

// ---------------------------------------------------------- the example

TEST(CatalogueFileTest, ExampleFileHoldsThreeValidItems) {
  auto items = load_catalogue_file(example_path());
  ASSERT_TRUE(items.ok()) << items.status().message();
  ASSERT_EQ(items->size(), 3u);
  for (const ServiceItem& item : *items) {
    EXPECT_EQ(item.version, 1);
    EXPECT_TRUE(validate(item).ok()) << item.name;
  }

  // 最低生活保障: county civil affairs, by domicile, any hall of the city.
  const ServiceItem& dibao = (*items)[0];
  EXPECT_EQ(format_item_code(dibao.code), "JF-00105-000-441802000000");
  EXPECT_EQ(dibao.code.type, ItemType::kBenefitPayment);
  EXPECT_EQ(dibao.name, "最低生活保障审核确认");
  EXPECT_EQ(dibao.theme, Theme::kSocialSecurity);
  EXPECT_EQ(dibao.provider.kind, ProviderKind::kGovernmentDepartment);
  EXPECT_EQ(dibao.provider.name, "清远市清城区民政局");
  EXPECT_EQ(dibao.handling_level, RegionLevel::kCounty);
  EXPECT_EQ(dibao.territorial_rule, TerritorialRule::kDomicile);
  EXPECT_TRUE(dibao.same_city_handling);
  EXPECT_EQ(dibao.legal_limit, (TimeLimit{30, DayKind::kWorking}));
  EXPECT_EQ(dibao.committed_limit, (TimeLimit{20, DayKind::kWorking}));
  EXPECT_EQ(dibao.public_notice, (TimeLimit{7, DayKind::kCalendar}));
  EXPECT_TRUE(dibao.fee.free);
  EXPECT_EQ(dibao.legal_basis.size(), 3u);
  EXPECT_EQ(dibao.legal_basis[0].document, "《社会救助暂行办法》（国务院令第649号）");
  int shared = 0;
  int commitment = 0;
  for (const Material& m : dibao.materials) {
    shared += m.kind == MaterialKind::kDataSharing ? 1 : 0;
    commitment += m.kind == MaterialKind::kCommitmentAllowed ? 1 : 0;
  }
  EXPECT_EQ(shared, 1);
  EXPECT_EQ(commitment, 1);
  const Material* ids = find_material(dibao, "共同生活家庭成员的居民身份证、户口簿");
  ASSERT_NE(ids, nullptr);
  EXPECT_EQ(ids->kind, MaterialKind::kDataSharing);
  EXPECT_EQ(ids->sharing_source, "清远市公安局（人口信息共享）");
  const Material* consent = find_material(dibao, "家庭经济状况核对授权书");
  ASSERT_NE(consent, nullptr);
  EXPECT_EQ(consent->common_mistakes,
            std::vector<std::string>{"未由全部共同生活家庭成员签字授权，家庭经济状况核对无法开始"});
  // A resident of a village in 441802 is served at a town hall of 441803.
  auto competent = competent_region(dibao, RegionCode::parse("441802001001").value(),
                                    RegionCode::parse("441803001000").value());
  ASSERT_TRUE(competent.ok()) << competent.status().message();
  EXPECT_EQ(competent->str(), "441802000000");

  // 城乡居民基本养老保险参保登记: the town of the domicile, on the spot.
  const ServiceItem& pension = (*items)[1];
  EXPECT_EQ(format_item_code(pension.code), "GG-00201-000-441802001000");
  EXPECT_EQ(pension.name, "城乡居民基本养老保险参保登记");
  EXPECT_EQ(pension.provider.kind, ProviderKind::kPublicInstitution);
  EXPECT_EQ(pension.handling_level, RegionLevel::kTown);
  EXPECT_EQ(pension.territorial_rule, TerritorialRule::kDomicile);
  EXPECT_FALSE(pension.same_city_handling);
  EXPECT_TRUE(pension.on_the_spot);
  EXPECT_EQ(pension.legal_limit, std::nullopt);
  EXPECT_EQ(pension.committed_limit, (TimeLimit{1, DayKind::kWorking}));
  EXPECT_EQ(pension.public_notice, std::nullopt);
  ASSERT_FALSE(pension.materials.empty());
  EXPECT_EQ(pension.materials[0].common_mistakes.size(), 3u);

  // 个体工商户设立登记: county market regulation, where the case is taken.
  const ServiceItem& business = (*items)[2];
  EXPECT_EQ(format_item_code(business.code), "XK-00301-000-441802000000");
  EXPECT_EQ(business.name, "个体工商户设立登记");
  EXPECT_EQ(business.theme, Theme::kStartUp);
  EXPECT_EQ(business.provider.name, "清远市清城区市场监督管理局");
  EXPECT_EQ(business.handling_level, RegionLevel::kCounty);
  EXPECT_EQ(business.territorial_rule, TerritorialRule::kIntake);
  EXPECT_TRUE(business.online_capable);
  EXPECT_EQ(business.visits_required, 0);
  EXPECT_EQ(business.legal_limit, (TimeLimit{3, DayKind::kWorking}));
  EXPECT_EQ(business.committed_limit, (TimeLimit{3, DayKind::kWorking}));
  const Material* identity = find_material(business, "经营者身份证明");
  ASSERT_NE(identity, nullptr);
  EXPECT_EQ(identity->kind, MaterialKind::kDataSharing);
  EXPECT_EQ(identity->form, MaterialForm::kElectronic);
}

// ------------------------------------------------------ every key read

TEST(CatalogueFileTest, ReadsEveryKeyIntoTheItem) {
  const std::string hash(64, 'b');
  const std::string text = R"([[item]]
code = "QR-00042-003-441802001000"
name = "全字段事项"
keywords = ["甲", "乙"]
theme = "civil_affairs"
target = "legal_person"
provider = { kind = "public_institution", name = "镇社会事务服务中心" }
handling_level = "village"
territorial_rule = "domicile"
same_city_handling = true
online_capable = true
visits_required = 0
on_the_spot = true
accepting_unit = "镇综合服务中心"
no_materials = false
accountability = "依法追究。"
office_hours = "工作日"
office_address = "镇综合服务中心"
transport = "乘1路公交车"
status_query = "窗口查询"
unverified = ["fee", "transport"]

[[item.legal_basis]]
document = "《某某条例》"
article = "第三条"

[[item.steps]]
name = "受理"
department = "村委会"
limit = { days = 0, kind = "calendar" }

[[item.materials]]
name = "证明"
copies = 2
form = "original_and_copy"
kind = "commitment_allowed"
sample_text = """
第一行
第二行"""
sample = { name = "样本.pdf", content_hash = "HASH" }
common_mistakes = ["漏签名"]
notes = "备注"

[[item.forms]]
name = "申请表.docx"
content_hash = "HASH"

[item.fee]
free = false
amount_fen = 2000
basis = "《某某收费标准》"

[item.legal_limit]
days = 20
kind = "calendar"

[item.committed_limit]
days = 10
kind = "working"

[item.public_notice]
days = 5
kind = "working"

[item.consultation]
phone = "0763-0000000"
channels = "网上咨询"
)";
  std::string file = text;
  for (size_t at = file.find("HASH"); at != std::string::npos; at = file.find("HASH")) {
    file.replace(at, 4, hash);
  }

  ServiceItem want;
  want.code = parse_item_code("QR-00042-003-441802001000").value();
  want.name = "全字段事项";
  want.keywords = {"甲", "乙"};
  want.theme = Theme::kCivilAffairs;
  want.target = ServiceTarget::kLegalPerson;
  want.provider = {ProviderKind::kPublicInstitution, "镇社会事务服务中心"};
  want.handling_level = RegionLevel::kVillage;
  want.territorial_rule = TerritorialRule::kDomicile;
  want.same_city_handling = true;
  want.online_capable = true;
  want.visits_required = 0;
  want.on_the_spot = true;
  want.legal_basis = {{"《某某条例》", "第三条"}};
  want.accepting_unit = "镇综合服务中心";
  want.steps = {{"受理", "村委会", {0, DayKind::kCalendar}}};
  want.materials = {{.name = "证明",
                     .copies = 2,
                     .form = MaterialForm::kOriginalAndCopy,
                     .kind = MaterialKind::kCommitmentAllowed,
                     .sharing_source = "",
                     .sample_text = "第一行\n第二行",
                     .sample = Attachment{"样本.pdf", hash},
                     .common_mistakes = {"漏签名"},
                     .notes = "备注"}};
  want.forms = {{"申请表.docx", hash}};
  want.fee = {false, 2000, "《某某收费标准》"};
  want.legal_limit = TimeLimit{20, DayKind::kCalendar};
  want.committed_limit = {10, DayKind::kWorking};
  want.public_notice = TimeLimit{5, DayKind::kWorking};
  want.accountability = "依法追究。";
  want.consultation = {"0763-0000000", "网上咨询"};
  want.office_hours = "工作日";
  want.office_address = "镇综合服务中心";
  want.transport = "乘1路公交车";
  want.status_query = "窗口查询";
  want.unverified = {"fee", "transport"};
  ASSERT_TRUE(validate(want).ok()) << validate(want).message();

  auto items = parse_catalogue_file(file, "full.toml");
  ASSERT_TRUE(items.ok()) << items.status().message();
  ASSERT_EQ(items->size(), 1u);
  EXPECT_EQ((*items)[0], want);
}

TEST(CatalogueFileTest, MinimalItemTakesTheDefaults) {
  auto items = parse_catalogue_file(kMinimal, "t.toml");
  ASSERT_TRUE(items.ok()) << items.status().message();
  ASSERT_EQ(items->size(), 1u);
  const ServiceItem& item = (*items)[0];
  EXPECT_EQ(item.version, 1);
  EXPECT_FALSE(item.same_city_handling);
  EXPECT_FALSE(item.online_capable);
  EXPECT_EQ(item.visits_required, 1);
  EXPECT_FALSE(item.on_the_spot);
  EXPECT_TRUE(item.keywords.empty());
  EXPECT_TRUE(item.legal_basis.empty());
  EXPECT_EQ(item.legal_limit, std::nullopt);
  EXPECT_EQ(item.public_notice, std::nullopt);
  EXPECT_EQ(item.consultation.channels, "");
  ASSERT_EQ(item.materials.size(), 1u);
  EXPECT_EQ(item.materials[0].copies, 1);
}

TEST(CatalogueFileTest, SubTablesMayBeSections) {
  std::string text = edited("fee = { free = true }\n", "");
  text += "\n[item.fee]\nfree = true\n";
  auto items = parse_catalogue_file(text, "t.toml");
  ASSERT_TRUE(items.ok()) << items.status().message();
  EXPECT_TRUE((*items)[0].fee.free);
}

TEST(CatalogueFileTest, ItemsKeepFileOrder) {
  const std::string second = edited("GG-00001-000", "GG-00002-000");
  auto items = parse_catalogue_file(std::string(kMinimal) + "\n" + second, "t.toml");
  ASSERT_TRUE(items.ok()) << items.status().message();
  ASSERT_EQ(items->size(), 2u);
  EXPECT_EQ((*items)[0].code.main_item, 1);
  EXPECT_EQ((*items)[1].code.main_item, 2);
}

// ---------------------------------------------------------------- errors

TEST(CatalogueFileTest, UnknownKeysAreErrors) {
  EXPECT_EQ(error_of(edited("name = \"测试事项\"\n", "name = \"测试事项\"\nnmae = \"x\"\n")),
            "t.toml:4: item[0].nmae: unknown key");
  EXPECT_EQ(error_of(edited("name = \"测试事项\"\n", "name = \"测试事项\"\nversion = 2\n")),
            "t.toml:4: item[0].version: unknown key (publishing assigns version numbers)");
  EXPECT_EQ(error_of(edited("[[item.steps]]", "[[item.step]]")),
            "t.toml:18: item[0].step: unknown table; did you mean 'steps'?");
  EXPECT_EQ(error_of(edited("kind = \"required\"\n", "kind = \"required\"\ncolour = 1\n")),
            "t.toml:27: item[0].materials[0].colour: unknown key");
  EXPECT_EQ(error_of(edited("{ free = true }", "{ free = true, currency = \"CNY\" }")),
            "t.toml:10: item[0].fee.currency: unknown key");
  EXPECT_EQ(error_of("title = \"目录\"\n" + std::string(kMinimal)), "t.toml:1: title: unknown key");
  EXPECT_EQ(error_of(std::string(kMinimal) + "[catalogue]\nname = \"x\"\n"),
            "t.toml:27: catalogue: unknown table");
  // Of several unknown keys, the first in the file is named.
  EXPECT_EQ(error_of(edited("theme = \"other\"\n", "zz = 1\ntheme = \"other\"\naa = 2\n")),
            "t.toml:4: item[0].zz: unknown key");
}

TEST(CatalogueFileTest, WrongTypesAreErrors) {
  EXPECT_EQ(error_of(edited("kind = \"required\"\n", "kind = \"required\"\ncopies = \"2\"\n")),
            "t.toml:27: item[0].materials[0].copies: expected an integer, got a string");
  EXPECT_EQ(error_of(edited("name = \"测试事项\"", "name = 12")),
            "t.toml:3: item[0].name: expected a string, got an integer");
  EXPECT_EQ(error_of(edited("name = \"测试事项\"\n",
                            "name = \"测试事项\"\nsame_city_handling = \"yes\"\n")),
            "t.toml:4: item[0].same_city_handling: expected true or false, got a string");
  EXPECT_EQ(error_of(edited("days = 5,", "days = 5.5,")),
            "t.toml:11: item[0].committed_limit.days: expected an integer, got a number with a "
            "fraction");
  EXPECT_EQ(error_of(edited("days = 5,", "days = 99999999999,")),
            "t.toml:11: item[0].committed_limit.days: out of range, got 99999999999");
  EXPECT_EQ(error_of(edited("fee = { free = true }", "fee = true")),
            "t.toml:10: item[0].fee: expected a table, got a boolean");
  EXPECT_EQ(
      error_of(edited("name = \"测试事项\"\n", "name = \"测试事项\"\nkeywords = [\"a\", 2]\n")),
      "t.toml:4: item[0].keywords[1]: expected a string, got an integer");
  EXPECT_EQ(error_of(edited("name = \"测试事项\"\n", "name = \"测试事项\"\nforms = \"申请表\"\n")),
            "t.toml:4: item[0].forms: expected an array of tables ([[item.forms]]), got a string");
  EXPECT_EQ(error_of("item = 3\n"),
            "t.toml:1: item: expected an array of tables ([[item]]), got an integer");
  EXPECT_EQ(error_of("item = [1]\n"), "t.toml:1: item[0]: expected a table, got an integer");
}

TEST(CatalogueFileTest, BadEnumWordsAreErrors) {
  EXPECT_EQ(error_of(edited("kind = \"required\"", "kind = \"shared\"")),
            "t.toml:26: item[0].materials[0].kind: expected one of required, data_sharing, "
            "commitment_allowed, got 'shared'");
  EXPECT_EQ(
      error_of(std::string(kMinimal) +
               "\n[[item.materials]]\nname = \"身份证\"\nform = \"copy\"\nkind = \"shared\"\n"),
      "t.toml:31: item[0].materials[1].kind: expected one of required, data_sharing, "
      "commitment_allowed, got 'shared'");
  EXPECT_EQ(error_of(edited("form = \"original\"", "form = \"scan\"")),
            "t.toml:25: item[0].materials[0].form: expected one of original, copy, "
            "original_and_copy, electronic, got 'scan'");
  EXPECT_EQ(error_of(edited("handling_level = \"county\"", "handling_level = \"province\"")),
            "t.toml:7: item[0].handling_level: expected one of city, county, town, village, got "
            "'province'");
  EXPECT_EQ(error_of(edited("target = \"both\"", "target = \"Both\"")),
            "t.toml:5: item[0].target: expected one of natural_person, legal_person, both, got "
            "'Both'");
  EXPECT_EQ(error_of(edited("territorial_rule = \"intake\"", "territorial_rule = \"户籍地\"")),
            "t.toml:8: item[0].territorial_rule: expected one of domicile, intake, got '户籍地'");
  EXPECT_EQ(error_of(edited("limit = { days = 1, kind = \"working\" }",
                            "limit = { days = 1, kind = \"workdays\" }")),
            "t.toml:21: item[0].steps[0].limit.kind: expected one of working, calendar, got "
            "'workdays'");
  EXPECT_EQ(error_of(edited("theme = \"other\"", "theme = \"welfare\"")),
            "t.toml:4: item[0].theme: expected one of startup, education, employment, "
            "social_security, health, housing, culture, poverty_relief, household_registration, "
            "civil_affairs, marriage_birth, other, got 'welfare'");
  EXPECT_EQ(error_of(edited("kind = \"government_department\"", "kind = \"bureau\"")),
            "t.toml:6: item[0].provider.kind: expected one of government_department, "
            "public_institution, public_utility, intermediary, got 'bureau'");
}

TEST(CatalogueFileTest, MissingRequiredKeysAreErrors) {
  EXPECT_EQ(error_of(edited("accepting_unit = \"区政务服务中心\"\n", "")),
            "t.toml:1: item[0].accepting_unit: required key is missing");
  EXPECT_EQ(error_of(edited("code = \"GG-00001-000-441802000000\"\n", "")),
            "t.toml:1: item[0].code: required key is missing");
  EXPECT_EQ(error_of(edited("{ days = 5, kind = \"working\" }", "{ days = 5 }")),
            "t.toml:11: item[0].committed_limit.kind: required key is missing");
  EXPECT_EQ(error_of(edited("committed_limit = { days = 5, kind = \"working\" }\n", "")),
            "t.toml:1: item[0].committed_limit: required key is missing");
  EXPECT_EQ(error_of(edited("department = \"区政务服务中心\"\n", "")),
            "t.toml:18: item[0].steps[0].department: required key is missing");
  EXPECT_EQ(error_of(edited("form = \"original\"\n", "")),
            "t.toml:23: item[0].materials[0].form: required key is missing");
  EXPECT_EQ(error_of(edited("{ free = true }", "{ amount_fen = 0 }")),
            "t.toml:10: item[0].fee.free: required key is missing");
  EXPECT_EQ(error_of(edited("{ phone = \"0763-0000000\" }", "{ channels = \"网上\" }")),
            "t.toml:13: item[0].consultation.phone: required key is missing");
}

TEST(CatalogueFileTest, BadItemCodesAreErrors) {
  EXPECT_EQ(error_of(edited("GG-00001-000-441802000000", "GG-1-000-441802000000")),
            "t.toml:2: item[0].code: item code 'GG-1-000-441802000000': expected the form "
            "XK-00105-001-441802000000");
  EXPECT_EQ(error_of(edited("GG-00001-000-441802000000", "XY-00001-000-441802000000")),
            "t.toml:2: item[0].code: item code 'XY-00001-000-441802000000': unknown item type "
            "'XY', expected one of XK JF QR ZS JL CJ QT GG");
  EXPECT_EQ(error_of(edited("GG-00001-000-441802000000", "GG-00001-000-991802000000")),
            "t.toml:2: item[0].code: item code 'GG-00001-000-991802000000': region code "
            "991802000000: 99 is not a province prefix");
}

TEST(CatalogueFileTest, DuplicateCodesAreErrors) {
  EXPECT_EQ(error_of(std::string(kMinimal) + "\n" + std::string(kMinimal)),
            "t.toml:29: item[1].code: 'GG-00001-000-441802000000' is also the code of item[0]");
}

TEST(CatalogueFileTest, ItemsAreValidated) {
  EXPECT_EQ(error_of(edited("days = 1, kind = \"working\"", "days = 6, kind = \"working\"")),
            "t.toml: item[0] (GG-00001-000-441802000000): steps[0].limit: 6 working days "
            "exceeds committed_limit 5 working days");
  EXPECT_EQ(error_of(edited("kind = \"required\"", "kind = \"commitment_allowed\"")),
            "t.toml: item[0] (GG-00001-000-441802000000): materials[0].kind: commitment "
            "(告知承诺) applies only to licence, confirmation and benefit payment items, not "
            "public_service");
  EXPECT_EQ(error_of(edited("handling_level = \"county\"", "handling_level = \"city\"")),
            "t.toml: item[0] (GG-00001-000-441802000000): handling_level: an item of a county "
            "catalogue (441802000000) cannot be handled at city level");
  EXPECT_EQ(error_of(edited("name = \"测试事项\"", "name = \"  \"")),
            "t.toml: item[0] (GG-00001-000-441802000000): name: required");
  EXPECT_EQ(error_of(edited("kind = \"required\"\n",
                            "kind = \"required\"\nsample = { name = \"样本.pdf\", content_hash "
                            "= \"abc\" }\n")),
            "t.toml: item[0] (GG-00001-000-441802000000): materials[0].sample.content_hash: "
            "expected 64 lower-case hex digits, got 3 characters");
  // A later item is reported with its own index and code.
  const std::string second =
      edited("GG-00001-000", "GG-00002-000")
          .replace(std::string(kMinimal).find("theme"), 0, "unverified = [\"colour\"]\n");
  EXPECT_EQ(error_of(std::string(kMinimal) + "\n" + second),
            "t.toml: item[1] (GG-00002-000-441802000000): unverified[0]: unknown field 'colour'");
}

TEST(CatalogueFileTest, SyntaxErrorsNameTheLine) {
  const std::string msg = error_of(edited("name = \"测试事项\"", "name = \"测试事项"));
  EXPECT_EQ(msg.rfind("t.toml:3:", 0), 0u) << msg;
  const std::string redefined = error_of(std::string(kMinimal) + "[item]\n");
  EXPECT_EQ(redefined.rfind("t.toml:27:", 0), 0u) << redefined;
}

TEST(CatalogueFileTest, EmptyFilesHoldNoItems) {
  EXPECT_EQ(error_of(""), "t.toml: the file holds no items (no [[item]] table)");
  EXPECT_EQ(error_of("# 只有注释\n\n"), "t.toml: the file holds no items (no [[item]] table)");
  EXPECT_EQ(error_of("item = []\n"), "t.toml: the file holds no items (no [[item]] table)");
}

TEST(CatalogueFileTest, LimitsOnInput) {
  EXPECT_EQ(error_of(std::string(kMaxCatalogueFileBytes + 1, ' ')),
            "t.toml: larger than 8388608 bytes, the limit for a catalogue file");
  std::string many;
  for (size_t i = 0; i <= kMaxCatalogueItems; ++i) many += "[[item]]\n";
  EXPECT_EQ(error_of(many), "t.toml:1: item: at most 5000 items, got 5001");
  // Bytes that are not UTF-8 are a syntax error, not a crash.
  const std::string garbage("name = \"\xff\xfe\"\n\x01\x02", 13);
  EXPECT_EQ(error_of(garbage).rfind("t.toml:1:", 0), 0u);
}

TEST(CatalogueFileTest, TruncatedFilesFailCleanly) {
  std::ifstream in(example_path(), std::ios::binary);
  const std::string whole((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  ASSERT_GT(whole.size(), 1000u);
  for (size_t end = 0; end < whole.size(); end += 97) {
    auto r = parse_catalogue_file(std::string_view(whole).substr(0, end), "cut.toml");
    if (!r.ok()) {
      EXPECT_EQ(r.status().message().rfind("cut.toml", 0), 0u) << r.status().message();
    }
  }
}

TEST(CatalogueFileTest, LoadNamesThePath) {
  yimen::testing::TestDir dir;
  const auto path = dir / "catalogue.toml";
  {
    std::ofstream out(path, std::ios::binary);
    out << edited("kind = \"required\"", "kind = \"shared\"");
  }
  auto bad = load_catalogue_file(path);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().message(),
            path.string() +
                ":26: item[0].materials[0].kind: expected one of required, data_sharing, "
                "commitment_allowed, got 'shared'");

  auto missing = load_catalogue_file(dir / "none.toml");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), ErrorCode::kNotFound);
  EXPECT_EQ(missing.status().message(),
            (dir / "none.toml").string() + ": cannot read the catalogue file");

  auto directory = load_catalogue_file(dir.path());
  ASSERT_FALSE(directory.ok());
  EXPECT_EQ(directory.status().message(),
            dir.path().string() + ": is a directory, not a catalogue file");
}

}  // namespace
}  // namespace yimen::hall
