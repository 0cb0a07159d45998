#pragma once

// A small city of halls for tests: each node with its own encrypted
// database, key and Hall, certificates known everywhere, and deliver() to
// carry events between nodes the way replication will.

#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <string>

#include "crypto/certificate.h"
#include "node/hall/hall.h"
#include "support/test_dir.h"

namespace yimen::hall::testing {

inline constexpr std::int64_t kDayMs = 24LL * 3600 * 1000;

inline RegionCode code(const char* s) { return RegionCode::parse(s).value(); }

// Unix milliseconds of 09:00 China Standard Time on `date` (YYYY-MM-DD).
inline std::int64_t morning(const char* date) {
  const Date d = Date::from_string(date).value();
  return (d.days_since_epoch() * 86400 + 3600) * 1000;  // 09:00 CST = 01:00 UTC
}

inline Actor clerk(const char* login = "wang.clerk") {
  return {login, "王窗口", "综合受理窗口", "0763-3360001"};
}
inline Actor officer(const char* login = "li.officer") {
  return {login, "李审批", "民政局社会救助股", "0763-3360002"};
}

// 最低生活保障金给付 as a county publishes it: handled by the county of the
// applicant's domicile, taken anywhere in the city (同城通办).
inline ServiceItem dibao(const std::string& county) {
  const std::string hash(64, 'a');
  ServiceItem item;
  item.code = parse_item_code("JF-00105-001-" + county).value();
  item.name = "最低生活保障金给付";
  item.keywords = {"低保", "社会救助"};
  item.theme = Theme::kSocialSecurity;
  item.target = ServiceTarget::kNaturalPerson;
  item.provider = {ProviderKind::kGovernmentDepartment, "区民政局"};
  item.handling_level = RegionLevel::kCounty;
  item.territorial_rule = TerritorialRule::kDomicile;
  item.same_city_handling = true;
  item.online_capable = true;
  item.visits_required = 1;
  item.legal_basis = {{"《社会救助暂行办法》（国务院令第649号）", "第十一条"}};
  item.accepting_unit = "户籍所在地镇人民政府（街道办事处）";
  item.steps = {{"申请受理", "镇人民政府", {0, DayKind::kWorking}},
                {"审核确认", "区民政局", {5, DayKind::kWorking}}};
  item.materials = {
      {.name = "最低生活保障申请书",
       .copies = 1,
       .form = MaterialForm::kOriginal,
       .kind = MaterialKind::kRequired,
       .sharing_source = "",
       .sample_text = "本人张某……特申请最低生活保障。",
       .sample = std::nullopt,
       .common_mistakes = {"申请人未签名或未按手印"},
       .notes = ""},
      {.name = "居民身份证",
       .copies = 1,
       .form = MaterialForm::kCopy,
       .kind = MaterialKind::kDataSharing,
       .sharing_source = "市公安局",
       .sample_text = "",
       .sample = std::nullopt,
       .common_mistakes = {"证件已过有效期"},
       .notes = ""},
      {.name = "家庭收入和财产状况申报表",
       .copies = 2,
       .form = MaterialForm::kOriginal,
       .kind = MaterialKind::kCommitmentAllowed,
       .sharing_source = "",
       .sample_text = "",
       .sample = std::nullopt,
       .common_mistakes = {"遗漏共同生活家庭成员的收入"},
       .notes = ""},
  };
  item.fee = {true, 0, ""};
  item.legal_limit = TimeLimit{30, DayKind::kWorking};
  item.committed_limit = {5, DayKind::kWorking};
  item.public_notice = TimeLimit{7, DayKind::kCalendar};
  item.accountability = "工作人员滥用职权、玩忽职守的，依法给予处分。";
  item.consultation = {"0763-3362345", ""};
  item.office_hours = "周一至周五 8:30-12:00 14:30-17:30";
  item.office_address = "区政务服务中心一楼";
  item.transport = "";
  item.status_query = "凭受理编号和查询码查询";
  return item;
}

// The 2026 calendar as the State Council published it.
inline void publish_2026(Hall& city) {
  std::vector<Date> off, makeup;
  for (const char* d :
       {"2026-01-01", "2026-01-02", "2026-01-03", "2026-02-15", "2026-02-16", "2026-02-17",
        "2026-02-18", "2026-02-19", "2026-02-20", "2026-02-21", "2026-02-22", "2026-02-23",
        "2026-04-04", "2026-04-05", "2026-04-06", "2026-05-01", "2026-05-02", "2026-05-03",
        "2026-05-04", "2026-05-05", "2026-06-19", "2026-06-20", "2026-06-21", "2026-09-25",
        "2026-09-26", "2026-09-27", "2026-10-01", "2026-10-02", "2026-10-03", "2026-10-04",
        "2026-10-05", "2026-10-06", "2026-10-07"}) {
    off.push_back(Date::from_string(d).value());
  }
  for (const char* d :
       {"2026-01-04", "2026-02-14", "2026-02-28", "2026-05-09", "2026-09-20", "2026-10-10"}) {
    makeup.push_back(Date::from_string(d).value());
  }
  ASSERT_TRUE(city.publish_calendar({"admin", "管理员", "市政务服务中心", "0763-3360000"},
                                    {2026, off, makeup, "国办发明电〔2025〕7号", false})
                  .ok());
}

struct TestNode {
  TestNode(const char* id, std::int64_t& clock_ms)
      : region(code(id)), db(open()), hall(db, region, key, [&clock_ms] { return clock_ms; }) {
    EXPECT_TRUE(Hall::migrate(db).ok());
  }

  storage::Database open() {
    std::array<std::uint8_t, 32> k{};
    k.fill(3);
    storage::OpenOptions o;
    o.create = true;
    return storage::Database::open(dir / "hall.db", k, o).value();
  }

