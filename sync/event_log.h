#pragma once

// The event log (DESIGN.md sections 2 and 3): every event a node holds, in
// the order it was stored (`local_seq`), with the checks that decide whether
// an event is applied, waits, is quarantined or is fork evidence.
//
// Checks on append, in order:
//   1. duplicate id                         -> no-op
//   2. signer: a key certified for the origin, up to the city root, valid at
//      the event's time, not revoked before this seq (an unknown key waits
//      for its certificate; anything else that fails is quarantined)
//   3. origin forked at or before this seq  -> kept as fork evidence only;
//      another event holds (origin, seq)    -> fork: both kept, the origin's
//                                              events from seq on are taken out
//                                              of the projections (rebuilt)
//   4. chain: in this node's subtree seq must follow the held head (a gap
//      waits for the missing event); elsewhere prev must match wherever the
//      predecessor is held
//   5. trust bodies (certificates, revocations) are checked here; other
//      bodies by the EventSink (single writer per object, dependencies)
// Then the event is stored and, if its body is known, applied, and every
// pending event that was waiting for it is tried again.
//
// Dependencies are named by strings: "event:<origin>:<seq>", "key:<hex>",
// and whatever the sink names (e.g. "case:<number>").

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/region_code.h"
#include "common/status.h"
#include "crypto/certificate.h"
#include "storage/database.h"
#include "sync/event.h"

namespace yimen::sync {

// What the application does with events (implemented by the hall). Called
// only by EventLog, inside the caller's transaction, on the writer thread.
class EventSink {
 public:
  struct Admission {
    enum class Verdict { kAccept, kWait, kReject };
    Verdict verdict = Verdict::kAccept;
    std::string detail;  // kWait: the dependency key; kReject: the reason

    static Admission accept() { return {}; }
    static Admission wait_for(std::string dependency) {
      return {Verdict::kWait, std::move(dependency)};
    }
    static Admission reject(std::string reason) { return {Verdict::kReject, std::move(reason)}; }
  };

  virtual ~EventSink() = default;

  // Whether the origin may emit this body for its object, given the state
  // the projections hold now. Only called for body types the sink handles.
  virtual Admission admit(const DecodedEvent& event) = 0;

  // Applies an admitted event to the projections. Never emits events. An
  // error aborts the caller's transaction.
  virtual Status apply(const DecodedEvent& event) = 0;

  // Dependency keys this event satisfies besides "event:<origin>:<seq>".
  virtual std::vector<std::string> provides(const DecodedEvent& event) = 0;

  // Empties every projection, before a rebuild replays the log.
  virtual Status reset() = 0;
};

enum class AppendOutcome {
  kApplied,       // stored and applied
  kStored,        // stored and forwarded, applied to nothing (a body this version does not know)
  kDuplicate,     // already held; nothing changed
  kPending,       // waits for a dependency; retried when it arrives
  kQuarantined,   // can never become valid; kept with the reason, never forwarded
  kForkEvidence,  // a second event for an (origin, seq), or a later event of a forked origin
};

const char* append_outcome_name(AppendOutcome outcome);

struct AppendResult {
  AppendOutcome outcome = AppendOutcome::kApplied;
  std::string detail;          // the dependency waited for, or the quarantine reason
  std::int64_t local_seq = 0;  // for kApplied and kStored
  std::size_t released = 0;    // pending events applied because this one arrived
};

struct StoredEvent {
  std::int64_t local_seq = 0;
  Bytes envelope;  // empty when read() was asked to leave it out
};

struct Head {
  std::uint64_t seq = 0;
  crypto::Digest id{};
};

struct ForkReport {
  RegionCode origin;
  std::uint64_t seq = 0;
  std::size_t events = 0;  // how many different events claim (origin, seq)
};

// Not thread-safe: owned by the writer thread. Borrows `db` and `sink`,
// which must outlive it.
class EventLog {
 public:
  // Brings the "sync" schema component up to date.
  static Status migrate(storage::Database& db);

  EventLog(storage::Database& db, RegionCode self, EventSink& sink);

  // Makes `certificate` a trust anchor (the city root), or records a
  // certificate verified by other means (the node's own chain at enrolment),
  // with the seq of the issuer's event that published it when that is known.
  // Must run inside a transaction.
  Status add_trust_anchor(const crypto::Certificate& root);
  Status add_certificate(const crypto::Certificate& certificate,
                         std::optional<std::uint64_t> issued_seq = std::nullopt);

