#include "node/node_directory.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>

#include "common/log.h"
#include "node/hall/hall.h"
#include "node/hall/users.h"
#include "node/node_store.h"
#include "sync/link_store.h"

namespace yimen::node {
namespace {

Status no_node_in(const std::filesystem::path& dir) {
  return not_found(dir.string() + " holds no node (no node.toml); create one with yimen init");
}

// YIMEN_CLOCK_SHIFT_DAYS in milliseconds (see system_clock_ms), 0 when unset;
// an unusable value is ignored with a warning.
std::int64_t clock_shift_ms() {
  const char* text = std::getenv("YIMEN_CLOCK_SHIFT_DAYS");
  if (text == nullptr || *text == '\0') return 0;
  const std::string value = text;
  if (value.size() > 4 || value.find_first_not_of("0123456789") != std::string::npos ||
      std::stoi(value) < 1 || std::stoi(value) > 3650) {
    log::warn("clock", "YIMEN_CLOCK_SHIFT_DAYS=" + value.substr(0, 16) +
                           " ignored: expected whole days from 1 to 3650");
    return 0;
  }
  const int days = std::stoi(value);
  log::warn("clock", "YIMEN_CLOCK_SHIFT_DAYS=" + value + ": this process runs " + value +
                         " days in the past (demo history only)");
  return static_cast<std::int64_t>(days) * 86'400'000;
}

}  // namespace

bool NodeDirectory::holds_a_node() const {
  std::error_code ec;
  for (const auto& p :
       {config_path(), key_path(), database_path(), database_key_path(), kdf_salt_path()}) {
    if (std::filesystem::exists(p, ec)) return true;
  }
  return false;
}

Result<config::NodeConfig> NodeDirectory::load_config() const {
  std::error_code ec;
  if (!std::filesystem::exists(config_path(), ec)) {
    return no_node_in(dir_);
  }
  return config::load_node_config(config_path());
}

Result<DataLock> NodeDirectory::lock() const {
  std::error_code ec;
  if (!std::filesystem::exists(config_path(), ec)) {
    return no_node_in(dir_);
  }
  return DataLock::acquire(dir_);
}

Result<crypto::NodeKey> NodeDirectory::load_key() const {
  return crypto::NodeKey::load(key_path());
}

Result<crypto::SecretBytes> NodeDirectory::database_key(const config::NodeConfig& config) const {
  if (!config.storage.passphrase_env) return crypto::load_database_key(database_key_path());
  const std::string& var = *config.storage.passphrase_env;
  const char* passphrase = std::getenv(var.c_str());
  if (passphrase == nullptr || *passphrase == '\0') {
    return invalid_argument("the database passphrase is expected in environment variable " + var +
                            ", which is not set");
  }
  YIMEN_ASSIGN_OR_RETURN(auto salt, crypto::load_kdf_salt(kdf_salt_path()));
  return crypto::derive_database_key(passphrase, salt);
}

Result<storage::Database> NodeDirectory::open_database(const config::NodeConfig& config) const {
  YIMEN_ASSIGN_OR_RETURN(auto key, database_key(config));
  storage::OpenOptions options;
  options.busy_timeout_ms = config.storage.busy_timeout_ms;
  YIMEN_ASSIGN_OR_RETURN(
      auto db, storage::Database::open(database_path(),
                                       std::span<const std::uint8_t, 32>(key.data(), 32), options));
  YIMEN_TRY(migrate_schema(db));
  return db;
}

Status NodeDirectory::migrate_schema(storage::Database& db) {
  YIMEN_TRY(migrate_node_schema(db));
  YIMEN_TRY(hall::Hall::migrate(db));
  YIMEN_TRY(sync::migrate_link_schema(db));
  return hall::UserDirectory::migrate(db);
}

Result<OpenNode> open_node(const std::filesystem::path& path) {
  NodeDirectory dir{path};
  YIMEN_ASSIGN_OR_RETURN(auto config, dir.load_config());
  YIMEN_ASSIGN_OR_RETURN(auto key, dir.load_key());
  YIMEN_ASSIGN_OR_RETURN(auto db, dir.open_database(config));
  YIMEN_ASSIGN_OR_RETURN(auto identity, load_identity(db));
  if (identity.public_key != key.public_key()) {
    return failed_precondition("node.key is not the key this node's database was created with");
  }
  return OpenNode{std::move(dir), std::move(config), std::move(key), std::move(db),
                  std::move(identity)};
}

std::int64_t system_clock_ms() {
  static const std::int64_t shift_ms = clock_shift_ms();
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
             .count() -
         shift_ms;
}

Status NodeDirectory::write_config(const config::NodeConfig& config) const {
  YIMEN_ASSIGN_OR_RETURN(const std::string text, config::render_node_config(config));
  const auto tmp = dir_ / "node.toml.tmp";
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640);
  if (fd < 0) return io_error("cannot write " + tmp.string() + ": " + std::strerror(errno));
  size_t done = 0;
  bool ok = true;
  while (ok && done < text.size()) {
    const ssize_t w = ::write(fd, text.data() + done, text.size() - done);
    if (w < 0 && errno == EINTR) continue;
    ok = w > 0;
    if (ok) done += static_cast<size_t>(w);
  }
  ok = ok && ::fsync(fd) == 0;
  ok = (::close(fd) == 0) && ok;
  if (!ok || std::rename(tmp.c_str(), config_path().c_str()) != 0) {
    const std::string why = std::strerror(errno);
    std::filesystem::remove(tmp);
    return io_error("cannot write " + config_path().string() + ": " + why);
  }
  const int dfd = ::open(dir_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd < 0 || ::fsync(dfd) != 0) {
    if (dfd >= 0) ::close(dfd);
    return io_error("cannot sync " + dir_.string());
  }
  ::close(dfd);
  return {};
}

}  // namespace yimen::node
