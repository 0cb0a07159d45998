// write_to_node: the one way a CLI command writes its node, whether or not
// the node is running, and records what it changed in the audit log.

#include "node/commands/command.h"
#include "node/data_lock.h"
#include "node/hall/audit_log.h"
#include "node/hall/hall.h"
#include "node/hall/users.h"
#include "node/node_directory.h"
#include "node/node_runtime.h"

namespace yimen::node {
namespace {

// The audit actor of a command: "cli", or "cli:<login>" when it acts as an account.
std::string cli_actor(const CommandArgs& args) {
  const auto login = args.option("--as");
  if (!login) return "cli";
  // As the account is stored; a login that is not one fails the command before it is audited.
  auto normalised = hall::normalise_login(*login);
  return "cli:" + (normalised.ok() ? *normalised : *login);
}

}  // namespace

Status write_to_node(const CommandArgs& args, CommandContext& ctx,
                     const std::function<Status(NodeAccess&, CommandAudit&)>& write) {
  const std::string actor = cli_actor(args);
  const auto audited = [&](NodeAccess& access) -> Status {
    CommandAudit audit;
    YIMEN_TRY(write(access, audit));
    for (auto& [action, target] : audit.changes) {
      YIMEN_TRY(hall::append_audit(access.node.db,
                                   hall::AuditEntry{ctx.now(), actor, action, target, "ok", ""})
                    .status());
    }
    return {};
  };
  if (ctx.runtime != nullptr) return ctx.runtime->write(audited);
  YIMEN_ASSIGN_OR_RETURN(const std::string dir, args.required("--data", "DIR"));
  YIMEN_ASSIGN_OR_RETURN(const DataLock lock, NodeDirectory(dir).lock());
  YIMEN_ASSIGN_OR_RETURN(auto node, open_node(dir));
  YIMEN_ASSIGN_OR_RETURN(auto recovery, load_recovery(node.db));
  if (recovery.recovering) {
    return failed_precondition("the node is recovering (" + recovery.reason +
                               "): run it (yimen run) so it gets its own events "
                               "back from its parent first, or see: yimen help recovery end");
  }
  hall::Hall hall(node.db, node.identity.id, node.key, system_clock_ms);
  YIMEN_TRY(hall.set_yellow_card_working_days(node.config.hall.yellow_card_working_days));
  YIMEN_TRY(hall.set_supply_within_days(node.config.hall.supply_within_days));
  YIMEN_ASSIGN_OR_RETURN(auto tx, node.db.begin());
  NodeAccess access{node, hall};
  YIMEN_TRY(audited(access));
  return tx.commit();
}

}  // namespace yimen::node
