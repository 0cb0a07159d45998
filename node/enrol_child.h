#pragma once

// Enrolling a child at its parent (DESIGN.md section 4): the parent checks the child's request
// token (node/enrolment.h), certifies the key in it, and answers with the certificate token the
// child installs. One code path for `yimen enrol approve` and the web hall's enrolment page.

#include <cstdint>
#include <string>

#include "common/region_code.h"
#include "common/status.h"
#include "node/commands/command.h"
#include "node/enrolment.h"

namespace yimen::node {

// Whether `parent` may enrol `request` at `now`: the requester must be a direct child, and the
// token at most 7 days old and not dated in the future. PermissionDenied or InvalidArgument
// naming what is wrong (and, for another node's child, whom it enrols with).
Status check_enrol_request(const RegionCode& parent, const EnrolRequest& request, std::int64_t now);

// Certifies the child's key, recording it among the enrolled children and publishing the
// certificate to the city (a certificateIssued event), and returns the certificate token. A
// child enrolled before with the same key gets its certificate again; with another key it is
// AlreadyExists until the old key is revoked. Besides check_enrol_request's errors:
// FailedPrecondition when this node is not enrolled itself, or its node.toml gives no address
// children can reach. Runs in the writer's transaction (`access`).
Result<std::string> approve_enrol_request(NodeAccess& access, const EnrolRequest& request,
                                          std::int64_t now);

}  // namespace yimen::node