  yimen::testing::TestDir dir;
  RegionCode region;
  crypto::NodeKey key = crypto::NodeKey::generate();
  storage::Database db;
  Hall hall;
};

// City 4418 with county 441802 (town 441802001, village 441802001001) and
// county 441803 (town 441803001, village 441803001001).
class HallCity {
 public:
  explicit HallCity(std::int64_t start_ms) : clock_ms(start_ms) {
    for (const char* id : {"441800000000", "441802000000", "441802001000", "441802001001",
                           "441803000000", "441803001000", "441803001001"}) {
      nodes_.emplace(id, std::make_unique<TestNode>(id, clock_ms));
    }
    std::vector<crypto::Certificate> certs;
    for (auto& [id, n] : nodes_) {
      const RegionCode issuer = n->region.parent().value_or(n->region);
      const TestNode& by = *nodes_.at(issuer.str());
      certs.push_back(crypto::Certificate::issue(n->region, "node " + id, n->key.public_key(), 0,
                                                 start_ms / 1000 + 3650LL * 86400, issuer, by.key)
                          .value());
    }
    for (auto& [id, n] : nodes_) {
      auto tx = n->db.begin().value();
      for (const auto& c : certs) {
        if (c.self_signed()) {
          EXPECT_TRUE(n->hall.log().add_trust_anchor(c).ok());
        } else {
          EXPECT_TRUE(n->hall.log().add_certificate(c).ok());
        }
      }
      EXPECT_TRUE(tx.commit().ok());
    }
  }

  TestNode& operator[](const char* id) { return *nodes_.at(id); }

  // Every event `from` holds, appended at `to` (audience routing is the sync
  // layer's job; here everything travels).
  void deliver(const char* from, const char* to) {
    auto events = (*this)[from].hall.log().read_from(0, 100000).value();
    auto& dest = (*this)[to];
    auto tx = dest.db.begin().value();
    for (const auto& e : events) {
      auto decoded = sync::decode_envelope(e.envelope);
      ASSERT_TRUE(decoded.ok());
      auto r = dest.hall.log().append(std::move(decoded).value(), clock_ms / 1000);
      ASSERT_TRUE(r.ok()) << r.status().message();
      ASSERT_NE(r->outcome, sync::AppendOutcome::kQuarantined) << r->detail;
    }
    ASSERT_TRUE(tx.commit().ok());
  }

  std::int64_t clock_ms;

 private:
  std::map<std::string, std::unique_ptr<TestNode>> nodes_;
};

inline constexpr const char* kCity = "441800000000";
inline constexpr const char* kCounty = "441802000000";
inline constexpr const char* kVillage = "441802001001";
inline constexpr const char* kOtherVillage = "441803001001";
inline const std::string kDibao = "JF-00105-001-441802000000";

inline Application application(const char* domicile = kVillage) {
  Application a;
  a.item_code = kDibao;
  a.applicant = {"11010519491231002X", "张三", "13800138000", domicile};
  a.materials = {{0, "paper", "", std::nullopt}, {1, "shared", "市公安局人口库", std::nullopt}};
  return a;
}

// A county with its catalogue and the city calendar, seen by a village.
class HallCityTest : public ::testing::Test {
 protected:
  HallCityTest() : city(morning("2026-02-12")) {}

  void SetUp() override {
    publish_2026(city[kCity].hall);
    ASSERT_EQ(city[kCounty].hall.publish_item(officer(), dibao(kCounty)).value(), 1);
    for (const char* to : {kCounty, kVillage, kOtherVillage}) city.deliver(kCity, to);
    for (const char* to : {kVillage, kOtherVillage}) city.deliver(kCounty, to);
  }

  Hall& village() { return city[kVillage].hall; }
  Hall& county() { return city[kCounty].hall; }
  CaseFile at(const char* node, const std::string& no) {
    return load_case(city[node].db, no).value().value();
  }
  void act(const char* node, const std::string& no, CaseAction action, std::string note = "",
           std::vector<MaterialFinding> findings = {}) {
    CaseCommand c{action, std::move(note), std::move(findings), {}};
    Status s = city[node].hall.act(node == std::string(kCounty) ? officer() : clerk(), no, c);
    ASSERT_TRUE(s.ok()) << case_action_name(action) << ": " << s.message();
  }

  // `fill` signed as the next event of `node`, as a node would sign it
  // whatever the rules say.
  // The audience is the village and the county.
  Bytes signed_by(const char* node, std::function<void(schema::Body::Builder)> fill) {
    auto& n = city[node];
    const auto head = n.hall.log().head(n.region).value();
    sync::EventDraft draft{"intruder",
                           {{sync::AudienceEntry::Kind::kNode, code(kVillage)},
                            {sync::AudienceEntry::Kind::kNode, code(kCounty)}},
                           std::move(fill)};
    return sync::sign_event(draft, n.region, head ? head->seq + 1 : 1,
                            head ? ByteView(head->id.data(), head->id.size()) : ByteView(),
                            (static_cast<std::uint64_t>(city.clock_ms) + 5) << 16, n.key);
  }

  sync::AppendResult append_at(const char* node, const Bytes& envelope) {
    auto& n = city[node];
    auto tx = n.db.begin().value();
    auto r = n.hall.log().append(sync::decode_envelope(envelope).value(), city.clock_ms / 1000);
    EXPECT_TRUE(r.ok()) << r.status().message();
    EXPECT_TRUE(tx.commit().ok());
    return r.ok() ? *r : sync::AppendResult{};
  }

  HallCity city;
};

}  // namespace yimen::hall::testing
