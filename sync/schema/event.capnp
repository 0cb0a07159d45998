@0xaff39bf6aaab750d;
# Yimen's signed events (DESIGN.md section 2): the wire and disk format.
#
# An event travels and is stored as the bytes of one Envelope message
# (Cap'n Proto standard serialization, unpacked). The envelope carries the
# Event's own message bytes exactly as the origin signed them; they are never
# re-encoded:
#
#   id        = BLAKE2b-256(Envelope.event)
#   signature = Ed25519 by signerKey over ("yimen/event/v1" ‖ 0x00 ‖ Envelope.event)
#
# Compatibility: fields and union members are only ever added, with new
# ordinals. A node that meets a Body member it does not know verifies, stores
# and forwards the event, and applies it to nothing.

using Cxx = import "/capnp/c++.capnp";
$Cxx.namespace("yimen::schema");

using Trust = import "trust.capnp";
using Calendar = import "calendar.capnp";
using Catalogue = import "catalogue.capnp";
using Case = import "case.capnp";
using Audit = import "audit.capnp";
using Feedback = import "feedback.capnp";
using Supervision = import "supervision.capnp";
using Notice = import "notice.capnp";
using Licence = import "licence.capnp";
using Appointment = import "appointment.capnp";
using Consultation = import "consultation.capnp";

struct Envelope {
  event @0 :Data;      # the Event message, exactly as signed
  signerKey @1 :Data;  # Ed25519 public key, 32 bytes
  signature @2 :Data;  # Ed25519 signature, 64 bytes
}

struct Event {
  origin @0 :Text;     # the emitting node's 12-digit region code
  seq @1 :UInt64;      # per origin: 1, 2, 3, ... without gaps
  prev @2 :Data;       # id of the origin's previous event; empty for seq 1
  hlc @3 :UInt64;      # hybrid logical clock: (Unix milliseconds << 16) | counter
  author @4 :Text;     # login of the user at the origin; empty for the node itself
  audience @5 :List(AudienceEntry);
  body @6 :Body;
}

# Who must receive an event (DESIGN.md section 3).
struct AudienceEntry {
  union {
    node @0 :Text;     # exactly this node
    region @1 :Text;   # this region and every node below it
  }
}

struct Body {
  union {
    certificateIssued @0 :Trust.CertificateIssued;
    keyRevoked @1 :Trust.KeyRevoked;
    calendarPublished @2 :Calendar.CalendarYear;
    itemPublished @3 :Catalogue.ServiceItem;
    itemWithdrawn @4 :Catalogue.ItemWithdrawn;
    caseIntake @5 :Case.CaseIntake;
    caseHandling @6 :Case.CaseHandling;
    auditAnchor @7 :Audit.AuditAnchor;
    rating @8 :Feedback.Rating;
    ratingFollowUp @9 :Feedback.RatingFollowUp;
    complaint @10 :Feedback.Complaint;
    complaintAnswer @11 :Feedback.ComplaintAnswer;
    supervisionOrder @12 :Supervision.SupervisionOrder;
    supervisionResponse @13 :Supervision.SupervisionResponse;
    publicNotice @14 :Notice.PublicNotice;
    noticeWithdrawn @15 :Notice.NoticeWithdrawn;
    licenceIssued @16 :Licence.LicenceDocument;
    licenceRevoked @17 :Licence.LicenceRevoked;
    appointmentBooked @18 :Appointment.AppointmentBooked;
    appointmentCancelled @19 :Appointment.AppointmentCancelled;
    question @20 :Consultation.Question;
    questionAnswer @21 :Consultation.QuestionAnswer;
  }
}
