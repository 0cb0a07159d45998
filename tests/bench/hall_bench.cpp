// The hall's intake path and the replica's apply path (issue: hall core).
//
//   intake_cases_per_s, intake_p99_ms  Hall::submit at a village, each case durably
//                                      committed on its own (includes the Argon2id
//                                      hash of the query code)
//   apply_events_per_s                 signed case events of another node applied at the
//                                      county in batches of 1,000: signatures verified on
//                                      a worker (BatchVerifier) while the writer appends,
//                                      applies and durably commits the previous batch
//   verify_limit_per_s                 single-thread libsodium Ed25519 verification of the
//                                      same events
//   apply_ratio                        apply / verify; the target is >= 0.7
//
// Every loop is bounded by a count; each figure is the median of 3 runs.

#include <capnp/serialize.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <memory>

#include "case_events.h"
#include "crypto/certificate.h"
#include "node/hall/hall.h"
#include "sync/batch_verifier.h"

namespace {

using namespace yimen;
using Clock = std::chrono::steady_clock;

constexpr int kIntakeCases = 100;
constexpr int kApplyEvents = 10000;
constexpr size_t kBatch = 1000;

double seconds_since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

template <typename T>
T must(Result<T> r, const char* what) {
  if (!r.ok()) {
    std::fprintf(stderr, "hall_bench: %s: %s\n", what, r.status().message().c_str());
    std::exit(1);
  }
  return std::move(r).value();
}
void must(const Status& s, const char* what) {
  if (!s.ok()) {
    std::fprintf(stderr, "hall_bench: %s: %s\n", what, s.message().c_str());
    std::exit(1);
  }
}

RegionCode code(const char* s) { return RegionCode::parse(s).value(); }

const std::filesystem::path kDir = std::filesystem::temp_directory_path() / "yimen-hall-bench";
const std::int64_t kStartMs = 1793500800000;  // 2026-11-01 01:00 UTC, 09:00 in China

struct Member {
  RegionCode id;
  crypto::NodeKey key = crypto::NodeKey::generate();
};

// The certificates of a city: root, county, town, village.
struct City {
  Member root{code("441800000000")}, county{code("441802000000")}, town{code("441802001000")},
      village{code("441802001001")};
  std::vector<crypto::Certificate> certs;
  City() {
    auto issue = [](const Member& s, const Member& by) {
      return crypto::Certificate::issue(s.id, "node", s.key.public_key(), 0,
                                        kStartMs / 1000 + 3650LL * 86400, by.id, by.key)
          .value();
    };
    certs = {issue(root, root), issue(county, root), issue(town, county), issue(village, town)};
  }
};

// One node's database and Hall.
struct Node {
  Node(const std::string& name, const Member& m, const City& city)
      : db(open(name)), hall(db, m.id, m.key, [] { return kStartMs; }) {
    must(hall::Hall::migrate(db), "migrate");
    auto tx = must(db.begin(), "begin");
    for (const auto& c : city.certs) {
      must(c.self_signed() ? hall.log().add_trust_anchor(c) : hall.log().add_certificate(c),
           "certificate");
    }
    must(tx.commit(), "commit");
  }
  static storage::Database open(const std::string& name) {
    std::array<std::uint8_t, 32> key{};
    key.fill(9);
    storage::OpenOptions o;
    o.create = true;
    return must(storage::Database::open(kDir / name, key, o), "open");
  }
  void take(const std::vector<Bytes>& envelopes) {
    auto tx = must(db.begin(), "begin");
    for (const auto& e : envelopes) {
      must(hall.log().append(must(sync::decode_envelope(e), "decode"), kStartMs / 1000), "append");
    }
    must(tx.commit(), "commit");
  }
  std::vector<Bytes> events() {
    std::vector<Bytes> out;
    for (auto& e : must(hall.log().read_from(0, 1000000), "read")) out.push_back(e.envelope);
    return out;
  }
  storage::Database db;
  hall::Hall hall;
};

hall::ServiceItem item() {
  using namespace hall;
  ServiceItem i;
  i.code = parse_item_code("JF-00105-001-441802000000").value();
  i.name = "最低生活保障金给付";
  i.keywords = {"低保"};
  i.theme = Theme::kSocialSecurity;
  i.provider = {ProviderKind::kGovernmentDepartment, "区民政局"};
  i.handling_level = RegionLevel::kCounty;
  i.same_city_handling = true;
  i.legal_basis = {{"《社会救助暂行办法》", "第十一条"}};
  i.accepting_unit = "镇人民政府";
  i.steps = {{"审核确认", "区民政局", {5, DayKind::kWorking}}};
  i.materials = {{"最低生活保障申请书",
                  1,
                  MaterialForm::kOriginal,
                  MaterialKind::kRequired,
                  "",
                  "",
                  std::nullopt,
                  {"未签名"},
                  ""}};
  i.committed_limit = {10, DayKind::kWorking};
  i.accountability = "依法给予处分";
  i.consultation = {"0763-3362345", ""};
  i.office_hours = "工作日";
  i.office_address = "区政务服务中心";
  i.status_query = "凭编号查询";
  return i;
}

template <typename F>
double median_of_3(F run) {
  std::vector<double> v = {run(0), run(1), run(2)};
  std::sort(v.begin(), v.end());
  return v[1];
}

}  // namespace

