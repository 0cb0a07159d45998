#include "node/enrolment.h"

#include "common/text.h"
#include "config/node_config.h"

namespace yimen::node {
namespace {

constexpr std::string_view kRequestPrefix = "yimen-req1.";
constexpr std::string_view kCertificatePrefix = "yimen-cert1.";
constexpr std::uint8_t kVersion = 1;
// Certificate tokens: version 2 adds held_through; version 1 is still read.
constexpr std::uint8_t kCertificateVersion = 2;
constexpr size_t kMaxChain = 8;

// Strips surrounding whitespace a copy and paste may add.
std::string_view trimmed(std::string_view s) {
  while (!s.empty() &&
         (s.front() == ' ' || s.front() == '\n' || s.front() == '\r' || s.front() == '\t')) {
    s.remove_prefix(1);
  }
  while (!s.empty() &&
         (s.back() == ' ' || s.back() == '\n' || s.back() == '\r' || s.back() == '\t')) {
    s.remove_suffix(1);
  }
  return s;
}

Result<Bytes> token_payload(std::string_view token, std::string_view prefix, const char* what) {
  token = trimmed(token);
  if (token.substr(0, prefix.size()) != prefix) {
    return invalid_argument(std::string("not ") + what + " (it should start with " +
                            std::string(prefix) + ")");
  }
  auto bytes = crypto::from_base64url(token.substr(prefix.size()));
  if (!bytes.ok()) return invalid_argument(std::string(what) + " is damaged (not base64url)");
  return bytes;
}

}  // namespace

std::string encode_enrol_request(const EnrolRequest& request, const crypto::NodeKey& key) {
  ByteWriter w;
  w.u8(kVersion);
  w.raw(request.id.str());
  w.str16(request.name);
  w.raw(request.public_key);
  w.i64(request.created_at);
  const auto sig = key.sign(crypto::kEnrolRequestDomain, w.bytes());
  w.raw(sig);
  return std::string(kRequestPrefix) + crypto::to_base64url(w.bytes());
}

Result<EnrolRequest> decode_enrol_request(std::string_view token) {
  YIMEN_ASSIGN_OR_RETURN(auto bytes,
                         token_payload(token, kRequestPrefix, "an enrolment request token"));
  const auto damaged = [](const std::string& why) {
    return invalid_argument("enrolment request token is damaged: " + why);
  };
  ByteReader r(bytes);
  const auto version = r.u8();
  const std::string id_text = r.text(12);
  const std::string name = r.text16();
  const auto key = r.fixed<crypto::kPublicKeySize>();
  const auto created = r.i64();
  const size_t body = r.position();
  const auto sig = r.fixed<crypto::kSignatureSize>();
  if (!r.at_end()) return damaged("truncated or with trailing bytes");
  if (version != kVersion) return damaged("unknown version " + std::to_string(version));
  auto id = RegionCode::parse(id_text);
  if (!id.ok()) return damaged(id.status().message());
  if (!is_valid_node_name(name)) return damaged("invalid node name");
  if (!crypto::verify(crypto::kEnrolRequestDomain, key, ByteView(bytes).first(body), sig)) {
    return damaged("its signature does not verify");
  }
  return EnrolRequest{*id, name, key, created};
}

std::string encode_certificate_token(const CertificateToken& token,
                                     const crypto::NodeKey& parent_key) {
  ByteWriter w;
  w.u8(kCertificateVersion);
  w.str16(token.parent_endpoint);
  w.u8(static_cast<std::uint8_t>(token.chain.size()));
  for (const auto& cert : token.chain) w.str16(cert.bytes);
  w.u64(token.held_through);
  w.raw(parent_key.sign(crypto::kEnrolCertificateDomain, w.bytes()));
  return std::string(kCertificatePrefix) + crypto::to_base64url(w.bytes());
}

Result<CertificateToken> decode_certificate_token(std::string_view token) {
  YIMEN_ASSIGN_OR_RETURN(auto bytes,
                         token_payload(token, kCertificatePrefix, "a certificate token"));
  const auto damaged = [](const std::string& why) {
    return invalid_argument("certificate token is damaged: " + why);
  };
  ByteReader r(bytes);
  const auto version = r.u8();
  CertificateToken out;
  out.parent_endpoint = r.text16();
  const size_t n = r.u8();
  if (!r.ok()) return damaged("truncated");
  if (version != 1 && version != kCertificateVersion) {
    return damaged("unknown version " + std::to_string(version));
  }
  if (!config::is_valid_endpoint(out.parent_endpoint, false)) {
    return damaged("the parent endpoint is not tcp://HOST:PORT");
  }
  if (n < 2 || n > kMaxChain) return damaged("a chain of " + std::to_string(n) + " certificates");
  for (size_t i = 0; i < n; ++i) {
    const ByteView cert_bytes = r.str16();
    if (!r.ok()) return damaged("truncated");
    auto cert = crypto::Certificate::decode(cert_bytes);
    if (!cert.ok()) return damaged(cert.status().message());
    out.chain.push_back(std::move(cert).value());
  }
  if (version >= 2) {
    out.held_through = r.u64();
    const size_t body = r.position();
    const auto sig = r.fixed<crypto::kSignatureSize>();
    if (!r.ok()) return damaged("truncated");
    if (!crypto::verify(crypto::kEnrolCertificateDomain, out.chain[1].public_key,
                        ByteView(bytes).first(body), sig)) {
      return damaged("the parent's signature does not verify");
    }
  }
  if (!r.at_end()) return damaged("trailing bytes");
  return out;
}

}  // namespace yimen::node
