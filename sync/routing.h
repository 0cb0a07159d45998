#pragma once

// Which events go over which link (DESIGN.md section 3):
//
//   up    every event that originated in the sender's own subtree (its own
//         included) goes to its parent: higher levels hold everything below them;
//   down  an event goes to child C when an audience entry names C or a node
//         below C, or a region containing C or below C, unless the event
//         came from C's own subtree (C already has it).
//
// A node holds what it relays, so every ancestor of the intake and handling
// nodes holds a case, and no node receives a case that names neither it nor a
// node below it.

#include <vector>

#include "common/region_code.h"
#include "common/status.h"
#include "sync/event.h"

namespace yimen::sync {

// What routing needs of an event.
struct EventRoute {
  RegionCode origin;
  std::vector<AudienceEntry> audience;
};

// Reads origin and audience from an envelope this node stored (already
// verified once; the signature is not checked again).
Result<EventRoute> route_of(ByteView envelope);

bool goes_up(const EventRoute& route, const RegionCode& self);
// A child recovering (restored from a backup, or enrolled again with a new
// key) also gets back the events it originated itself, so that it never
// reuses one of their sequence numbers.
bool goes_down(const EventRoute& route, const RegionCode& child, bool recovering = false);

}  // namespace yimen::sync
