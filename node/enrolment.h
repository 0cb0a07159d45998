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
//   u8 version (1) ‖ u16+B parent sync endpoint ‖ u8 n ‖ n × u16+B certificate)
// with the chain leaf first (the child's new certificate), then the parent's
// own chain up to the city root. The parent's key is the second certificate's.

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
};

std::string encode_certificate_token(const CertificateToken& token);

// Decodes a certificate token; every certificate's signature is checked, the
// chain itself is verify_chain's job. InvalidArgument when malformed.
Result<CertificateToken> decode_certificate_token(std::string_view token);

}  // namespace yimen::node
