#include "node/hall/catalogue_index.h"

#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

namespace yimen::hall {
namespace {

struct Spec {
  std::string_view code;
  std::string_view name;
  std::vector<std::string> keywords;
  Theme theme;
  ServiceTarget target;
  Provider provider;
  std::string_view accepting_unit;
  std::vector<std::string_view> legal_documents;
};

// A valid item with the searchable texts of `spec` and a plain guide.
ServiceItem item_from(const Spec& spec) {
  ServiceItem item;
  item.code = parse_item_code(spec.code).value();
  item.name = std::string(spec.name);
  item.keywords = spec.keywords;
  item.theme = spec.theme;
  item.target = spec.target;
  item.provider = spec.provider;
  item.handling_level = RegionLevel::kTown;
  item.online_capable = true;
  for (std::string_view doc : spec.legal_documents) {
    item.legal_basis.push_back({std::string(doc), ""});
  }
  item.accepting_unit = std::string(spec.accepting_unit);
  item.steps = {{"受理", "镇人民政府", {1, DayKind::kWorking}}};
  item.materials = {{.name = "居民身份证",
                     .copies = 1,
                     .form = MaterialForm::kOriginalAndCopy,
                     .kind = MaterialKind::kRequired,
                     .sharing_source = "",
                     .sample_text = "",
                     .sample = std::nullopt,
                     .common_mistakes = {},
                     .notes = ""}};
  item.committed_limit = {10, DayKind::kWorking};
  item.accountability = "依法追究责任。";
  item.consultation = {"0763-12345", ""};
  item.office_hours = "周一至周五 8:30-17:30";
  item.office_address = "清城区政务服务中心";
  item.status_query = "广东政务服务网";
  return item;
}

Provider civil_affairs() { return {ProviderKind::kGovernmentDepartment, "清远市清城区民政局"}; }
Provider human_resources() {
  return {ProviderKind::kGovernmentDepartment, "清远市清城区人力资源和社会保障局"};
}

// Real grassroots items (service-items.md), in an order unlike code order.
std::vector<Spec> specs() {
  return {
      {"XK-00401-000-441802000000",
       "个体工商户登记",
       {"个体户", "营业执照"},
       Theme::kStartUp,
       ServiceTarget::kBoth,
       {ProviderKind::kGovernmentDepartment, "清远市清城区市场监督管理局"},
       "镇市场监督管理所",
       {"《中华人民共和国市场主体登记管理条例》", "《促进个体工商户发展条例》"}},
      {"JF-00105-001-441802000000",
       "最低生活保障",
       {"低保", "dibao", "社会救助"},
       Theme::kCivilAffairs,
       ServiceTarget::kNaturalPerson,
       civil_affairs(),
       "户籍所在地镇人民政府（街道办事处）",
       {"《社会救助暂行办法》"}},
      {"JF-00110-000-441802000000",
       "临时救助",
       {"救急难"},
       Theme::kCivilAffairs,
       ServiceTarget::kNaturalPerson,
       civil_affairs(),
       "镇人民政府（街道办事处）",
       {"《社会救助暂行办法》"}},
      {"QR-00107-000-441802000000",
       "最低生活保障边缘家庭认定",
       {"低保边缘"},
       Theme::kCivilAffairs,
       ServiceTarget::kNaturalPerson,
       civil_affairs(),
       "镇人民政府（街道办事处）",
       {"《社会救助暂行办法》"}},
      {"GG-00201-000-441802000000",
       "城乡居民基本养老保险参保登记",
       {"社会保障", "社保"},
       Theme::kSocialSecurity,
       ServiceTarget::kNaturalPerson,
       human_resources(),
       "镇公共服务中心",
       {"《中华人民共和国社会保险法》", "《国务院关于建立统一的城乡居民基本养老保险制度的意见》"}},
      {"JF-00202-000-441802000000",
       "城乡居民养老保险待遇申领",
       {"养老金", "退休"},
       Theme::kSocialSecurity,
       ServiceTarget::kNaturalPerson,
       human_resources(),
       "镇公共服务中心",
       {"《国务院关于建立统一的城乡居民基本养老保险制度的意见》"}},
      {"GG-00301-000-441802000000",
       "残疾人证办理",
       {"残疾"},
       Theme::kOther,
       ServiceTarget::kNaturalPerson,
       {ProviderKind::kPublicInstitution, "清远市清城区残疾人联合会"},
       "区残疾人联合会",
       {"《中华人民共和国残疾人保障法》", "《中华人民共和国残疾人证管理办法》"}},
  };
}

CatalogueIndex sample_index() {
  CatalogueIndex index;
  for (const Spec& spec : specs()) {
    Status s = index.put(item_from(spec));
    EXPECT_TRUE(s.ok()) << spec.name << ": " << s.message();
  }
  return index;
}

struct Expected {
  std::string_view code;
  MatchTier tier;
};

void expect_hits(const CatalogueIndex& index, std::string_view query,
                 const std::vector<Expected>& expected, std::optional<Theme> theme = std::nullopt,
                 std::optional<ApplicantKind> applicant = std::nullopt) {
  Result<std::vector<CatalogueHit>> hits = index.search(query, theme, applicant);
  ASSERT_TRUE(hits.ok()) << query << ": " << hits.status().message();
  std::vector<std::string> got;
  got.reserve(hits->size());
  for (const CatalogueHit& h : *hits) {
    got.push_back(format_item_code(h.code) + " " + std::to_string(static_cast<int>(h.tier)));
  }
  std::vector<std::string> want;
  want.reserve(expected.size());
  for (const Expected& e : expected) {
    want.push_back(std::string(e.code) + " " + std::to_string(static_cast<int>(e.tier)));
  }
  EXPECT_EQ(got, want) << "query '" << query << "'";
}

TEST(CatalogueIndexTest, ExactNameComesFirst) {
  const CatalogueIndex index = sample_index();
  expect_hits(index, "最低生活保障",
              {{"JF-00105-001-441802000000", MatchTier::kExactName},
               {"QR-00107-000-441802000000", MatchTier::kName}});
  expect_hits(index, "临时救助", {{"JF-00110-000-441802000000", MatchTier::kExactName}});
}

TEST(CatalogueIndexTest, KeywordFindsWhatTheNameDoesNotSay) {
  const CatalogueIndex index = sample_index();
  // "低保" is not a substring of "最低生活保障": only keywords find it.
  expect_hits(index, "低保",
              {{"JF-00105-001-441802000000", MatchTier::kKeyword},
               {"QR-00107-000-441802000000", MatchTier::kKeyword}});
  expect_hits(index, "残疾", {{"GG-00301-000-441802000000", MatchTier::kName}});
}

TEST(CatalogueIndexTest, RanksNameThenKeywordThenGuideThenCode) {
  const CatalogueIndex index = sample_index();
  expect_hits(index, "保障",
              {{"JF-00105-001-441802000000", MatchTier::kName},
               {"QR-00107-000-441802000000", MatchTier::kName},
               {"GG-00201-000-441802000000", MatchTier::kKeyword},  // keyword 社会保障
               {"GG-00301-000-441802000000", MatchTier::kGuide},    // 《…残疾人保障法》
               {"JF-00202-000-441802000000", MatchTier::kGuide}});  // 人力资源和社会保障局
  expect_hits(index, "救助",
              {{"JF-00110-000-441802000000", MatchTier::kName},
               {"JF-00105-001-441802000000", MatchTier::kKeyword},
               {"QR-00107-000-441802000000", MatchTier::kGuide}});
  expect_hits(index, "养老",
              {{"GG-00201-000-441802000000", MatchTier::kName},
               {"JF-00202-000-441802000000", MatchTier::kName}});
  expect_hits(index, "登记",
              {{"GG-00201-000-441802000000", MatchTier::kName},
               {"XK-00401-000-441802000000", MatchTier::kName}});
}

TEST(CatalogueIndexTest, GuideTextsAreSearched) {
  const CatalogueIndex index = sample_index();
  // Accepting unit.
  expect_hits(index, "市场监督管理所", {{"XK-00401-000-441802000000", MatchTier::kGuide}});
  // Legal basis document.
  expect_hits(index, "社会保险法", {{"GG-00201-000-441802000000", MatchTier::kGuide}});
  // Provider.
  expect_hits(index, "残疾人联合会", {{"GG-00301-000-441802000000", MatchTier::kGuide}});
  // Materials are not searched.
  expect_hits(index, "居民身份证", {});
}

TEST(CatalogueIndexTest, EveryTermMustMatch) {
  const CatalogueIndex index = sample_index();
  expect_hits(index, "养老 登记", {{"GG-00201-000-441802000000", MatchTier::kName}});
  expect_hits(index, "登记 个体", {{"XK-00401-000-441802000000", MatchTier::kName}});
  // The rank is the worst tier a term needed.
  expect_hits(index, "低保 边缘", {{"QR-00107-000-441802000000", MatchTier::kKeyword}});
  expect_hits(index, "养老 社会保险法", {{"GG-00201-000-441802000000", MatchTier::kGuide}});
  expect_hits(index, "养老 残疾", {});
  expect_hits(index, "登记 不存在的词", {});
  // Several spaces, a tab and the ideographic space (U+3000) all separate terms.
  expect_hits(index, "养老   登记", {{"GG-00201-000-441802000000", MatchTier::kName}});
  expect_hits(index, "养老\t登记", {{"GG-00201-000-441802000000", MatchTier::kName}});
  expect_hits(index, "养老\u3000登记", {{"GG-00201-000-441802000000", MatchTier::kName}});
}

TEST(CatalogueIndexTest, QueryIsTrimmedAndAsciiCaseInsensitive) {
  const CatalogueIndex index = sample_index();
  expect_hits(index, "  最低生活保障\u3000 ",
              {{"JF-00105-001-441802000000", MatchTier::kExactName},
               {"QR-00107-000-441802000000", MatchTier::kName}});
  expect_hits(index, "DiBao", {{"JF-00105-001-441802000000", MatchTier::kKeyword}});
  expect_hits(index, "DIBAO", {{"JF-00105-001-441802000000", MatchTier::kKeyword}});
}

TEST(CatalogueIndexTest, EmptyQueryListsEverythingInCodeOrder) {
  const CatalogueIndex index = sample_index();
  EXPECT_EQ(index.size(), 7u);
  const std::vector<Expected> all = {{"GG-00201-000-441802000000", MatchTier::kAll},
                                     {"GG-00301-000-441802000000", MatchTier::kAll},
                                     {"JF-00105-001-441802000000", MatchTier::kAll},
                                     {"JF-00110-000-441802000000", MatchTier::kAll},
                                     {"JF-00202-000-441802000000", MatchTier::kAll},
                                     {"QR-00107-000-441802000000", MatchTier::kAll},
                                     {"XK-00401-000-441802000000", MatchTier::kAll}};
  expect_hits(index, "", all);
  expect_hits(index, " \u3000 ", all);
}

TEST(CatalogueIndexTest, FiltersByThemeAndApplicant) {
  const CatalogueIndex index = sample_index();
  expect_hits(index, "",
              {{"GG-00201-000-441802000000", MatchTier::kAll},
               {"JF-00202-000-441802000000", MatchTier::kAll}},
              Theme::kSocialSecurity);
  expect_hits(index, "", {{"XK-00401-000-441802000000", MatchTier::kAll}}, std::nullopt,
              ApplicantKind::kLegalPerson);
  expect_hits(index, "登记", {{"XK-00401-000-441802000000", MatchTier::kName}}, Theme::kStartUp);
  // An item for both kinds serves a natural person too.
  expect_hits(index, "登记",
              {{"GG-00201-000-441802000000", MatchTier::kName},
               {"XK-00401-000-441802000000", MatchTier::kName}},
              std::nullopt, ApplicantKind::kNaturalPerson);
  expect_hits(index, "登记", {{"GG-00201-000-441802000000", MatchTier::kName}},
              Theme::kSocialSecurity, ApplicantKind::kNaturalPerson);
  expect_hits(index, "保障", {}, Theme::kHousing);
}

TEST(CatalogueIndexTest, SearchCodesReturnsTheRankedCodes) {
  const CatalogueIndex index = sample_index();
  Result<std::vector<ItemCode>> codes = index.search_codes("救助");
  ASSERT_TRUE(codes.ok());
  ASSERT_EQ(codes->size(), 3u);
  EXPECT_EQ(format_item_code((*codes)[0]), "JF-00110-000-441802000000");
  EXPECT_EQ(format_item_code((*codes)[1]), "JF-00105-001-441802000000");
  EXPECT_EQ(format_item_code((*codes)[2]), "QR-00107-000-441802000000");
}

TEST(CatalogueIndexTest, PutReplacesTheItemWithTheSameCode) {
  CatalogueIndex index = sample_index();
  ServiceItem item = item_from(specs()[2]);  // 临时救助
  item.version = 2;
  item.name = "临时救助金给付";
  item.keywords = {"急难"};
  ASSERT_TRUE(index.put(item).ok());
  EXPECT_EQ(index.size(), 7u);
  const ServiceItem* found = index.find(item.code);
  ASSERT_NE(found, nullptr);
  EXPECT_EQ(found->version, 2);
  EXPECT_EQ(found->name, "临时救助金给付");
  expect_hits(index, "救急难", {});  // the old keyword is gone
  expect_hits(index, "急难", {{"JF-00110-000-441802000000", MatchTier::kKeyword}});
  expect_hits(index, "临时救助", {{"JF-00110-000-441802000000", MatchTier::kName}});
}

TEST(CatalogueIndexTest, RefusesAnInvalidItemAndKeepsTheOldOne) {
  CatalogueIndex index = sample_index();
  ServiceItem item = item_from(specs()[2]);
  item.name = "临时救助（新）";
  item.materials[0].copies = 0;
  Status s = index.put(item);
  EXPECT_EQ(s.code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(s.message(), "materials[0].copies: expected 1 to 20, got 0");
  EXPECT_EQ(index.find(item.code)->name, "临时救助");
}

TEST(CatalogueIndexTest, RemoveDropsTheItem) {
  CatalogueIndex index = sample_index();
  const ItemCode code = parse_item_code("JF-00105-001-441802000000").value();
  EXPECT_TRUE(index.remove(code));
  EXPECT_FALSE(index.remove(code));
  EXPECT_EQ(index.find(code), nullptr);
  EXPECT_EQ(index.size(), 6u);
  expect_hits(index, "低保", {{"QR-00107-000-441802000000", MatchTier::kKeyword}});
}

TEST(CatalogueIndexTest, RefusesBadQueries) {
  const CatalogueIndex index = sample_index();
  const auto message = [&](std::string_view q) { return index.search(q).status().message(); };
  EXPECT_EQ(message(std::string(201, 'a')), "query: at most 200 bytes, got 201");
  EXPECT_EQ(message("a b c d e f g h i"), "query: at most 8 terms, got 9");
  EXPECT_EQ(message("低保\x01"), "query: must be UTF-8 text without control characters");
  EXPECT_EQ(message("低\xff保"), "query: must be UTF-8 text without control characters");
  EXPECT_EQ(index.search(std::string(200, 'a')).status().code(), ErrorCode::kOk);
  EXPECT_EQ(index.search("a b c d e f g h").status().code(), ErrorCode::kOk);
}

}  // namespace
}  // namespace yimen::hall
