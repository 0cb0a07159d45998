#pragma once

// Yimen's cryptography over libsodium: secret memory, random bytes, hashes,
// encodings, node keys with domain-separated signatures, the database key
// (from a key file or Argon2id over a passphrase) and account password hashes.
//
// Every function here is thread-safe. libsodium is initialised on first use.
//
// Signatures are Ed25519 over (domain ‖ 0x00 ‖ message): bytes signed as one
// kind can never be passed off as another (DESIGN.md section 2).

#include <array>
#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <string_view>

#include "common/bytes.h"
#include "common/status.h"

namespace yimen::crypto {

constexpr size_t kPublicKeySize = 32;
constexpr size_t kSignatureSize = 64;
constexpr size_t kDigestSize = 32;
constexpr size_t kDatabaseKeySize = 32;

using PublicKey = std::array<std::uint8_t, kPublicKeySize>;
using Signature = std::array<std::uint8_t, kSignatureSize>;
using Digest = std::array<std::uint8_t, kDigestSize>;

// Signature domains, one per signed kind.
inline constexpr std::string_view kEventDomain = "yimen/event/v1";
inline constexpr std::string_view kCertificateDomain = "yimen/cert/v1";
inline constexpr std::string_view kEnrolRequestDomain = "yimen/enrol-request/v1";
inline constexpr std::string_view kEnrolCertificateDomain = "yimen/enrol-certificate/v1";
inline constexpr std::string_view kLicenceDomain = "yimen/licence/v1";

// Bytes in sodium_malloc'ed memory (guard pages, locked where the system
// allows), wiped and freed on destruction. Move-only.
class SecretBytes {
 public:
  explicit SecretBytes(size_t size);
  ~SecretBytes();
  SecretBytes(SecretBytes&& other) noexcept;
  SecretBytes& operator=(SecretBytes&& other) noexcept;
  SecretBytes(const SecretBytes&) = delete;
  SecretBytes& operator=(const SecretBytes&) = delete;

  std::uint8_t* data() { return data_; }
  const std::uint8_t* data() const { return data_; }
  size_t size() const { return size_; }
  std::span<std::uint8_t> span() { return {data_, size_}; }
  std::span<const std::uint8_t> span() const { return {data_, size_}; }

 private:
  std::uint8_t* data_ = nullptr;
  size_t size_ = 0;
};

// Fills `out` with cryptographically secure random bytes.
void random_fill(std::span<std::uint8_t> out);

// A uniformly random number in [0, bound), bound > 0.
std::uint32_t random_below(std::uint32_t bound);

// BLAKE2b with a 256-bit output.
Digest blake2b_256(ByteView data);

// Lower-case hex.
std::string to_hex(ByteView data);
// Parses hex (either case); InvalidArgument on odd length or a non-hex digit.
Result<Bytes> from_hex(std::string_view hex);
// URL-safe base64 without padding (what one-line tokens use).
std::string to_base64url(ByteView data);
// InvalidArgument when `text` is not URL-safe unpadded base64.
Result<Bytes> from_base64url(std::string_view text);

// A short human-comparable fingerprint of a public key: the first 10 bytes of
// its BLAKE2b-256 as five groups of four hex digits, e.g. "3f2a-91c0-…".
std::string fingerprint(const PublicKey& key);

// A node's Ed25519 signing key; the X25519 key pair for CurveZMQ is derived
// from it. The 32-byte seed lives in secret memory. Move-only; const methods
// are thread-safe.
class NodeKey {
 public:
  static NodeKey generate();

  // Writes the key file (format: 8 bytes "yimenk1\n", then the 32-byte seed)
  // with mode 0600, refusing to overwrite an existing file, and syncs it.
  Status save(const std::filesystem::path& path) const;

  // Reads a key file. PermissionDenied when group or others have any access
  // to it (the message says how to fix it); Corruption when it is not a key
  // file of this format.
  static Result<NodeKey> load(const std::filesystem::path& path);

  const PublicKey& public_key() const { return public_key_; }

  // Ed25519 signature over (domain ‖ 0x00 ‖ message).
  Signature sign(std::string_view domain, ByteView message) const;

  // The X25519 key pair for CurveZMQ (crypto_sign_ed25519_*_to_curve25519).
  PublicKey curve_public_key() const;
  SecretBytes curve_secret_key() const;

 private:
  explicit NodeKey(SecretBytes seed);

  SecretBytes seed_;
  SecretBytes secret_;  // libsodium's 64-byte Ed25519 secret key (seed ‖ public key)
  PublicKey public_key_{};
};

// True when `signature` is `key`'s signature over (domain ‖ 0x00 ‖ message).
bool verify(std::string_view domain, const PublicKey& key, ByteView message,
            const Signature& signature);

// The X25519 public key of a peer's Ed25519 key; InvalidArgument for a key
// that is not a valid curve point.
Result<PublicKey> curve_public_key_of(const PublicKey& ed25519_key);

// --- The database key ---

// A fresh random 256-bit database key.
SecretBytes generate_database_key();

// Writes a database key file (8 bytes "yimendk1", then the 32-byte key), mode
// 0600, refusing to overwrite, synced.
Status save_database_key(const std::filesystem::path& path, const SecretBytes& key);

// Reads a database key file; errors as NodeKey::load.
Result<SecretBytes> load_database_key(const std::filesystem::path& path);

// Parameters of Argon2id for a passphrase-derived database key. Stored in a
// text file beside the database ("yimen-kdf v1 argon2id13 <ops> <mem> <salt hex>").
struct KdfSalt {
  std::array<std::uint8_t, 16> salt{};
  std::uint64_t opslimit = 0;
  std::uint64_t memlimit = 0;
};

// A new random salt with Yimen's Argon2id cost (3 passes, 64 MiB).
KdfSalt new_kdf_salt();
Status save_kdf_salt(const std::filesystem::path& path, const KdfSalt& salt);
Result<KdfSalt> load_kdf_salt(const std::filesystem::path& path);

// Argon2id(passphrase, salt) → 256-bit database key. InvalidArgument for an
// empty passphrase; Internal when memory for Argon2 cannot be had.
Result<SecretBytes> derive_database_key(std::string_view passphrase, const KdfSalt& salt);

// --- Account passwords ---

// An Argon2id hash string (crypto_pwhash_str, interactive cost) that embeds
// its own salt and parameters. InvalidArgument for an empty password.
Result<std::string> hash_password(std::string_view password);

// An Argon2id hash string for a short secret code (a case's 8-digit query
// code) at a lower cost than passwords (2 passes, 4 MiB), so intake stays
// fast; lookups of codes are rate limited where they are checked.
Result<std::string> hash_secret_code(std::string_view code);

// A fresh 8-digit secret code (a query code for a case, a complaint, a
// question or a booking) with its hash_secret_code hash. The code is shown
// once to the person it belongs to; only the hash is stored.
struct SecretCode {
  std::string code;
  std::string hash;
};
Result<SecretCode> new_secret_code();

// True when `password` matches `hash` (a string from hash_password or
// hash_secret_code).
bool verify_password(std::string_view hash, std::string_view password);

}  // namespace yimen::crypto
