#include "storage/blob_store.h"

#include <gtest/gtest.h>

#include <array>
#include <ctime>

#include "support/status.h"
#include "support/test_dir.h"

namespace yimen::storage {
namespace {

using yimen::testing::must;
using yimen::testing::TestDir;

class BlobStoreTest : public ::testing::Test {
 protected:
  BlobStoreTest() {
    std::array<std::uint8_t, 32> key{};
    key.fill(5);
    db_.emplace(must(Database::open(dir_ / "b.db", key, {.create = true})));
    EXPECT_OK(migrate_blob_schema(*db_));
    content_.resize(2 * kBlobChunkBytes + 1234);
    for (size_t i = 0; i < content_.size(); ++i) {
      content_[i] = static_cast<std::uint8_t>(i * 7 + i / 1000);
    }
  }
  // The chunks of content_, as a fetching node receives them.
  ByteView chunk(std::uint32_t i) const {
    const size_t from = i * kBlobChunkBytes;
    return ByteView(content_).subspan(from, std::min(kBlobChunkBytes, content_.size() - from));
  }

  // A second node that wants `ref`, to be fetched toward the village.
  Database fetching_node(const BlobRef& ref) {
    std::array<std::uint8_t, 32> key{};
    key.fill(6);
    Database other = must(Database::open(dir_ / "o.db", key, {.create = true}));
    EXPECT_OK(migrate_blob_schema(other));
    EXPECT_OK(want_blob(other, ref, "441802001001"));
    return other;
  }

