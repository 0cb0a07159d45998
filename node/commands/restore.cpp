// yimen restore: puts a backup of this node in place under a new log epoch and marks the node
// recovering (DESIGN.md section 4), so that it never reuses a sequence number.
//
// SQLite never opens FILE itself (it would leave -wal and -shm files beside it, and could not
// open it at all on read-only media): its bytes are copied into a scratch directory
// DIR/restore.tmp/ first, under FILE's own name so that SQLite's messages name it. Then, in an
// order chosen so that a crash at any point never leaves hall.db beside a -wal file of another
// database (SQLite would apply it: the same key decrypts it):
//   1. the copy is opened with the node's key and must be this node's database (same region
//      code and node key); Database::copy_to() writes it to restore.tmp/hall.db (keyed
//      identically, every page read, reopened, integrity-checked), which gets the new log epoch
//      and the recovery mark, is closed (its WAL folded into it) and synced;
//   2. the old hall.db is renamed to hall.db.before-restore-<unix time>, then its -wal and -shm
//      to that name + "-wal" / "-shm", so the old database stays whole and openable; between
//      these renames there is no hall.db, and a node does not start without one;
//   3. restore.tmp/hall.db is renamed to hall.db, the directory synced, restore.tmp removed.
// A crash before step 3 leaves the node without hall.db: running the restore again finishes it.
//
// Nothing in DIR is changed before step 2; every refusal before it leaves hall.db as it was.

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <ostream>
#include <system_error>

#include "crypto/crypto.h"
#include "node/commands/command.h"
#include "node/data_lock.h"
#include "node/node_directory.h"
#include "node/node_store.h"

