// Fuzzes the one-line enrolment tokens (node/enrolment.h) and certificates
// (crypto/certificate.h): any text as a request token and as a certificate
// token, any bytes as a certificate; what decodes is checked the way a parent
// and a child use it (check_enrol_request, verify_chain). Since a request
// token is signed by the key it asks to certify, the fuzzer cannot forge one
// that decodes; so the input also drives the fields of a request that the
// harness signs with its own key, which must decode to the same request.

#include <fuzzer/FuzzedDataProvider.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "crypto/certificate.h"
#include "fuzz/fuzz_check.h"
#include "node/enrol_child.h"
#include "node/enrolment.h"

using namespace yimen;

namespace {

constexpr std::int64_t kNow = 1780000000;  // a fixed "now": 2026-05-28

const crypto::NodeKey& requester_key() {
  static const crypto::NodeKey key = crypto::NodeKey::generate();
  return key;
}

void check_request_token(std::string_view text) {
  auto request = node::decode_enrol_request(text);
  if (!request.ok()) return;
  const RegionCode parent = request->id.parent().value_or(request->id);
  (void)node::check_enrol_request(parent, *request, kNow);
}

void check_certificate_token(std::string_view text) {
  auto token = node::decode_certificate_token(text);
  if (!token.ok()) return;
  YIMEN_FUZZ_CHECK(!token->chain.empty(), "a certificate token without a chain");
  (void)crypto::verify_chain(token->chain, token->chain.back().public_key, kNow, {});
  for (const auto& certificate : token->chain) {
    auto again = crypto::Certificate::decode(certificate.bytes);
    YIMEN_FUZZ_CHECK(again.ok() && again->bytes == certificate.bytes, "a certificate changed");
  }
}

void check_certificate(ByteView bytes) {
  auto certificate = crypto::Certificate::decode(bytes);
  if (!certificate.ok()) return;
  YIMEN_FUZZ_CHECK(certificate->bytes.size() == bytes.size(), "not the exact bytes");
  auto again = crypto::Certificate::decode(certificate->bytes);
  YIMEN_FUZZ_CHECK(again.ok() && again->subject == certificate->subject &&
                       again->public_key == certificate->public_key &&
                       again->not_after == certificate->not_after,
                   "a certificate decodes differently");
  const crypto::Certificate chain[] = {*certificate};
  (void)crypto::verify_chain(chain, certificate->issuer_key, kNow, {});
}

// A request with fields from the input, signed here: it must come back equal.
void check_signed_request(const std::uint8_t* data, std::size_t size) {
  FuzzedDataProvider input(data, size);
  auto id = RegionCode::parse(input.ConsumeBytesAsString(12));
  if (!id.ok()) id = RegionCode::parse("441802001002");
  node::EnrolRequest request{*id, input.ConsumeRandomLengthString(300),
                             requester_key().public_key(), input.ConsumeIntegral<std::int64_t>()};
  const std::string token = node::encode_enrol_request(request, requester_key());
  auto back = node::decode_enrol_request(token);
  if (!back.ok()) return;  // e.g. a name the decoder refuses
  YIMEN_FUZZ_CHECK(back->id == request.id && back->name == request.name &&
                       back->public_key == request.public_key &&
                       back->created_at == request.created_at,
                   token);
  const RegionCode parent = back->id.parent().value_or(back->id);
  (void)node::check_enrol_request(parent, *back, kNow);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  check_request_token(text);
  check_certificate_token(text);
  check_certificate(ByteView(data, size));
  check_signed_request(data, size);
  return 0;
}
