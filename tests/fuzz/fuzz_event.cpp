// Fuzzes the event boundary with a signature the fuzzer cannot forge: the
// input is the bytes of an Event (sync/schema/event.capnp); the harness signs
// them with the key of the scratch city's node the event names as its origin
// (the village's key when it names none of them), wraps them in an Envelope,
// and hands that to sync::decode_envelope and then EventLog::append at the
// city, whose hall (hall::Hall's HallProjection) is the EventSink. Each input
// runs in a transaction that is rolled back, so every input meets the same
// history (scratch_city.h); corpus/fuzz_event holds the next event of each
// kind that history admits.
// decode_envelope checks the whole event (sync/schema_check.h), so no
// kj::Exception may come out of append: one is a crash here.
// YIMEN_FUZZ_VERBOSE=1 in the environment prints what became of each input.

#include <capnp/message.h>
#include <capnp/serialize.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "fuzz/fuzz_check.h"
#include "fuzz/scratch_city.h"
#include "sync/event.h"
#include "sync/event_log.h"
#include "sync/schema/event.capnp.h"

using namespace yimen;

namespace {

fuzz::ScratchCity* city = nullptr;
// YIMEN_FUZZ_VERBOSE=1 prints what became of each input (to check that the seeds are applied).
bool verbose = false;

// The origin the event bytes name, or "" when they do not read as an Event.
// (Harness-side only, to choose the key; the real decoding is decode_envelope's.)
std::string named_origin(const std::uint8_t* data, std::size_t size) {
  if (size % sizeof(capnp::word) != 0 || size == 0) return {};
  std::vector<capnp::word> words(size / sizeof(capnp::word));
  std::memcpy(words.data(), data, size);
  std::string origin;
  kj::runCatchingExceptions([&] {
    capnp::FlatArrayMessageReader reader(kj::arrayPtr(words.data(), words.size()));
    auto text = reader.getRoot<schema::Event>().getOrigin();
    origin.assign(text.begin(), text.size());
  });
  return origin;
}

Bytes envelope_of(const std::uint8_t* data, std::size_t size, const crypto::NodeKey& key) {
  const crypto::Signature signature = key.sign(crypto::kEventDomain, ByteView(data, size));
  capnp::MallocMessageBuilder message;
  auto envelope = message.initRoot<schema::Envelope>();
  envelope.setEvent(kj::arrayPtr(data, size));
  envelope.setSignerKey(kj::arrayPtr(key.public_key().data(), key.public_key().size()));
  envelope.setSignature(kj::arrayPtr(signature.data(), signature.size()));
  auto flat = capnp::messageToFlatArray(message);
  auto bytes = flat.asBytes();
  return Bytes(bytes.begin(), bytes.end());
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  fuzz::use_deterministic_randomness();
  verbose = std::getenv("YIMEN_FUZZ_VERBOSE") != nullptr;
  city = new fuzz::ScratchCity();  // lives until exit: libFuzzer never returns to tear it down
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const crypto::NodeKey* key = city->key_of(named_origin(data, size));
  if (key == nullptr) key = city->key_of(fuzz::kVillage);
  auto event = sync::decode_envelope(envelope_of(data, size, *key));
  if (!event.ok()) {
    YIMEN_FUZZ_CHECK(event.status().code() == ErrorCode::kRejected, event.status().message());
    return 0;
  }
  YIMEN_FUZZ_CHECK(event->signer() == key->public_key(), "the signer changed");
  YIMEN_FUZZ_CHECK(event->id() == crypto::blake2b_256(ByteView(data, size)), "the id changed");

  auto& receiver = city->receiver();
  auto tx = receiver.db.begin();
  YIMEN_FUZZ_CHECK(tx.ok(), tx.status().message());
  auto appended = receiver.hall.log().append(std::move(event).value(), city->clock_ms / 1000);
  // A storage error would be the harness's or the machine's fault, not the input's.
  YIMEN_FUZZ_CHECK(appended.ok(), appended.status().message());
  if (verbose) {
    std::fprintf(stderr, "fuzz_event: %s %s\n", sync::append_outcome_name(appended->outcome),
                 appended->detail.c_str());
  }
  const Status rolled_back = tx->rollback();
  YIMEN_FUZZ_CHECK(rolled_back.ok(), rolled_back.message());
  receiver.hall.forget_cached_state();
  return 0;
}