int main() {
  std::filesystem::remove_all(kDir);
  std::filesystem::create_directories(kDir);
  const City city;
  const hall::Actor clerk{"clerk", "王窗口", "综合窗口", "0763-3360001"};

  Node county("county-source.db", city.county, city);
  must(county.hall.publish_item(clerk, item()), "publish");
  const auto catalogue = county.events();

  // --- intake ---
  std::vector<double> latencies;
  const double intake = median_of_3([&](int run) {
    Node village("village-" + std::to_string(run) + ".db", city.village, city);
    village.take(catalogue);
    hall::Application app;
    app.item_code = "JF-00105-001-441802000000";
    app.applicant = {"11010519491231002X", "张三", "13800138000", "441802001001"};
    app.materials = {{0, "paper", "", std::nullopt}};
    const auto t = Clock::now();
    for (int i = 0; i < kIntakeCases; ++i) {
      const auto t0 = Clock::now();
      must(village.hall.submit(clerk, app), "submit");
      latencies.push_back(seconds_since(t0) * 1000);
    }
    return kIntakeCases / seconds_since(t);
  });
  std::sort(latencies.begin(), latencies.end());
  const double p99 = latencies[latencies.size() * 99 / 100];

  // --- signed case events of the village, made once ---
  Node source("village-source.db", city.village, city);
  source.take(catalogue);
  {
    auto tx = must(source.db.begin(), "begin");
    for (int i = 0; i < kApplyEvents; ++i) {
      const auto draft = bench::case_submitted(
          "441802001001", "20261101", i, "JF-00105-001-441802000000", "441802000000",
          {{sync::AudienceEntry::Kind::kNode, city.village.id},
           {sync::AudienceEntry::Kind::kNode, city.county.id}});
      must(source.hall.log().emit(draft, city.village.key, kStartMs + i), "emit");
    }
    must(tx.commit(), "commit");
  }
  std::vector<Bytes> cases;
  for (auto& e : source.events()) {
    if (must(sync::decode_envelope(e), "decode").body_type() == schema::Body::CASE_INTAKE) {
      cases.push_back(e);
    }
  }

  // --- apply at the county: verify on a worker while the writer commits ---
  const double apply = median_of_3([&](int run) {
    Node replica("county-" + std::to_string(run) + ".db", city.county, city);
    replica.take(catalogue);
    sync::BatchVerifier verifier(2);
    const auto t = Clock::now();
    // The worker stays one batch ahead of the writer: batch i+1 is verified
    // while batch i is appended, applied and committed.
    auto batch_at = [&](size_t i) {
      return verifier.verify(std::vector<Bytes>(
          cases.begin() + static_cast<long>(i),
          cases.begin() + static_cast<long>(std::min(cases.size(), i + kBatch))));
    };
    std::future<sync::VerifiedBatch> next = batch_at(0);
    for (size_t i = 0; i < cases.size(); i += kBatch) {
      sync::VerifiedBatch batch = next.get();
      if (i + kBatch < cases.size()) next = batch_at(i + kBatch);
      auto tx = must(replica.db.begin(), "begin");
      for (auto& e : batch) {
        auto r = must(replica.hall.log().append(must(std::move(e), "verify"), kStartMs / 1000),
                      "append");
        if (r.outcome != sync::AppendOutcome::kApplied) {
          std::fprintf(stderr, "hall_bench: not applied: %s\n", r.detail.c_str());
          std::exit(1);
        }
      }
      must(tx.commit(), "commit");
    }
    return static_cast<double>(cases.size()) / seconds_since(t);
  });

  // --- the signature limit: Ed25519 verification of the same events, one thread ---
  struct Signed {
    Bytes event;
    crypto::PublicKey key;
    crypto::Signature sig;
  };
  std::vector<Signed> sigs;
  for (const auto& e : cases) {
    kj::ArrayPtr<const capnp::word> words(reinterpret_cast<const capnp::word*>(e.data()),
                                          e.size() / sizeof(capnp::word));
    capnp::FlatArrayMessageReader reader(words);
    auto env = reader.getRoot<schema::Envelope>();
    Signed s{Bytes(env.getEvent().begin(), env.getEvent().end()), {}, {}};
    std::copy(env.getSignerKey().begin(), env.getSignerKey().end(), s.key.begin());
    std::copy(env.getSignature().begin(), env.getSignature().end(), s.sig.begin());
    sigs.push_back(std::move(s));
  }
  const double verify = median_of_3([&](int) {
    const auto t = Clock::now();
    for (const auto& s : sigs) {
      if (!crypto::verify(crypto::kEventDomain, s.key, s.event, s.sig)) std::exit(1);
    }
    return static_cast<double>(sigs.size()) / seconds_since(t);
  });
  std::filesystem::remove_all(kDir);

  std::printf("intake_cases_per_s=%.1f\n", intake);
  std::printf("intake_p99_ms=%.2f\n", p99);
  std::printf("apply_events_per_s=%.0f\n", apply);
  std::printf("verify_limit_per_s=%.0f\n", verify);
  std::printf("apply_ratio=%.3f\n", apply / verify);
  return 0;
}
