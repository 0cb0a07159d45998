#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>

#include "crypto/crypto.h"
#include "support/test_dir.h"

namespace yimen::crypto {
namespace {

using yimen::testing::TestDir;

TEST(DatabaseKey, PassphraseDerivationIsDeterministicPerSalt) {
  TestDir dir;
  const KdfSalt salt = new_kdf_salt();
  ASSERT_TRUE(save_kdf_salt(dir / "hall.db.salt", salt).ok());
  auto loaded = load_kdf_salt(dir / "hall.db.salt");
  ASSERT_TRUE(loaded.ok()) << loaded.status().message();
  EXPECT_EQ(loaded->salt, salt.salt);
  EXPECT_EQ(loaded->opslimit, 3u);
  EXPECT_EQ(loaded->memlimit, 64u << 20);

  auto k1 = derive_database_key("correct horse battery staple", *loaded);
  auto k2 = derive_database_key("correct horse battery staple", salt);
  auto other = derive_database_key("correct horse battery stapler", salt);
  ASSERT_TRUE(k1.ok() && k2.ok() && other.ok());
  EXPECT_EQ(k1->size(), 32u);
  EXPECT_TRUE(std::equal(k1->data(), k1->data() + 32, k2->data()));
  EXPECT_FALSE(std::equal(k1->data(), k1->data() + 32, other->data()));
  EXPECT_EQ(derive_database_key("", salt).status().code(), ErrorCode::kInvalidArgument);
}

TEST(DatabaseKey, SaltFileDamageIsReported) {
  TestDir dir;
  {
    std::ofstream f(dir / "hall.db.salt");
    f << "yimen-kdf v1 argon2id13 3 67108864 abcd\n";
  }
  EXPECT_EQ(load_kdf_salt(dir / "hall.db.salt").status().message(),
            "hall.db.salt: salt is not 16 bytes of hex");
  EXPECT_EQ(save_kdf_salt(dir / "hall.db.salt", new_kdf_salt()).code(), ErrorCode::kAlreadyExists);
}

TEST(DatabaseKey, KeyFileRoundTrip) {
  TestDir dir;
  const SecretBytes key = generate_database_key();
  ASSERT_TRUE(save_database_key(dir / "db.key", key).ok());
  auto back = load_database_key(dir / "db.key");
  ASSERT_TRUE(back.ok());
  EXPECT_TRUE(std::equal(key.data(), key.data() + 32, back->data()));
}

TEST(Password, HashVerifies) {
  auto h = hash_password("窗口-clerk-2026");
  ASSERT_TRUE(h.ok());
  EXPECT_EQ(h->rfind("$argon2id$", 0), 0u);
  EXPECT_TRUE(verify_password(*h, "窗口-clerk-2026"));
  EXPECT_FALSE(verify_password(*h, "窗口-clerk-2027"));
  EXPECT_FALSE(verify_password("garbage", "x"));
  EXPECT_NE(hash_password("same").value(), hash_password("same").value());  // salted
  EXPECT_FALSE(hash_password("").ok());
}

}  // namespace
}  // namespace yimen::crypto
