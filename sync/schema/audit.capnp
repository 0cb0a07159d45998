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
  # Epochs: a restore from a backup, or a replacement machine, begins a new
  # epoch of the log, which keeps the old log's first rows and loses the rest
  # (node/hall/audit_log.h). An anchor says how many epochs the log has begun
  # so far (0 before the first) and, when that is more than the origin's
  # previous anchor said, the fewest rows any of the new epochs kept; the
  # ancestors then no longer hold the origin to its earlier anchors of rows
  # after those, and every epoch stays on record with them. Older anchors
  # have 0 and 0.
  epoch @2 :UInt32;
  keptRows @3 :UInt64;
}
