#pragma once

// Blobs (forms, samples, scanned materials; DESIGN.md section 3): content
// addressed by BLAKE2b-256, stored in chunks of at most 256 KiB in the
// encrypted database, referenced by events and fetched over the links by the
// nodes that need them, resumably (a fetch goes on from the first missing
// chunk) and verified against the hash before the blob counts as held.
//
//   blob        hash, size, chunk count, whether complete, the origin to
//               fetch it toward while incomplete, since when it is here
//   blob_chunk  hash, index, bytes

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/bytes.h"
#include "common/status.h"
#include "storage/database.h"

namespace yimen::storage {

inline constexpr std::size_t kBlobChunkBytes = 256 * 1024;
// The largest blob accepted: a scanned material, not a video.
inline constexpr std::uint64_t kMaxBlobBytes = 64ull << 20;

struct BlobRef {
  Bytes hash;  // BLAKE2b-256 of the whole content
  std::uint64_t size = 0;
};

struct WantedBlob {
  BlobRef ref;
  std::string origin;                  // region code to fetch it toward
  std::vector<std::uint32_t> missing;  // the first chunks not held, in order
};

Status migrate_blob_schema(Database& db);

std::uint32_t blob_chunk_count(std::uint64_t size);

// Stores `content` whole; returns its reference. Storing it again is a no-op.
Result<BlobRef> put_blob(Database& db, ByteView content, const std::string& origin);

// Records that this node needs the blob, to be fetched toward `origin`.
// Nothing when it is held or already wanted.
Status want_blob(Database& db, const BlobRef& ref, const std::string& origin);

enum class ChunkOutcome {
  kIgnored,   // not wanted here, or already whole
  kStored,    // kept; more chunks are missing
  kComplete,  // the last one: the whole matched its hash
  kDropped,   // the last one, but the whole did not match: every chunk was dropped and the
              // fetch starts again (a committed outcome, not an error)
};

// Stores chunk `index` of a wanted blob. When it was the last one missing,
// the whole is checked against the hash. InvalidArgument for a chunk that
// cannot belong (index, size).
Result<ChunkOutcome> put_blob_chunk(Database& db, ByteView hash, std::uint32_t index,
                                    ByteView bytes);

// Chunk `index` of a complete blob, nullopt when not held.
Result<std::optional<Bytes>> read_blob_chunk(Database& db, ByteView hash, std::uint32_t index);
// The whole content of a complete blob, nullopt when not (yet) held.
Result<std::optional<Bytes>> read_blob(Database& db, ByteView hash);

// Forgets a blob and its chunks (nothing when it is not known).
Status drop_blob(Database& db, ByteView hash);

// Whether the whole of `ref` is held here (complete, of that size).
Result<bool> blob_held(Database& db, const BlobRef& ref);

// Blobs wanted and not complete, oldest first, at most `limit`, each with at
// most `chunks_each` of its missing chunks.
Result<std::vector<WantedBlob>> wanted_blobs(Database& db, std::size_t limit,
                                             std::size_t chunks_each = 4);

// The blobs (held or wanted) that came here before `before` (Unix seconds)
// and are not in `keep`, a SELECT of hashes; at most `limit`.
Result<std::vector<Bytes>> blobs_older_than(Database& db, std::int64_t before,
                                            std::string_view keep, std::size_t limit);

}  // namespace yimen::storage
