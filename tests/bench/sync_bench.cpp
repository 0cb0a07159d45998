// Replication of a child's backlog to its parent over a real link (issue: sync).
//
//   sync_events_per_s     100,000 signed case events already in the child's log,
//                         from starting the child to the last one durably held by
//                         the parent; child and parent are `yimen run` processes
//                         on 127.0.0.1 with CurveZMQ, pinned to cores 1 and 0
//   verify_limit_per_s    single-thread libsodium Ed25519 verification of the same
//                         events, in the same run
//   sync_ratio            sync / verify; the target is >= 0.5
//   catchup_seconds_100k  the time that took
//   rss_mb_parent, rss_mb_child   peak resident memory (VmHWM); target <= 64 MB each
//
// Each figure is the median of 3 runs, each from the same copies of the two
// data directories. Every wait is bounded.

#include <capnp/serialize.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "bench_node.h"
#include "case_events.h"
#include "node/node_directory.h"
#include "sync/event_log.h"
#include "sync/schema/event.capnp.h"

namespace {

using namespace yimen;
namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

constexpr int kEvents = 100000;
constexpr const char* kItem = "GG-00201-000-441802001000";
const fs::path kDir = fs::temp_directory_path() / "yimen-sync-bench";

template <typename T>
T must(Result<T> r, const char* what) {
  if (!r.ok()) bench::fail(std::string(what) + ": " + r.status().message());
  return std::move(r).value();
}
void must(const Status& s, const char* what) {
  if (!s.ok()) bench::fail(std::string(what) + ": " + s.message());
}

// Peak resident memory of a process in MB, from /proc (the taskset child execs yimen).
double peak_rss_mb(pid_t pid) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  for (std::string line; std::getline(status, line);) {
    if (line.rfind("VmHWM:", 0) == 0) return std::stod(line.substr(6)) / 1024.0;
  }
  return -1;
}

void set_listen(const fs::path& dir, int port) {
  const fs::path toml = dir / "node.toml";
  std::stringstream text;
  text << std::ifstream(toml).rdbuf();
  std::string s = text.str();
  const auto at = s.find("# listen = ");
  s.replace(at, s.find('\n', at) - at, "listen = \"tcp://127.0.0.1:" + std::to_string(port) + "\"");
  std::ofstream(toml, std::ios::trunc) << s;
}

// kEvents case-submitted events of the town in its own log.
void fill_child(const fs::path& dir) {
  auto node = must(node::open_node(dir), "open the town");
  struct NoSink : sync::EventSink {
    Admission admit(const sync::DecodedEvent&) override { return Admission::accept(); }
    Status apply(const sync::DecodedEvent&) override { return {}; }
    std::vector<std::string> provides(const sync::DecodedEvent&) override { return {}; }
    Status reset() override { return {}; }
  };
  // The hall's projections are not needed at the source: only its log is sent.
  NoSink sink;
  sync::EventLog log(node.db, node.identity.id, sink);
  const auto town = node.identity.id;
  const std::int64_t start_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                                    std::chrono::system_clock::now().time_since_epoch())
                                    .count();
  for (int i = 0; i < kEvents;) {
    auto tx = must(node.db.begin(), "begin");
    for (int k = 0; k < 5000 && i < kEvents; ++k, ++i) {
      const auto draft = bench::case_submitted("441802001000", "20261125", i, kItem, town.str(),
                                               {{sync::AudienceEntry::Kind::kNode, town}});
      must(log.emit(draft, node.key, start_ms + i), "emit");
    }
    must(tx.commit(), "commit");
  }
}

// The highest seq of the town's the parent durably holds (its chain is
// checked strictly there, so every lower one is held too). An index lookup:
// the poll must not steal the cores it measures.
std::int64_t events_held(storage::Database& db) {
  auto stmt = db.prepare("SELECT MAX(seq) FROM event WHERE origin = '441802001000'");
  if (!stmt.ok()) return -1;
  auto row = stmt->step();
  return row.ok() && *row ? stmt->column_int64(0) : -1;
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

}  // namespace