  TestDir dir_;
  std::optional<Database> db_;
  Bytes content_;
};

TEST_F(BlobStoreTest, APutBlobReadsBackWholeAndByChunk) {
  const BlobRef ref = must(put_blob(*db_, content_, "441802001001"));
  EXPECT_EQ(ref.size, content_.size());
  EXPECT_EQ(blob_chunk_count(ref.size), 3u);
  EXPECT_EQ(*must(read_blob(*db_, ref.hash)), content_);
  EXPECT_EQ(must(read_blob_chunk(*db_, ref.hash, 2))->size(), 1234u);
  EXPECT_FALSE(must(read_blob_chunk(*db_, ref.hash, 3)).has_value());
  EXPECT_TRUE(must(wanted_blobs(*db_, 10)).empty());
  EXPECT_EQ(must(put_blob(*db_, content_, "441802001001")).hash, ref.hash);  // again: no-op
}

TEST_F(BlobStoreTest, AFetchResumesFromTheFirstMissingChunkAndIsVerified) {
  const BlobRef ref = must(put_blob(*db_, content_, "x"));
  Database other = fetching_node(ref);
  auto wanted = must(wanted_blobs(other, 10));
  ASSERT_EQ(wanted.size(), 1u);
  EXPECT_EQ(wanted[0].missing, (std::vector<std::uint32_t>{0, 1, 2}));
  EXPECT_EQ(wanted[0].origin, "441802001001");
  EXPECT_FALSE(must(read_blob(other, ref.hash)).has_value());

  EXPECT_EQ(must(put_blob_chunk(other, ref.hash, 0, chunk(0))), ChunkOutcome::kStored);
  EXPECT_EQ(must(put_blob_chunk(other, ref.hash, 0, chunk(0))), ChunkOutcome::kStored);
  // ... the link drops here; the fetch goes on from chunk 1.
  EXPECT_EQ(must(wanted_blobs(other, 10)).at(0).missing, (std::vector<std::uint32_t>{1, 2}));
  EXPECT_EQ(must(put_blob_chunk(other, ref.hash, 1, chunk(1))), ChunkOutcome::kStored);
  EXPECT_EQ(must(put_blob_chunk(other, ref.hash, 2, chunk(2))), ChunkOutcome::kComplete);
  EXPECT_EQ(must(put_blob_chunk(other, ref.hash, 2, chunk(2))), ChunkOutcome::kIgnored);
  EXPECT_TRUE(must(wanted_blobs(other, 10)).empty());
  EXPECT_EQ(*must(read_blob(other, ref.hash)), content_);
}

TEST_F(BlobStoreTest, ChunksThatCannotBelongAreRefusedAndAWrongWholeIsDropped) {
  const BlobRef ref = must(put_blob(*db_, content_, "x"));
  Database other = fetching_node(ref);
  EXPECT_EQ(put_blob_chunk(other, ref.hash, 3, chunk(0)).status().message(),
            "blob chunk 3 of a blob of 3 chunks");
  EXPECT_EQ(put_blob_chunk(other, ref.hash, 2, chunk(0)).status().message(),
            "blob chunk 2 has 262144 bytes, expected 1234");
  // Right sizes, wrong content: found when the last chunk arrives; all dropped.
  Bytes forged(chunk(1).begin(), chunk(1).end());
  forged[10] ^= 1;
  must(put_blob_chunk(other, ref.hash, 0, chunk(0)));
  must(put_blob_chunk(other, ref.hash, 1, forged));
  EXPECT_EQ(must(put_blob_chunk(other, ref.hash, 2, chunk(2))), ChunkOutcome::kDropped);
  EXPECT_EQ(must(wanted_blobs(other, 10)).at(0).missing, (std::vector<std::uint32_t>{0, 1, 2}));
  EXPECT_FALSE(must(read_blob(other, ref.hash)).has_value());
  // A chunk of a blob nobody wants is ignored.
  EXPECT_EQ(must(put_blob_chunk(other, Bytes(32, 1), 0, chunk(0))), ChunkOutcome::kIgnored);
  // References that cannot be right.
  EXPECT_EQ(want_blob(other, {Bytes(31, 0), 10}, "x").message(), "a blob hash must be 32 bytes");
  EXPECT_EQ(want_blob(other, {Bytes(32, 0), kMaxBlobBytes + 1}, "x").message(),
            "a blob of 67108865 bytes is over the 64 MiB limit");
}

TEST_F(BlobStoreTest, ChunksAskedTogetherMayComeInAnyOrder) {
  const BlobRef ref = must(put_blob(*db_, content_, "x"));
  Database other = fetching_node(ref);
  EXPECT_EQ(must(wanted_blobs(other, 10, 2)).at(0).missing, (std::vector<std::uint32_t>{0, 1}));
  EXPECT_EQ(must(put_blob_chunk(other, ref.hash, 2, chunk(2))), ChunkOutcome::kStored);
  EXPECT_EQ(must(put_blob_chunk(other, ref.hash, 0, chunk(0))), ChunkOutcome::kStored);
  EXPECT_EQ(must(wanted_blobs(other, 10)).at(0).missing, (std::vector<std::uint32_t>{1}));
  EXPECT_EQ(must(put_blob_chunk(other, ref.hash, 1, chunk(1))), ChunkOutcome::kComplete);
  EXPECT_EQ(*must(read_blob(other, ref.hash)), content_);
}

TEST_F(BlobStoreTest, OldBlobsAreListedExceptTheOnesKept) {
  const BlobRef kept = must(put_blob(*db_, content_, "x"));
  const BlobRef other = must(put_blob(*db_, chunk(2), "x"));
  EXPECT_OK(db_->exec("CREATE TABLE keep (hash BLOB)"));
  auto keep = must(db_->prepare("INSERT INTO keep (hash) VALUES (?)"));
  keep.bind_blob(1, kept.hash);
  EXPECT_OK(keep.run());
  const std::int64_t now = std::time(nullptr);
  // Nothing came here before now - 1 h; everything came before now + 1 h.
  EXPECT_TRUE(must(blobs_older_than(*db_, now - 3600, "SELECT hash FROM keep", 10)).empty());
  const auto old = must(blobs_older_than(*db_, now + 3600, "SELECT hash FROM keep", 10));
  ASSERT_EQ(old.size(), 1u);
  EXPECT_EQ(old[0], other.hash);
}

}  // namespace
}  // namespace yimen::storage
