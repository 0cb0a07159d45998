#pragma once

// Signed events: building and signing them at their origin, and the ONE
// boundary where untrusted bytes become an event (DESIGN.md section 2; the
// format is in sync/schema/event.capnp).
//
// decode_envelope() bounds the input, copies it into aligned words, reads it
// with a traversal limit, checks the signature and turns every
// kj::Exception into a Rejected Status. Nothing else in Yimen parses event
// bytes from outside.

#include <capnp/message.h>
#include <capnp/serialize.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "common/region_code.h"
#include "common/status.h"
#include "crypto/crypto.h"
#include "sync/schema/event.capnp.h"

namespace yimen::sync {

// Largest envelope accepted, in bytes. Events are small; blobs travel apart.
inline constexpr size_t kMaxEnvelopeBytes = 1 << 20;

// The body member of an event as a number: schema::Body::Which for the ones
// this version knows, any other value for a newer one.
using BodyType = std::uint16_t;

struct AudienceEntry {
  enum class Kind { kNode, kRegion };
  Kind kind = Kind::kNode;
  RegionCode code;

  // True when `node` must receive an event with this entry.
  bool includes(const RegionCode& node) const {
    return kind == Kind::kNode ? code == node : code.contains(node);
  }
};

// A decoded event whose signature has been checked against the key in its
// envelope. Whether that key may speak for the origin is the event log's
// question. Movable, not copyable; readers it hands out are valid while it
// lives. Thread-compatible: one thread at a time, or const from many.
class DecodedEvent {
 public:
  DecodedEvent(DecodedEvent&&) noexcept;
  DecodedEvent& operator=(DecodedEvent&&) noexcept;
  ~DecodedEvent();

  const Bytes& envelope() const { return envelope_; }  // the exact bytes received
  const crypto::Digest& id() const { return id_; }
  const RegionCode& origin() const { return origin_; }
  std::uint64_t seq() const { return seq_; }
  const Bytes& prev() const { return prev_; }  // empty for seq 1
  std::uint64_t hlc() const { return hlc_; }
  // Wall-clock part of the HLC, in Unix seconds.
  std::int64_t time() const { return static_cast<std::int64_t>((hlc_ >> 16) / 1000); }
  const std::string& author() const { return author_; }
  const std::vector<AudienceEntry>& audience() const { return audience_; }
  const crypto::PublicKey& signer() const { return signer_; }
  BodyType body_type() const { return body_type_; }
  // True when this version knows the body member.
  bool body_known() const;

  // The event as Cap'n Proto, for reading its body.
  schema::Event::Reader reader() const;

 private:
  friend Result<DecodedEvent> decode_envelope(ByteView bytes);
  explicit DecodedEvent(RegionCode origin);

  Bytes envelope_;
  std::vector<capnp::word> words_;  // aligned copy of the event bytes
  std::unique_ptr<capnp::FlatArrayMessageReader> message_;
  crypto::Digest id_{};
  RegionCode origin_;
  std::uint64_t seq_ = 0;
  Bytes prev_;
  std::uint64_t hlc_ = 0;
  std::string author_;
  std::vector<AudienceEntry> audience_;
  crypto::PublicKey signer_{};
  BodyType body_type_ = 0;
};

// Decodes and verifies an envelope. Thread-safe; meant to run on a worker
// (signature checks are the expensive part). Returns the event, or Rejected
// with the reason (too large, malformed, bad field, bad signature). Never
// throws on any input.
Result<DecodedEvent> decode_envelope(ByteView bytes);

// What an origin fills in to emit an event; seq, prev and hlc come from its
// log. `fill_body` writes the body member.
struct EventDraft {
  std::string author;
  std::vector<AudienceEntry> audience;
  std::function<void(schema::Body::Builder)> fill_body;
};

// Encodes and signs an event as `origin`, returning the envelope bytes.
Bytes sign_event(const EventDraft& draft, const RegionCode& origin, std::uint64_t seq,
                 ByteView prev, std::uint64_t hlc, const crypto::NodeKey& key);

}  // namespace yimen::sync
