#include "node/hall/case_lifecycle.h"

#include <array>

namespace yimen::hall {
namespace {

struct StateNames {
  CaseState state;
  const char* name;
  const char* zh;
};
constexpr std::array<StateNames, 11> kStates = {{
    {CaseState::kSubmitted, "submitted", "已收件"},
    {CaseState::kAccepted, "accepted", "已受理"},
    {CaseState::kAwaitingMaterials, "awaiting_materials", "补正中"},
    {CaseState::kInNotice, "in_notice", "公示中"},
    {CaseState::kApproved, "approved", "准予"},
    {CaseState::kRejected, "rejected", "不予批准"},
    {CaseState::kRefused, "refused", "不予受理"},
    {CaseState::kResultIssued, "result_issued", "已办结"},
    {CaseState::kWithdrawn, "withdrawn", "已撤回"},
    {CaseState::kClosed, "closed", "已归档"},
    {CaseState::kRevoked, "revoked", "已撤销"},
}};

struct ActionNames {
  CaseAction action;
  const char* name;
  CaseHalf half;
};
constexpr std::array<ActionNames, 20> kActions = {{
    {CaseAction::kSubmit, "submit", CaseHalf::kIntake},
    {CaseAction::kReturnIncomplete, "return_incomplete", CaseHalf::kIntake},
    {CaseAction::kSupplyMaterials, "supply_materials", CaseHalf::kIntake},
    {CaseAction::kRequestWithdrawal, "request_withdrawal", CaseHalf::kIntake},
    {CaseAction::kDeliverResult, "deliver_result", CaseHalf::kIntake},
    {CaseAction::kVerifyIdentity, "verify_identity", CaseHalf::kIntake},
    {CaseAction::kAccept, "accept", CaseHalf::kHandling},
    {CaseAction::kRefuse, "refuse", CaseHalf::kHandling},
    {CaseAction::kRequestMaterials, "request_materials", CaseHalf::kHandling},
    {CaseAction::kAcceptSupplement, "accept_supplement", CaseHalf::kHandling},
    {CaseAction::kStartNotice, "start_notice", CaseHalf::kHandling},
    {CaseAction::kEndNotice, "end_notice", CaseHalf::kHandling},
    {CaseAction::kApprove, "approve", CaseHalf::kHandling},
    {CaseAction::kReject, "reject", CaseHalf::kHandling},
    {CaseAction::kIssueResult, "issue_result", CaseHalf::kHandling},
    {CaseAction::kClose, "close", CaseHalf::kHandling},
    {CaseAction::kWithdraw, "withdraw", CaseHalf::kHandling},
    {CaseAction::kConfirmCommitment, "confirm_commitment", CaseHalf::kHandling},
    {CaseAction::kFalseCommitment, "false_commitment", CaseHalf::kHandling},
    {CaseAction::kDepartmentOpinion, "department_opinion", CaseHalf::kHandling},
}};

bool withdrawable(CaseState s) {
  return s == CaseState::kSubmitted || s == CaseState::kAccepted ||
         s == CaseState::kAwaitingMaterials || s == CaseState::kInNotice;
}

Status illegal(CaseState state, CaseAction action) {
  return failed_precondition(std::string("cannot ") + case_action_name(action) +
                             " a case that is " + case_state_name(state));
}

}  // namespace

const char* case_state_name(CaseState state) {
  for (const auto& s : kStates) {
    if (s.state == state) return s.name;
  }
  return "unknown";
}

const char* case_state_label_zh(CaseState state) {
  for (const auto& s : kStates) {
    if (s.state == state) return s.zh;
  }
  return "未知";
}

std::optional<CaseState> parse_case_state(std::string_view name) {
  for (const auto& s : kStates) {
    if (name == s.name) return s.state;
  }
  return std::nullopt;
}

const char* case_action_name(CaseAction action) {
  for (const auto& a : kActions) {
    if (a.action == action) return a.name;
  }
  return "unknown";
}

std::optional<CaseAction> parse_case_action(std::string_view name) {
  for (const auto& a : kActions) {
    if (name == a.name) return a.action;
  }
  return std::nullopt;
}

CaseHalf case_half(CaseAction action) {
  for (const auto& a : kActions) {
    if (a.action == action) return a.half;
  }
  return CaseHalf::kIntake;
}

bool clock_paused(CaseState state) {
  return state == CaseState::kAwaitingMaterials || state == CaseState::kInNotice;
}

bool is_terminal(CaseState state) {
  return state == CaseState::kClosed || state == CaseState::kRevoked;
}

bool is_finished(CaseState state) {
  return state == CaseState::kRefused || state == CaseState::kWithdrawn || is_terminal(state);
}

bool decided_in_favour(CaseState state) {
  return state == CaseState::kApproved || state == CaseState::kResultIssued ||
         state == CaseState::kClosed;
}

Result<CaseState> next_state(CaseState state, CaseAction action) {
  using S = CaseState;
  switch (action) {
    case CaseAction::kAccept:
      if (state == S::kSubmitted) return S::kAccepted;
      break;
    case CaseAction::kRefuse:
      if (state == S::kSubmitted) return S::kRefused;
      break;
    case CaseAction::kRequestMaterials:
      if (state == S::kAccepted) return S::kAwaitingMaterials;
      break;
    case CaseAction::kAcceptSupplement:
      if (state == S::kAwaitingMaterials) return S::kAccepted;
      break;
    case CaseAction::kStartNotice:
      if (state == S::kAccepted) return S::kInNotice;
      break;
    case CaseAction::kEndNotice:
      if (state == S::kInNotice) return S::kAccepted;
      break;
    case CaseAction::kApprove:
      if (state == S::kAccepted) return S::kApproved;
      break;
    case CaseAction::kReject:
      if (state == S::kAccepted) return S::kRejected;
      break;
    case CaseAction::kIssueResult:
      if (state == S::kApproved || state == S::kRejected) return S::kResultIssued;
      break;
    case CaseAction::kClose:
      if (state == S::kResultIssued || state == S::kRefused || state == S::kWithdrawn) {
        return S::kClosed;
      }
      break;
    case CaseAction::kWithdraw:
      if (withdrawable(state)) return S::kWithdrawn;
      break;
    case CaseAction::kConfirmCommitment:
      if (decided_in_favour(state)) return state;
      break;
    case CaseAction::kFalseCommitment:
      if (decided_in_favour(state)) return S::kRevoked;
      break;
    case CaseAction::kDepartmentOpinion:
      if (state == S::kAccepted) return state;
      break;
    default:
      return invalid_argument(std::string(case_action_name(action)) +
                              " is an action of the intake node, not of the handling node");
  }
  return illegal(state, action);
}

Status check_intake_action(CaseState state, CaseAction action, bool returned) {
  if (returned) return invalid_argument("the case was returned to the applicant as incomplete");
  switch (action) {
    case CaseAction::kReturnIncomplete:
      if (state == CaseState::kSubmitted) return {};
      break;
    case CaseAction::kSupplyMaterials:
      if (state == CaseState::kAwaitingMaterials) return {};
      break;
    case CaseAction::kRequestWithdrawal:
      if (withdrawable(state)) return {};
      break;
    case CaseAction::kDeliverResult:
      if (state == CaseState::kResultIssued || state == CaseState::kClosed) return {};
      break;
    case CaseAction::kVerifyIdentity:
      if (withdrawable(state)) return {};
      break;
    default:
      return invalid_argument(std::string(case_action_name(action)) +
                              " is not an intake action on an existing case");
  }
  return illegal(state, action);
}

}  // namespace yimen::hall
