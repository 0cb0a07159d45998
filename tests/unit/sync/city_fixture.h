#pragma once

// A small city for event tests: root, county, town and village keys with
// their certificates, and helpers to sign events as any of them.

#include <gtest/gtest.h>

#include "crypto/certificate.h"
#include "sync/event.h"

namespace yimen::sync::testing {

inline constexpr std::int64_t kNow = 1795000000;  // 2026-11-18
inline constexpr std::int64_t kYear = 365 * 24 * 3600;

inline RegionCode code(const char* s) { return RegionCode::parse(s).value(); }

struct Member {
  explicit Member(const char* region) : id(code(region)) {}
  RegionCode id;
  crypto::NodeKey key = crypto::NodeKey::generate();
  std::optional<crypto::Certificate> cert;
};

struct City {
  Member root{"441800000000"};
  Member county{"441802000000"};
  Member town{"441802001000"};
  Member village{"441802001001"};
  Member other_county{"441803000000"};

  City() {
    root.cert = issue(root, root);
    county.cert = issue(county, root);
    town.cert = issue(town, county);
    village.cert = issue(village, town);
    other_county.cert = issue(other_county, root);
  }

  static crypto::Certificate issue(const Member& subject, const Member& issuer,
                                   std::int64_t not_after = kNow + kYear) {
    return crypto::Certificate::issue(subject.id, "node " + subject.id.str(),
                                      subject.key.public_key(), kNow - kYear, not_after, issuer.id,
                                      issuer.key)
        .value();
  }
};

// An event body the sync layer passes to the sink: a calendar year.
inline EventDraft calendar_draft(std::string author, std::uint16_t year = 2026) {
  EventDraft d;
  d.author = std::move(author);
  d.audience = {{AudienceEntry::Kind::kRegion, code("441800000000")}};
  d.fill_body = [year](schema::Body::Builder b) { b.initCalendarPublished().setYear(year); };
  return d;
}

inline EventDraft certificate_draft(const crypto::Certificate& cert) {
  EventDraft d;
  d.audience = {{AudienceEntry::Kind::kRegion, code("441800000000")}};
  d.fill_body = [bytes = cert.bytes](schema::Body::Builder b) {
    b.initCertificateIssued().setCertificate(kj::arrayPtr(bytes.data(), bytes.size()));
  };
  return d;
}

inline EventDraft revocation_draft(const Member& subject, std::uint64_t after_seq) {
  EventDraft d;
  d.audience = {{AudienceEntry::Kind::kRegion, code("441800000000")}};
  d.fill_body = [key = subject.key.public_key(), id = subject.id.str(),
                 after_seq](schema::Body::Builder b) {
    auto r = b.initKeyRevoked();
    r.setKey(kj::arrayPtr(key.data(), key.size()));
    r.setSubject(id);
    r.setAfterSeq(after_seq);
    r.setReason("key copied to a second machine");
  };
  return d;
}

// A chain of events signed by one member, keeping seq and prev.
class Stream {
 public:
  explicit Stream(const Member& m) : m_(m) {}

  Bytes next(const EventDraft& draft) {
    ++seq_;
    Bytes env = sign_event(draft, m_.id, seq_, prev_, hlc(), m_.key);
    const auto id = decode_envelope(env)->id();
    prev_ = Bytes(id.begin(), id.end());
    return env;
  }
  // An event at the current seq + 1 that does not advance the stream.
  Bytes sibling(const EventDraft& draft) const {
    return sign_event(draft, m_.id, seq_ + 1, prev_, hlc(), m_.key);
  }
  std::uint64_t seq() const { return seq_; }
  // Continues another stream of the same origin (a replacement node's new key taking over).
  void continue_after(std::uint64_t seq, ByteView prev) {
    seq_ = seq;
    prev_ = Bytes(prev.begin(), prev.end());
  }

 private:
  std::uint64_t hlc() const { return (static_cast<std::uint64_t>(kNow) * 1000 + seq_) << 16; }

  const Member& m_;
  std::uint64_t seq_ = 0;
  Bytes prev_;
};

inline DecodedEvent decoded(const Bytes& envelope) {
  auto e = decode_envelope(envelope);
  EXPECT_TRUE(e.ok()) << e.status().message();
  return std::move(e).value();
}

}  // namespace yimen::sync::testing
