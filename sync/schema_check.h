#pragma once

// Reading a whole Cap'n Proto message against its schema, once, at the
// boundary where untrusted bytes come in (DESIGN.md section 2).
//
// Cap'n Proto reads lazily: a malformed pointer deep inside a message (out of
// bounds, a list where a struct is expected, text without its NUL) throws
// kj::Exception only when some code reads that field — for an event's body,
// on the writer thread, long after the event was accepted. check_whole()
// follows every pointer the schema knows (the active member of each union,
// every list element, every text and data blob) so that such a message is
// refused where it arrives. Fields and union members this version does not
// know are not read as fields (a newer node's events still pass), but every
// pointer is followed by its own bytes too (a copy of a struct follows them),
// and a message where pointers share their target (so that a small message
// costs a large read) is refused.

#include <capnp/dynamic.h>

#include <cstddef>

#include "common/status.h"

namespace yimen::sync {

// Reads every field of `message` as its schema says, and checks that no word
// of it is reached twice (the whole reached from the root fits in
// `message_words`, the size of the message it was read from). Returns OK, or
// Rejected naming the field path where the message is malformed. Reads count
// against the reader's traversal limit like any other read. Never throws.
Status check_whole(capnp::DynamicStruct::Reader message, std::size_t message_words);

}  // namespace yimen::sync
