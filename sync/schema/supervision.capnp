@0xdd20b24386e57936;
# Supervision (督办, plan task 19). A supervisor at a county or the city
# orders the handling node of an overdue case in its subtree to act; the
# order is an event of the supervisor's node, audience the handling node.
# The handling node answers with a supervisionResponse event, audience the
# ordering node. Receivers refuse an order whose origin is not a county or
# the city above the handling node.

using Cxx = import "/capnp/c++.capnp";
$Cxx.namespace("yimen::schema");

struct SupervisionOrder {
  orderNo @0 :Text;       # <ordering node>-S<yyyymmdd>-<nnnnnn>
  caseNo @1 :Text;
  handlingNode @2 :Text;
  instruction @3 :Text;   # what the supervisor requires
  respondWithin @4 :UInt16;  # working days for the response
}

struct SupervisionResponse {
  orderNo @0 :Text;
  response @1 :Text;      # what the handling node has done
}
