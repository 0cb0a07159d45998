#pragma once

// Link messages (sync/schema/link.capnp) as plain structs, and the one
// boundary where a received frame becomes one: size cap, aligned copy,
// traversal limit, trailing bytes refused, every kj::Exception a rejection.

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "common/bytes.h"
#include "common/status.h"

namespace yimen::sync {

// Raised when a change older nodes cannot follow is made to the link protocol.
inline constexpr std::uint32_t kProtocolVersion = 1;

// Largest frame accepted; ZeroMQ drops a peer that sends a bigger one.
inline constexpr std::size_t kMaxFrameBytes = 8u << 20;

struct Hello {
  bool welcome = false;  // the parent's answer
  std::uint32_t protocol_version = kProtocolVersion;
  std::string node;
  std::string software;
  Bytes log_epoch;
  std::int64_t wall_ms = 0;
  Bytes resume_epoch;
  std::int64_t resume_after = 0;
  bool recovering = false;
  std::int64_t log_head = 0;
};

struct Batch {
  Bytes log_epoch;
  std::int64_t after = 0;
  std::int64_t through = 0;
  std::vector<Bytes> events;
};

struct Ack {
  Bytes log_epoch;
  std::int64_t through = 0;
};

struct Heartbeat {
  std::int64_t wall_ms = 0;
};

struct Refused {
  std::string reason;
};

struct NodeStatus {
  std::string node;
  std::int64_t reported_at_ms = 0;
  bool link_up = false;
  std::int64_t last_contact_ms = 0;
  std::int64_t backlog = 0;
  std::int64_t quarantined = 0;
  std::int64_t refused = 0;
  std::int64_t clock_offset_ms = 0;
  std::string software;
  std::int64_t pending = 0;
  std::int64_t forks = 0;
  std::int64_t conflicts = 0;
};

struct StatusReport {
  std::vector<NodeStatus> nodes;
};

struct BlobRequest {
  Bytes hash;
  std::uint64_t size = 0;
  std::string origin;
  std::uint32_t index = 0;
};

struct BlobChunk {
  Bytes hash;
  std::uint32_t index = 0;
  Bytes bytes;
};

using LinkMessage =
    std::variant<Hello, Batch, Ack, Heartbeat, Refused, StatusReport, BlobRequest, BlobChunk>;

Bytes encode_link_message(const LinkMessage& message);

// kRejected "link message rejected: <why>" for anything that is not a
// well-formed LinkMessage of a kind this version knows.
Result<LinkMessage> decode_link_message(ByteView frame);

// The encoded size of a batch with these events, for bounding batches.
std::size_t batch_overhead_bytes(std::size_t events);

}  // namespace yimen::sync
