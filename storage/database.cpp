#include "storage/database.h"

#define SQLITE_HAS_CODEC 1
#include <fcntl.h>
#include <sodium.h>
#include <sqlite3.h>
#include <unistd.h>

#include <algorithm>
#include <cassert>
#include <cerrno>
#include <climits>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <unordered_map>
#include <utility>
#include <vector>

namespace yimen::storage {

namespace detail {

void ConnectionCloser::operator()(sqlite3* db) const {
  // close_v2 never leaves the handle open: with statements still alive (a broken contract) it
  // becomes a zombie that is freed with the last one.
  const int rc = sqlite3_close_v2(db);
  assert(rc == SQLITE_OK);
  static_cast<void>(rc);
}

void StatementFinalizer::operator()(sqlite3_stmt* stmt) const {
  // sqlite3_finalize repeats the last step()'s error, which step() already reported.
  static_cast<void>(sqlite3_finalize(stmt));
}

void KeyEraser::operator()(std::uint8_t* key) const { sodium_free(key); }  // wipes, then frees

// Hashes std::string and std::string_view alike, so that a statement is found by its SQL text
// without copying the text into a std::string first (the hot path runs a dozen per event).
struct SqlTextHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view sql) const { return std::hash<std::string_view>{}(sql); }
};

struct StatementCache {
  // A few idle copies per SQL text at most; more are finalized.
  static constexpr std::size_t kMaxIdlePerSql = 4;
  std::unordered_map<std::string, std::vector<std::unique_ptr<sqlite3_stmt, StatementFinalizer>>,
                     SqlTextHash, std::equal_to<>>
      idle;
};

}  // namespace detail

namespace {

namespace fs = std::filesystem;
using ConnectionPtr = std::unique_ptr<sqlite3, detail::ConnectionCloser>;
using StatementPtr = std::unique_ptr<sqlite3_stmt, detail::StatementFinalizer>;

constexpr std::size_t kKeyBytes = 32;

// The cipher settings every connection applies right after the key, the backup targets of
// copy_to() included. Changing them makes existing files unreadable.
constexpr std::string_view kCipherSettings = "PRAGMA cipher_page_size = 4096";
constexpr std::string_view kCipherPageSize = "4096";

constexpr std::size_t kMaxQuotedSql = 200;

// SQLITE_TRANSIENT without the macro's C-style cast: sqlite copies the bound value.
sqlite3_destructor_type transient() {
  // NOLINTNEXTLINE(performance-no-int-to-ptr): this is how sqlite3.h defines SQLITE_TRANSIENT.
  return reinterpret_cast<sqlite3_destructor_type>(static_cast<std::intptr_t>(-1));
}

// "<file name>" of the main database of `db`, for messages.
std::string file_name_of(sqlite3* db) {
  const char* file = db != nullptr ? sqlite3_db_filename(db, "main") : nullptr;
  if (file == nullptr || *file == '\0') return "database";
  return fs::path(file).filename().string();
}

// Collapses runs of white space into one space and shortens long text, for one-line messages.
std::string one_line(std::string_view text, std::size_t limit) {
  std::string out;
  bool space = false;
  for (char c : text) {
    if (c == ' ' || c == '\n' || c == '\t' || c == '\r') {
      space = !out.empty();
      continue;
    }
    if (space) out += ' ';
    space = false;
    out += c;
    if (out.size() >= limit) {
      out += "...";
      break;
    }
  }
  return out;
}

// The context naming a statement in messages: its SQL text, quoted. Never bound values.
std::string sql_context(std::string_view sql) { return "\"" + one_line(sql, kMaxQuotedSql) + "\""; }

// SQLCipher 3.4.1 reports a page that fails its HMAC check by putting the pager in an error
// state with SQLITE_ERROR and no message of its own. When the damaged page is a b-tree page the
// caller sees SQLITE_CORRUPT instead (the page reads as zeros), but when it is, e.g., the last
// overflow page of a value or a free page, this generic SQLITE_ERROR is all that comes out.
// Every ordinary SQLITE_ERROR (syntax, missing table, ...) carries a specific message.
bool is_unreadable_page(sqlite3* db, int rc) {
  return rc == SQLITE_ERROR && db != nullptr && sqlite3_extended_errcode(db) == SQLITE_ERROR &&
         std::string_view(sqlite3_errmsg(db)) == sqlite3_errstr(SQLITE_ERROR);
}

// The number of pages this connection has read from the file or the WAL so far, or -1.
int cache_misses(sqlite3* db) {
  int current = 0;
  int highwater = 0;
  if (sqlite3_db_status(db, SQLITE_DBSTATUS_CACHE_MISS, &current, &highwater, 0) != SQLITE_OK) {
    return -1;
  }
  return current;
}

std::string damaged_message(const std::string& file, int rc, std::string_view sqlite_said) {
  if (rc == SQLITE_ERROR) {
    return file + " is damaged: a page failed its authentication check (" +
           std::string(sqlite_said) + ")";
  }
  return file + " is damaged: " + std::string(sqlite_said);
}

Status classify_sqlite_error(sqlite3* db, int rc) {
  const std::string said = db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  const int extended = db != nullptr ? sqlite3_extended_errcode(db) : rc;
  if (is_unreadable_page(db, rc)) return corruption(damaged_message(file_name_of(db), rc, said));
  switch (rc & 0xff) {
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      return corruption(damaged_message(file_name_of(db), rc, said));
    case SQLITE_CONSTRAINT:
      if (extended == SQLITE_CONSTRAINT_UNIQUE || extended == SQLITE_CONSTRAINT_PRIMARYKEY ||
          extended == SQLITE_CONSTRAINT_ROWID) {
        return already_exists(said);
      }
      return invalid_argument(said);
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return failed_precondition(said);
    case SQLITE_READONLY:
    case SQLITE_PERM:
    case SQLITE_AUTH:
      return permission_denied(file_name_of(db) + ": " + said);
    case SQLITE_IOERR:
    case SQLITE_FULL:
    case SQLITE_CANTOPEN:
    case SQLITE_PROTOCOL:
    case SQLITE_NOLFS:
      return io_error(file_name_of(db) + ": " + said);
    case SQLITE_ERROR:
    case SQLITE_RANGE:
    case SQLITE_MISMATCH:
    case SQLITE_TOOBIG:
    case SQLITE_MISUSE:
      return invalid_argument(said);
    default:
      return internal_error(said + " (sqlite code " + std::to_string(extended) + ")");
  }
}

// Turns the failed result `rc` of a call on `db` into a Status "<context>: <sqlite's message>"
// ("<sqlite's message>" for an empty context). Must be called right after that call, before
// anything else touches `db`.
Status sqlite_error(sqlite3* db, int rc, const std::string& context) {
  const Status status = classify_sqlite_error(db, rc);
  return context.empty() ? status : status.with_context(context);
}

// SQLCipher 3.4.1 hands a page that fails its HMAC check to SQLite as zeros and puts the pager
// in an error state, which only shows at the next page request of the same read transaction.
// Requesting page 1 (cached, so cheap) makes it show. `probe` is a statement of kPagerProbe.
constexpr std::string_view kPagerProbe = "SELECT 1 FROM sqlite_master LIMIT 1";

Status probe_pager(sqlite3* db, sqlite3_stmt* probe, const std::string& context) {
  const int rc = sqlite3_step(probe);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
    Status status = sqlite_error(db, rc, context);
    static_cast<void>(sqlite3_reset(probe));  // repeats the error just reported
    return status;
  }
  static_cast<void>(sqlite3_reset(probe));  // cannot fail after ROW or DONE
  return Status::ok_status();
}

