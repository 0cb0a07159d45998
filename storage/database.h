#pragma once

// An encrypted SQLite database (SQLCipher 3.4.1 on SQLite 3.15.2), DESIGN.md section 5.
//
// On-disk format: a SQLCipher 3 file keyed with a raw 256-bit key (no passphrase KDF), SQLCipher's
// default cipher (AES-256-CBC, per-page random IV, HMAC-SHA1) and cipher_page_size = 4096, which
// is also the SQLite page size. Bytes 0-15 are the random salt; everything else, including the
// "-wal" file's pages, is ciphertext. The journal mode is WAL.
//
// Every connection applies the same cipher settings right after the key: a connection with
// other settings cannot tell the file from one with a wrong key.
//
// Messages in the returned Statuses name the database file and the SQL text, never the values
// bound to parameters.

#include <cstdint>
#include <filesystem>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "common/status.h"

struct sqlite3;
struct sqlite3_stmt;

namespace yimen::storage {

class Statement;
class Transaction;

namespace detail {
struct ConnectionCloser {
  void operator()(sqlite3* db) const;
};
struct StatementFinalizer {
  void operator()(sqlite3_stmt* stmt) const;
};
struct KeyEraser {
  void operator()(std::uint8_t* key) const;
};
// Compiled statements of one connection that are not in use, by SQL text.
struct StatementCache;

template <typename T>
struct IsResult : std::false_type {
  using Value = T;
};
template <typename T>
struct IsResult<Result<T>> : std::true_type {
  using Value = T;
};
}  // namespace detail

struct OpenOptions {
  // true: the file must not exist; it is created with mode 0600.
  // false: the file must exist; open() never creates one.
  bool create = false;
  // Opens without write access: no WAL switch, writes fail with kPermissionDenied.
  // Excludes `create`.
  bool read_only = false;
  // How long a statement waits for another connection's lock before kFailedPrecondition.
  int busy_timeout_ms = 5000;
};

// One connection to an encrypted database file.
//
// Not thread-safe: use it from one thread at a time. Movable, not copyable. Statements and
// Transactions borrow the connection: they must be destroyed before the Database, which may be
// moved meanwhile. Holds a copy of the key in guarded, locked memory (sodium_malloc), wiped when
// the Database is destroyed; copy_to() and check() need it to key their copies.
class Database {
 public:
  // Opens (or, with options.create, creates) the database at `path` with the raw 256-bit `key`.
  //
  // Sets the cipher settings, then verifies the key by reading the schema, then sets
  // journal_mode=WAL, synchronous=FULL, foreign_keys=ON and the busy timeout.
  // Returns the open Database, or:
  //   kNotFound        the file is missing and options.create is false (nothing is created);
  //   kAlreadyExists   options.create is true and the path exists (it is left untouched);
  //   kWrongKey        "<file name>: wrong database key, or not a Yimen database"; the file is
  //                    not modified. Damage to page 1 also shows as this.
  //   kCorruption      the schema cannot be read, or the file is empty;
  //   kInvalidArgument bad options; kIOError / kPermissionDenied from the file system.
  // When options.create is true and opening fails, the created file is removed.
  static Result<Database> open(const std::filesystem::path& path,
                               std::span<const std::uint8_t, 32> key,
                               const OpenOptions& options = {});

  Database(Database&&) noexcept;
  Database& operator=(Database&&) noexcept;
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;
  ~Database();

  // Runs one or more ';'-separated statements without parameters; rows they return are
  // ignored. Stops at the first failing statement and returns its error, whose context is that
  // statement's SQL text. Statements before it keep their effect (use a Transaction).
  Status exec(std::string_view sql);

  // Compiles exactly one statement. Returns kInvalidArgument for a syntax error, an unknown
  // table or column, empty SQL or more than one statement; the message quotes the SQL.
  Result<Statement> prepare(std::string_view sql);

