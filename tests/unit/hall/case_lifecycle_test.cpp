#include "node/hall/case_lifecycle.h"

#include <gtest/gtest.h>

#include <map>
#include <set>
#include <utility>

namespace yimen::hall {
namespace {

using S = CaseState;
using A = CaseAction;

const std::vector<S> kAllStates = {
    S::kSubmitted, S::kAccepted, S::kAwaitingMaterials, S::kInNotice,  S::kApproved,
    S::kRejected,  S::kRefused,  S::kResultIssued,      S::kWithdrawn, S::kClosed};
const std::vector<A> kHandling = {
    A::kAccept,      A::kRefuse,    A::kRequestMaterials, A::kAcceptSupplement,
    A::kStartNotice, A::kEndNotice, A::kApprove,          A::kReject,
    A::kIssueResult, A::kClose,     A::kWithdraw};

// Every legal handling transition, and nothing else.
const std::map<std::pair<S, A>, S> kLegal = {
    {{S::kSubmitted, A::kAccept}, S::kAccepted},
    {{S::kSubmitted, A::kRefuse}, S::kRefused},
    {{S::kSubmitted, A::kWithdraw}, S::kWithdrawn},
    {{S::kAccepted, A::kRequestMaterials}, S::kAwaitingMaterials},
    {{S::kAccepted, A::kStartNotice}, S::kInNotice},
    {{S::kAccepted, A::kApprove}, S::kApproved},
    {{S::kAccepted, A::kReject}, S::kRejected},
    {{S::kAccepted, A::kWithdraw}, S::kWithdrawn},
    {{S::kAwaitingMaterials, A::kAcceptSupplement}, S::kAccepted},
    {{S::kAwaitingMaterials, A::kWithdraw}, S::kWithdrawn},
    {{S::kInNotice, A::kEndNotice}, S::kAccepted},
    {{S::kInNotice, A::kWithdraw}, S::kWithdrawn},
    {{S::kApproved, A::kIssueResult}, S::kResultIssued},
    {{S::kRejected, A::kIssueResult}, S::kResultIssued},
    {{S::kResultIssued, A::kClose}, S::kClosed},
    {{S::kRefused, A::kClose}, S::kClosed},
    {{S::kWithdrawn, A::kClose}, S::kClosed},
};

TEST(CaseLifecycle, EveryHandlingTransitionIsLegalOrRefusedByName) {
  for (S state : kAllStates) {
    for (A action : kHandling) {
      auto next = next_state(state, action);
      auto it = kLegal.find({state, action});
      if (it != kLegal.end()) {
        ASSERT_TRUE(next.ok()) << case_state_name(state) << " " << case_action_name(action);
        EXPECT_EQ(*next, it->second);
      } else {
        ASSERT_FALSE(next.ok()) << case_state_name(state) << " " << case_action_name(action);
        EXPECT_EQ(next.status().message(), std::string("cannot ") + case_action_name(action) +
                                               " a case that is " + case_state_name(state));
      }
    }
  }
}

TEST(CaseLifecycle, IntakeActionsAreNotHandlingActions) {
  for (A action : {A::kSubmit, A::kReturnIncomplete, A::kSupplyMaterials, A::kRequestWithdrawal,
                   A::kDeliverResult}) {
    EXPECT_EQ(case_half(action), CaseHalf::kIntake);
    EXPECT_FALSE(next_state(S::kAccepted, action).ok());
  }
  for (A action : kHandling) EXPECT_EQ(case_half(action), CaseHalf::kHandling);
}

TEST(CaseLifecycle, IntakeRequestsFollowTheStateTheIntakeSees) {
  EXPECT_TRUE(check_intake_action(S::kSubmitted, A::kReturnIncomplete, false).ok());
  EXPECT_FALSE(check_intake_action(S::kAccepted, A::kReturnIncomplete, false).ok());
  EXPECT_TRUE(check_intake_action(S::kAwaitingMaterials, A::kSupplyMaterials, false).ok());
  EXPECT_EQ(check_intake_action(S::kAccepted, A::kSupplyMaterials, false).message(),
            "cannot supply_materials a case that is accepted");
  EXPECT_TRUE(check_intake_action(S::kInNotice, A::kRequestWithdrawal, false).ok());
  EXPECT_FALSE(check_intake_action(S::kClosed, A::kRequestWithdrawal, false).ok());
  EXPECT_TRUE(check_intake_action(S::kResultIssued, A::kDeliverResult, false).ok());
  EXPECT_EQ(check_intake_action(S::kSubmitted, A::kSupplyMaterials, true).message(),
            "the case was returned to the applicant as incomplete");
}

TEST(CaseLifecycle, NamesRoundTrip) {
  std::set<std::string> names;
  for (S s : kAllStates) {
    EXPECT_EQ(parse_case_state(case_state_name(s)), s);
    names.insert(case_state_name(s));
  }
  EXPECT_EQ(names.size(), kAllStates.size());
  EXPECT_FALSE(parse_case_state("done").has_value());
  EXPECT_TRUE(clock_paused(S::kAwaitingMaterials));
  EXPECT_TRUE(clock_paused(S::kInNotice));
  EXPECT_FALSE(clock_paused(S::kAccepted));
}

}  // namespace
}  // namespace yimen::hall
