#pragma once

// Enrolment by two one-line tokens (DESIGN.md section 4).
//
// Request token, printed by the child:  "yimen-req1." base64url(
//   u8 version (1) ‖ 12 B region code ‖ u16+B name ‖ 32 B Ed25519 key ‖
//   i64 created (Unix s) ‖ 64 B signature by that key over
//   ("yimen/enrol-request/v1" ‖ 0x00 ‖ the bytes before it))
// The signature proves the requester holds the key it asks to certify.
//
// Certificate token, printed by the parent: "yimen-cert1." base64url(
//   u8 version (2) ‖ u16+B parent sync endpoint ‖ u8 n ‖ n × u16+B certificate ‖
//   u64 held through ‖ 64 B signature by the parent's key over
//   ("yimen/enrol-certificate/v1" ‖ 0x00 ‖ the bytes before it))
// with the chain leaf first (the child's new certificate), then the parent's
// own chain up to the city root. The parent's key is the second certificate's.
// "Held through" is the highest seq of the child's own events the parent
// holds: 0 for a new node; more for a node enrolled again with a new key
// (replaced or rotated), which must recover them before it writes, so that it
// continues its log after them. Version 1 tokens (without it and without the
// signature) are still read.

#include <string>
#include <string_view>
#include <vector>

#include "common/region_code.h"
#include "crypto/certificate.h"

namespace yimen::node {

struct EnrolRequest {
  RegionCode id;
  std::string name;
  crypto::PublicKey public_key{};
  std::int64_t created_at = 0;
};

// Signs and encodes a request with the requester's own key.
std::string encode_enrol_request(const EnrolRequest& request, const crypto::NodeKey& key);

// Decodes a request token and checks its signature. InvalidArgument naming
// what is wrong (not a request token, damaged, bad signature).
Result<EnrolRequest> decode_enrol_request(std::string_view token);

struct CertificateToken {
  std::string parent_endpoint;
  std::vector<crypto::Certificate> chain;  // leaf first, city root last
  std::uint64_t held_through = 0;          // the child's own events the parent holds
};

// Encodes and signs a token with the parent's key (the chain's second certificate's).
std::string encode_certificate_token(const CertificateToken& token,
                                     const crypto::NodeKey& parent_key);

// Decodes a certificate token; every certificate's signature and the parent's
// over the whole token are checked, the chain itself is verify_chain's job.
// InvalidArgument when malformed.
Result<CertificateToken> decode_certificate_token(std::string_view token);

}  // namespace yimen::node
