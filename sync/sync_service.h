#pragma once

// Replication over ZeroMQ (DESIGN.md sections 3, 4 and 9). One thread runs
// the links of this node: a DEALER to its parent, a ROUTER (with its ZAP
// handler) for its children. Received batches are verified on this thread
// and handed to the writer, which appends, applies and durably commits them
// with the new checkpoint while the next batch is verified; the ack goes out
// only after that commit. Whatever the log gains is forwarded at once.
//
// Per link and direction the sender keeps at most `window` batches
// unacknowledged, each bounded by count and bytes; a batch unacknowledged for
// `ack_timeout` is sent again from the last acknowledged position (the
// receiver takes duplicates as no-ops).

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/region_code.h"
#include "common/status.h"
#include "crypto/crypto.h"
#include "storage/database.h"
#include "storage/writer.h"
#include "sync/event_log.h"
#include "sync/link_message.h"

namespace yimen::sync {

struct SyncOptions {
  struct Parent {
    std::string endpoint;   // tcp://HOST:PORT
    RegionCode id;          // the parent's region code
    crypto::PublicKey key;  // the parent's Ed25519 key (its CurveZMQ key is derived)
  };

  explicit SyncOptions(RegionCode self_id) : self(std::move(self_id)) {}

  RegionCode self;
  std::string software;               // "yimen 0.1.0"
  Bytes log_epoch;                    // this node's log epoch
  std::optional<std::string> listen;  // bind for children
  std::optional<Parent> parent;
  bool recovering = false;  // restored from a backup: get own events back first

  std::chrono::milliseconds heartbeat{1000};
  std::chrono::milliseconds dead_after{5000};
  std::chrono::milliseconds ack_timeout{10000};
  std::chrono::milliseconds backoff_min{200};
  std::chrono::milliseconds backoff_max{10000};
  std::chrono::milliseconds status_every{2000};
  std::size_t batch_events = 500;
  std::size_t batch_bytes = 1u << 20;
  std::size_t window = 8;
};

// The link to the parent or to one child, as the status shows it.
struct LinkView {
  RegionCode peer;
  bool parent = false;
  bool up = false;
  std::int64_t last_contact_ms = 0;  // wall clock; 0 never
  std::int64_t backlog = 0;          // positions of this log not yet acknowledged by the peer
  std::int64_t clock_offset_ms = 0;  // this node's clock minus the peer's
  std::string software;
};

class SyncService {
 public:
  // Which enrolled child holds this CurveZMQ public key (called on the sync
  // thread for each incoming connection).
  using ChildLookup = std::function<std::optional<RegionCode>(const crypto::PublicKey& curve_key)>;
  // Called on the writer thread, in a transaction, once a recovering node
  // holds everything its parent had when it connected.
  using Recovered = std::function<Status()>;
  using WallClock = std::function<std::int64_t()>;  // Unix milliseconds

  // Borrows `key`, `writer`, `write_db` (used only inside writer jobs) and
  // `log` (likewise); owns `reader`, a connection of its own.
  SyncService(SyncOptions options, const crypto::NodeKey& key, storage::Writer& writer,
              storage::Database& write_db, EventLog& log, storage::Database reader,
              ChildLookup children, Recovered recovered, WallClock clock);
  ~SyncService();  // stops
  SyncService(const SyncService&) = delete;
  SyncService& operator=(const SyncService&) = delete;

  // Binds and connects, then runs the links on their own thread. Fails when
  // the listen address cannot be bound.
  Status start();
  void stop();

  // The log gained events (a local command committed): forward them now.
  // Thread-safe.
  void log_advanced();

  // Current links, refused count. Thread-safe.
  std::vector<LinkView> links() const;
  std::int64_t refused() const;
  // Second connections refused for a child that was linked, and checkpoints
  // found beyond the head a child announced: signs of a copied key. Thread-safe.
  std::int64_t conflicts() const;
  bool recovering() const;

 private:
  struct Loop;
  std::unique_ptr<Loop> loop_;
};

}  // namespace yimen::sync
