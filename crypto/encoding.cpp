#include <sodium.h>

#include "crypto/crypto.h"
#include "crypto/detail/sodium.h"

namespace yimen::crypto {

Digest blake2b_256(ByteView data) {
  detail::ensure_sodium();
  Digest out{};
  crypto_generichash(out.data(), out.size(), data.data(), data.size(), nullptr, 0);
  return out;
}

std::string to_hex(ByteView data) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(data.size() * 2);
  for (auto b : data) {
    out.push_back(kDigits[b >> 4]);
    out.push_back(kDigits[b & 0xf]);
  }
  return out;
}

Result<Bytes> from_hex(std::string_view hex) {
  if (hex.size() % 2 != 0) return invalid_argument("hex text has an odd number of digits");
  auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  Bytes out;
  out.reserve(hex.size() / 2);
  for (size_t i = 0; i < hex.size(); i += 2) {
    const int hi = nibble(hex[i]);
    const int lo = nibble(hex[i + 1]);
    if (hi < 0 || lo < 0)
      return invalid_argument("hex text has a character that is not a hex digit");
    out.push_back(static_cast<std::uint8_t>(hi * 16 + lo));
  }
  return out;
}

std::string to_base64url(ByteView data) {
  detail::ensure_sodium();
  constexpr int kVariant = sodium_base64_VARIANT_URLSAFE_NO_PADDING;
  std::string out(sodium_base64_ENCODED_LEN(data.size(), kVariant), '\0');
  sodium_bin2base64(out.data(), out.size(), data.data(), data.size(), kVariant);
  out.resize(out.size() - 1);  // the terminating NUL
  return out;
}

Result<Bytes> from_base64url(std::string_view text) {
  detail::ensure_sodium();
  Bytes out(text.size() * 3 / 4 + 3);
  size_t len = 0;
  const char* end = nullptr;
  if (sodium_base642bin(out.data(), out.size(), text.data(), text.size(), nullptr, &len, &end,
                        sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0 ||
      end != text.data() + text.size()) {
    return invalid_argument("not valid base64url text");
  }
  out.resize(len);
  return out;
}

std::string fingerprint(const PublicKey& key) {
  const auto digest = blake2b_256(key);
  const std::string hex = to_hex(ByteView(digest.data(), 10));
  std::string out;
  for (size_t i = 0; i < hex.size(); i += 4) {
    if (!out.empty()) out.push_back('-');
    out.append(hex, i, 4);
  }
  return out;
}

}  // namespace yimen::crypto