// Runs every statement of `sql`, ignoring rows. See Database::exec().
Status exec_sql(sqlite3* db, std::string_view sql) {
  if (sql.size() > INT_MAX) return invalid_argument("SQL text longer than 2 GiB");
  std::string_view rest = sql;
  while (!rest.empty()) {
    sqlite3_stmt* raw = nullptr;
    const char* tail = nullptr;
    const int prepare_rc =
        sqlite3_prepare_v2(db, rest.data(), static_cast<int>(rest.size()), &raw, &tail);
    StatementPtr stmt(raw);
    if (prepare_rc != SQLITE_OK) return sqlite_error(db, prepare_rc, sql_context(rest));
    const auto used = static_cast<std::size_t>(tail - rest.data());
    const std::string_view this_sql = rest.substr(0, used);
    rest.remove_prefix(used);
    if (stmt == nullptr) {
      if (used == 0) break;  // only white space or comments were left
      continue;
    }
    int step_rc = SQLITE_ROW;
    while (step_rc == SQLITE_ROW) step_rc = sqlite3_step(stmt.get());
    if (step_rc != SQLITE_DONE) return sqlite_error(db, step_rc, sql_context(this_sql));
  }
  return Status::ok_status();
}

// Runs `sql`, which must answer one row of one column, and returns that value as text.
Result<std::string> query_text(sqlite3* db, std::string_view sql) {
  sqlite3_stmt* raw = nullptr;
  const int prepare_rc =
      sqlite3_prepare_v2(db, sql.data(), static_cast<int>(sql.size()), &raw, nullptr);
  StatementPtr stmt(raw);
  if (prepare_rc != SQLITE_OK) return sqlite_error(db, prepare_rc, sql_context(sql));
  const int step_rc = sqlite3_step(stmt.get());
  if (step_rc == SQLITE_DONE) return internal_error(sql_context(sql) + ": no answer");
  if (step_rc != SQLITE_ROW) return sqlite_error(db, step_rc, sql_context(sql));
  const unsigned char* text = sqlite3_column_text(stmt.get(), 0);
  if (text == nullptr) return std::string();
  return std::string(reinterpret_cast<const char*>(text));
}

