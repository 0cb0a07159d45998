#pragma once

// Copies of material files this node only relayed. A file attached to a case
// is fetched by the case's intake and handling nodes; the nodes on the way
// between them fetch it too, to pass it on, and hold it after. They need it no
// longer once it has gone through: a relayed copy is dropped
// kRelayedFileSeconds after it came. Should it be asked for again, the relay
// fetches it again from the node that has it.

#include <cstdint>

#include "common/region_code.h"
#include "common/status.h"
#include "storage/database.h"

namespace yimen::hall {

inline constexpr std::int64_t kRelayedFileSeconds = 7 * 24 * 3600;

// Drops the files (held, or still being fetched) that came here before
// `now - kRelayedFileSeconds` and are neither an upload here nor attached to
// a case taken or handled by `self`; returns how many, at most 1000 a call.
Result<int> drop_relayed_files(storage::Database& db, const RegionCode& self, std::int64_t now);

}  // namespace yimen::hall