namespace yimen::node {
namespace {

namespace fs = std::filesystem;

// A new log epoch has as many random bytes as the one init makes.
constexpr std::size_t kLogEpochBytes = 16;

// A database's files: the main file, its WAL and its shared-memory index.
constexpr const char* kDatabaseFiles[] = {"", "-wal", "-shm"};

fs::path with_suffix(const fs::path& p, const char* suffix) { return p.string() + suffix; }

bool path_taken(const fs::path& p) {
  std::error_code ec;
  return fs::symlink_status(p, ec).type() != fs::file_type::not_found;
}

Status errno_error(const std::string& what, const fs::path& p, int error) {
  const std::string message =
      what + " " + p.string() + ": " + std::system_category().message(error);
  if (error == ENOENT) return not_found(message);
  if (error == EACCES || error == EPERM) return permission_denied(message);
  return io_error(message);
}

// fsync() of a file or a directory.
Status sync_path(const fs::path& p, bool directory) {
  const int fd = ::open(p.c_str(), (directory ? O_RDONLY | O_DIRECTORY : O_RDWR) | O_CLOEXEC);
  if (fd < 0) return errno_error("cannot open", p, errno);
  const bool synced = ::fsync(fd) == 0;
  const int error = errno;
  ::close(fd);
  if (!synced) return errno_error("cannot sync", p, error);
  return {};
}

// Copies the bytes of the regular file `from` to the new file `to` (mode 0600).
Status copy_bytes(const fs::path& from, const fs::path& to) {
  const int in = ::open(from.c_str(), O_RDONLY | O_CLOEXEC);
  if (in < 0) return errno_error("cannot read", from, errno);
  struct stat st {};
  if (::fstat(in, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(in);
    return invalid_argument(from.string() + ": not a regular file");
  }
  const int out = ::open(to.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (out < 0) {
    const int error = errno;
    ::close(in);
    return errno_error("cannot create", to, error);
  }
  Status status;
  char buffer[1 << 16];
  for (;;) {
    const ssize_t n = ::read(in, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      status = errno_error("cannot read", from, errno);
      break;
    }
    if (n == 0) break;
    for (ssize_t done = 0; done < n && status.ok();) {
      const ssize_t w = ::write(out, buffer + done, static_cast<size_t>(n - done));
      if (w < 0 && errno == EINTR) continue;
      if (w <= 0) status = errno_error("cannot write", to, errno);
      if (w > 0) done += w;
    }
    if (!status.ok()) break;
  }
  ::close(in);
  if (::close(out) != 0 && status.ok()) status = errno_error("cannot write", to, errno);
  return status;
}

// Renames `from` to `to`, refusing to replace an existing `to`.
Status rename_no_replace(const fs::path& from, const fs::path& to) {
  if (::renameat2(AT_FDCWD, from.c_str(), AT_FDCWD, to.c_str(), RENAME_NOREPLACE) != 0) {
    return errno_error("cannot rename " + from.string() + " to", to, errno);
  }
  return {};
}

// The scratch directory, removed with everything in it when the restore ends however it ends.
// One left by a restore that crashed belongs to no one (the caller holds the DataLock) and is
// removed first.
class ScratchDirectory {
 public:
  static Result<ScratchDirectory> create(fs::path path) {
    std::error_code ec;
    fs::remove_all(path, ec);
    if (ec) return io_error("cannot remove " + path.string() + ": " + ec.message());
    if (::mkdir(path.c_str(), 0700) != 0) return errno_error("cannot create", path, errno);
    return ScratchDirectory(std::move(path));
  }
  ScratchDirectory(ScratchDirectory&& other) noexcept : path_(std::move(other.path_)) {
    other.path_.clear();
  }
  ScratchDirectory& operator=(ScratchDirectory&&) = delete;
  ScratchDirectory(const ScratchDirectory&) = delete;
  ScratchDirectory& operator=(const ScratchDirectory&) = delete;
  ~ScratchDirectory() {
    if (path_.empty()) return;
    std::error_code ec;
    fs::remove_all(path_, ec);  // a leftover is removed by the next restore
  }
  const fs::path& path() const { return path_; }

 private:
  explicit ScratchDirectory(fs::path path) : path_(std::move(path)) {}
  fs::path path_;
};

// "hall.db.before-restore-<now>", or with "-2", "-3", ... when that name or its -wal or -shm
// is taken.
fs::path aside_name(const fs::path& database, std::int64_t now) {
  const std::string base = database.string() + ".before-restore-" + std::to_string(now);
  for (int n = 1;; ++n) {
    fs::path candidate = n == 1 ? fs::path(base) : fs::path(base + "-" + std::to_string(n));
    bool taken = false;
    for (const char* suffix : kDatabaseFiles) {
      taken = taken || path_taken(with_suffix(candidate, suffix));
    }
    if (!taken) return candidate;
  }
}

// Opens the copy of the backup at `copy` and checks that it is this node's database. Errors
// are prefixed with "cannot restore from FILE" or name FILE.
Result<storage::Database> open_backup(const std::string& from_text, const fs::path& copy,
                                      const NodeDirectory& dir, const config::NodeConfig& config,
                                      const crypto::NodeKey& node_key,
                                      std::span<const std::uint8_t, 32> db_key) {
  storage::OpenOptions options;
  options.busy_timeout_ms = config.storage.busy_timeout_ms;
  auto backup = storage::Database::open(copy, db_key, options);
  if (!backup.ok()) {
    return Status(backup.status().code(),
                  "cannot restore from " + from_text + ": " + backup.status().message());
  }
  auto identity = load_identity(*backup);
  if (!identity.ok()) {
    return invalid_argument("cannot restore from " + from_text +
                            ": it opens with this node's key but holds no node identity");
  }
  if (identity->id != config.id) {
    return failed_precondition(from_text + " is a backup of node " + identity->id.str() +
                               ", not of this node (" + config.id.str() + " in " +
                               dir.dir().string() + "); refusing to restore it");
  }
  if (identity->public_key != node_key.public_key()) {
    return failed_precondition(
        from_text + " is a backup of node " + identity->id.str() + " made with another node key (" +
        crypto::fingerprint(identity->public_key) + ") than node.key (" +
        crypto::fingerprint(node_key.public_key()) + "); refusing to restore it");
  }
  return std::move(backup).value();
}

}  // namespace

Status run_restore(const CommandArgs& args, CommandContext& ctx) {
  YIMEN_ASSIGN_OR_RETURN(const std::string dir_text, args.required("--data", "DIR"));
  YIMEN_ASSIGN_OR_RETURN(const std::string from_text, args.required("--from", "FILE"));
  const fs::path from(from_text);
  const NodeDirectory dir{fs::path(dir_text)};
  YIMEN_ASSIGN_OR_RETURN(const DataLock lock, dir.lock());
  YIMEN_ASSIGN_OR_RETURN(const auto config, dir.load_config());
  YIMEN_ASSIGN_OR_RETURN(const auto node_key, dir.load_key());
  YIMEN_ASSIGN_OR_RETURN(const auto db_key, dir.database_key(config));
  const std::span<const std::uint8_t, 32> key(db_key.data(), 32);
  if (!path_taken(from)) return not_found("cannot restore from " + from_text + ": no such file");
  const std::int64_t now = ctx.now();

  // 1. The checked copy, with a new epoch and the recovery mark.
  YIMEN_ASSIGN_OR_RETURN(const ScratchDirectory scratch,
                         ScratchDirectory::create(dir.dir() / "restore.tmp"));
  const fs::path source_dir = scratch.path() / "from";
  if (::mkdir(source_dir.c_str(), 0700) != 0) {
    return errno_error("cannot create", source_dir, errno);
  }
  const fs::path source = source_dir / from.filename();
  const fs::path restored = scratch.path() / dir.database_path().filename();
  if (Status s = copy_bytes(from, source); !s.ok()) {
    return Status(s.code(), "cannot restore from " + from_text + ": " + s.message());
  }
  {
    YIMEN_ASSIGN_OR_RETURN(auto backup, open_backup(from_text, source, dir, config, node_key, key));
    if (Status s = backup.copy_to(restored); !s.ok()) {
      return Status(s.code(), "cannot restore from " + from_text + ": " + s.message());
    }
  }
  Bytes epoch(kLogEpochBytes);
  crypto::random_fill(epoch);
  {
    storage::OpenOptions options;
    options.busy_timeout_ms = config.storage.busy_timeout_ms;
    YIMEN_ASSIGN_OR_RETURN(auto copy, storage::Database::open(restored, key, options));
    YIMEN_TRY(NodeDirectory::migrate_schema(copy));
    YIMEN_ASSIGN_OR_RETURN(auto tx, copy.begin());
    YIMEN_TRY(set_log_epoch(copy, epoch));
    YIMEN_TRY(begin_recovery(copy, now, "restored from " + from.filename().string(),
                             AuditLogKept::kBackupCopy));
    YIMEN_TRY(tx.commit());
  }  // closing the only connection folds the WAL into the file and removes it
  if (path_taken(with_suffix(restored, "-wal"))) {
    return internal_error(
        "the restored database's WAL was not folded into it when it was closed; nothing was "
        "replaced");
  }
  YIMEN_TRY(sync_path(restored, false));

  // 2. The old database aside, its main file first.
  const fs::path aside = aside_name(dir.database_path(), now);
  const bool had_database = path_taken(dir.database_path());
  for (const char* suffix : kDatabaseFiles) {
    const fs::path old = with_suffix(dir.database_path(), suffix);
    if (path_taken(old)) YIMEN_TRY(rename_no_replace(old, with_suffix(aside, suffix)));
  }
  YIMEN_TRY(sync_path(dir.dir(), true));

  // 3. The restored database in place.
  YIMEN_TRY(rename_no_replace(restored, dir.database_path()));
  YIMEN_TRY(sync_path(dir.dir(), true));

  ctx.out << "restored node " << config.id.str() << " from " << from_text << " into "
          << dir.database_path().string() << "\n";
  if (had_database) {
    ctx.out << "the database it replaced is kept as " << aside.string()
            << " (delete it once the node works well)\n";
  }
  ctx.out << "new log epoch " << crypto::to_hex(epoch)
          << ": peers read this node's log from the start again\n"
          << "the node is now recovering: it will first fetch its own newer events from its "
             "parent before accepting writes (see: yimen recovery status --data "
          << dir_text << ")\n";
  return {};
}

}  // namespace yimen::node