int main() {
  fs::remove_all(kDir);
  fs::create_directories(kDir);
  const fs::path pristine = kDir / "pristine";
  fs::create_directories(pristine);
  bench::cli(kDir, {"init", "--data", (pristine / "city").string(), "--id", "441800000000",
                    "--name", "city", "--root"});
  bench::cli(kDir, {"init", "--data", (pristine / "county").string(), "--id", "441802000000",
                    "--name", "county"});
  bench::cli(kDir, {"init", "--data", (pristine / "town").string(), "--id", "441802001000",
                    "--name", "town"});
  set_listen(pristine / "city", 7491);
  set_listen(pristine / "county", 7492);
  auto enrol = [&](const char* child, const char* parent) {
    const std::string request =
        bench::cli(kDir, {"enrol", "request", "--data", (pristine / child).string()});
    const std::string cert =
        bench::cli(kDir, {"enrol", "approve", "--data", (pristine / parent).string(),
                          request.substr(0, request.find('\n'))});
    bench::cli(kDir, {"enrol", "install", "--data", (pristine / child).string(),
                      cert.substr(0, cert.find('\n'))});
  };
  enrol("county", "city");
  enrol("town", "county");
  bench::cli(kDir,
             {"user", "add", "--data", (pristine / "town").string(), "--role", "admin", "--login",
              "admin", "--display", "admin"},
             "bench password 2026\n");
  bench::cli(kDir, {"catalogue", "import", "--data", (pristine / "town").string(), "--as", "admin",
                    std::string(YIMEN_SOURCE_DIR) + "/config/catalogue.example.toml"});
  fill_child(pristine / "town");

  // The signature limit, over the same events.
  std::vector<Bytes> envelopes;
  {
    auto node = must(node::open_node(pristine / "town"), "open");
    for (auto& e : must(sync::EventLog::read(node.db, 0, kEvents + 100), "read")) {
      envelopes.push_back(std::move(e.envelope));
    }
  }
  std::vector<double> verify_rates, sync_rates, seconds, rss_parent, rss_child;
  for (int run = 0; run < 3; ++run) {
    const auto t = Clock::now();
    for (const auto& e : envelopes) {
      if (!sync::decode_envelope(e).ok()) bench::fail("a generated event does not verify");
    }
    verify_rates.push_back(static_cast<double>(envelopes.size()) /
                           std::chrono::duration<double>(Clock::now() - t).count());
  }
  // decode_envelope also parses; the limit the issue names is the bare signature check.
  std::vector<double> bare;
  for (int run = 0; run < 3; ++run) {
    std::vector<std::tuple<Bytes, crypto::PublicKey, crypto::Signature>> sigs;
    for (const auto& e : envelopes) {
      kj::ArrayPtr<const capnp::word> words(reinterpret_cast<const capnp::word*>(e.data()),
                                            e.size() / sizeof(capnp::word));
      capnp::FlatArrayMessageReader reader(words);
      auto env = reader.getRoot<schema::Envelope>();
      crypto::PublicKey key{};
      crypto::Signature sig{};
      std::copy(env.getSignerKey().begin(), env.getSignerKey().end(), key.begin());
      std::copy(env.getSignature().begin(), env.getSignature().end(), sig.begin());
      sigs.emplace_back(Bytes(env.getEvent().begin(), env.getEvent().end()), key, sig);
    }
    const auto t = Clock::now();
    for (const auto& [event, key, sig] : sigs) {
      if (!crypto::verify(crypto::kEventDomain, key, event, sig)) bench::fail("verify");
    }
    bare.push_back(static_cast<double>(sigs.size()) /
                   std::chrono::duration<double>(Clock::now() - t).count());
  }

  for (int run = 0; run < 3; ++run) {
    const fs::path dir = kDir / ("run" + std::to_string(run));
    fs::copy(pristine, dir, fs::copy_options::recursive);
    const pid_t parent = bench::spawn_node(dir / "county", 0);
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    auto county = must(node::open_node(dir / "county"), "open the county");
    const auto t = Clock::now();
    const pid_t child = bench::spawn_node(dir / "town", 1);
    const auto limit = t + std::chrono::minutes(5);
    while (events_held(county.db) < kEvents + 1) {  // + the town's item
      if (Clock::now() > limit) bench::fail("the parent did not get every event within 5 minutes");
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    const double s = std::chrono::duration<double>(Clock::now() - t).count();
    seconds.push_back(s);
    sync_rates.push_back(kEvents / s);
    rss_parent.push_back(peak_rss_mb(parent));
    rss_child.push_back(peak_rss_mb(child));
    bench::stop_node(child);
    bench::stop_node(parent);
    fs::remove_all(dir);
  }
  fs::remove_all(kDir);

  const double sync = median(sync_rates), verify = median(bare);
  std::printf("sync_events_per_s=%.0f\n", sync);
  std::printf("verify_limit_per_s=%.0f\n", verify);
  std::printf("sync_ratio=%.3f\n", sync / verify);
  std::printf("catchup_seconds_100k=%.2f\n", median(seconds));
  std::printf("rss_mb_parent=%.1f\n", median(rss_parent));
  std::printf("rss_mb_child=%.1f\n", median(rss_child));
  std::printf("decode_and_verify_per_s=%.0f\n", median(verify_rates));
  return 0;
}
