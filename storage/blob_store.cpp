#include "storage/blob_store.h"

#include <sodium.h>

#include <array>

#include "storage/migration.h"

namespace yimen::storage {
namespace {

constexpr std::array<Migration, 2> kMigrations = {{
    {1, "blobs in chunks", R"sql(
CREATE TABLE blob (
  hash      BLOB PRIMARY KEY,
  size      INTEGER NOT NULL CHECK (size >= 0),
  chunks    INTEGER NOT NULL,
  complete  INTEGER NOT NULL,
  origin    TEXT NOT NULL,
  wanted_at INTEGER NOT NULL
);
CREATE TABLE blob_chunk (
  hash   BLOB NOT NULL REFERENCES blob (hash) ON DELETE CASCADE,
  idx    INTEGER NOT NULL,
  bytes  BLOB NOT NULL,
  PRIMARY KEY (hash, idx)
);
CREATE INDEX blob_incomplete ON blob (complete, wanted_at);
)sql"},
    {2, "since when each blob is here", R"sql(
-- Unix seconds of the first put or want; 0 for blobs from before this column.
ALTER TABLE blob ADD COLUMN since INTEGER NOT NULL DEFAULT 0;
)sql"},
}};

Bytes digest(ByteView content) {
  Bytes out(crypto_generichash_BYTES);
  crypto_generichash(out.data(), out.size(), content.data(), content.size(), nullptr, 0);
  return out;
}

// (size, chunks, complete) of a known blob.
struct Known {
  std::uint64_t size;
  std::uint32_t chunks;
  bool complete;
};

Result<std::optional<Known>> known(Database& db, ByteView hash) {
  YIMEN_ASSIGN_OR_RETURN(auto stmt,
                         db.prepare("SELECT size, chunks, complete FROM blob WHERE hash = ?"));
  stmt.bind_blob(1, hash);
  YIMEN_ASSIGN_OR_RETURN(bool row, stmt.step());
  if (!row) return std::optional<Known>();
  return std::optional<Known>(Known{static_cast<std::uint64_t>(stmt.column_int64(0)),
                                    static_cast<std::uint32_t>(stmt.column_int64(1)),
                                    stmt.column_int64(2) != 0});
}

// Every chunk held of a blob, in order, as one piece.
Result<Bytes> concatenated_chunks(Database& db, ByteView hash, std::uint64_t size) {
  Bytes out;
  out.reserve(size);
  YIMEN_ASSIGN_OR_RETURN(auto all,
                         db.prepare("SELECT bytes FROM blob_chunk WHERE hash = ? ORDER BY idx"));
  all.bind_blob(1, hash);
  for (;;) {
    YIMEN_ASSIGN_OR_RETURN(bool more, all.step());
    if (!more) break;
    const Bytes b = all.column_blob(0);
    out.insert(out.end(), b.begin(), b.end());
  }
  return out;
}

Status check_ref(const BlobRef& ref) {
  if (ref.hash.size() != crypto_generichash_BYTES) {
    return invalid_argument("a blob hash must be 32 bytes");
  }
  if (ref.size > kMaxBlobBytes) {
    return invalid_argument("a blob of " + std::to_string(ref.size) + " bytes is over the " +
                            std::to_string(kMaxBlobBytes >> 20) + " MiB limit");
  }
  return {};
}

}  // namespace

Status migrate_blob_schema(Database& db) { return migrate(db, "blob", kMigrations); }

std::uint32_t blob_chunk_count(std::uint64_t size) {
  return static_cast<std::uint32_t>((size + kBlobChunkBytes - 1) / kBlobChunkBytes);
}

Result<BlobRef> put_blob(Database& db, ByteView content, const std::string& origin) {
  const BlobRef ref{digest(content), content.size()};
  YIMEN_TRY(check_ref(ref));
  YIMEN_ASSIGN_OR_RETURN(auto held, known(db, ref.hash));
  if (held && held->complete) return ref;
  YIMEN_ASSIGN_OR_RETURN(auto tx, db.begin());
  if (held) {
    YIMEN_ASSIGN_OR_RETURN(auto del, db.prepare("DELETE FROM blob_chunk WHERE hash = ?"));
    del.bind_blob(1, ref.hash);
    YIMEN_TRY(del.run());
  } else {
    YIMEN_TRY(want_blob(db, ref, origin));
  }
  for (std::uint32_t i = 0; i < blob_chunk_count(ref.size); ++i) {
    const std::size_t from = static_cast<std::size_t>(i) * kBlobChunkBytes;
    const std::size_t n = std::min(kBlobChunkBytes, content.size() - from);
    YIMEN_ASSIGN_OR_RETURN(
        auto insert, db.prepare("INSERT INTO blob_chunk (hash, idx, bytes) VALUES (?, ?, ?)"));
    insert.bind_blob(1, ref.hash);
    insert.bind(2, static_cast<std::int64_t>(i));
    insert.bind_blob(3, content.subspan(from, n));
    YIMEN_TRY(insert.run());
  }
  YIMEN_ASSIGN_OR_RETURN(auto done, db.prepare("UPDATE blob SET complete = 1 WHERE hash = ?"));
  done.bind_blob(1, ref.hash);
  YIMEN_TRY(done.run());
  YIMEN_TRY(tx.commit());
  return ref;
}

Status want_blob(Database& db, const BlobRef& ref, const std::string& origin) {
  YIMEN_TRY(check_ref(ref));
  YIMEN_ASSIGN_OR_RETURN(
      auto stmt, db.prepare("INSERT OR IGNORE INTO blob (hash, size, chunks, complete, origin, "
                            "wanted_at, since) VALUES (?, ?, ?, ?, ?, "
                            "(SELECT IFNULL(MAX(wanted_at), 0) + 1 FROM blob), "
                            "CAST(strftime('%s', 'now') AS INTEGER))"));
  stmt.bind_blob(1, ref.hash);
  stmt.bind(2, static_cast<std::int64_t>(ref.size));
  stmt.bind(3, static_cast<std::int64_t>(blob_chunk_count(ref.size)));
  stmt.bind(4, std::int64_t{ref.size == 0 && ref.hash == digest({}) ? 1 : 0});
  stmt.bind(5, origin);
  return stmt.run();
}

Result<ChunkOutcome> put_blob_chunk(Database& db, ByteView hash, std::uint32_t index,
                                    ByteView bytes) {
  YIMEN_ASSIGN_OR_RETURN(auto held, known(db, hash));
  if (!held || held->complete) return ChunkOutcome::kIgnored;
  if (index >= held->chunks) {
    return invalid_argument("blob chunk " + std::to_string(index) + " of a blob of " +
                            std::to_string(held->chunks) + " chunks");
  }
  const std::uint64_t from = static_cast<std::uint64_t>(index) * kBlobChunkBytes;
  const std::uint64_t expected = std::min<std::uint64_t>(kBlobChunkBytes, held->size - from);
  if (bytes.size() != expected) {
    return invalid_argument("blob chunk " + std::to_string(index) + " has " +
                            std::to_string(bytes.size()) + " bytes, expected " +
                            std::to_string(expected));
  }
  YIMEN_ASSIGN_OR_RETURN(
      auto insert,
      db.prepare("INSERT OR IGNORE INTO blob_chunk (hash, idx, bytes) VALUES (?, ?, ?)"));
  insert.bind_blob(1, hash);
  insert.bind(2, static_cast<std::int64_t>(index));
  insert.bind_blob(3, bytes);
  YIMEN_TRY(insert.run());
  YIMEN_ASSIGN_OR_RETURN(auto count, db.prepare("SELECT COUNT(*) FROM blob_chunk WHERE hash = ?"));
  count.bind_blob(1, hash);
  YIMEN_ASSIGN_OR_RETURN(bool row, count.step());
  if (!row || count.column_int64(0) < held->chunks) return ChunkOutcome::kStored;
  count.reset();
  // Every chunk is here: the whole must match its name.
  YIMEN_ASSIGN_OR_RETURN(const Bytes content, concatenated_chunks(db, hash, held->size));
  const Bytes whole = digest(content);
  if (!std::equal(whole.begin(), whole.end(), hash.begin(), hash.end())) {
    YIMEN_ASSIGN_OR_RETURN(auto drop, db.prepare("DELETE FROM blob_chunk WHERE hash = ?"));
    drop.bind_blob(1, hash);
    YIMEN_TRY(drop.run());
    return ChunkOutcome::kDropped;
  }
  YIMEN_ASSIGN_OR_RETURN(auto done, db.prepare("UPDATE blob SET complete = 1 WHERE hash = ?"));
  done.bind_blob(1, hash);
  YIMEN_TRY(done.run());
  return ChunkOutcome::kComplete;
}

Result<std::optional<Bytes>> read_blob_chunk(Database& db, ByteView hash, std::uint32_t index) {
  YIMEN_ASSIGN_OR_RETURN(auto held, known(db, hash));
  if (!held || !held->complete) return std::optional<Bytes>();
  YIMEN_ASSIGN_OR_RETURN(auto stmt,
                         db.prepare("SELECT bytes FROM blob_chunk WHERE hash = ? AND idx = ?"));
  stmt.bind_blob(1, hash);
  stmt.bind(2, static_cast<std::int64_t>(index));
  YIMEN_ASSIGN_OR_RETURN(bool row, stmt.step());
  if (!row) return std::optional<Bytes>();
  return std::optional<Bytes>(stmt.column_blob(0));
}

Result<std::optional<Bytes>> read_blob(Database& db, ByteView hash) {
  YIMEN_ASSIGN_OR_RETURN(auto held, known(db, hash));
  if (!held || !held->complete) return std::optional<Bytes>();
  YIMEN_ASSIGN_OR_RETURN(Bytes out, concatenated_chunks(db, hash, held->size));
  return std::optional<Bytes>(std::move(out));
}

Status drop_blob(Database& db, ByteView hash) {
  YIMEN_ASSIGN_OR_RETURN(auto stmt, db.prepare("DELETE FROM blob WHERE hash = ?"));
  stmt.bind_blob(1, hash);
  return stmt.run();  // the chunks go with it (ON DELETE CASCADE)
}

Result<bool> blob_held(Database& db, const BlobRef& ref) {
  YIMEN_ASSIGN_OR_RETURN(auto held, known(db, ref.hash));
  return held && held->complete && held->size == ref.size;
}

Result<std::vector<WantedBlob>> wanted_blobs(Database& db, std::size_t limit,
                                             std::size_t chunks_each) {
  YIMEN_ASSIGN_OR_RETURN(auto stmt, db.prepare("SELECT hash, size, origin, chunks FROM blob WHERE "
                                               "complete = 0 ORDER BY wanted_at LIMIT ?"));
  stmt.bind(1, static_cast<std::int64_t>(limit));
  std::vector<WantedBlob> out;
  std::vector<std::uint32_t> chunk_counts;
  for (;;) {
    YIMEN_ASSIGN_OR_RETURN(bool row, stmt.step());
    if (!row) break;
    out.push_back({{stmt.column_blob(0), static_cast<std::uint64_t>(stmt.column_int64(1))},
                   stmt.column_text(2),
                   {}});
    chunk_counts.push_back(static_cast<std::uint32_t>(stmt.column_int64(3)));
  }
  // Chunks may come out of order (several are asked at once): the missing
  // ones are the gaps in the held indexes.
  YIMEN_ASSIGN_OR_RETURN(auto held,
                         db.prepare("SELECT idx FROM blob_chunk WHERE hash = ? ORDER BY idx"));
  for (std::size_t b = 0; b < out.size(); ++b) {
    held.bind_blob(1, out[b].ref.hash);
    std::uint32_t next = 0;
    auto& missing = out[b].missing;
    for (;;) {
      YIMEN_ASSIGN_OR_RETURN(bool row, held.step());
      const std::uint32_t upto =
          row ? static_cast<std::uint32_t>(held.column_int64(0)) : chunk_counts[b];
      for (; next < upto && missing.size() < chunks_each; ++next) missing.push_back(next);
      if (!row || missing.size() >= chunks_each) break;
      next = upto + 1;
    }
    held.reset();
  }
  return out;
}

Result<std::vector<Bytes>> blobs_older_than(Database& db, std::int64_t before,
                                            std::string_view keep, std::size_t limit) {
  YIMEN_ASSIGN_OR_RETURN(auto stmt, db.prepare("SELECT hash FROM blob WHERE since < ? AND hash "
                                               "NOT IN (" +
                                               std::string(keep) + ") LIMIT ?"));
  stmt.bind(1, before);
  stmt.bind(2, static_cast<std::int64_t>(limit));
  return collect(stmt, [](Statement& row) { return row.column_blob(0); });
}

}  // namespace yimen::storage
