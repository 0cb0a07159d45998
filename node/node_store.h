#pragma once

// The node's own records in hall.db (schema component "node"): its identity,
// its certificate chain up to the city root, the children it enrolled,
// whether it is recovering after a restore (DESIGN.md section 4), and the
// epochs of its audit log those restores began.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/region_code.h"
#include "crypto/certificate.h"
#include "node/hall/audit_log.h"
#include "storage/database.h"

namespace yimen::node {

struct NodeIdentity {
  RegionCode id;
  std::string name;
  crypto::PublicKey public_key{};
  Bytes log_epoch;  // random id of this database's log (DESIGN.md section 3)
  std::int64_t created_at = 0;
};

struct EnrolledChild {
  RegionCode id;
  std::string name;
  crypto::PublicKey public_key{};
  Bytes certificate;
  std::int64_t enrolled_at = 0;
};

// Brings the "node" schema component up to date.
Status migrate_node_schema(storage::Database& db);

// Records the identity; AlreadyExists when one is recorded.
Status save_identity(storage::Database& db, const NodeIdentity& identity);
// NotFound when the database records no identity (not a node's database).
Result<NodeIdentity> load_identity(storage::Database& db);

// Replaces the node's own chain (leaf first, root last).
Status save_chain(storage::Database& db, const std::vector<crypto::Certificate>& chain);
// The stored chain, empty when the node is not enrolled yet.
Result<std::vector<crypto::Certificate>> load_chain(storage::Database& db);

Status save_child(storage::Database& db, const EnrolledChild& child);
Result<std::optional<EnrolledChild>> find_child(storage::Database& db, const RegionCode& id);
// Forgets an enrolled child (its key was revoked): its link is refused from then on and a new
// key may be enrolled for it. NotFound when it is not enrolled.
Status remove_child(storage::Database& db, const RegionCode& id);

// Replaces the identity's log epoch (a restore starts a new one, so that peers read this
// node's log from zero again). NotFound when the database records no identity.
Status set_log_epoch(storage::Database& db, const Bytes& epoch);

// Whether the node is recovering: after a restore it first fetches its own newer events from
// its parent and accepts no writes until it has them (or an administrator ends recovery).
struct RecoveryState {
  bool recovering = false;
  std::int64_t since = 0;  // Unix seconds when recovery began; 0 when not recovering
  std::string reason;      // e.g. "restored from hall-2025-01-02.db"; empty when not recovering
};

// The recorded state; not recovering when nothing was ever recorded.
Result<RecoveryState> load_recovery(storage::Database& db);
// What a recovering node's audit log is: the old log as a backup had it (its rows are kept,
// later ones lost), or a new machine's own log (none of the old log is kept).
enum class AuditLogKept { kBackupCopy, kNone };

// Marks the node recovering since `since` because of `reason` (replacing an earlier mark), and
// starts a new epoch of its audit log (hall::AuditEpoch) keeping what `kept` says.
Status begin_recovery(storage::Database& db, std::int64_t since, std::string_view reason,
                      AuditLogKept kept);
// Marks the node as not recovering (also when it was not); the own events it holds now close
// the epoch's old anchors.
Status end_recovery(storage::Database& db);
// Every epoch begun, oldest first.
Result<std::vector<hall::AuditEpoch>> load_audit_epochs(storage::Database& db);

}  // namespace yimen::node
