// yimen log list: the events this node holds, in the order it stored them,
// as "origin seq id body-type" lines (what a node holds, to compare nodes).

#include <ostream>

#include "crypto/crypto.h"
#include "node/commands/command.h"
#include "node/node_directory.h"

namespace yimen::node {

Status run_log_list(const CommandArgs& args, CommandContext& ctx) {
  YIMEN_ASSIGN_OR_RETURN(const std::string dir, args.required("--data", "DIR"));
  YIMEN_ASSIGN_OR_RETURN(auto node, open_node(dir));
  YIMEN_ASSIGN_OR_RETURN(auto stmt, node.db.prepare("SELECT origin, seq, id, body_type FROM event "
                                                    "ORDER BY local_seq"));
  for (;;) {
    YIMEN_ASSIGN_OR_RETURN(bool row, stmt.step());
    if (!row) break;
    ctx.out << stmt.column_text(0) << " " << stmt.column_int64(1) << " "
            << crypto::to_hex(stmt.column_blob(2)) << " " << stmt.column_int64(3) << "\n";
  }
  return {};
}

}  // namespace yimen::node
