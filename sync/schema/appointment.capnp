@0xc1f6f0e3a2b8d417;
# Appointments (预约, plan task 12): a resident books a time slot for an item
# at a node's hall. The node's slots come from its [appointments] settings
# (windows, slot length, opening hours) over the city's working days; each
# slot has a capacity of one booking per window. A booking is an event of the
# node where it is made, audience that node and its parent (so the town and
# county see the load); it is cancelled by a later event of the same node,
# by the resident with the booking's code or by staff.

using Cxx = import "/capnp/c++.capnp";
$Cxx.namespace("yimen::schema");

struct AppointmentBooked {
  bookingNo @0 :Text;     # <node>-A<yyyymmdd>-<nnnnnn>
  itemCode @1 :Text;
  day @2 :Text;           # YYYY-MM-DD, a working day
  slot @3 :Text;          # "HH:MM", the slot's start
  name @4 :Text;          # the resident's name, as given
  phone @5 :Text;         # 11-digit mobile number
  codeHash @6 :Text;      # Argon2id string of the resident's 8-digit code
}

struct AppointmentCancelled {
  bookingNo @0 :Text;
  reason @1 :Text;        # "resident" when the resident cancelled, else the staff's reason
}
