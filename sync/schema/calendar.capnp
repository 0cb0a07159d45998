@0x9a7c9e37bd5c34d5;
# The city's working-day calendar, one year per event, emitted by the city.

using Cxx = import "/capnp/c++.capnp";
$Cxx.namespace("yimen::schema");

struct CalendarYear {
  year @0 :UInt16;
  holidays @1 :List(Text);          # "YYYY-MM-DD": days off (may include weekends)
  makeupWorkingDays @2 :List(Text); # "YYYY-MM-DD": Saturdays or Sundays that are working days
  notice @3 :Text;                  # the State Council notice it follows
  provisional @4 :Bool;             # a stand-in before the official arrangement
}
