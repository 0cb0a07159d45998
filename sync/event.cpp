#include "sync/event.h"

#include <kj/exception.h>

#include <cstring>

#include "sync/schema_check.h"

namespace yimen::sync {
namespace {

// Reading an event may touch each word a few times (the log and the hall
// both read it); the limit still stops pointer-amplification attacks.
constexpr std::uint64_t kTraversalFactor = 8;
// The hall's own budget, in multiples of kTraversalFactor (see decode_envelope).
constexpr std::size_t kHallTraversalFactor = 4;

Status rejected(const std::string& why) { return {ErrorCode::kRejected, "event rejected: " + why}; }

std::vector<capnp::word> aligned_copy(ByteView bytes) {
  std::vector<capnp::word> words(bytes.size() / sizeof(capnp::word));
  std::memcpy(words.data(), bytes.data(), words.size() * sizeof(capnp::word));
  return words;
}

capnp::ReaderOptions reader_options(size_t words) {
  capnp::ReaderOptions options;
  options.traversalLimitInWords = std::max<std::uint64_t>(64, words * kTraversalFactor);
  options.nestingLimit = 32;
  return options;
}

ByteView view(capnp::Data::Reader d) { return {d.begin(), d.size()}; }

Bytes encode_message(capnp::MessageBuilder& message) {
  const kj::Array<capnp::word> words = capnp::messageToFlatArray(message);
  const auto bytes = words.asBytes();
  return Bytes(bytes.begin(), bytes.end());
}

}  // namespace

DecodedEvent::DecodedEvent(RegionCode origin) : origin_(std::move(origin)) {}
DecodedEvent::DecodedEvent(DecodedEvent&&) noexcept = default;
DecodedEvent& DecodedEvent::operator=(DecodedEvent&&) noexcept = default;
DecodedEvent::~DecodedEvent() = default;

bool DecodedEvent::body_known() const {
  return body_type_ <= static_cast<BodyType>(schema::Body::QUESTION_ANSWER);
}

schema::Event::Reader DecodedEvent::reader() const { return message_->getRoot<schema::Event>(); }

Result<DecodedEvent> decode_envelope(ByteView bytes) {
  if (bytes.size() > kMaxEnvelopeBytes) {
    return rejected("envelope of " + std::to_string(bytes.size()) + " bytes is over the limit");
  }
  if (bytes.empty() || bytes.size() % sizeof(capnp::word) != 0) {
    return rejected("envelope is not a whole number of 8-byte words");
  }
  try {
    const std::vector<capnp::word> envelope_words = aligned_copy(bytes);
    capnp::FlatArrayMessageReader envelope_message(
        kj::arrayPtr(envelope_words.data(), envelope_words.size()),
        reader_options(envelope_words.size()));
    if (envelope_message.getEnd() != envelope_words.data() + envelope_words.size()) {
      return rejected("trailing bytes after the envelope");
    }
    const auto envelope = envelope_message.getRoot<schema::Envelope>();
    if (!envelope.hasEvent() || !envelope.hasSignerKey() || !envelope.hasSignature()) {
      return rejected("envelope lacks the event, the signer key or the signature");
    }
    const ByteView event_bytes = view(envelope.getEvent());
    const ByteView key_bytes = view(envelope.getSignerKey());
    const ByteView sig_bytes = view(envelope.getSignature());
    if (key_bytes.size() != crypto::kPublicKeySize || sig_bytes.size() != crypto::kSignatureSize) {
      return rejected("signer key or signature has the wrong length");
    }
    if (event_bytes.empty() || event_bytes.size() % sizeof(capnp::word) != 0) {
      return rejected("event is not a whole number of 8-byte words");
    }
    crypto::PublicKey signer{};
    crypto::Signature signature{};
    std::memcpy(signer.data(), key_bytes.data(), signer.size());
    std::memcpy(signature.data(), sig_bytes.data(), signature.size());
    if (!crypto::verify(crypto::kEventDomain, signer, event_bytes, signature)) {
      return rejected("signature does not verify");
    }

    std::vector<capnp::word> words = aligned_copy(event_bytes);
    auto message = std::make_unique<capnp::FlatArrayMessageReader>(
        kj::arrayPtr(words.data(), words.size()), reader_options(words.size()));
    if (message->getEnd() != words.data() + words.size()) {
      return rejected("trailing bytes after the event");
    }
    const auto event = message->getRoot<schema::Event>();
    // Every pointer of the event, its body included, is read here once: the
    // hall reads the body later, on the writer thread, and must never meet a
    // malformed one there.
    if (Status whole = check_whole(capnp::toDynamic(event), words.size()); !whole.ok()) {
      return rejected(whole.message());
    }
    auto origin = RegionCode::parse(event.getOrigin().cStr());
    if (!origin.ok()) return rejected("origin: " + origin.status().message());
    DecodedEvent out(*origin);
    out.seq_ = event.getSeq();
    if (out.seq_ == 0) return rejected("seq 0 (sequences start at 1)");
    out.prev_ = Bytes(event.getPrev().begin(), event.getPrev().end());
    if ((out.seq_ == 1) != out.prev_.empty() ||
        (!out.prev_.empty() && out.prev_.size() != crypto::kDigestSize)) {
      return rejected("prev must be empty for seq 1 and a 32-byte id after it");
    }
    out.hlc_ = event.getHlc();
    out.author_ = event.getAuthor().cStr();
    if (out.author_.size() > 64) return rejected("author is longer than 64 bytes");
    for (const auto entry : event.getAudience()) {
      const bool node = entry.which() == schema::AudienceEntry::NODE;
      if (!node && entry.which() != schema::AudienceEntry::REGION) {
        return rejected("an audience entry of an unknown kind");
      }
      auto code = RegionCode::parse((node ? entry.getNode() : entry.getRegion()).cStr());
      if (!code.ok()) return rejected("audience: " + code.status().message());
      out.audience_.push_back(
          {node ? AudienceEntry::Kind::kNode : AudienceEntry::Kind::kRegion, *code});
    }
    if (out.audience_.empty()) return rejected("empty audience");
    out.body_type_ = static_cast<BodyType>(event.getBody().which());
    out.id_ = crypto::blake2b_256(event_bytes);
    out.signer_ = signer;
    out.envelope_ = Bytes(bytes.begin(), bytes.end());
    out.words_ = std::move(words);
    // The checks above spent the traversal budget reading everything twice;
    // the hall reads the event again with a budget of its own, larger than
    // theirs, as its reads repeat and it copies structs whole (each whole read
    // costs at most the event's size: check_whole refused shared targets).
    out.message_ = std::make_unique<capnp::FlatArrayMessageReader>(
        kj::arrayPtr(out.words_.data(), out.words_.size()),
        reader_options(out.words_.size() * kHallTraversalFactor));
    return out;
  } catch (const kj::Exception& e) {
    // Malformed Cap'n Proto: report the kind, not the bytes.
    return rejected(std::string("malformed: ") + e.getDescription().cStr());
  }
}

Bytes sign_event(const EventDraft& draft, const RegionCode& origin, std::uint64_t seq,
                 ByteView prev, std::uint64_t hlc, const crypto::NodeKey& key) {
  capnp::MallocMessageBuilder event_message;
  auto event = event_message.initRoot<schema::Event>();
  event.setOrigin(origin.str());
  event.setSeq(seq);
  event.setPrev(kj::arrayPtr(prev.data(), prev.size()));
  event.setHlc(hlc);
  event.setAuthor(draft.author);
  auto audience = event.initAudience(static_cast<unsigned>(draft.audience.size()));
  for (unsigned i = 0; i < draft.audience.size(); ++i) {
    const auto& entry = draft.audience[i];
    if (entry.kind == AudienceEntry::Kind::kNode) {
      audience[i].setNode(entry.code.str());
    } else {
      audience[i].setRegion(entry.code.str());
    }
  }
  draft.fill_body(event.initBody());
  const Bytes event_bytes = encode_message(event_message);
  const crypto::Signature signature = key.sign(crypto::kEventDomain, event_bytes);

  capnp::MallocMessageBuilder envelope_message;
  auto envelope = envelope_message.initRoot<schema::Envelope>();
  envelope.setEvent(kj::arrayPtr(event_bytes.data(), event_bytes.size()));
  envelope.setSignerKey(kj::arrayPtr(key.public_key().data(), key.public_key().size()));
  envelope.setSignature(kj::arrayPtr(signature.data(), signature.size()));
  return encode_message(envelope_message);
}

}  // namespace yimen::sync
