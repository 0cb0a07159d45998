@0xd36daa3bbc32d80d;
# A later version of sync/schema/event.capnp, for tests: the same Event with
# one more Body member, as a newer node would send it.

using Cxx = import "/capnp/c++.capnp";
$Cxx.namespace("yimen::future_schema");

struct AudienceEntry {
  union {
    node @0 :Text;
    region @1 :Text;
  }
}

struct Event {
  origin @0 :Text;
  seq @1 :UInt64;
  prev @2 :Data;
  hlc @3 :UInt64;
  author @4 :Text;
  audience @5 :List(AudienceEntry);
  body @6 :Body;
}

struct Body {
  union {
    certificateIssued @0 :Data;
    keyRevoked @1 :Data;
    calendarPublished @2 :Data;
    itemPublished @3 :Data;
    itemWithdrawn @4 :Data;
    caseIntake @5 :Data;
    caseHandling @6 :Data;
    auditAnchor @7 :Data;
    rating @8 :Data;
    ratingFollowUp @9 :Data;
    complaint @10 :Data;
    complaintAnswer @11 :Data;
    supervisionOrder @12 :Data;
    supervisionResponse @13 :Data;
    publicNotice @14 :Data;
    noticeWithdrawn @15 :Data;
    licenceIssued @16 :Data;
    licenceRevoked @17 :Data;
    appointmentBooked @18 :Data;
    appointmentCancelled @19 :Data;
    question @20 :Data;
    questionAnswer @21 :Data;
    somethingNew @22 :Text;
  }
}
