#include <gtest/gtest.h>
#include <sodium.h>
#include <sys/stat.h>

#include <fstream>

#include "crypto/crypto.h"
#include "support/test_dir.h"

namespace yimen::crypto {
namespace {

using yimen::testing::TestDir;

TEST(NodeKey, SignaturesAreDomainSeparated) {
  const NodeKey key = NodeKey::generate();
  const std::string msg = "case 441802001001-20261125-000001";
  const Signature sig = key.sign(kEventDomain, as_bytes(msg));
  EXPECT_TRUE(verify(kEventDomain, key.public_key(), as_bytes(msg), sig));
  // The same bytes signed as an event are not a valid certificate or licence.
  EXPECT_FALSE(verify(kCertificateDomain, key.public_key(), as_bytes(msg), sig));
  EXPECT_FALSE(verify(kLicenceDomain, key.public_key(), as_bytes(msg), sig));
  // Another key, another message, one flipped bit: all refused.
  EXPECT_FALSE(verify(kEventDomain, NodeKey::generate().public_key(), as_bytes(msg), sig));
  EXPECT_FALSE(verify(kEventDomain, key.public_key(), as_bytes(msg + "."), sig));
  Signature flipped = sig;
  flipped[10] ^= 0x01;
  EXPECT_FALSE(verify(kEventDomain, key.public_key(), as_bytes(msg), flipped));
}

TEST(NodeKey, CurveKeysAgree) {
  const NodeKey key = NodeKey::generate();
  // The X25519 public key derived from the secret equals the one derived from
  // the Ed25519 public key: what a peer computes for CurveZMQ.
  PublicKey from_secret{};
  const SecretBytes curve_secret = key.curve_secret_key();
  crypto_scalarmult_base(from_secret.data(), curve_secret.data());
  EXPECT_EQ(from_secret, key.curve_public_key());
  EXPECT_EQ(curve_public_key_of(key.public_key()).value(), key.curve_public_key());
}

TEST(NodeKey, SavedWithMode0600AndLoadsBack) {
  TestDir dir;
  const NodeKey key = NodeKey::generate();
  ASSERT_TRUE(key.save(dir / "node.key").ok());
  struct stat st {};
  ASSERT_EQ(stat((dir / "node.key").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  auto loaded = NodeKey::load(dir / "node.key");
  ASSERT_TRUE(loaded.ok()) << loaded.status().message();
  EXPECT_EQ(loaded->public_key(), key.public_key());
  // Never overwrites.
  EXPECT_EQ(NodeKey::generate().save(dir / "node.key").code(), ErrorCode::kAlreadyExists);
}

TEST(NodeKey, RefusedWhenGroupOrWorldCanRead) {
  TestDir dir;
  ASSERT_TRUE(NodeKey::generate().save(dir / "node.key").ok());
  for (mode_t mode : {0640U, 0604U, 0660U, 0644U}) {
    ASSERT_EQ(chmod((dir / "node.key").c_str(), mode), 0);
    auto r = NodeKey::load(dir / "node.key");
    EXPECT_EQ(r.status().code(), ErrorCode::kPermissionDenied);
    char expected[16];
    std::snprintf(expected, sizeof expected, "%04o", static_cast<unsigned>(mode));
    EXPECT_EQ(r.status().message(), "node.key has mode " + std::string(expected) +
                                        ", open to group or others; run: chmod 600 " +
                                        (dir / "node.key").string());
  }
}

TEST(NodeKey, ForeignOrTruncatedFilesRefused) {
  TestDir dir;
  {
    std::ofstream f(dir / "node.key");
    f << "not a key";
  }
  chmod((dir / "node.key").c_str(), 0600);
  EXPECT_EQ(NodeKey::load(dir / "node.key").status().code(), ErrorCode::kCorruption);
  EXPECT_EQ(NodeKey::load(dir / "missing.key").status().code(), ErrorCode::kNotFound);
  // A database key file is not a node key file, even at the right size.
  ASSERT_TRUE(save_database_key(dir / "db.key", generate_database_key()).ok());
  EXPECT_EQ(NodeKey::load(dir / "db.key").status().code(), ErrorCode::kCorruption);
}

TEST(Encoding, HexBase64AndFingerprint) {
  const Bytes data = {0x00, 0xff, 0x10, 0xab};
  EXPECT_EQ(to_hex(data), "00ff10ab");
  EXPECT_EQ(from_hex("00FF10ab").value(), data);
  EXPECT_FALSE(from_hex("0g").ok());
  EXPECT_FALSE(from_hex("abc").ok());
  EXPECT_EQ(from_base64url(to_base64url(data)).value(), data);
  EXPECT_FALSE(from_base64url("a+b/").ok());
  const auto fp = fingerprint(NodeKey::generate().public_key());
  EXPECT_EQ(fp.size(), 24u);
  EXPECT_EQ(fp[4], '-');
  // BLAKE2b-256 of "abc" (RFC 7693 test vector for the 256-bit variant).
  EXPECT_EQ(to_hex(blake2b_256(as_bytes("abc"))),
            "bddd813c634239723171ef3fee98579b94964e3bb1cb3e427262c8c068d52319");
}

TEST(SecretBytes, MoveLeavesTheSourceEmpty) {
  SecretBytes a(32);
  random_fill(a.span());
  const std::uint8_t first = a.data()[0];
  SecretBytes b(std::move(a));
  EXPECT_EQ(a.size(), 0u);  // NOLINT(bugprone-use-after-move): the moved-from state is the contract
  EXPECT_EQ(b.size(), 32u);
  EXPECT_EQ(b.data()[0], first);
}

}  // namespace
}  // namespace yimen::crypto
