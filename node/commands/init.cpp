// yimen init: creates a node's data directory.

#include <sys/stat.h>

#include <cstdlib>
#include <ostream>

#include "common/text.h"
#include "crypto/certificate.h"
#include "node/commands/command.h"
#include "node/hall/hall.h"
#include "node/node_directory.h"
#include "node/node_store.h"

namespace yimen::node {
namespace {

// A city root certificate is valid for 20 years (DESIGN.md section 4 leaves
// the period to us; rotation is a re-enrolment).
constexpr std::int64_t kRootValiditySeconds = 20LL * 365 * 24 * 3600;

// Removes what a failed init created, so a second try starts clean.
class InitRollback {
 public:
  InitRollback(std::filesystem::path dir, bool created_dir)
      : dir_(std::move(dir)), created_dir_(created_dir) {}
  ~InitRollback() {
    if (done_) return;
    std::error_code ec;
    if (created_dir_) {
      std::filesystem::remove_all(dir_, ec);
    } else {
      for (const char* f : {"node.toml", "node.toml.tmp", "node.key", "hall.db", "hall.db-wal",
                            "hall.db-shm", "db.key", "hall.db.salt"}) {
        std::filesystem::remove(dir_ / f, ec);
      }
    }
  }
  InitRollback(const InitRollback&) = delete;
  InitRollback& operator=(const InitRollback&) = delete;
  void keep() { done_ = true; }

 private:
  std::filesystem::path dir_;
  bool created_dir_;
  bool done_ = false;
};

}  // namespace

Status run_init(const CommandArgs& args, CommandContext& ctx) {
  YIMEN_ASSIGN_OR_RETURN(const std::string dir_text, args.required("--data", "DIR"));
  YIMEN_ASSIGN_OR_RETURN(const std::string id_text, args.required("--id", "CODE"));
  YIMEN_ASSIGN_OR_RETURN(const std::string name, args.required("--name", "NAME"));
  auto id = RegionCode::parse(id_text);
  if (!id.ok()) return id.status().with_context("--id");
  if (!is_valid_node_name(name)) return invalid_argument("--name: expected 1 to 200 bytes of text");
  const bool root = args.flag("--root");
  if (root && id->level() != RegionLevel::kCity) {
    return invalid_argument("--root: " + id->str() + " is a " + region_level_name(id->level()) +
                            "; only a city node holds the root key");
  }
  if (!root && id->level() == RegionLevel::kCity) {
    return invalid_argument(id->str() + " is a city: the city node is the root; add --root");
  }

  config::NodeConfig config{*id, name, {}, {}, {}, {}, {}};
  std::string passphrase;
  if (auto var = args.option("--passphrase-env")) {
    const char* value = std::getenv(var->c_str());
    if (value == nullptr || *value == '\0') {
      return invalid_argument("--passphrase-env: environment variable " + *var + " is not set");
    }
    config.storage.passphrase_env = *var;
  }

  const NodeDirectory dir{std::filesystem::path(dir_text)};
  std::error_code ec;
  const bool existed = std::filesystem::exists(dir.dir(), ec);
  if (existed) {
    if (!std::filesystem::is_directory(dir.dir(), ec)) {
      return already_exists(dir_text + " exists and is not a directory");
    }
    if (dir.holds_a_node()) {
      return already_exists(dir_text + " already holds a node; refusing to overwrite it");
    }
    if (!std::filesystem::is_empty(dir.dir(), ec)) {
      return already_exists(dir_text + " is not empty; init wants a new or empty directory");
    }
  } else if (!std::filesystem::create_directories(dir.dir(), ec)) {
    return io_error("cannot create " + dir_text + ": " + ec.message());
  }
  ::chmod(dir.dir().c_str(), 0700);
  InitRollback rollback(dir.dir(), !existed);

  const crypto::NodeKey key = crypto::NodeKey::generate();
  YIMEN_TRY(key.save(dir.key_path()));
  if (config.storage.passphrase_env) {
    YIMEN_TRY(crypto::save_kdf_salt(dir.kdf_salt_path(), crypto::new_kdf_salt()));
  } else {
    YIMEN_TRY(crypto::save_database_key(dir.database_key_path(), crypto::generate_database_key()));
  }
  YIMEN_ASSIGN_OR_RETURN(auto db_key, dir.database_key(config));
  storage::OpenOptions options;
  options.create = true;
  options.busy_timeout_ms = config.storage.busy_timeout_ms;
  YIMEN_ASSIGN_OR_RETURN(
      auto db,
      storage::Database::open(dir.database_path(),
                              std::span<const std::uint8_t, 32>(db_key.data(), 32), options));
  YIMEN_TRY(NodeDirectory::migrate_schema(db));
  {
    YIMEN_ASSIGN_OR_RETURN(auto tx, db.begin());
    Bytes epoch(16);
    crypto::random_fill(epoch);
    const std::int64_t now = ctx.now();
    YIMEN_TRY(save_identity(db, NodeIdentity{*id, name, key.public_key(), epoch, now}));
    if (root) {
      YIMEN_ASSIGN_OR_RETURN(auto cert,
                             crypto::Certificate::issue(*id, name, key.public_key(), now,
                                                        now + kRootValiditySeconds, *id, key));
      YIMEN_TRY(save_chain(db, {cert}));
      hall::Hall hall(db, *id, key, system_clock_ms);
      YIMEN_TRY(hall.log().add_trust_anchor(cert));
    }
    YIMEN_TRY(tx.commit());
  }
  YIMEN_TRY(dir.write_config(config));
  rollback.keep();

  ctx.out << "initialised " << region_level_name(id->level()) << " node " << id->str() << " in "
          << dir_text << "\n"
          << "key fingerprint: " << crypto::fingerprint(key.public_key()) << "\n";
  if (root) {
    ctx.out << "this node is the city root; publish the fingerprint above so that every node "
               "can check it when it enrols\n";
  } else {
    ctx.out << "next: yimen enrol request --data " << dir_text
            << ", and take the token to the parent node " << id->parent()->str() << "\n";
  }
  return {};
}

}  // namespace yimen::node
