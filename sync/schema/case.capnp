@0xf598b5d666dcbb6b;
# Case events (DESIGN.md sections 2 and 6). A case has two halves, each
# emitted only by its own node: the intake half by the node that took the
# application (its id is the case number's prefix), the handling half by the
# competent node named when the case was submitted. The case's state is the
# handling node's events; the intake node's events are requests and
# annotations. The date of a transition is its event's HLC day in China
# Standard Time.

using Cxx = import "/capnp/c++.capnp";
$Cxx.namespace("yimen::schema");

# Who acted: recorded with every transition (task 18: the handler's name and
# office phone are shown to the applicant).
struct Actor {
  login @0 :Text;
  name @1 :Text;
  office @2 :Text;
  phone @3 :Text;
}

struct Applicant {
  idNumber @0 :Text;    # 18-digit resident ID number or unified social credit code
  name @1 :Text;
  phone @2 :Text;
  domicile @3 :Text;    # 12-digit region code of the applicant's domicile
}

# A material handed in, by index into the item version's materials list.
struct SuppliedMaterial {
  material @0 :UInt16;
  how @1 :Text;         # "paper" | "electronic" | "shared" | "commitment"
  note @2 :Text;
  attachment @3 :FileAttachment;  # a scanned or uploaded file, when there is one
}

# A problem with a material, for a one-time notification (一次性告知).
# A file kept as a blob (storage/blob_store.h): the nodes named in the case's
# audience fetch it from the intake node, a chunk at a time.
struct FileAttachment {
  hash @0 :Data;        # BLAKE2b-256 of the content
  size @1 :UInt64;
  name @2 :Text;        # the file's name as given, e.g. "申请书.pdf"
  mediaType @3 :Text;   # "application/pdf", "image/jpeg", "image/png"
}

struct MaterialFinding {
  material @0 :UInt16;
  problem @1 :Text;     # "missing" | "incomplete" | "wrong_copies" | "needs_original"
  note @2 :Text;
  copiesReceived @3 :UInt8;
}

struct Submission {
  itemCode @0 :Text;
  itemVersion @1 :UInt32;
  handlingNode @2 :Text;
  applicant @3 :Applicant;
  channel @4 :Text;     # "window" | "online" | "mobile" | "kiosk" | "home_visit" | "agent"
  materials @5 :List(SuppliedMaterial);
  queryCodeHash @6 :Text;  # Argon2id string of the applicant's 8-digit query code
  visits @7 :UInt8;        # times the applicant came in person so far (1 at a window, 0 online)
  agent @8 :Agent;         # absent unless someone applies on the applicant's behalf
  identity @9 :Text;       # how the applicant's identity was established: "window" (a clerk
                           # saw the ID card; "" in older events), "shared" (data sharing, see
                           # identitySource) or "unverified" (an online application)
  identitySource @10 :Text;  # with "shared": what confirmed it, e.g. "licence <number>"
}

# Someone applying for the applicant (代办), with the authorisation the
# clerk saw: a power of attorney or a village cadre's assisted application.
struct Agent {
  idNumber @0 :Text;
  name @1 :Text;
  phone @2 :Text;
  authorisation @3 :Text;  # what authorises the agent, e.g. "委托书（2026-11-02 签）"
}

struct CaseIntake {
  caseNo @0 :Text;
  actor @1 :Actor;
  union {
    submitted @2 :Submission;                     # 收件
    returnedIncomplete @3 :List(MaterialFinding); # 退回并一次性告知, before acceptance
    materialsSupplied @4 :List(SuppliedMaterial); # 补齐材料, answering a request
    withdrawalRequested @5 :Text;                 # the applicant's reason
    resultDelivered @6 :Text;                     # how the result reached the applicant
    identityVerified @7 :Text;                    # an unverified identity checked since, how
  }
  supplyBy @8 :Text;  # with returnedIncomplete: "YYYY-MM-DD", the day to supply by
}

# One parallel department's opinion on an accepted case (并联审批). The
# handling node emits the approval with the last agreeing opinion, or the
# rejection with a disagreeing one, in the same transaction.
struct DepartmentOpinion {
  department @0 :Text;     # one of the item version's parallel departments
  agreed @1 :Bool;
  note @2 :Text;           # the department's opinion in words
}

struct CaseHandling {
  caseNo @0 :Text;
  actor @1 :Actor;
  union {
    accepted @2 :Void;                            # 受理: the clock starts the next day
    refused @3 :Text;                             # 不予受理, with the reason
    materialsRequested @4 :List(MaterialFinding); # 补正: the clock pauses
    supplementAccepted @5 :Void;                  # the clock runs again
    noticeStarted @6 :Text;                       # 公示 begins: the clock pauses
    noticeEnded @7 :Text;                         # 公示 ends, with its outcome
    approved @8 :Text;                            # 准予, with the decision
    rejected @9 :Text;                            # 不予批准, with the reason
    resultIssued @10 :Text;                       # 办结: what was issued
    closed @11 :Void;                             # 归档
    withdrawn @12 :Text;                          # 撤回, answering a request
    commitmentConfirmed @13 :Text;                # 告知承诺 post-check: the commitment held
    commitmentFalse @14 :Text;                    # it was false: the decision is revoked and
                                                  # the applicant flagged
    departmentOpinion @15 :DepartmentOpinion;     # 并联审批: one department's opinion
  }
  supplyBy @16 :Text;  # with materialsRequested: "YYYY-MM-DD", the day to supply by
}
