// yimen recovery status | end: the recovery mark a restore leaves (DESIGN.md section 4).
//
// The running node ends recovery by itself once its parent has sent it its own newer events;
// `recovery end --force` is for an administrator whose node cannot reach its parent.

#include <chrono>
#include <iomanip>
#include <ostream>
#include <sstream>

#include "node/commands/command.h"
#include "node/data_lock.h"
#include "node/node_directory.h"
#include "node/node_store.h"

namespace yimen::node {
namespace {

constexpr const char* kForkRisk =
    "if the parent holds events of this node newer than the restored backup, writing now reuses "
    "their sequence numbers and forks this node's log, which the parent must then resolve by "
    "revoking this node's key and re-enrolling it";

// "2025-01-02 10:30:00 CST" (China Standard Time, UTC+8, DESIGN.md section 1).
std::string cst_time(std::int64_t unix_seconds) {
  using namespace std::chrono;
  constexpr std::int64_t kCstOffsetSeconds = std::int64_t{8} * 3600;
  const sys_seconds t{seconds{unix_seconds + kCstOffsetSeconds}};
  const sys_days day = floor<days>(t);
  const year_month_day date{day};
  const hh_mm_ss time{t - day};
  std::ostringstream s;
  s << std::setfill('0') << std::setw(4) << static_cast<int>(date.year()) << '-' << std::setw(2)
    << static_cast<unsigned>(date.month()) << '-' << std::setw(2)
    << static_cast<unsigned>(date.day()) << ' ' << std::setw(2) << time.hours().count() << ':'
    << std::setw(2) << time.minutes().count() << ':' << std::setw(2) << time.seconds().count()
    << " CST";
  return s.str();
}

std::string describe(const RecoveryState& state) {
  return "since " + cst_time(state.since) + " (" + state.reason + ")";
}

}  // namespace

Status run_recovery_status(const CommandArgs& args, CommandContext& ctx) {
  YIMEN_ASSIGN_OR_RETURN(const std::string dir_text, args.required("--data", "DIR"));
  YIMEN_ASSIGN_OR_RETURN(auto node, open_node(std::filesystem::path(dir_text)));
  YIMEN_ASSIGN_OR_RETURN(const RecoveryState state, load_recovery(node.db));
  if (!state.recovering) {
    ctx.out << "node " << node.identity.id.str() << " is not recovering\n";
    return {};
  }
  ctx.out << "node " << node.identity.id.str() << " is recovering " << describe(state) << "\n"
          << "it accepts no writes until it has fetched its own newer events from its parent\n";
  return {};
}

Status run_recovery_end(const CommandArgs& args, CommandContext& ctx) {
  YIMEN_ASSIGN_OR_RETURN(const std::string dir_text, args.required("--data", "DIR"));
  YIMEN_ASSIGN_OR_RETURN(const DataLock lock,
                         NodeDirectory(std::filesystem::path(dir_text)).lock());
  YIMEN_ASSIGN_OR_RETURN(auto node, open_node(std::filesystem::path(dir_text)));
  YIMEN_ASSIGN_OR_RETURN(const RecoveryState state, load_recovery(node.db));
  if (!state.recovering) {
    ctx.out << "node " << node.identity.id.str() << " is not recovering; nothing to end\n";
    return {};
  }
  if (!args.flag("--force")) {
    return failed_precondition("the node is recovering " + describe(state) +
                               "; ending recovery without its parent is risky: " + kForkRisk +
                               "; add --force to end it anyway");
  }
  ctx.out << "warning: " << kForkRisk << "\n";
  YIMEN_ASSIGN_OR_RETURN(auto tx, node.db.begin());
  YIMEN_TRY(end_recovery(node.db));
  YIMEN_TRY(tx.commit());
  ctx.out << "node " << node.identity.id.str()
          << " is out of recovery (forced) and accepts writes again\n";
  return {};
}

}  // namespace yimen::node
