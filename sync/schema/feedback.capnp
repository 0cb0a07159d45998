@0xe7497a5e63a37aa8;
# What residents say about the service (plan tasks 19 and 20): ratings of a
# finished case (好差评) and complaints or reports (投诉举报).
#
# A rating is emitted by the node where the applicant rated, with the query
# code, audience the case's intake and handling nodes. A case keeps its
# earliest rating (by HLC, then origin); a later one from another node that
# was offline meanwhile is stored and shown as superseded. A rating of 2 or
# less opens a follow-up task at the handling node (derived, with a deadline),
# closed by that node's ratingFollowUp event.
#
# A complaint is emitted by the node that took it, audience the node that
# handles it: the county (or the city) above the office it is about. That
# node answers with a complaintAnswer event, audience the taking node, where
# the complainant reads it with the complaint number and its code.

using Cxx = import "/capnp/c++.capnp";
$Cxx.namespace("yimen::schema");

struct Rating {
  caseNo @0 :Text;
  score @1 :UInt8;        # 1 (very poor) .. 5 (very good)
  tags @2 :List(Text);    # chosen from a fixed list, e.g. "slow", "polite"
  comment @3 :Text;
}

struct RatingFollowUp {
  caseNo @0 :Text;
  note @1 :Text;          # what the office did about the poor rating
}

struct Complaint {
  complaintNo @0 :Text;   # <taking node>-C<yyyymmdd>-<nnnnnn>
  about @1 :Text;         # region code of the office complained about
  handler @2 :Text;       # region code of the node that handles it
  caseNo @3 :Text;        # the case it concerns, when there is one
  kind @4 :Text;          # "complaint" | "report" | "suggestion"
  subject @5 :Text;
  body @6 :Text;
  contactName @7 :Text;   # empty when anonymous
  contactPhone @8 :Text;  # empty when anonymous
  codeHash @9 :Text;      # Argon2id string of the complainant's 8-digit code
}

struct ComplaintAnswer {
  complaintNo @0 :Text;
  answer @1 :Text;
  upheld @2 :Bool;        # whether the complaint was found justified
}
