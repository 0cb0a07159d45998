#include "sync/routing.h"

#include <capnp/serialize.h>
#include <kj/exception.h>

#include <cstring>

#include "sync/schema/event.capnp.h"

namespace yimen::sync {

Result<EventRoute> route_of(ByteView envelope) {
  if (envelope.empty() || envelope.size() % sizeof(capnp::word) != 0) {
    return corruption("a stored event is not a whole number of 8-byte words");
  }
  try {
    std::vector<capnp::word> words(envelope.size() / sizeof(capnp::word));
    std::memcpy(words.data(), envelope.data(), envelope.size());
    capnp::FlatArrayMessageReader env_reader(kj::arrayPtr(words.data(), words.size()));
    const auto event_bytes = env_reader.getRoot<schema::Envelope>().getEvent();
    std::vector<capnp::word> event_words(event_bytes.size() / sizeof(capnp::word));
    std::memcpy(event_words.data(), event_bytes.begin(), event_words.size() * sizeof(capnp::word));
    capnp::FlatArrayMessageReader reader(kj::arrayPtr(event_words.data(), event_words.size()));
    const auto event = reader.getRoot<schema::Event>();
    YIMEN_ASSIGN_OR_RETURN(auto origin, RegionCode::parse(event.getOrigin().cStr()));
    EventRoute route{std::move(origin), {}};
    for (const auto entry : event.getAudience()) {
      const bool node = entry.which() == schema::AudienceEntry::NODE;
      YIMEN_ASSIGN_OR_RETURN(
          auto code, RegionCode::parse((node ? entry.getNode() : entry.getRegion()).cStr()));
      route.audience.push_back(
          {node ? AudienceEntry::Kind::kNode : AudienceEntry::Kind::kRegion, std::move(code)});
    }
    return route;
  } catch (const kj::Exception& e) {
    return corruption(std::string("a stored event does not decode: ") + e.getDescription().cStr());
  }
}

bool goes_up(const EventRoute& route, const RegionCode& self) {
  return self.contains(route.origin);
}

bool goes_down(const EventRoute& route, const RegionCode& child, bool recovering) {
  if (recovering && route.origin == child) return true;
  if (child.contains(route.origin)) return false;
  for (const auto& entry : route.audience) {
    if (child.contains(entry.code)) return true;  // names C or a node or region below C
    if (entry.kind == AudienceEntry::Kind::kRegion && entry.code.contains(child)) return true;
  }
  return false;
}

}  // namespace yimen::sync