  // Starts a write transaction (BEGIN IMMEDIATE). Returns kFailedPrecondition if another
  // connection holds the write lock past the busy timeout.
  //
  // Inside an open transaction it starts a nested one (a SAVEPOINT): its commit() keeps its
  // changes as part of the enclosing transaction and is durable only when the outermost one
  // commits; its rollback undoes only its own changes. This is how the writer groups several
  // commands in one durable commit (DESIGN.md section 5) while each command still begins and
  // commits its own transaction.
  Result<Transaction> begin();

  // The rowid of the last successful INSERT on this connection, 0 if none.
  std::int64_t last_insert_rowid() const;
  // The number of rows changed by the last INSERT, UPDATE or DELETE on this connection.
  int changes() const;
  // Whether a transaction is open on this connection (begun by begin() or by SQL).
  bool in_transaction() const;

  // Full consistency check: PRAGMA integrity_check, then every page of the file is read and
  // authenticated by copy_to() into a temporary file beside the database, which is deleted.
  // Returns OK, or kCorruption "<file name> is damaged: <what sqlite said>" (every row of
  // integrity_check's answer that is not "ok"), or the copy's other errors (kIOError if the
  // directory is not writable or full, kFailedPrecondition inside a transaction).
  Status check();

  // Writes a consistent copy of the committed database to `target`, which must not exist
  // (kAlreadyExists otherwise): created with mode 0600, keyed with the same key and cipher
  // settings, filled by sqlite3_backup, then reopened with the key and integrity-checked.
  // Readers and this connection may keep going meanwhile; other writers wait. Returns OK, or
  // kCorruption if a page of this database cannot be read, kFailedPrecondition inside a
  // transaction, kIOError and others for the target. On failure no target file is left.
  Status copy_to(const std::filesystem::path& target);

  // Opens another, read-only connection to the same file with the same key (for readers that
  // run beside the writer: WAL lets them read while it writes). Errors as open().
  Result<Database> open_reader(int busy_timeout_ms = 5000) const;

  // The path given to open().
  const std::filesystem::path& path() const { return path_; }

 private:
  Database(std::unique_ptr<sqlite3, detail::ConnectionCloser> db,
           std::unique_ptr<std::uint8_t, detail::KeyEraser> key, std::filesystem::path path);

  std::unique_ptr<sqlite3, detail::ConnectionCloser> db_;
  std::unique_ptr<std::uint8_t, detail::KeyEraser> key_;  // 32 bytes
  std::filesystem::path path_;
  // Declared after db_, so its statements are finalized before the connection closes.
  std::shared_ptr<detail::StatementCache> cache_;
};

// A compiled statement. Movable, not copyable. Borrows its Database's connection, which must
// outlive it. Not thread-safe.
//
// Usage: bind parameters (1-based), then step() for each row or run() for statements without
// rows, then reset() to run it again. A bind error is recorded and returned by the next
// step() or run(); bind() never fails by itself.
//
// Compiled statements are cached per connection: when a Statement is destroyed its compiled
// form is reset and kept, and the next prepare() of the same SQL text reuses it.
class Statement {
 public:
  Statement(Statement&& other) noexcept;
  Statement& operator=(Statement&& other) noexcept;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  ~Statement();

  // Binds parameter `index` (1-based). The value is copied; the argument may die afterwards.
  Statement& bind(int index, std::int64_t value);
  Statement& bind(int index, std::string_view text);  // UTF-8; an empty view binds ''
  Statement& bind_blob(int index, std::span<const std::uint8_t> blob);  // empty binds x''
  Statement& bind_null(int index);

  // Advances the statement. Returns true when a row is available, false when done, or an
  // error whose context is the SQL text: kCorruption (damaged page; see the note below),
  // kAlreadyExists (UNIQUE or
  // PRIMARY KEY), kInvalidArgument (other constraints, a recorded bind error),
  // kFailedPrecondition (locked past the busy timeout), kPermissionDenied (read-only),
  // kIOError, kInternal.
  //
  // Damaged pages: SQLCipher 3.4.1 hands a page that fails authentication to SQLite as zeros
  // and only refuses the *next* page request. A damaged b-tree page is caught at once (zeros
  // are not a valid b-tree page), but a damaged overflow page read last would come back as
  // zeros. So when a step that yields a row has read pages from the file, step() requests one
  // more page (page 1, cached) and reports kCorruption if it is refused. A statement that
  // yields no row after reading such a page (e.g. a WHERE clause over a damaged long value)
  // is not protected; Database::check() finds every damaged page.
  Result<bool> step();

