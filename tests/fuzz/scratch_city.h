#pragma once

// A scratch city for the harnesses that need halls (fuzz_event, fuzz_licence,
// fuzz_http) and for the seed generator: a city, a county, a town and a
// village, each a real hall::Hall over its own SQLCipher database in a fresh
// directory under $TMPDIR, all certified up to the city root, with a history
// built by the halls' own commands (calendar, catalogue, cases in every
// state, a licence, a complaint, a question, a notice, a booking, a
// supervision order, a poor rating), every event delivered to every node.
//
// Deterministic: use_deterministic_randomness() must run before anything
// touches libsodium, and then the keys, the query codes and their hashes, and
// so every event's bytes and id, are the same in every process that builds
// the city. That is what lets the seeds in corpus/fuzz_event (written by
// fuzz_seed_corpus from one such city) chain onto the history a harness builds
// in its own process.
//
// Not thread-safe. Aborts with a message when the history cannot be built:
// a harness without it would fuzz nothing.

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/bytes.h"
#include "common/region_code.h"
#include "crypto/crypto.h"
#include "node/hall/hall.h"
#include "storage/database.h"

namespace yimen::fuzz {

inline constexpr const char* kCity = "441800000000";
inline constexpr const char* kCounty = "441802000000";
inline constexpr const char* kTown = "441802001000";
inline constexpr const char* kVillage = "441802001001";
// The dibao item of config/catalogue.example.toml, handled by the county.
inline constexpr const char* kDibao = "JF-00105-000-441802000000";
// A resident of the village (a valid GB 11643 number).
inline constexpr const char* kApplicantId = "11010519491231002X";

// Makes libsodium's random source a fixed-seed stream (randombytes_set_implementation).
// Call once, first thing in the process, before any libsodium use; aborts otherwise.
void use_deterministic_randomness();

// Unix milliseconds of 09:00 China Standard Time on `date` (YYYY-MM-DD).
std::int64_t morning(const char* date);

// Aborts with `what` and the status's message unless `status` is OK.
void require(const Status& status, std::string_view what);

class ScratchCity {
 public:
  struct Node {
    Node(RegionCode region, const std::filesystem::path& db_path,
         const std::function<std::int64_t()>& clock);
    RegionCode region;
    crypto::NodeKey key;
    storage::Database db;
    hall::Hall hall;
  };

  // Cases of the history, by what was done with them (numbers as the halls gave them).
  struct Cases {
    std::string submitted;  // only submitted at the village
    std::string accepted;   // accepted by the county; overdue, under a supervision order
    std::string overdue;    // accepted by the county; overdue, no order yet
    std::string approved;   // approved; licence issued for it (licence_no)
    std::string finished;   // result issued; rated poorly at the village
    std::string issued;     // result issued, not rated, no licence
  };

  // Builds the city and its history in a fresh directory under $TMPDIR.
  ScratchCity();
  ~ScratchCity();
  ScratchCity(const ScratchCity&) = delete;
  ScratchCity& operator=(const ScratchCity&) = delete;

  Node& node(std::string_view id);
  // The node that receives fuzzed events: the city, which holds everything.
  Node& receiver() { return node(kCity); }
  // The key of `origin`'s node, nullptr for a code that is not one of the city's nodes.
  const crypto::NodeKey* key_of(std::string_view origin);

  // Runs `command` at node `id` (it runs its own transactions) and delivers
  // every event it emitted to every other node. Aborts when it fails.
  void run(std::string_view id, const std::function<Status(hall::Hall&)>& command,
           std::string_view what);

  // Runs `command` at node `id` inside a transaction that is rolled back, and
  // returns the envelopes of the events it emitted (the node's next events,
  // delivered nowhere). The node's caches are dropped afterwards.
  Result<std::vector<Bytes>> emitted_by(std::string_view id,
                                        const std::function<Status(hall::Hall&)>& command);

  const Cases& cases() const { return cases_; }
  const std::string& licence_no() const { return licence_no_; }
  const std::string& complaint_no() const { return complaint_no_; }
  const std::string& question_no() const { return question_no_; }
  const std::string& notice_no() const { return notice_no_; }
  const std::string& booking_no() const { return booking_no_; }
  const std::string& order_no() const { return order_no_; }
  const hall::ServiceItem& dibao() const { return dibao_; }
  const std::filesystem::path& directory() const { return dir_; }

  // The hall's clock, Unix milliseconds; every node reads it.
  std::int64_t clock_ms = 0;

 private:
  void certify();
  void build_history();
  void deliver_from(Node& from);

  std::filesystem::path dir_;
  std::map<std::string, std::unique_ptr<Node>, std::less<>> nodes_;
  // How many events of each node's log were delivered already.
  std::map<std::string, std::int64_t, std::less<>> delivered_;
  Cases cases_;
  hall::ServiceItem dibao_;
  std::string licence_no_, complaint_no_, question_no_, notice_no_, booking_no_, order_no_;
};

}  // namespace yimen::fuzz
