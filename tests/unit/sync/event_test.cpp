// The decoding boundary: untrusted bytes become an event here or nowhere.

#include <capnp/any.h>
#include <capnp/dynamic.h>
#include <capnp/message.h>
#include <capnp/schema.h>
#include <capnp/serialize.h>

#include <cstdint>
#include <cstring>

#include "city_fixture.h"
#include "future_event.capnp.h"
#include "support/damaged_body.h"

namespace yimen::sync::testing {
namespace {

TEST(Event, RoundTripKeepsEveryField) {
  City city;
  Stream s(city.village);
  const Bytes first = s.next(calendar_draft("clerk01"));
  const Bytes env = s.next(calendar_draft("clerk02", 2027));
  const DecodedEvent e = decoded(env);
  EXPECT_EQ(e.origin(), city.village.id);
  EXPECT_EQ(e.seq(), 2u);
  const auto first_id = decoded(first).id();
  EXPECT_EQ(Bytes(first_id.begin(), first_id.end()), e.prev());
  EXPECT_EQ(e.author(), "clerk02");
  EXPECT_EQ(e.signer(), city.village.key.public_key());
  ASSERT_EQ(e.audience().size(), 1u);
  EXPECT_TRUE(e.audience()[0].includes(code("441802001001")));
  EXPECT_FALSE(e.audience()[0].includes(code("441900000000")));
  EXPECT_EQ(e.body_type(), schema::Body::CALENDAR_PUBLISHED);
  EXPECT_TRUE(e.body_known());
  EXPECT_EQ(e.reader().getBody().getCalendarPublished().getYear(), 2027);
  EXPECT_EQ(e.envelope(), env);
  EXPECT_EQ(e.time(), kNow);
}

TEST(Event, EveryTruncationIsRejectedWithoutCrashing) {
  City city;
  Stream s(city.village);
  const Bytes env = s.next(calendar_draft("clerk01"));
  for (size_t n = 0; n < env.size(); ++n) {
    auto r = decode_envelope(ByteView(env).first(n));
    ASSERT_FALSE(r.ok()) << n;
    EXPECT_EQ(r.status().code(), ErrorCode::kRejected);
  }
}

TEST(Event, EveryFlippedByteIsRejectedOrChangesNothing) {
  City city;
  Stream s(city.village);
  const Bytes env = s.next(calendar_draft("clerk01"));
  const auto id = decoded(env).id();
  for (size_t i = 0; i < env.size(); ++i) {
    Bytes bad = env;
    bad[i] ^= 0x20;
    auto r = decode_envelope(bad);
    // A flip in padding of the envelope's own framing may leave the signed
    // event intact; anything else must fail, and never crash.
    if (r.ok()) {
      EXPECT_EQ(r->id(), id) << i;
    }
  }
}

TEST(Event, BadSignatureNamed) {
  City city;
  Stream s(city.village);
  Bytes env = s.next(calendar_draft("clerk01"));
  env[env.size() - 20] ^= 0x01;  // inside the signature, the last field
  auto r = decode_envelope(env);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(), "event rejected: signature does not verify");
}

TEST(Event, OversizedAndGarbageRejected) {
  const Bytes big(kMaxEnvelopeBytes + 8, 0);
  EXPECT_EQ(decode_envelope(big).status().code(), ErrorCode::kRejected);
  const Bytes garbage = {1, 0, 0, 0, 0xff, 0xff, 0xff, 0x7f};
  EXPECT_EQ(decode_envelope(garbage).status().code(), ErrorCode::kRejected);
  // A segment table that claims far more data than it has.
  const Bytes lying = {0, 0, 0, 0, 0xff, 0xff, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
  EXPECT_EQ(decode_envelope(lying).status().code(), ErrorCode::kRejected);
}

TEST(Event, ABodyFromANewerVersionIsDecodedAsUnknown) {
  City city;
  capnp::MallocMessageBuilder message;
  auto ev = message.initRoot<future_schema::Event>();
  ev.setOrigin(city.village.id.str());
  ev.setSeq(1);
  ev.setHlc(static_cast<std::uint64_t>(kNow) * 1000 << 16);
  ev.initAudience(1)[0].setRegion("441800000000");
  ev.initBody().setSomethingNew("a feature of the next release");
  const auto words = capnp::messageToFlatArray(message);
  const Bytes event_bytes(words.asBytes().begin(), words.asBytes().end());
  const auto sig = city.village.key.sign(crypto::kEventDomain, event_bytes);
  capnp::MallocMessageBuilder envelope_message;
  auto envelope = envelope_message.initRoot<schema::Envelope>();
  envelope.setEvent(kj::arrayPtr(event_bytes.data(), event_bytes.size()));
  envelope.setSignerKey(kj::arrayPtr(city.village.key.public_key().data(), 32));
  envelope.setSignature(kj::arrayPtr(sig.data(), sig.size()));
  const auto env_words = capnp::messageToFlatArray(envelope_message);
  const Bytes env(env_words.asBytes().begin(), env_words.asBytes().end());

  auto e = decode_envelope(env);
  ASSERT_TRUE(e.ok()) << e.status().message();
  EXPECT_EQ(e->body_type(), 22);  // somethingNew, after questionAnswer @21
  EXPECT_FALSE(e->body_known());
}

// Signs `event_bytes` as the village into an envelope, whatever they hold.
Bytes signed_as_village(const City& city, const Bytes& event_bytes) {
  const auto sig = city.village.key.sign(crypto::kEventDomain, event_bytes);
  capnp::MallocMessageBuilder envelope_message;
  auto envelope = envelope_message.initRoot<schema::Envelope>();
  envelope.setEvent(kj::arrayPtr(event_bytes.data(), event_bytes.size()));
  envelope.setSignerKey(kj::arrayPtr(city.village.key.public_key().data(), 32));
  envelope.setSignature(kj::arrayPtr(sig.data(), sig.size()));
  const auto words = capnp::messageToFlatArray(envelope_message);
  return Bytes(words.asBytes().begin(), words.asBytes().end());
}

// A village event with `fill` writing its body, as bytes.
template <typename Fill>
Bytes event_bytes(const City& city, Fill fill) {
  capnp::MallocMessageBuilder message;
  auto ev = message.initRoot<schema::Event>();
  ev.setOrigin(city.village.id.str());
  ev.setSeq(1);
  ev.setHlc(static_cast<std::uint64_t>(kNow) * 1000 << 16);
  ev.initAudience(1)[0].setRegion("441800000000");
  fill(ev.initBody());
  const auto words = capnp::messageToFlatArray(message);
  return Bytes(words.asBytes().begin(), words.asBytes().end());
}

// A validly signed event whose body is damaged must be refused where it
// arrives: the hall reads bodies later, on the writer, where a malformed
// pointer would throw and stop the node.
TEST(Event, ADamagedBodyOfEveryTypeIsRejectedAtTheBoundary) {
  City city;
  for (const auto member : capnp::Schema::from<schema::Body>().getUnionFields()) {
    const Bytes damaged = event_bytes(
        city, [&](schema::Body::Builder body) { yimen::testing::damage_body(body, member); });
    auto r = decode_envelope(signed_as_village(city, damaged));
    ASSERT_FALSE(r.ok()) << member.getProto().getName().cStr();
    EXPECT_EQ(r.status().code(), ErrorCode::kRejected);
    EXPECT_NE(r.status().message().find("malformed at Event.body." +
                                        std::string(member.getProto().getName().cStr())),
              std::string::npos)
        << r.status().message();
  }
}

TEST(Event, ADamagedPointerDeepInTheBodyIsRejectedAtTheBoundary) {
  City city;
  // The calendar's list of holidays: a struct where the list should be.
  const Bytes damaged = event_bytes(city, [](schema::Body::Builder body) {
    auto year = body.initCalendarPublished();
    year.setYear(2027);
    year.setNotice("国办发明电〔2026〕1号");
    capnp::AnyStruct::Builder(schema::CalendarYear::Builder(year))
        .getPointerSection()[0]
        .initAsAnyStruct(1, 0);
  });
  auto r = decode_envelope(signed_as_village(city, damaged));
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("malformed at Event.body.calendarPublished.holidays:"),
            std::string::npos)
      << r.status().message();
}

}  // namespace
// Pointers that share their target make a small message cost a large read
// (an amplification): every read after the boundary's would spend the budget
// the hall's reader has, and the hall would stop on a valid-looking event.
TEST(Event, PointersSharingTheirTargetAreRejectedAtTheBoundary) {
  City city;
  constexpr std::size_t kHolidays = 10;  // about five times the message: within the read limit
  const std::string long_text(200, 'x');
  Bytes bytes = event_bytes(city, [&](schema::Body::Builder body) {
    auto year = body.initCalendarPublished();
    year.setYear(2027);
    auto holidays = year.initHolidays(kHolidays);
    holidays.set(0, long_text);
    for (std::size_t i = 1; i < kHolidays; ++i) holidays.set(static_cast<unsigned>(i), "");
  });
  // The list's pointers: a byte list of 201 (the long text and its NUL), then
  // kHolidays - 1 of one byte. Each of those is pointed at the long text.
  const auto word_at = [&](std::size_t i) {
    std::uint64_t w = 0;
    std::memcpy(&w, bytes.data() + i * 8, 8);
    return w;
  };
  const auto byte_list_of = [](std::uint64_t w, std::uint64_t count) {
    return (w & 3) == 1 && ((w >> 32) & 7) == 2 && (w >> 35) == count;
  };
  std::size_t first = 0;
  const std::size_t words = bytes.size() / 8;
  while (first < words && !(byte_list_of(word_at(first), 201) && first + 1 < words &&
                            byte_list_of(word_at(first + 1), 1))) {
    ++first;
  }
  ASSERT_LT(first, words);
  const auto offset_of = [](std::uint64_t w) {
    return static_cast<std::int64_t>(static_cast<std::int32_t>(w & 0xffffffffu) >> 2);
  };
  const std::int64_t target = static_cast<std::int64_t>(first) + 1 + offset_of(word_at(first));
  for (std::size_t i = first + 1; i < first + kHolidays; ++i) {
    ASSERT_TRUE(byte_list_of(word_at(i), 1)) << i;
    const auto offset = static_cast<std::uint32_t>(target - static_cast<std::int64_t>(i) - 1);
    const std::uint64_t aliased = (word_at(first) & 0xffffffff00000000u) | (offset << 2) | 1u;
    std::memcpy(bytes.data() + i * 8, &aliased, 8);
  }
  auto r = decode_envelope(signed_as_village(city, bytes));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), ErrorCode::kRejected);
  EXPECT_NE(r.status().message().find("reached more than once"), std::string::npos)
      << r.status().message();
}

}  // namespace yimen::sync::testing
