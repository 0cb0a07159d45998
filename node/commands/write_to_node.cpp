// write_to_node: the one way a CLI command writes its node, whether or not
// the node is running.

#include "node/commands/command.h"
#include "node/data_lock.h"
#include "node/hall/hall.h"
#include "node/node_directory.h"
#include "node/node_runtime.h"

namespace yimen::node {

Status write_to_node(const CommandArgs& args, CommandContext& ctx,
                     const std::function<Status(NodeAccess&)>& write) {
  if (ctx.runtime != nullptr) return ctx.runtime->write(write);
  YIMEN_ASSIGN_OR_RETURN(const std::string dir, args.required("--data", "DIR"));
  YIMEN_ASSIGN_OR_RETURN(const DataLock lock, NodeDirectory(dir).lock());
  YIMEN_ASSIGN_OR_RETURN(auto node, open_node(dir));
  YIMEN_ASSIGN_OR_RETURN(auto recovery, load_recovery(node.db));
  if (recovery.recovering) {
    return failed_precondition(
        "the node is recovering from a backup: run it (yimen run) so it gets its own events "
        "back from its parent first, or see: yimen help recovery end");
  }
  hall::Hall hall(node.db, node.identity.id, node.key, system_clock_ms);
  YIMEN_TRY(hall.set_yellow_card_working_days(node.config.hall.yellow_card_working_days));
  YIMEN_ASSIGN_OR_RETURN(auto tx, node.db.begin());
  NodeAccess access{node, hall};
  YIMEN_TRY(write(access));
  return tx.commit();
}

}  // namespace yimen::node
