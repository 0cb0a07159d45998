#pragma once

// What replication keeps in the database (schema component "link"):
//
//   sync_checkpoint  per peer: the peer's log epoch and the position in that
//                    log this node durably holds (DESIGN.md section 3)
//   sync_acknowledged  per peer: the position of this node's log (and its
//                    epoch) the peer last acknowledged holding
//   sync_status      soft state: the latest status report of this node and of
//                    every node below it (never an event)

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/bytes.h"
#include "common/region_code.h"
#include "common/status.h"
#include "storage/database.h"
#include "sync/link_message.h"

namespace yimen::sync {

struct Checkpoint {
  Bytes epoch;  // empty: nothing received yet
  std::int64_t position = 0;
};

Status migrate_link_schema(storage::Database& db);

Result<Checkpoint> load_checkpoint(storage::Database& db, const std::string& peer);
Status save_checkpoint(storage::Database& db, const std::string& peer, const Checkpoint& c);

// What `peer` last acknowledged of this node's log (`epoch` is this log's
// epoch then); empty epoch when nothing was stored.
Result<Checkpoint> load_acknowledged(storage::Database& db, const std::string& peer);
Status save_acknowledged(storage::Database& db, const std::string& peer, const Checkpoint& c);

// Replaces the stored report of each node in `nodes`; `received_ms` is this
// node's clock.
Status save_status(storage::Database& db, const std::vector<NodeStatus>& nodes,
                   std::int64_t received_ms);

struct StoredStatus {
  NodeStatus status;
  std::int64_t received_ms = 0;
};
// Every stored report, by node id.
Result<std::vector<StoredStatus>> load_status(storage::Database& db);

// Of at most `limit` events after position `after` of this node's log, how
// many originated in `subtree` (they go up to the parent), and the last
// position looked at (`after` when there is none).
struct UpwardCount {
  std::int64_t upward = 0;
  std::int64_t looked_through = 0;
};
Result<UpwardCount> count_upward(storage::Database& db, const RegionCode& subtree,
                                 std::int64_t after, std::size_t limit);

// Counts this node reports of its own log.
struct LogCounts {
  std::int64_t last_local_seq = 0;
  std::int64_t quarantined = 0;
  std::int64_t pending = 0;
  std::int64_t forks = 0;
};
Result<LogCounts> count_log(storage::Database& db);

}  // namespace yimen::sync