// Applies the raw key "x'<64 hex digits>'". The hex text lives on the stack only for the call
// and is wiped; SQLCipher keeps its own copy, which it wipes when the connection closes.
Status apply_key(sqlite3* db, std::span<const std::uint8_t, kKeyBytes> key) {
  char raw_key[2 + 2 * kKeyBytes + 1 + 1];  // x' hex ' NUL
  raw_key[0] = 'x';
  raw_key[1] = '\'';
  sodium_bin2hex(raw_key + 2, 2 * kKeyBytes + 1, key.data(), key.size());
  raw_key[2 + 2 * kKeyBytes] = '\'';
  raw_key[2 + 2 * kKeyBytes + 1] = '\0';
  const int rc = sqlite3_key(db, raw_key, static_cast<int>(2 + 2 * kKeyBytes + 1));
  sodium_memzero(raw_key, sizeof raw_key);
  if (rc != SQLITE_OK) return sqlite_error(db, rc, file_name_of(db) + ": sqlite3_key");
  return Status::ok_status();
}

// Reads the schema, which decrypts and authenticates page 1. SQLITE_NOTADB here means a wrong
// key, other cipher settings, a file that is not a SQLCipher database, or a damaged page 1:
// SQLCipher cannot tell these apart.
Status verify_key(sqlite3* db) {
  constexpr std::string_view kSql = "SELECT count(*) FROM sqlite_master";
  sqlite3_stmt* raw = nullptr;
  int rc = sqlite3_prepare_v2(db, kSql.data(), static_cast<int>(kSql.size()), &raw, nullptr);
  StatementPtr stmt(raw);
  if (rc == SQLITE_OK) rc = sqlite3_step(stmt.get());  // the schema is read by either call
  if (rc == SQLITE_ROW) return Status::ok_status();
  if ((rc & 0xff) == SQLITE_NOTADB) {
    return {ErrorCode::kWrongKey,
            file_name_of(db) + ": wrong database key, or not a Yimen database"};
  }
  // A damaged schema page beyond page 1: the message names the file already.
  const Status status = classify_sqlite_error(db, rc);
  if (status.code() == ErrorCode::kCorruption) return status;
  return status.with_context(sql_context(kSql));
}

// Opens `path` with `flags` (never SQLITE_OPEN_CREATE), applies the key and the cipher
// settings and verifies the key. Sets extended result codes and the busy timeout.
Result<ConnectionPtr> open_keyed_connection(const fs::path& path,
                                            std::span<const std::uint8_t, kKeyBytes> key, int flags,
                                            int busy_timeout_ms) {
  // No allocation statistics: SQLite would take a global mutex around every malloc
  // for them. sqlite3_config only works before SQLite is initialised, so this
  // runs before the first open; afterwards it would be a harmless SQLITE_MISUSE.
  static std::once_flag no_memory_statistics;
  std::call_once(no_memory_statistics,
                 [] { static_cast<void>(sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0)); });
  sqlite3* raw = nullptr;
  const int open_rc = sqlite3_open_v2(path.c_str(), &raw, flags, nullptr);
  ConnectionPtr db(raw);
  if (open_rc != SQLITE_OK) {
    return sqlite_error(db.get(), open_rc, path.filename().string() + ": open");
  }
  if (const int rc = sqlite3_extended_result_codes(db.get(), 1); rc != SQLITE_OK) {
    return sqlite_error(db.get(), rc, "sqlite3_extended_result_codes");
  }
  if (const int rc = sqlite3_busy_timeout(db.get(), busy_timeout_ms); rc != SQLITE_OK) {
    return sqlite_error(db.get(), rc, "sqlite3_busy_timeout");
  }
  YIMEN_TRY(apply_key(db.get(), key));
  YIMEN_TRY(exec_sql(db.get(), kCipherSettings));
  YIMEN_ASSIGN_OR_RETURN(std::string page_size, query_text(db.get(), "PRAGMA cipher_page_size"));
  if (page_size != kCipherPageSize) {
    return internal_error(path.filename().string() + ": cipher_page_size is " + page_size +
                          " after setting it to " + std::string(kCipherPageSize));
  }
  YIMEN_TRY(verify_key(db.get()));
  return db;
}

fs::path with_suffix(const fs::path& path, std::string_view suffix) {
  return fs::path(path.native() + std::string(suffix));
}

