#pragma once

// Node certificates and the chain of trust up to the city root
// (DESIGN.md section 4).
//
// Wire format of a certificate (all integers big-endian), stored and
// forwarded as these exact bytes:
//
//   u8      format version (1)
//   12 B    subject region code, ASCII digits
//   u8      subject level (1 city, 2 county, 3 town, 4 village)
//   u16+B   subject name, UTF-8, 1..200 bytes
//   32 B    subject Ed25519 public key
//   i64     not before (Unix seconds)
//   i64     not after  (Unix seconds)
//   12 B    issuer region code
//   32 B    issuer Ed25519 public key
//   64 B    Ed25519 signature by the issuer key over
//           ("yimen/cert/v1" ‖ 0x00 ‖ every byte above)
//
// The city root certificate is self-signed: issuer = subject, issuer key =
// subject key. Every other certificate is issued by the subject's direct
// parent (the name constraint: a parent certifies only its own children).

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "common/region_code.h"
#include "crypto/crypto.h"

namespace yimen::crypto {

// A decoded, signature-checked certificate. Value type.
struct Certificate {
  RegionCode subject;
  std::string name;
  PublicKey public_key{};
  std::int64_t not_before = 0;
  std::int64_t not_after = 0;
  RegionCode issuer;
  PublicKey issuer_key{};
  Bytes bytes;  // the exact signed encoding

  bool self_signed() const { return subject == issuer && public_key == issuer_key; }

  // Issues a certificate for `subject` signed by `issuer_key`, acting for
  // region `issuer`. For a root, pass issuer == subject and the subject's own
  // key. InvalidArgument when the name is empty or longer than 200 bytes,
  // the validity is empty, or `issuer` may not certify `subject` (not its
  // direct parent, nor the subject itself for a city root).
  static Result<Certificate> issue(const RegionCode& subject, std::string_view name,
                                   const PublicKey& subject_key, std::int64_t not_before,
                                   std::int64_t not_after, const RegionCode& issuer,
                                   const NodeKey& issuer_key);

  // Parses `bytes` strictly (exact length, known version, valid codes, level
  // matching the code) and checks the signature against the issuer key it
  // names. Rejected with the reason otherwise. Whether that issuer is to be
  // trusted is verify_chain's question.
  static Result<Certificate> decode(ByteView bytes);
};

// "Key K revoked after seq N": signatures by K on events with seq ≤ N stay
// valid, later ones do not. Who may revoke, and how the revocation travels,
// is the event log's business; here it is a fact to apply.
struct Revocation {
  PublicKey key{};
  std::uint64_t after_seq = 0;
};

// Clock tolerance when judging validity periods (DESIGN.md section 4).
inline constexpr std::int64_t kValidityToleranceSeconds = 24 * 3600;

// Verifies `chain` (leaf first, the city root last) for a signature made by
// the leaf key at event sequence `leaf_seq` (pass UINT64_MAX for "now, with no
// seq": then any revocation of the leaf key refuses it), judged at `now`
// (Unix seconds) with a 24-hour tolerance either way:
//   - the last certificate is self-signed by `root_key`, for a city;
//   - each certificate's issuer is the next one's subject with its key;
//   - each subject is a direct child of its issuer (name constraint);
//   - each certificate is within its validity period;
//   - the leaf key is not revoked before `leaf_seq`; an issuer key in the
//     chain revoked after seq N still vouches for a certificate it published
//     in its own event with seq <= N (`issued_seq`, parallel to `chain`:
//     kUnknownIssuedSeq, or a missing entry, when that is not known), so a
//     replaced town's villages stay valid; for anything later it refuses the
//     chain (those children are enrolled again by the new key).
// Returns OK, or PermissionDenied with a message naming the certificate and
// the reason. Signatures were checked by Certificate::decode/issue.
inline constexpr std::uint64_t kUnknownIssuedSeq = UINT64_MAX;
Status verify_chain(std::span<const Certificate> chain, const PublicKey& root_key, std::int64_t now,
                    std::span<const Revocation> revocations, std::uint64_t leaf_seq = UINT64_MAX,
                    std::span<const std::uint64_t> issued_seq = {});

}  // namespace yimen::crypto