  // Appends a received or locally made event. Must run inside a transaction
  // (the caller commits, durably, before acknowledging anything). `now` is
  // the receiver's clock in Unix seconds, recorded with the event.
  Result<AppendResult> append(DecodedEvent event, std::int64_t now);

  // Signs `draft` as this node (next seq, prev = own head, a fresh HLC from
  // `wall_ms`) and appends it. Must run inside a transaction. Returns the
  // result; an event of its own that is not applied is an error (Internal or
  // the sink's reason as InvalidArgument).
  Result<AppendResult> emit(const EventDraft& draft, const crypto::NodeKey& key,
                            std::int64_t wall_ms);

  // Events with local_seq > `after`, in order, at most `limit` of them.
  Result<std::vector<StoredEvent>> read_from(std::int64_t after, std::size_t limit);
  // The same over any connection to the database (a reader's, on another thread).
  // The envelopes of events that originated in `except_from` (the subtree of a
  // child the events came from) are left out: their positions still count.
  static Result<std::vector<StoredEvent>> read(storage::Database& db, std::int64_t after,
                                               std::size_t limit,
                                               const RegionCode* except_from = nullptr);

  // Quarantines received bytes that are not a verifiable event at all (bad
  // signature, malformed), keyed by their hash. Must run inside a transaction.
  Status quarantine_undecodable(ByteView envelope, const std::string& reason, std::int64_t now);

  // The highest contiguous event held from `origin`, nullopt if none.
  Result<std::optional<Head>> head(const RegionCode& origin);

  // Empties the projections and applies every stored event again in
  // local_seq order (skipping forked origins from their fork on).
  Status rebuild();

  // Drops what the log caches of the database, after a rollback undid
  // changes the caches may have seen.
  void forget_cached_state();

  Result<std::size_t> pending_count();
  Result<std::size_t> quarantined_count();
  Result<std::vector<ForkReport>> forks();

 private:
  Result<AppendResult> append_one(DecodedEvent& event, std::int64_t now,
                                  std::vector<std::string>& satisfied);
  Result<EventSink::Admission> check_signer(const DecodedEvent& event);
  Result<const std::map<std::string, std::int64_t>*> forked_origins();
  struct HeldHead {
    std::uint64_t seq = 0;  // 0: nothing held
    Bytes id;
  };
  // The highest seq held from `origin` and its id (cached; events are only
  // ever added to the log).
  Result<const HeldHead*> highest_held(const RegionCode& origin);
  // Whether the pending, quarantine and fork-evidence tables are all empty.
  Result<bool> set_aside_is_empty();
  // The chain from `leaf` up to a self-signed root, or the dependency it
  // waits for (an empty chain and no dependency: too long).
  struct Chain {
    std::vector<crypto::Certificate> certificates;  // leaf first
    std::vector<std::uint64_t> issued_seq;          // each one's, as certified_key records it
  };
  Result<std::pair<Chain, std::string>> find_chain(const crypto::PublicKey& leaf);
  Result<EventSink::Admission> admit_trust(const DecodedEvent& event);
  Status apply_trust(const DecodedEvent& event);
  Status apply_event(const DecodedEvent& event);
  Status record_fork(const DecodedEvent& event, std::int64_t now);
  // Inserts (id, origin, seq, why, envelope, received_at) with `insert_sql`.
  Status set_aside(std::string_view insert_sql, const DecodedEvent& event, const std::string& why,
                   std::int64_t now);
  Result<AppendResult> park(const DecodedEvent& event, const std::string& waiting_for,
                            std::int64_t now);
  Result<AppendResult> quarantine(const DecodedEvent& event, const std::string& reason,
                                  std::int64_t now);
  Result<std::size_t> release(std::vector<std::string> satisfied, std::int64_t now);

  storage::Database& db_;
  RegionCode self_;
  EventSink& sink_;
  std::uint64_t last_hlc_ = 0;
  bool hlc_loaded_ = false;
  // Caches of what check_signer reads for every event. Certificates verify
  // themselves, so a cached one is never wrong about its content; the
  // revocations are reloaded whenever one is applied.
  std::map<crypto::PublicKey, Chain> chains_;  // by leaf key
  std::optional<crypto::PublicKey> trust_anchor_;
  std::optional<std::vector<crypto::Revocation>> revocations_;
  std::optional<std::map<std::string, std::int64_t>> forked_;  // origin -> from seq
  // Whether the pending table is empty, once known: an empty one has nothing to release.
  std::optional<bool> pending_empty_;
  std::optional<bool> set_aside_empty_;
  std::map<std::string, HeldHead> highest_;  // by origin
};

}  // namespace yimen::sync
