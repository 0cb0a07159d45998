#include "node/node_store.h"

#include <gtest/gtest.h>

#include "crypto/crypto.h"
#include "node/hall/hall.h"
#include "support/status.h"
#include "support/test_dir.h"

namespace yimen::node {
namespace {

using testing::must;

class NodeStore : public ::testing::Test {
 protected:
  void SetUp() override {
    storage::OpenOptions options;
    options.create = true;
    db_.emplace(must(storage::Database::open(
        dir_ / "hall.db", std::span<const std::uint8_t, 32>(key_.data(), 32), options)));
    EXPECT_OK(migrate_node_schema(*db_));
    EXPECT_OK(hall::Hall::migrate(*db_));  // recovery reads the audit log and the event log
  }

  testing::TestDir dir_;
  crypto::SecretBytes key_ = crypto::generate_database_key();
  std::optional<storage::Database> db_;
};

TEST_F(NodeStore, NewLogEpoch) {
  EXPECT_EQ(set_log_epoch(*db_, Bytes(16, 1)).code(), ErrorCode::kNotFound);
  const auto key = crypto::NodeKey::generate();
  const NodeIdentity identity{RegionCode::parse("441802001001").value(), "村", key.public_key(),
                              Bytes(16, 7), 1795000000};
  EXPECT_OK(save_identity(*db_, identity));
  EXPECT_OK(set_log_epoch(*db_, Bytes(16, 9)));
  const NodeIdentity back = must(load_identity(*db_));
  EXPECT_EQ(back.log_epoch, Bytes(16, 9));
  EXPECT_EQ(back.id, identity.id);
  EXPECT_EQ(back.public_key, identity.public_key);
}

TEST_F(NodeStore, RecoveryBeginsAndEnds) {
  RecoveryState state = must(load_recovery(*db_));
  EXPECT_FALSE(state.recovering);
  EXPECT_OK(end_recovery(*db_));  // ending when not recovering is a no-op

  EXPECT_OK(
      hall::append_audit(*db_, {1795000000, "admin", "user.add", "clerk", "ok", ""}).status());
  EXPECT_OK(begin_recovery(*db_, 1795000000, "restored from a.db", AuditLogKept::kBackupCopy));
  state = must(load_recovery(*db_));
  EXPECT_TRUE(state.recovering);
  EXPECT_EQ(state.since, 1795000000);
  EXPECT_EQ(state.reason, "restored from a.db");

  // Replaces the mark.
  EXPECT_OK(begin_recovery(*db_, 1795000100, "enrolled again with a new key", AuditLogKept::kNone));
  state = must(load_recovery(*db_));
  EXPECT_EQ(state.since, 1795000100);
  EXPECT_EQ(state.reason, "enrolled again with a new key");

  EXPECT_OK(end_recovery(*db_));
  state = must(load_recovery(*db_));
  EXPECT_FALSE(state.recovering);
  EXPECT_EQ(state.since, 0);
  EXPECT_EQ(state.reason, "");

  // Each begin started an epoch of the audit log, which the end closed.
  const auto epochs = must(load_audit_epochs(*db_));
  ASSERT_EQ(epochs.size(), 2u);
  EXPECT_EQ(epochs[0].began_at, 1795000000);
  EXPECT_EQ(epochs[0].kept_rows, 1);  // the backup's row
  EXPECT_EQ(epochs[1].reason, "enrolled again with a new key");
  EXPECT_EQ(epochs[1].kept_rows, 0);  // a new machine's log keeps nothing of the old one
  EXPECT_EQ(epochs[1].old_events_through, std::optional<std::int64_t>(0));
}

}  // namespace
}  // namespace yimen::node