  // Steps until done; for statements without rows (rows, if any, are skipped).
  Status run();

  // Makes the statement ready to run again: resets it, clears the bindings and the recorded
  // bind error.
  void reset();

  // Column accessors for the current row, 0-based. Precondition: the last step() returned
  // true. NULL reads as 0, "" or an empty vector.
  std::int64_t column_int64(int index) const;
  std::string column_text(int index) const;
  std::vector<std::uint8_t> column_blob(int index) const;
  bool column_is_null(int index) const;
  // The number of columns in the statement's result rows.
  int column_count() const;

  // The SQL text the statement was compiled from.
  std::string_view sql() const;

 private:
  friend class Database;
  Statement(sqlite3* db, std::unique_ptr<sqlite3_stmt, detail::StatementFinalizer> stmt,
            std::weak_ptr<detail::StatementCache> cache);
  void record_bind_result(int rc, int index);
  Status verify_pages_read();
  void release();

  sqlite3* db_;  // borrowed from the Database
  // Where stmt_ returns when done; expired once the Database is gone (then it is finalized).
  std::weak_ptr<detail::StatementCache> cache_;
  std::unique_ptr<sqlite3_stmt, detail::StatementFinalizer> stmt_;
  // "SELECT 1 FROM sqlite_master LIMIT 1", prepared when first needed; see verify_pages_read().
  std::unique_ptr<sqlite3_stmt, detail::StatementFinalizer> pager_probe_;
  Status bind_error_;
};

// Steps `stmt` to its end and returns `read(stmt)` for every row, in order. `read` returns the
// row's value or a Result of it; the first error (of a step or of a read) is returned.
template <typename Read,
          typename Row = typename detail::IsResult<std::invoke_result_t<Read&, Statement&>>::Value>
Result<std::vector<Row>> collect(Statement& stmt, Read read) {
  std::vector<Row> out;
  for (;;) {
    YIMEN_ASSIGN_OR_RETURN(const bool row, stmt.step());
    if (!row) return out;
    if constexpr (detail::IsResult<std::invoke_result_t<Read&, Statement&>>::value) {
      YIMEN_ASSIGN_OR_RETURN(Row value, read(stmt));
      out.push_back(std::move(value));
    } else {
      out.push_back(read(stmt));
    }
  }
}

// A write transaction started by Database::begin(). Rolls back in its destructor unless
// commit() succeeded. Movable, not copyable. Borrows its Database's connection, which must
// outlive it. Not thread-safe.
class Transaction {
 public:
  Transaction(Transaction&& other) noexcept;
  Transaction& operator=(Transaction&& other) noexcept;
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  ~Transaction();

  // Commits (a nested transaction: releases its savepoint). Returns OK, or the error (e.g.
  // kInvalidArgument for a deferred foreign key violation, kFailedPrecondition when readers
  // block it past the busy timeout); on error the transaction stays open and the destructor or
  // rollback() undoes it.
  // Precondition: neither commit() nor rollback() succeeded before.
  Status commit();

  // Rolls back now (a nested transaction: to its savepoint), so that a failure to roll back
  // can be reported.
  Status rollback();

  // Whether this is a nested transaction (a savepoint inside another one).
  bool nested() const { return nested_; }

 private:
  friend class Database;
  Transaction(sqlite3* db, bool nested) : db_(db), nested_(nested) {}

  sqlite3* db_;  // borrowed; nullptr once committed, rolled back or moved from
  bool nested_ = false;
};

}  // namespace yimen::storage
