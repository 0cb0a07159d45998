@0x8f1643cedba12236;
# The link protocol between a child and its parent (DESIGN.md sections 3 and 4).
#
# A link is one ZeroMQ connection (the child's DEALER to the parent's ROUTER,
# CurveZMQ-encrypted); every ZeroMQ message is one frame holding one
# LinkMessage. Events travel inside batches as their exact envelope bytes.
#
#   child  -> parent   hello     who I am, and where I am in your log
#   parent -> child    welcome   the same, from the parent
#   both ways          batch     the next events of the sender's log for the receiver
#   both ways          ack       the receiver durably holds everything through `through`
#   both ways          heartbeat liveness and clocks, when there is nothing else to say
#   both ways          refused   a fatal error on this link (e.g. protocol version)
#   child  -> parent   status    sync status of the child's subtree (soft state)
#   both ways          blobRequest / blobChunk   blob content, a chunk at a time
#
# Compatibility: fields and union members are only ever added. A change that
# older nodes cannot follow raises the protocol version in the hello.

using Cxx = import "/capnp/c++.capnp";
$Cxx.namespace("yimen::schema");

struct LinkMessage {
  union {
    hello @0 :Hello;
    welcome @1 :Hello;
    batch @2 :Batch;
    ack @3 :Ack;
    heartbeat @4 :Heartbeat;
    refused @5 :Refused;
    status @6 :StatusReport;
    blobRequest @7 :BlobRequest;
    blobChunk @8 :BlobChunk;
  }
}

# "Send me chunk `index` of this blob": sent toward the event's origin by a
# node that needs the blob. A node that does not hold it yet fetches it
# itself the same way and answers a later request.
struct BlobRequest {
  hash @0 :Data;
  size @1 :UInt64;
  origin @2 :Text;
  index @3 :UInt32;
}

struct BlobChunk {
  hash @0 :Data;
  index @1 :UInt32;
  bytes @2 :Data;         # at most 256 KiB
}

struct Hello {
  protocolVersion @0 :UInt32;
  node @1 :Text;          # the sender's 12-digit region code
  software @2 :Text;      # e.g. "yimen 0.1.0"
  logEpoch @3 :Data;      # the sender's log epoch
  wallMs @4 :Int64;       # the sender's clock, Unix milliseconds
  resumeEpoch @5 :Data;   # the receiver's log epoch as the sender last saw it (empty: never)
  resumeAfter @6 :Int64;  # position in that log the sender already holds durably
  recovering @7 :Bool;    # hello: the child was restored from a backup and needs its own
                          # events back from the parent before it accepts writes
  logHead @8 :Int64;      # the last position of the sender's log now
}

struct Batch {
  logEpoch @0 :Data;      # the sender's log epoch
  after @1 :Int64;        # position in the sender's log before this batch
  through @2 :Int64;      # position after it, events filtered out for the receiver included
  events @3 :List(Data);  # envelopes, in log order
}

struct Ack {
  logEpoch @0 :Data;
  through @1 :Int64;
}

struct Heartbeat {
  wallMs @0 :Int64;
}

struct Refused {
  reason @0 :Text;
}

struct StatusReport {
  nodes @0 :List(NodeStatus);
}

# What one node reports of its link to its parent (DESIGN.md section 3).
struct NodeStatus {
  node @0 :Text;
  reportedAtMs @1 :Int64;     # the reporting node's clock
  linkUp @2 :Bool;            # its link to its parent
  lastContactMs @3 :Int64;    # last message from its parent, 0 never
  backlog @4 :Int64;          # events of its log not yet acknowledged by its parent
  quarantined @5 :Int64;      # events it holds in quarantine
  refused @6 :Int64;          # connections and messages it refused
  clockOffsetMs @7 :Int64;    # its clock minus its parent's
  software @8 :Text;
  pending @9 :Int64;          # events waiting for a dependency
  forks @10 :Int64;           # (origin, seq) pairs with two events
  conflicts @11 :Int64;       # hellos refused because the child they named was linked already:
                              # a copy of that child's key may be in use elsewhere
}
