// Fuzzes e-licences as a verifier meets them (node/hall/licence.h): any text
// as a licence file or QR payload (parse_licence_text), and any bytes as a
// licence document, verified by verify_licence against the scratch city's
// county, which holds the chain of the licence the history issued. What
// decodes must survive the file form and the QR form unchanged.
//
// Since only the issuer's key can sign a licence, a document whose signer key
// is the county's (or another node's of the scratch city) is signed here over
// the licence bytes it carries, so that the fuzzer gets past the signature to
// the chain, revocation and expiry checks.

#include <capnp/message.h>
#include <capnp/serialize.h>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>
#include <vector>

#include "fuzz/fuzz_check.h"
#include "fuzz/scratch_city.h"
#include "node/hall/licence.h"
#include "sync/schema/licence.capnp.h"

using namespace yimen;

namespace {

fuzz::ScratchCity* city = nullptr;

// `document` with its signature made by the scratch city's key it names, or
// unchanged when it names none or does not read as a document. (Harness-side
// only; the real decoding is decode_licence_document's.)
Bytes signed_by_its_signer(ByteView document) {
  if (document.empty() || document.size() % sizeof(capnp::word) != 0)
    return Bytes(document.begin(), document.end());
  std::vector<capnp::word> words(document.size() / sizeof(capnp::word));
  std::memcpy(words.data(), document.data(), document.size());
  Bytes out(document.begin(), document.end());
  kj::runCatchingExceptions([&] {
    capnp::FlatArrayMessageReader reader(kj::arrayPtr(words.data(), words.size()));
    auto in = reader.getRoot<schema::LicenceDocument>();
    for (const char* id : {fuzz::kCity, fuzz::kCounty, fuzz::kTown, fuzz::kVillage}) {
      const auto& key = city->node(id).key;
      auto signer = in.getSignerKey();
      if (signer.size() != key.public_key().size() ||
          std::memcmp(signer.begin(), key.public_key().data(), signer.size()) != 0) {
        continue;
      }
      const auto licence = in.getLicence();
      const auto signature =
          key.sign(crypto::kLicenceDomain, ByteView(licence.begin(), licence.size()));
      capnp::MallocMessageBuilder message;
      message.setRoot(in);
      message.getRoot<schema::LicenceDocument>().setSignature(
          kj::arrayPtr(signature.data(), signature.size()));
      auto flat = capnp::messageToFlatArray(message);
      auto bytes = flat.asBytes();
      out.assign(bytes.begin(), bytes.end());
      return;
    }
  });
  return out;
}

void check_document(ByteView document) {
  const Bytes signed_document = signed_by_its_signer(document);
  auto& county = city->node(fuzz::kCounty);
  const auto today = hall::Date::from_days_since_epoch(city->clock_ms / 86400000);
  auto verdict = hall::verify_licence(county.db, signed_document, today, city->clock_ms / 1000);
  YIMEN_FUZZ_CHECK(verdict.ok(), verdict.status().message());
  YIMEN_FUZZ_CHECK(verdict->valid == verdict->reason.empty(), verdict->reason);

  auto decoded = hall::decode_licence_document(signed_document);
  if (!decoded.ok()) return;
  auto from_file = hall::parse_licence_text(hall::licence_file_text(signed_document));
  YIMEN_FUZZ_CHECK(from_file.ok() && *from_file == signed_document, "the file form changed it");
  auto bare = hall::without_chain(signed_document);
  YIMEN_FUZZ_CHECK(bare.ok(), bare.status().message());
  auto from_qr = hall::parse_licence_text(hall::licence_qr_payload(signed_document));
  YIMEN_FUZZ_CHECK(from_qr.ok() && *from_qr == *bare, "the QR form is not the bare document");
  auto bare_decoded = hall::decode_licence_document(*bare);
  YIMEN_FUZZ_CHECK(bare_decoded.ok() && bare_decoded->licence_bytes == decoded->licence_bytes &&
                       bare_decoded->chain.empty(),
                   "the bare document differs");
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  fuzz::use_deterministic_randomness();
  city = new fuzz::ScratchCity();  // lives until exit
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto document = hall::parse_licence_text(text);
  if (document.ok()) check_document(*document);
  check_document(ByteView(data, size));
  return 0;
}
