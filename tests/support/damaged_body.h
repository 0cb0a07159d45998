#pragma once

// A damaged event body for the boundary tests: a body a buggy or hostile
// signer could produce, which the hall must never read.

#include <capnp/any.h>
#include <capnp/dynamic.h>
#include <capnp/schema.h>

#include "sync/schema/event.capnp.h"

namespace yimen::testing {

// Makes `body` the union member `member` with its pointer damaged: text where
// the member's struct should be.
inline void damage_body(schema::Body::Builder body, const capnp::StructSchema::Field& member) {
  capnp::toDynamic(body).init(member);  // the discriminant, and a member to damage
  capnp::AnyStruct::Builder(schema::Body::Builder(body))
      .getPointerSection()[0]
      .setAs<capnp::Text>("damaged");
}

}  // namespace yimen::testing
