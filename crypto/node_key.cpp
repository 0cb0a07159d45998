#include <sodium.h>

#include <cstring>

#include "crypto/crypto.h"
#include "crypto/detail/key_file.h"
#include "crypto/detail/sodium.h"

namespace yimen::crypto {
namespace {

constexpr std::string_view kNodeKeyMagic = "yimenk1\n";

// domain ‖ 0x00 ‖ message
Bytes signed_bytes(std::string_view domain, ByteView message) {
  Bytes out;
  out.reserve(domain.size() + 1 + message.size());
  out.insert(out.end(), domain.begin(), domain.end());
  out.push_back(0);
  out.insert(out.end(), message.begin(), message.end());
  return out;
}

}  // namespace

NodeKey::NodeKey(SecretBytes seed) : seed_(std::move(seed)), secret_(crypto_sign_SECRETKEYBYTES) {
  crypto_sign_seed_keypair(public_key_.data(), secret_.data(), seed_.data());
}

NodeKey NodeKey::generate() {
  SecretBytes seed(crypto_sign_SEEDBYTES);
  random_fill(seed.span());
  return NodeKey(std::move(seed));
}

Status NodeKey::save(const std::filesystem::path& path) const {
  return detail::write_key_file(path, kNodeKeyMagic, seed_);
}

Result<NodeKey> NodeKey::load(const std::filesystem::path& path) {
  YIMEN_ASSIGN_OR_RETURN(auto seed,
                         detail::read_key_file(path, kNodeKeyMagic, crypto_sign_SEEDBYTES));
  return NodeKey(std::move(seed));
}

Signature NodeKey::sign(std::string_view domain, ByteView message) const {
  const Bytes m = signed_bytes(domain, message);
  Signature sig{};
  crypto_sign_detached(sig.data(), nullptr, m.data(), m.size(), secret_.data());
  return sig;
}

PublicKey NodeKey::curve_public_key() const {
  PublicKey out{};
  // Cannot fail for a key made by crypto_sign_seed_keypair.
  if (crypto_sign_ed25519_pk_to_curve25519(out.data(), public_key_.data()) != 0) {
    throw std::logic_error("own Ed25519 key has no X25519 form");
  }
  return out;
}

SecretBytes NodeKey::curve_secret_key() const {
  SecretBytes out(crypto_scalarmult_curve25519_BYTES);
  crypto_sign_ed25519_sk_to_curve25519(out.data(), secret_.data());
  return out;
}

bool verify(std::string_view domain, const PublicKey& key, ByteView message,
            const Signature& signature) {
  detail::ensure_sodium();
  const Bytes m = signed_bytes(domain, message);
  return crypto_sign_verify_detached(signature.data(), m.data(), m.size(), key.data()) == 0;
}

Result<PublicKey> curve_public_key_of(const PublicKey& ed25519_key) {
  detail::ensure_sodium();
  PublicKey out{};
  if (crypto_sign_ed25519_pk_to_curve25519(out.data(), ed25519_key.data()) != 0) {
    return invalid_argument("public key is not a valid Ed25519 key");
  }
  return out;
}

}  // namespace yimen::crypto
