// yimen rebuild: every projection rebuilt from the event log.

#include <ostream>

#include "node/commands/command.h"
#include "node/data_lock.h"
#include "node/hall/hall.h"
#include "node/node_directory.h"

namespace yimen::node {

Status run_rebuild(const CommandArgs& args, CommandContext& ctx) {
  YIMEN_ASSIGN_OR_RETURN(const std::string dir_text, args.required("--data", "DIR"));
  YIMEN_ASSIGN_OR_RETURN(const DataLock lock,
                         NodeDirectory(std::filesystem::path(dir_text)).lock());
  YIMEN_ASSIGN_OR_RETURN(auto node, open_node(std::filesystem::path(dir_text)));
  hall::Hall hall(node.db, node.identity.id, node.key, system_clock_ms);
  YIMEN_TRY(hall.rebuild());
  YIMEN_ASSIGN_OR_RETURN(auto stmt, node.db.prepare("SELECT COUNT(*) FROM event"));
  YIMEN_ASSIGN_OR_RETURN(bool row, stmt.step());
  ctx.out << "rebuilt the projections from " << (row ? stmt.column_int64(0) : 0) << " events\n";
  return {};
}

}  // namespace yimen::node
