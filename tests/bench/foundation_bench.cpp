// Figures the later benchmarks are judged against: what one core of this
// machine does with the foundation's primitives.
//
//   ed25519_sign_per_s, ed25519_verify_per_s   libsodium, 200-byte messages
//   blake2b_mb_per_s                           BLAKE2b-256 over 1 MiB buffers
//   argon2id_db_key_ms                         deriving a database key from a passphrase
//   durable_commits_per_s, commit_p99_ms       one-row transactions on an encrypted
//                                              database with synchronous=FULL
//
// Every loop is bounded by a count; each figure is the median of 3 runs.

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <vector>

#include "crypto/crypto.h"
#include "storage/database.h"

namespace {

using Clock = std::chrono::steady_clock;
using yimen::Bytes;
namespace crypto = yimen::crypto;

double seconds_since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

template <typename F>
double median_of_3(F run) {
  std::vector<double> v = {run(), run(), run()};
  std::sort(v.begin(), v.end());
  return v[1];
}

void must(const yimen::Status& s, const char* what) {
  if (!s.ok()) {
    std::fprintf(stderr, "foundation_bench: %s: %s\n", what, s.message().c_str());
    std::exit(1);
  }
}

}  // namespace

int main() {
  const auto key = crypto::NodeKey::generate();
  const Bytes msg(200, 0x42);

  constexpr int kSigns = 20000;
  std::vector<crypto::Signature> sigs(kSigns);
  const double sign = median_of_3([&] {
    const auto t = Clock::now();
    for (int i = 0; i < kSigns; ++i)
      sigs[static_cast<size_t>(i)] = key.sign(crypto::kEventDomain, msg);
    return kSigns / seconds_since(t);
  });
  const double verify = median_of_3([&] {
    const auto t = Clock::now();
    int ok = 0;
    for (int i = 0; i < kSigns; ++i) {
      ok +=
          crypto::verify(crypto::kEventDomain, key.public_key(), msg, sigs[static_cast<size_t>(i)]);
    }
    if (ok != kSigns) std::exit(1);
    return kSigns / seconds_since(t);
  });

  const Bytes big(1 << 20, 0x17);
  const double blake = median_of_3([&] {
    const auto t = Clock::now();
    for (int i = 0; i < 200; ++i) (void)crypto::blake2b_256(big);
    return 200.0 / seconds_since(t);
  });

  const auto salt = crypto::new_kdf_salt();
  const double argon_ms = median_of_3([&] {
    const auto t = Clock::now();
    if (!crypto::derive_database_key("bench passphrase", salt).ok()) std::exit(1);
    return seconds_since(t) * 1000;
  });

  const auto dir = std::filesystem::temp_directory_path() / "yimen-foundation-bench";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  const auto db_key = crypto::generate_database_key();
  yimen::storage::OpenOptions create;
  create.create = true;
  auto db = yimen::storage::Database::open(
      dir / "bench.db", std::span<const std::uint8_t, 32>(db_key.data(), 32), create);
  must(db.status(), "open");
  must(db->exec("CREATE TABLE t (id INTEGER PRIMARY KEY, body BLOB NOT NULL)"), "create");
  constexpr int kCommits = 500;
  std::vector<double> latencies;
  const double commits = median_of_3([&] {
    latencies.clear();
    const auto t = Clock::now();
    for (int i = 0; i < kCommits; ++i) {
      const auto t0 = Clock::now();
      auto tx = db->begin();
      must(tx.status(), "begin");
      auto stmt = db->prepare("INSERT INTO t (body) VALUES (?)");
      must(stmt.status(), "prepare");
      stmt->bind_blob(1, msg);
      must(stmt->run(), "insert");
      must(tx->commit(), "commit");
      latencies.push_back(seconds_since(t0) * 1000);
    }
    return kCommits / seconds_since(t);
  });
  std::sort(latencies.begin(), latencies.end());
  const double p99 = latencies[latencies.size() * 99 / 100];
  std::filesystem::remove_all(dir);

  std::printf("ed25519_sign_per_s=%.0f\n", sign);
  std::printf("ed25519_verify_per_s=%.0f\n", verify);
  std::printf("blake2b_mb_per_s=%.0f\n", blake);
  std::printf("argon2id_db_key_ms=%.0f\n", argon_ms);
  std::printf("durable_commits_per_s=%.0f\n", commits);
  std::printf("commit_p99_ms=%.2f\n", p99);
  return 0;
}
