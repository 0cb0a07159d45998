#pragma once

// The demo city's traffic (`yimen demo-traffic`): residents, window clerks,
// officers and supervisors using the running nodes' web halls the way people
// do, so that every page of the demo has cases to show.
//
// Each round (one at the start, then one a minute while at least 30 s are
// left) makes one story per plan below, spread over the intake nodes
// (villages, towns, counties with a clerk), plus the cross-region stories
// (同城通办: a village of one county takes a case of a same-city item for a
// resident domiciled in the other county, handled there):
//
//   submitted          taken at the window, not yet handled
//   accepted           accepted by the handling node
//   awaiting_materials accepted, then materials requested (one-time notice)
//   approved           accepted and approved (on a signed commitment where the
//                      item allows one, which opens a post-check)
//   rejected           accepted and rejected
//   refused            not accepted; the applicant rates it poorly (a follow-up)
//   result_issued      approved, result issued; delivered and rated
//   closed             approved, issued, closed; delivered and rated
//   supplemented       materials requested, supplied at the intake node,
//                      accepted, approved, issued; rated
//
// A story picks a real item of the intake node's catalogue that the node may
// take for its applicant (the hall's territorial rules, service_item.h
// competent_region) and whose handling node answers; an item reviewed by
// parallel departments (并联审批) only for a story without an approval, as
// their opinions are not played. Between steps it waits
// until the case and the previous step have reached the next node by sync,
// polling every second. Once at the start, a resident files an anonymous
// complaint at a village, and the counties' supervisors order supervision
// (督办) of one overdue case each. Every request has a bounded timeout; the
// run ends at the deadline whatever is unfinished.
//
// Residents are fictitious (residents.h); nothing personal is logged, only
// case numbers and region codes.

#include <chrono>
#include <cstdint>
#include <iosfwd>
#include <string>
#include <vector>

#include "common/status.h"
#include "node/demo/demo_city.h"

namespace yimen::node::demo {

struct TrafficOptions {
  std::string password;                      // of the demo's accounts clerk, officer, supervisor
  std::chrono::milliseconds length{60'000};  // the run ends by then
  std::uint64_t seed = 0;                    // of the residents and the items chosen
};

// What the run did, counted as it happened.
struct TrafficSummary {
  int nodes = 0;       // answering web halls
  int nodes_down = 0;  // skipped: no answer
  int cases = 0;       // taken at a window or applied for online
  int online = 0;      // of which online applications with uploaded scans
  int cross_region = 0;
  int accepted = 0;
  int refused = 0;
  int materials_requested = 0;
  int materials_supplied = 0;
  int approved = 0;
  int rejected = 0;
  int results_issued = 0;
  int closed = 0;
  int results_delivered = 0;
  int tracked = 0;  // progress lookups by residents
  int ratings = 0;
  int poor_ratings = 0;
  int complaints = 0;
  int supervision_orders = 0;
  int overdue = 0;     // red-card cases the counties showed at the start
  int unfinished = 0;  // stories the deadline cut short
  int errors = 0;      // unexpected answers; each was logged

  // One `name=value` line per counter, in the order above.
  void print(std::ostream& out) const;
};

// Plays the traffic against `nodes` until every story is done or
// `options.length` has passed. Nodes that do not answer are skipped with a
// warning on standard error (common/log.h). Errors: kFailedPrecondition when
// no node answers; kPermissionDenied when no account could log in anywhere
// (a wrong password).
Result<TrafficSummary> play_demo_traffic(const std::vector<DemoNode>& nodes,
                                         const TrafficOptions& options);

}  // namespace yimen::node::demo
