@0xd375c91aad42a4a5;
# Village affairs notices (村务公开, plan task 12): published by a village
# (or any node) for the public, audience the publishing node's county so the
# town and county see what their villages publish. A notice is withdrawn by a
# later event of the same node naming it.

using Cxx = import "/capnp/c++.capnp";
$Cxx.namespace("yimen::schema");

struct PublicNotice {
  noticeNo @0 :Text;      # <node>-N<yyyymmdd>-<nnnnnn>
  category @1 :Text;      # "affairs" | "finance" | "subsidy" | "other"  (村务/财务/补贴/其他)
  title @2 :Text;
  body @3 :Text;
  validUntil @4 :Text;    # YYYY-MM-DD, the last day it is shown; empty: no end
}

struct NoticeWithdrawn {
  noticeNo @0 :Text;
  reason @1 :Text;
}
