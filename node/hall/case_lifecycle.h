#pragma once

// The life of a case (DESIGN.md sections 2 and 6), state by state.
//
// A case has two halves. The HANDLING node's events decide its state:
//
//   submitted ──accept──> accepted ──approve──> approved ──issue_result──> result_issued ──close──>
//   closed
//       │                  │  │  │ ──reject───> rejected ──issue_result──┘
//       │                  │  │  └─request_materials─> awaiting_materials ─accept_supplement─>
//       accepted │                  │  └─start_notice─> in_notice ─end_notice─> accepted └─refuse─>
//       refused ─close─> closed
//   submitted / accepted / awaiting_materials / in_notice ──withdraw──> withdrawn ──close──> closed
//   approved / result_issued / closed ──confirm_commitment──> (unchanged)
//   approved / result_issued / closed ──false_commitment──> revoked   (告知承诺 post-check)
//
// The INTAKE node's events are the submission itself and then requests and
// annotations the handling node answers (return incomplete, materials
// supplied, withdrawal requested, result delivered). They never change the
// state, so every node that holds a case computes the same state whatever
// order the two halves' events reach it in.

#include <optional>
#include <string_view>

#include "common/status.h"

namespace yimen::hall {

enum class CaseState {
  kSubmitted,          // "submitted", 已收件
  kAccepted,           // "accepted", 已受理 (办理中)
  kAwaitingMaterials,  // "awaiting_materials", 补正中 (clock paused)
  kInNotice,           // "in_notice", 公示中 (clock paused)
  kApproved,           // "approved", 准予
  kRejected,           // "rejected", 不予批准
  kRefused,            // "refused", 不予受理
  kResultIssued,       // "result_issued", 已办结
  kWithdrawn,          // "withdrawn", 已撤回
  kClosed,             // "closed", 已归档
  kRevoked,            // "revoked", 已撤销: the approval rested on a false commitment
};

enum class CaseHalf { kIntake, kHandling };

enum class CaseAction {
  // intake half
  kSubmit,             // "submit"
  kReturnIncomplete,   // "return_incomplete"
  kSupplyMaterials,    // "supply_materials"
  kRequestWithdrawal,  // "request_withdrawal"
  kDeliverResult,      // "deliver_result"
  kVerifyIdentity,     // "verify_identity": an online applicant's identity checked at a window
  // handling half
  kAccept,             // "accept"
  kRefuse,             // "refuse"
  kRequestMaterials,   // "request_materials"
  kAcceptSupplement,   // "accept_supplement"
  kStartNotice,        // "start_notice"
  kEndNotice,          // "end_notice"
  kApprove,            // "approve"
  kReject,             // "reject"
  kIssueResult,        // "issue_result"
  kClose,              // "close"
  kWithdraw,           // "withdraw"
  kConfirmCommitment,  // "confirm_commitment": the post-check found the commitment true
  kFalseCommitment,    // "false_commitment": it was false; the decision is revoked
  kDepartmentOpinion,  // "department_opinion": a parallel department's opinion (并联审批)
};

const char* case_state_name(CaseState state);
const char* case_state_label_zh(CaseState state);
std::optional<CaseState> parse_case_state(std::string_view name);
const char* case_action_name(CaseAction action);
std::optional<CaseAction> parse_case_action(std::string_view name);
CaseHalf case_half(CaseAction action);

// True while the deadline clock is stopped.
bool clock_paused(CaseState state);
// True once nothing more will be decided.
bool is_terminal(CaseState state);
// Nothing more is to be done in the queue: refused, withdrawn, closed or
// revoked (a result issued still waits to be delivered and archived).
bool is_finished(CaseState state);
// True when the case was decided for the applicant (approved, then issued and closed).
bool decided_in_favour(CaseState state);

// The state after a HANDLING action, or FailedPrecondition naming the state and
// the action ("cannot approve a case that is awaiting_materials").
Result<CaseState> next_state(CaseState state, CaseAction action);

// Whether the INTAKE node may take `action` on a case in `state` (as the
// intake node sees it). FailedPrecondition naming both otherwise.
Status check_intake_action(CaseState state, CaseAction action, bool returned);

}  // namespace yimen::hall
