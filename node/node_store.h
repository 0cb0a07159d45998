#pragma once

// The node's own records in hall.db (schema component "node"): its identity,
// its certificate chain up to the city root, and the children it enrolled.

#include <optional>
#include <string>
#include <vector>

#include "common/region_code.h"
#include "crypto/certificate.h"
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

}  // namespace yimen::node