// Removes a database file made by this module and the files SQLite keeps beside it. Best
// effort: used to clean up after a failure that is already being reported.
void remove_database_files(const fs::path& path) {
  std::error_code ignored;
  for (std::string_view suffix : {"-wal", "-shm", "-journal", ""}) {
    fs::remove(with_suffix(path, suffix), ignored);
  }
}

// Removes the files of a database this module created unless release() was called.
class CreatedDatabaseFiles {
 public:
  explicit CreatedDatabaseFiles(fs::path path) : path_(std::move(path)) {}
  CreatedDatabaseFiles(const CreatedDatabaseFiles&) = delete;
  CreatedDatabaseFiles& operator=(const CreatedDatabaseFiles&) = delete;
  ~CreatedDatabaseFiles() {
    if (armed_) remove_database_files(path_);
  }
  void release() { armed_ = false; }

 private:
  fs::path path_;
  bool armed_ = true;
};

Status errno_status(int error, const fs::path& path, std::string_view what) {
  const std::string message =
      path.string() + ": " + std::string(what) + ": " + std::system_category().message(error);
  switch (error) {
    case EEXIST:
      return already_exists(message);
    case ENOENT:
    case ENOTDIR:
      return not_found(message);
    case EACCES:
    case EPERM:
    case EROFS:
      return permission_denied(message);
    default:
      return io_error(message);
  }
}

// Creates `path` as an empty file with mode 0600; fails if anything exists there.
Status create_exclusive(const fs::path& path) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0) {
    const int error = errno;
    if (error == EEXIST) {
      return already_exists(path.string() +
                            ": already exists; refusing to create a database over it");
    }
    return errno_status(error, path, "cannot create");
  }
  if (::close(fd) != 0) return errno_status(errno, path, "close");
  return Status::ok_status();
}

// PRAGMA integrity_check. Its answer is "ok" or a list of problems (SQLite stops at 100);
// the first kMaxReportedProblems go into the message. A page that cannot be read at all is
// reported the same way: "<file name> is damaged: ...".
constexpr int kMaxReportedProblems = 10;

Status integrity_check(sqlite3* db) {
  constexpr std::string_view kSql = "PRAGMA integrity_check";
  sqlite3_stmt* raw = nullptr;
  const int prepare_rc =
      sqlite3_prepare_v2(db, kSql.data(), static_cast<int>(kSql.size()), &raw, nullptr);
  StatementPtr stmt(raw);
  if (prepare_rc != SQLITE_OK) return sqlite_error(db, prepare_rc, sql_context(kSql));
  std::string problems;
  int count = 0;
  int rc = SQLITE_ROW;
  while ((rc = sqlite3_step(stmt.get())) == SQLITE_ROW) {
    const unsigned char* text = sqlite3_column_text(stmt.get(), 0);
    std::string_view answer = text != nullptr ? reinterpret_cast<const char*>(text) : "";
    if (answer == "ok") continue;
    // This version answers one row holding all problems, one per line, after a heading line
    // "*** in database main ***".
    while (!answer.empty()) {
      const std::size_t end = std::min(answer.find('\n'), answer.size());
      const std::string_view line = answer.substr(0, end);
      answer.remove_prefix(std::min(end + 1, answer.size()));
      if (line.empty() || line.rfind("*** in database", 0) == 0) continue;
      if (++count > kMaxReportedProblems) continue;
      if (!problems.empty()) problems += "; ";
      problems += one_line(line, 200);
    }
  }
  if (rc != SQLITE_DONE) {
    const Status failed = sqlite_error(db, rc, "");
    return failed.code() == ErrorCode::kCorruption ? failed
                                                   : failed.with_context(sql_context(kSql));
  }
  if (count == 0) return Status::ok_status();
  if (count > kMaxReportedProblems) {
    problems += "; and " + std::to_string(count - kMaxReportedProblems) + " more";
  }
  return corruption(file_name_of(db) + " is damaged: " + problems);
}

// Copies every page of the main database of `source` into the empty, keyed `target`.
Status backup_pages(sqlite3* source, sqlite3* target) {
  const std::string context = "copying " + file_name_of(source) + " to " + file_name_of(target);
  sqlite3_backup* backup = sqlite3_backup_init(target, "main", source, "main");
  if (backup == nullptr) return sqlite_error(target, sqlite3_errcode(target), context);
  const int step_rc = sqlite3_backup_step(backup, -1);
  const bool source_unreadable = (step_rc & 0xff) == SQLITE_CORRUPT ||
                                 (step_rc & 0xff) == SQLITE_NOTADB ||
                                 is_unreadable_page(source, step_rc);
  const int finish_rc = sqlite3_backup_finish(backup);
  if (source_unreadable) {
    return corruption(damaged_message(file_name_of(source), step_rc, sqlite3_errstr(step_rc)));
  }
  if (step_rc != SQLITE_DONE) {
    return sqlite_error(nullptr, step_rc, context);  // the target's errmsg is only set by finish
  }
  if (finish_rc != SQLITE_OK) return sqlite_error(target, finish_rc, context);
  return Status::ok_status();
}

