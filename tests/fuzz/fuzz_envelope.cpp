// Fuzzes the event boundary on raw envelope bytes, as they arrive in a batch:
// sync::decode_envelope must reject what it cannot verify and never throw;
// an envelope it accepts keeps its exact bytes, and its id and header are
// those of the signed event. (corpus/fuzz_envelope: real envelopes of every
// body type; fuzz_event signs mutated events to get past the signature.)

#include <cstddef>
#include <cstdint>

#include "fuzz/fuzz_check.h"
#include "sync/event.h"

using namespace yimen;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto event = sync::decode_envelope(ByteView(data, size));
  if (!event.ok()) {
    YIMEN_FUZZ_CHECK(event.status().code() == ErrorCode::kRejected, event.status().message());
    return 0;
  }
  YIMEN_FUZZ_CHECK(event->envelope() == Bytes(data, data + size), "the envelope bytes changed");
  YIMEN_FUZZ_CHECK(event->seq() >= 1, "seq 0 accepted");
  YIMEN_FUZZ_CHECK((event->seq() == 1) == event->prev().empty(), "prev does not match seq");
  auto again = sync::decode_envelope(event->envelope());
  YIMEN_FUZZ_CHECK(again.ok() && again->id() == event->id(), "a second decode differs");
  return 0;
}
