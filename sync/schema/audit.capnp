@0x886c8ab3816af7ab;
# Audit anchors (DESIGN.md section 7): a node's audit log is local, but its
# head travels upward in a signed event now and then, so that deleting the
# newest rows of the log, or rewriting it, cannot go unnoticed. Emitted only
# by the node whose log it names (the origin), audience `node <parent>` (the
# city, which has no parent: `node <city>`); the format of the rows and of
# their hashes is in node/hall/audit_log.h.

using Cxx = import "/capnp/c++.capnp";
$Cxx.namespace("yimen::schema");

struct AuditAnchor {
  seq @0 :UInt64;  # the newest row of the origin's audit log when anchored (1, 2, 3, ...)
  hash @1 :Data;   # that row's hash, 32 bytes
}
