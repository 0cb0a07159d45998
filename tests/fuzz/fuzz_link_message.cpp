// Fuzzes the link protocol's frame boundary (sync/link_message.h): any frame
// into decode_link_message; a frame that decodes is encoded again, and that
// encoding must decode and encode to the very same bytes (a round trip that
// is stable after one step), and a batch no larger than the bound its
// sender counts on.

#include <cstddef>
#include <cstdint>

#include "fuzz/fuzz_check.h"
#include "sync/link_message.h"

using namespace yimen;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto message = sync::decode_link_message(ByteView(data, size));
  if (!message.ok()) {
    YIMEN_FUZZ_CHECK(message.status().code() == ErrorCode::kRejected, message.status().message());
    return 0;
  }
  const Bytes encoded = sync::encode_link_message(*message);
  auto again = sync::decode_link_message(encoded);
  YIMEN_FUZZ_CHECK(again.ok(), again.status().message());
  YIMEN_FUZZ_CHECK(again->index() == message->index(), "the kind of message changed");
  YIMEN_FUZZ_CHECK(sync::encode_link_message(*again) == encoded, "the round trip is not stable");
  if (const auto* batch = std::get_if<sync::Batch>(&*message)) {
    // What the sender bounds its batches with must bound the frame.
    auto words = [](std::size_t bytes) { return (bytes + 7) / 8 * 8; };
    std::size_t payload = words(batch->log_epoch.size());
    for (const auto& event : batch->events) payload += words(event.size());
    YIMEN_FUZZ_CHECK(encoded.size() <= sync::batch_overhead_bytes(batch->events.size()) + payload,
                     "a batch larger than batch_overhead_bytes says");
  }
  return 0;
}
