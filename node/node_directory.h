#pragma once

// A node's data directory and what is in it:
//
//   node.toml      configuration (config/node.example.toml)
//   node.key       the node's Ed25519 key, mode 0600
//   hall.db        the encrypted database (SQLCipher)
//   db.key         the database key, mode 0600 — or, with a passphrase,
//   hall.db.salt   the Argon2id salt and cost for deriving it
//   yimen.lock     the lock of the process writing hall.db (node/data_lock.h)

#include <filesystem>

#include "common/status.h"
#include "config/node_config.h"
#include "crypto/crypto.h"
#include "node/data_lock.h"
#include "node/node_store.h"
#include "storage/database.h"

namespace yimen::node {

class NodeDirectory {
 public:
  explicit NodeDirectory(std::filesystem::path dir) : dir_(std::move(dir)) {}

  const std::filesystem::path& dir() const { return dir_; }
  std::filesystem::path config_path() const { return dir_ / "node.toml"; }
  std::filesystem::path key_path() const { return dir_ / "node.key"; }
  std::filesystem::path database_path() const { return dir_ / "hall.db"; }
  std::filesystem::path database_key_path() const { return dir_ / "db.key"; }
  std::filesystem::path kdf_salt_path() const { return dir_ / "hall.db.salt"; }

  // True when any file of a node is present (init refuses to overwrite it).
  bool holds_a_node() const;

  // Reads node.toml. NotFound with a hint when the directory holds no node.
  Result<config::NodeConfig> load_config() const;

  // Takes the directory's lock for a command that writes hall.db directly (DataLock::acquire):
  // the held lock, NotFound with load_config()'s hint when the directory holds no node (no lock
  // file is created then), kFailedPrecondition while the node runs.
  Result<DataLock> lock() const;

  // Reads node.key (refused when group or others can read it).
  Result<crypto::NodeKey> load_key() const;

  // The database key: from db.key, or Argon2id over the passphrase in the
  // environment variable that the config names (InvalidArgument when unset).
  Result<crypto::SecretBytes> database_key(const config::NodeConfig& config) const;

  // Opens hall.db with its key and brings every schema up to date.
  Result<storage::Database> open_database(const config::NodeConfig& config) const;

  // Brings every schema component of a node's database up to date: the node's
  // own records, the event log, the hall's projections, the user accounts.
  static Status migrate_schema(storage::Database& db);

  // Replaces node.toml atomically (temporary file, fsync, rename).
  Status write_config(const config::NodeConfig& config) const;

 private:
  std::filesystem::path dir_;
};

// Everything a command needs of an existing node. Not movable once a Hall
// borrows its database and key.
struct OpenNode {
  NodeDirectory dir;
  config::NodeConfig config;
  crypto::NodeKey key;
  storage::Database db;
  NodeIdentity identity;
};

// Opens the node in `dir`: its config, key and database, and checks that
// the key is the one the database was created with.
Result<OpenNode> open_node(const std::filesystem::path& dir);

// Milliseconds since the Unix epoch on the node's wall clock: the system clock,
// moved back by YIMEN_CLOCK_SHIFT_DAYS whole days when that environment
// variable is set (1 to 3650). The shift exists for demo history only
// (scripts/demo creates its city dated a month back so that some cases are
// overdue); it applies to every command of the process, `yimen run` included,
// and the first call prints a warning to standard error. Event times only
// move forward (the HLC), so a node run later without the shift simply
// continues at the real time. Thread-safe.
std::int64_t system_clock_ms();

}  // namespace yimen::node
