#include "crypto/certificate.h"

#include <ctime>

#include "common/text.h"

namespace yimen::crypto {
namespace {

constexpr std::uint8_t kFormatVersion = 1;

std::string utc_date(std::int64_t t) {
  const std::time_t tt = static_cast<std::time_t>(t);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M UTC", &tm);
  return buf;
}

Bytes encode_body(const RegionCode& subject, std::string_view name, const PublicKey& key,
                  std::int64_t not_before, std::int64_t not_after, const RegionCode& issuer,
                  const PublicKey& issuer_key) {
  ByteWriter w;
  w.u8(kFormatVersion);
  w.raw(subject.str());
  w.u8(static_cast<std::uint8_t>(subject.level()));
  w.str16(name);
  w.raw(key);
  w.i64(not_before);
  w.i64(not_after);
  w.raw(issuer.str());
  w.raw(issuer_key);
  return w.take();
}

bool may_certify(const RegionCode& issuer, const RegionCode& subject) {
  if (issuer == subject) return subject.level() == RegionLevel::kCity;
  return subject.is_direct_child_of(issuer);
}

std::string describe(const Certificate& c) { return "certificate of " + c.subject.str(); }

}  // namespace

Result<Certificate> Certificate::issue(const RegionCode& subject, std::string_view name,
                                       const PublicKey& subject_key, std::int64_t not_before,
                                       std::int64_t not_after, const RegionCode& issuer,
                                       const NodeKey& issuer_key) {
  if (!is_valid_node_name(name)) {
    return invalid_argument("a node name must be 1 to 200 bytes of UTF-8 text");
  }
  if (not_after <= not_before) return invalid_argument("certificate validity period is empty");
  if (!may_certify(issuer, subject)) {
    return invalid_argument(issuer.str() + " may not certify " + subject.str() +
                            ": a node certifies only its direct children");
  }
  if (issuer == subject && subject_key != issuer_key.public_key()) {
    return invalid_argument("a root certificate must be signed by its own key");
  }
  Bytes body = encode_body(subject, name, subject_key, not_before, not_after, issuer,
                           issuer_key.public_key());
  const Signature sig = issuer_key.sign(kCertificateDomain, body);
  body.insert(body.end(), sig.begin(), sig.end());
  return Certificate{subject, std::string(name),       subject_key,    not_before, not_after,
                     issuer,  issuer_key.public_key(), std::move(body)};
}

Result<Certificate> Certificate::decode(ByteView bytes) {
  auto bad = [](const std::string& why) {
    return Status(ErrorCode::kRejected, "certificate " + why);
  };
  ByteReader r(bytes);
  if (r.u8() != kFormatVersion || !r.ok()) return bad("has an unknown format version");
  auto subject = RegionCode::parse(r.text(12));
  if (!subject.ok()) return bad("subject: " + subject.status().message());
  const auto level = r.u8();
  const std::string name = r.text16();
  const auto key = r.fixed<kPublicKeySize>();
  const auto not_before = r.i64();
  const auto not_after = r.i64();
  auto issuer = RegionCode::parse(r.text(12));
  const auto issuer_key = r.fixed<kPublicKeySize>();
  const size_t body_size = r.position();
  const auto sig = r.fixed<kSignatureSize>();
  if (!r.at_end()) return bad("is truncated or has trailing bytes");
  if (!issuer.ok()) return bad("issuer: " + issuer.status().message());
  if (level != static_cast<std::uint8_t>(subject->level())) {
    return bad("level does not match its region code");
  }
  if (!is_valid_node_name(name)) {
    return bad("has an invalid name");
  }
  if (!verify(kCertificateDomain, issuer_key, bytes.first(body_size), sig)) {
    return bad("of " + subject->str() + ": signature does not verify");
  }
  return Certificate{*subject,  name,    key,        not_before,
                     not_after, *issuer, issuer_key, Bytes(bytes.begin(), bytes.end())};
}

Status verify_chain(std::span<const Certificate> chain, const PublicKey& root_key, std::int64_t now,
                    std::span<const Revocation> revocations, std::uint64_t leaf_seq,
                    std::span<const std::uint64_t> issued_seq) {
  auto refuse = [](const std::string& why) { return permission_denied(why); };
  if (chain.empty()) return refuse("no certificate");
  const Certificate& root = chain.back();
  if (!root.self_signed() || root.subject.level() != RegionLevel::kCity ||
      root.public_key != root_key) {
    return refuse("certificate chain does not end at the trusted city root");
  }
  for (size_t i = 0; i < chain.size(); ++i) {
    const Certificate& c = chain[i];
    if (i + 1 < chain.size()) {
      const Certificate& up = chain[i + 1];
      if (c.issuer != up.subject || c.issuer_key != up.public_key) {
        return refuse(describe(c) + ": issued by " + c.issuer.str() +
                      ", which is not the next certificate in the chain (wrong issuer)");
      }
      if (!c.subject.is_direct_child_of(c.issuer)) {
        return refuse(describe(c) + ": " + c.issuer.str() +
                      " may certify only its direct children (outside its name constraint)");
      }
    }
    if (now + kValidityToleranceSeconds < c.not_before) {
      return refuse(describe(c) + " is not valid until " + utc_date(c.not_before));
    }
    if (now - kValidityToleranceSeconds > c.not_after) {
      return refuse(describe(c) + " expired on " + utc_date(c.not_after));
    }
    for (const Revocation& rev : revocations) {
      if (rev.key != c.public_key) continue;
      if (i == 0 && leaf_seq <= rev.after_seq) continue;
      // An issuer: what it certified before its revocation stands.
      if (i > 0 && i - 1 < issued_seq.size() && issued_seq[i - 1] <= rev.after_seq) continue;
      return refuse(describe(c) + ": key " + fingerprint(c.public_key) + " is revoked after seq " +
                    std::to_string(rev.after_seq));
    }
  }
  return {};
}

}  // namespace yimen::crypto