// Ends the transaction begun with a plain BEGIN on `db` when it goes out of scope.
class ReadTransaction {
 public:
  explicit ReadTransaction(sqlite3* db) : db_(db) {}
  ReadTransaction(const ReadTransaction&) = delete;
  ReadTransaction& operator=(const ReadTransaction&) = delete;
  // Nothing was written, so a failed ROLLBACK loses nothing; closing the connection ends it.
  ~ReadTransaction() { static_cast<void>(exec_sql(db_, "ROLLBACK")); }

 private:
  sqlite3* db_;
};

std::string random_hex(std::size_t bytes) {
  std::vector<unsigned char> random(bytes);
  randombytes_buf(random.data(), random.size());
  std::string hex(2 * bytes + 1, '\0');
  sodium_bin2hex(hex.data(), hex.size(), random.data(), random.size());
  hex.pop_back();
  return hex;
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Database

Database::Database(std::unique_ptr<sqlite3, detail::ConnectionCloser> db,
                   std::unique_ptr<std::uint8_t, detail::KeyEraser> key, std::filesystem::path path)
    : db_(std::move(db)),
      key_(std::move(key)),
      path_(std::move(path)),
      cache_(std::make_shared<detail::StatementCache>()) {}

Result<Database> Database::open_reader(int busy_timeout_ms) const {
  const std::span<const std::uint8_t, kKeyBytes> key(key_.get(), kKeyBytes);
  return open(path_, key,
              OpenOptions{.create = false, .read_only = true, .busy_timeout_ms = busy_timeout_ms});
}

Database::Database(Database&&) noexcept = default;
Database& Database::operator=(Database&&) noexcept = default;
Database::~Database() = default;

Result<Database> Database::open(const std::filesystem::path& path,
                                std::span<const std::uint8_t, 32> key, const OpenOptions& options) {
  if (path.empty()) return invalid_argument("database path is empty");
  if (options.create && options.read_only) {
    return invalid_argument(path.filename().string() + ": cannot create a database read-only");
  }
  if (options.busy_timeout_ms < 0) return invalid_argument("busy_timeout_ms is negative");
  if (sodium_init() < 0) return internal_error("libsodium failed to initialize");

  std::unique_ptr<std::uint8_t, detail::KeyEraser> key_copy(
      static_cast<std::uint8_t*>(sodium_malloc(kKeyBytes)));
  if (key_copy == nullptr) return internal_error("cannot allocate guarded memory for the key");
  std::memcpy(key_copy.get(), key.data(), kKeyBytes);

  std::optional<CreatedDatabaseFiles> created;
  if (options.create) {
    YIMEN_TRY(create_exclusive(path));
    created.emplace(path);
  } else {
    std::error_code error;
    const fs::file_status status = fs::status(path, error);
    if (status.type() == fs::file_type::not_found) {
      return not_found(path.string() + ": no such database file");
    }
    if (error) return errno_status(error.value(), path, "cannot open");
    if (status.type() != fs::file_type::regular) {
      return invalid_argument(path.string() + ": not a regular file");
    }
    const std::uintmax_t size = fs::file_size(path, error);
    if (error) return errno_status(error.value(), path, "cannot open");
    if (size == 0) {
      return corruption(path.filename().string() + ": empty file, not a Yimen database");
    }
  }

  // Never SQLITE_OPEN_CREATE: a missing file must stay missing; create_exclusive() made ours.
  const int flags = options.read_only ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE;
  YIMEN_ASSIGN_OR_RETURN(
      ConnectionPtr db,
      open_keyed_connection(path,
                            std::span<const std::uint8_t, kKeyBytes>(key_copy.get(), kKeyBytes),
                            flags, options.busy_timeout_ms));
  const std::string file = path.filename().string();
  if (!options.read_only) {
    YIMEN_ASSIGN_OR_RETURN(std::string mode, query_text(db.get(), "PRAGMA journal_mode = WAL"));
    if (mode != "wal") {
      return failed_precondition(file + ": cannot switch to WAL journal mode (it stays \"" + mode +
                                 "\")");
    }
    YIMEN_TRY(exec_sql(db.get(), "PRAGMA synchronous = FULL"));
    // A checkpoint every 10,000 pages (40 MiB of WAL) instead of 1,000: a page that
    // many commits change (an index leaf) is copied into the database once per
    // checkpoint, not once per commit.
    YIMEN_TRY(exec_sql(db.get(), "PRAGMA wal_autocheckpoint = 10000"));
  }
  // Every page read from the file is decrypted and authenticated: a larger page cache (16 MiB
  // instead of 2) keeps a node's working set decrypted.
  YIMEN_TRY(exec_sql(db.get(), "PRAGMA cache_size = -16384"));
  // Temporary tables and indices stay in memory: never a temporary file, whose pages would
  // be encrypted and decrypted too.
  YIMEN_TRY(exec_sql(db.get(), "PRAGMA temp_store = MEMORY"));
  YIMEN_TRY(exec_sql(db.get(), "PRAGMA foreign_keys = ON"));
  YIMEN_ASSIGN_OR_RETURN(std::string foreign_keys, query_text(db.get(), "PRAGMA foreign_keys"));
  if (foreign_keys != "1") return internal_error(file + ": cannot enable foreign keys");
  if (options.create) {
    // Writes page 1 now, so that every created database is a non-empty file in WAL mode.
    YIMEN_TRY(exec_sql(db.get(), "PRAGMA user_version = 0"));
  }

  if (created) created->release();
  return Database(std::move(db), std::move(key_copy), path);
}

Status Database::exec(std::string_view sql) {
  assert(db_ != nullptr);
  return exec_sql(db_.get(), sql);
}

Result<Statement> Database::prepare(std::string_view sql) {
  assert(db_ != nullptr);
  if (auto it = cache_->idle.find(sql); it != cache_->idle.end() && !it->second.empty()) {
    StatementPtr cached = std::move(it->second.back());
    it->second.pop_back();
    return Statement(db_.get(), std::move(cached), cache_);
  }
  if (sql.size() > INT_MAX) return invalid_argument("SQL text longer than 2 GiB");
  sqlite3_stmt* raw = nullptr;
  const char* tail = nullptr;
  const int rc =
      sqlite3_prepare_v2(db_.get(), sql.data(), static_cast<int>(sql.size()), &raw, &tail);
  StatementPtr stmt(raw);
  if (rc != SQLITE_OK) return sqlite_error(db_.get(), rc, sql_context(sql));
  if (stmt == nullptr) return invalid_argument(sql_context(sql) + ": no statement in the SQL text");

  // Refuse trailing statements, which would silently never run.
  const std::string_view rest = sql.substr(static_cast<std::size_t>(tail - sql.data()));
  if (!rest.empty()) {
    sqlite3_stmt* raw_next = nullptr;
    const int next_rc = sqlite3_prepare_v2(db_.get(), rest.data(), static_cast<int>(rest.size()),
                                           &raw_next, nullptr);
    StatementPtr next(raw_next);
    if (next_rc != SQLITE_OK || next != nullptr) {
      return invalid_argument(sql_context(sql) +
                              ": more than one statement; prepare them one at a time");
    }
  }
  return Statement(db_.get(), std::move(stmt), cache_);
}

Result<Transaction> Database::begin() {
  assert(db_ != nullptr);
  if (in_transaction()) {
    YIMEN_TRY(exec_sql(db_.get(), "SAVEPOINT nested"));
    return Transaction(db_.get(), true);
  }
  YIMEN_TRY(exec_sql(db_.get(), "BEGIN IMMEDIATE"));
  return Transaction(db_.get(), false);
}

std::int64_t Database::last_insert_rowid() const {
  assert(db_ != nullptr);
  return sqlite3_last_insert_rowid(db_.get());
}

int Database::changes() const {
  assert(db_ != nullptr);
  return sqlite3_changes(db_.get());
}

bool Database::in_transaction() const {
  assert(db_ != nullptr);
  return sqlite3_get_autocommit(db_.get()) == 0;
}

Status Database::check() {
  assert(db_ != nullptr);
  YIMEN_TRY(integrity_check(db_.get()));
  // integrity_check reads the b-tree pages only; the copy reads and authenticates every page,
  // free pages included.
  const fs::path scratch =
      path_.parent_path() / (path_.filename().string() + ".check-" + random_hex(8) + ".tmp");
  Status copied = copy_to(scratch);
  if (copied.ok()) remove_database_files(scratch);  // on failure copy_to() removed it
  return copied;
}

Status Database::copy_to(const std::filesystem::path& target) {
  assert(db_ != nullptr);
  if (in_transaction()) {
    return failed_precondition(file_name_of(db_.get()) +
                               ": cannot copy while a transaction is open on this connection");
  }
  YIMEN_TRY(create_exclusive(target));
  CreatedDatabaseFiles created(target);
  const std::span<const std::uint8_t, kKeyBytes> key(key_.get(), kKeyBytes);
  {
    YIMEN_ASSIGN_OR_RETURN(ConnectionPtr copy,
                           open_keyed_connection(target, key, SQLITE_OPEN_READWRITE, 0));
    // One read transaction spans the copy and a probe after it: a page that fails its
    // authentication is only refused at the next page request (see probe_pager()), which for
    // the file's last page would otherwise never come.
    sqlite3_stmt* raw_probe = nullptr;
    const int prepare_rc = sqlite3_prepare_v2(
        db_.get(), kPagerProbe.data(), static_cast<int>(kPagerProbe.size()), &raw_probe, nullptr);
    StatementPtr probe(raw_probe);
    if (prepare_rc != SQLITE_OK) return sqlite_error(db_.get(), prepare_rc, "");
    YIMEN_TRY(exec_sql(db_.get(), "BEGIN"));
    ReadTransaction read_transaction(db_.get());
    YIMEN_TRY(probe_pager(db_.get(), probe.get(), ""));  // starts the read transaction
    YIMEN_TRY(backup_pages(db_.get(), copy.get()));
    YIMEN_TRY(probe_pager(db_.get(), probe.get(), ""));
  }
  // A copy keyed with other settings would have "succeeded" too: prove it opens and reads.
  YIMEN_ASSIGN_OR_RETURN(Database reopened, Database::open(target, key));
  YIMEN_TRY(integrity_check(reopened.db_.get()));
  created.release();
  return Status::ok_status();
}

// ---------------------------------------------------------------------------------------------
// Statement

Statement::Statement(sqlite3* db, std::unique_ptr<sqlite3_stmt, detail::StatementFinalizer> stmt,
                     std::weak_ptr<detail::StatementCache> cache)
    : db_(db), cache_(std::move(cache)), stmt_(std::move(stmt)) {}

Statement::Statement(Statement&& other) noexcept
    : db_(other.db_),
      cache_(std::move(other.cache_)),
      stmt_(std::move(other.stmt_)),
      pager_probe_(std::move(other.pager_probe_)),
      bind_error_(std::move(other.bind_error_)) {}

Statement& Statement::operator=(Statement&& other) noexcept {
  if (this != &other) {
    release();
    db_ = other.db_;
    cache_ = std::move(other.cache_);
    stmt_ = std::move(other.stmt_);
    pager_probe_ = std::move(other.pager_probe_);
    bind_error_ = std::move(other.bind_error_);
  }
  return *this;
}

Statement::~Statement() { release(); }

// Returns the compiled statement to the connection's cache, reset and unbound.
void Statement::release() {
  if (stmt_ == nullptr) return;
  const auto cache = cache_.lock();
  if (cache == nullptr) {
    stmt_.reset();  // the Database is gone: finalize
    return;
  }
  static_cast<void>(sqlite3_reset(stmt_.get()));  // repeats a reported error, if any
  static_cast<void>(sqlite3_clear_bindings(stmt_.get()));
  const std::string_view text = sql();
  auto it = cache->idle.find(text);
  if (it == cache->idle.end()) it = cache->idle.try_emplace(std::string(text)).first;
  if (it->second.size() < detail::StatementCache::kMaxIdlePerSql) {
    it->second.push_back(std::move(stmt_));
  }
  stmt_.reset();
}

void Statement::record_bind_result(int rc, int index) {
  if (rc == SQLITE_OK || !bind_error_.ok()) return;
  bind_error_ = sqlite_error(db_, rc, sql_context(sql()) + ", parameter " + std::to_string(index));
}

Statement& Statement::bind(int index, std::int64_t value) {
  assert(stmt_ != nullptr);
  record_bind_result(sqlite3_bind_int64(stmt_.get(), index, value), index);
  return *this;
}

Statement& Statement::bind(int index, std::string_view text) {
  assert(stmt_ != nullptr);
  // A null pointer would bind NULL instead of ''.
  const char* data = text.data() != nullptr ? text.data() : "";
  record_bind_result(
      sqlite3_bind_text64(stmt_.get(), index, data, text.size(), transient(), SQLITE_UTF8), index);
  return *this;
}

Statement& Statement::bind_blob(int index, std::span<const std::uint8_t> blob) {
  assert(stmt_ != nullptr);
  if (blob.empty()) {  // sqlite3_bind_blob with a null pointer would bind NULL instead of x''
    record_bind_result(sqlite3_bind_zeroblob(stmt_.get(), index, 0), index);
  } else {
    record_bind_result(
        sqlite3_bind_blob64(stmt_.get(), index, blob.data(), blob.size(), transient()), index);
  }
  return *this;
}

Statement& Statement::bind_null(int index) {
  assert(stmt_ != nullptr);
  record_bind_result(sqlite3_bind_null(stmt_.get(), index), index);
  return *this;
}

Result<bool> Statement::step() {
  assert(stmt_ != nullptr);
  if (!bind_error_.ok()) return bind_error_;
  const int misses_before = cache_misses(db_);
  const int rc = sqlite3_step(stmt_.get());
  if (rc == SQLITE_ROW) {
    if (misses_before < 0 || cache_misses(db_) != misses_before) YIMEN_TRY(verify_pages_read());
    return true;
  }
  if (rc == SQLITE_DONE) return false;
  return sqlite_error(db_, rc, sql_context(sql()));
}

Status Statement::verify_pages_read() {
  if (pager_probe_ == nullptr) {
    sqlite3_stmt* raw = nullptr;
    const int prepare_rc = sqlite3_prepare_v2(db_, kPagerProbe.data(),
                                              static_cast<int>(kPagerProbe.size()), &raw, nullptr);
    pager_probe_.reset(raw);
    if (prepare_rc != SQLITE_OK) return sqlite_error(db_, prepare_rc, sql_context(sql()));
  }
  return probe_pager(db_, pager_probe_.get(), sql_context(sql()));
}

Status Statement::run() {
  while (true) {
    YIMEN_ASSIGN_OR_RETURN(const bool row, step());
    if (!row) return Status::ok_status();
  }
}

void Statement::reset() {
  assert(stmt_ != nullptr);
  // sqlite3_reset repeats the last step()'s error, already reported by step();
  // sqlite3_clear_bindings always succeeds.
  static_cast<void>(sqlite3_reset(stmt_.get()));
  static_cast<void>(sqlite3_clear_bindings(stmt_.get()));
  bind_error_ = Status::ok_status();
}

std::int64_t Statement::column_int64(int index) const {
  assert(stmt_ != nullptr);
  return sqlite3_column_int64(stmt_.get(), index);
}

std::string Statement::column_text(int index) const {
  assert(stmt_ != nullptr);
  const unsigned char* text = sqlite3_column_text(stmt_.get(), index);
  const int size = sqlite3_column_bytes(stmt_.get(), index);  // after _text, as sqlite requires
  if (text == nullptr || size <= 0) return {};
  return std::string(reinterpret_cast<const char*>(text), static_cast<std::size_t>(size));
}

std::vector<std::uint8_t> Statement::column_blob(int index) const {
  assert(stmt_ != nullptr);
  const auto* blob = static_cast<const std::uint8_t*>(sqlite3_column_blob(stmt_.get(), index));
  const int size = sqlite3_column_bytes(stmt_.get(), index);
  if (blob == nullptr || size <= 0) return {};
  return std::vector<std::uint8_t>(blob, blob + size);
}

int Statement::column_count() const {
  assert(stmt_ != nullptr);
  return sqlite3_column_count(stmt_.get());
}

bool Statement::column_is_null(int index) const {
  assert(stmt_ != nullptr);
  return sqlite3_column_type(stmt_.get(), index) == SQLITE_NULL;
}

std::string_view Statement::sql() const {
  const char* text = stmt_ != nullptr ? sqlite3_sql(stmt_.get()) : nullptr;
  return text != nullptr ? std::string_view(text) : std::string_view();
}

// ---------------------------------------------------------------------------------------------
// Transaction

Transaction::Transaction(Transaction&& other) noexcept
    : db_(std::exchange(other.db_, nullptr)), nested_(other.nested_) {}

Transaction& Transaction::operator=(Transaction&& other) noexcept {
  if (this != &other) {
    if (db_ != nullptr) static_cast<void>(rollback());
    db_ = std::exchange(other.db_, nullptr);
    nested_ = other.nested_;
  }
  return *this;
}

Transaction::~Transaction() {
  // A destructor cannot report a failed rollback; the transaction then stays open until the
  // connection closes, which rolls it back. Call rollback() to see the error.
  if (db_ != nullptr) static_cast<void>(rollback());
}

Status Transaction::commit() {
  if (db_ == nullptr) return failed_precondition("commit(): the transaction is already finished");
  YIMEN_TRY(exec_sql(db_, nested_ ? "RELEASE nested" : "COMMIT"));
  db_ = nullptr;
  return Status::ok_status();
}

Status Transaction::rollback() {
  if (db_ == nullptr) return failed_precondition("rollback(): the transaction is already finished");
  // Some errors (SQLITE_FULL, SQLITE_IOERR, ...) roll back by themselves.
  // A nested transaction whose enclosing one was rolled back that way has nothing left to undo.
  if (sqlite3_get_autocommit(db_) == 0) {
    YIMEN_TRY(exec_sql(db_, nested_ ? "ROLLBACK TO nested; RELEASE nested" : "ROLLBACK"));
  }
  db_ = nullptr;
  return Status::ok_status();
}

}  // namespace yimen::storage
