#include "sync/link_message.h"

#include <capnp/message.h>
#include <capnp/serialize.h>
#include <kj/exception.h>

#include <cstring>

#include "sync/schema/link.capnp.h"

namespace yimen::sync {
namespace {

Status rejected(const std::string& why) {
  return {ErrorCode::kRejected, "link message rejected: " + why};
}

kj::ArrayPtr<const kj::byte> data(const Bytes& b) { return {b.data(), b.size()}; }
Bytes bytes(capnp::Data::Reader d) { return Bytes(d.begin(), d.end()); }

void fill_hello(schema::Hello::Builder h, const Hello& in) {
  h.setProtocolVersion(in.protocol_version);
  h.setNode(in.node);
  h.setSoftware(in.software);
  h.setLogEpoch(data(in.log_epoch));
  h.setWallMs(in.wall_ms);
  h.setResumeEpoch(data(in.resume_epoch));
  h.setResumeAfter(in.resume_after);
  h.setRecovering(in.recovering);
  h.setLogHead(in.log_head);
}

Hello read_hello(schema::Hello::Reader h, bool welcome) {
  Hello out;
  out.welcome = welcome;
  out.protocol_version = h.getProtocolVersion();
  out.node = h.getNode().cStr();
  out.software = h.getSoftware().cStr();
  out.log_epoch = bytes(h.getLogEpoch());
  out.wall_ms = h.getWallMs();
  out.resume_epoch = bytes(h.getResumeEpoch());
  out.resume_after = h.getResumeAfter();
  out.recovering = h.getRecovering();
  out.log_head = h.getLogHead();
  return out;
}

}  // namespace

std::size_t batch_overhead_bytes(std::size_t events) { return 128 + events * 16; }

Bytes encode_link_message(const LinkMessage& message) {
  capnp::MallocMessageBuilder builder;
  auto root = builder.initRoot<schema::LinkMessage>();
  std::visit(
      [&](const auto& m) {
        using T = std::decay_t<decltype(m)>;
        if constexpr (std::is_same_v<T, Hello>) {
          fill_hello(m.welcome ? root.initWelcome() : root.initHello(), m);
        } else if constexpr (std::is_same_v<T, Batch>) {
          auto b = root.initBatch();
          b.setLogEpoch(data(m.log_epoch));
          b.setAfter(m.after);
          b.setThrough(m.through);
          auto events = b.initEvents(static_cast<unsigned>(m.events.size()));
          for (unsigned i = 0; i < m.events.size(); ++i) events.set(i, data(m.events[i]));
        } else if constexpr (std::is_same_v<T, Ack>) {
          auto a = root.initAck();
          a.setLogEpoch(data(m.log_epoch));
          a.setThrough(m.through);
        } else if constexpr (std::is_same_v<T, Heartbeat>) {
          root.initHeartbeat().setWallMs(m.wall_ms);
        } else if constexpr (std::is_same_v<T, Refused>) {
          root.initRefused().setReason(m.reason);
        } else if constexpr (std::is_same_v<T, BlobRequest>) {
          auto r = root.initBlobRequest();
          r.setHash(data(m.hash));
          r.setSize(m.size);
          r.setOrigin(m.origin);
          r.setIndex(m.index);
        } else if constexpr (std::is_same_v<T, BlobChunk>) {
          auto c = root.initBlobChunk();
          c.setHash(data(m.hash));
          c.setIndex(m.index);
          c.setBytes(data(m.bytes));
        } else {
          auto nodes = root.initStatus().initNodes(static_cast<unsigned>(m.nodes.size()));
          for (unsigned i = 0; i < m.nodes.size(); ++i) {
            const NodeStatus& s = m.nodes[i];
            auto n = nodes[i];
            n.setNode(s.node);
            n.setReportedAtMs(s.reported_at_ms);
            n.setLinkUp(s.link_up);
            n.setLastContactMs(s.last_contact_ms);
            n.setBacklog(s.backlog);
            n.setQuarantined(s.quarantined);
            n.setRefused(s.refused);
            n.setClockOffsetMs(s.clock_offset_ms);
            n.setSoftware(s.software);
            n.setPending(s.pending);
            n.setForks(s.forks);
            n.setConflicts(s.conflicts);
          }
        }
      },
      message);
  const kj::Array<capnp::word> words = capnp::messageToFlatArray(builder);
  const auto b = words.asBytes();
  return Bytes(b.begin(), b.end());
}

Result<LinkMessage> decode_link_message(ByteView frame) {
  if (frame.size() > kMaxFrameBytes) {
    return rejected("frame of " + std::to_string(frame.size()) + " bytes is over the limit");
  }
  if (frame.empty() || frame.size() % sizeof(capnp::word) != 0) {
    return rejected("frame is not a whole number of 8-byte words");
  }
  try {
    std::vector<capnp::word> words(frame.size() / sizeof(capnp::word));
    std::memcpy(words.data(), frame.data(), frame.size());
    capnp::ReaderOptions options;
    options.traversalLimitInWords = words.size() * 4 + 64;
    options.nestingLimit = 16;
    capnp::FlatArrayMessageReader reader(kj::arrayPtr(words.data(), words.size()), options);
    if (reader.getEnd() != words.data() + words.size()) {
      return rejected("trailing bytes after the message");
    }
    const auto root = reader.getRoot<schema::LinkMessage>();
    switch (root.which()) {
      case schema::LinkMessage::HELLO:
        return LinkMessage(read_hello(root.getHello(), false));
      case schema::LinkMessage::WELCOME:
        return LinkMessage(read_hello(root.getWelcome(), true));
      case schema::LinkMessage::BATCH: {
        const auto b = root.getBatch();
        Batch out{bytes(b.getLogEpoch()), b.getAfter(), b.getThrough(), {}};
        if (out.after < 0 || out.through < out.after) {
          return rejected("batch positions " + std::to_string(out.after) + ".." +
                          std::to_string(out.through) + " are out of order");
        }
        out.events.reserve(b.getEvents().size());
        for (const auto e : b.getEvents()) out.events.push_back(bytes(e));
        return LinkMessage(std::move(out));
      }
      case schema::LinkMessage::ACK:
        return LinkMessage(Ack{bytes(root.getAck().getLogEpoch()), root.getAck().getThrough()});
      case schema::LinkMessage::HEARTBEAT:
        return LinkMessage(Heartbeat{root.getHeartbeat().getWallMs()});
      case schema::LinkMessage::REFUSED:
        return LinkMessage(Refused{root.getRefused().getReason().cStr()});
      case schema::LinkMessage::STATUS: {
        StatusReport out;
        for (const auto n : root.getStatus().getNodes()) {
          out.nodes.push_back({n.getNode().cStr(), n.getReportedAtMs(), n.getLinkUp(),
                               n.getLastContactMs(), n.getBacklog(), n.getQuarantined(),
                               n.getRefused(), n.getClockOffsetMs(), n.getSoftware().cStr(),
                               n.getPending(), n.getForks(), n.getConflicts()});
        }
        return LinkMessage(std::move(out));
      }
      case schema::LinkMessage::BLOB_REQUEST: {
        const auto r = root.getBlobRequest();
        return LinkMessage(
            BlobRequest{bytes(r.getHash()), r.getSize(), r.getOrigin().cStr(), r.getIndex()});
      }
      case schema::LinkMessage::BLOB_CHUNK: {
        const auto c = root.getBlobChunk();
        return LinkMessage(BlobChunk{bytes(c.getHash()), c.getIndex(), bytes(c.getBytes())});
      }
    }
    return rejected("a message of a kind this version does not know");
  } catch (const kj::Exception& e) {
    return rejected(std::string("malformed: ") + e.getDescription().cStr());
  }
}

}  // namespace yimen::sync
