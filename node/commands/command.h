#pragma once

// What every CLI command sees: its parsed arguments, where to print, and the
// clock. Each command returns OK, or a Status whose message is printed as the
// one error line.

#include <filesystem>
#include <functional>
#include <iosfwd>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "common/status.h"

namespace yimen::hall {
class Hall;
}

namespace yimen::node {

struct CommandArgs {
  std::map<std::string, std::string> options;  // "--data" -> "DIR"
  std::set<std::string> flags;                 // "--root"
  std::vector<std::string> positionals;

  std::optional<std::string> option(const std::string& name) const {
    auto it = options.find(name);
    if (it == options.end()) return std::nullopt;
    return it->second;
  }
  // InvalidArgument "missing --data DIR" when absent.
  Result<std::string> required(const std::string& name, const std::string& placeholder) const {
    auto v = option(name);
    if (!v) return invalid_argument("missing " + name + " " + placeholder);
    return *v;
  }
  bool flag(const std::string& name) const { return flags.contains(name); }
};

class NodeRuntime;
struct OpenNode;

struct CommandContext {
  std::ostream& out;
  std::function<std::int64_t()> now;  // Unix seconds; a seam for tests
  std::istream* in = nullptr;         // standard input (a forwarded command's input)
  std::filesystem::path cwd;          // where relative file names given to the command start
  NodeRuntime* runtime = nullptr;     // set when the running node executes a forwarded command

  // `name` relative to the directory the command was given in.
  std::filesystem::path path(const std::string& name) const {
    const std::filesystem::path p(name);
    return p.is_absolute() || cwd.empty() ? p : cwd / p;
  }
};

// What a writing command may use of its node.
struct NodeAccess {
  OpenNode& node;
  hall::Hall& hall;
};

// What a writing command changed, for the node's audit log (node/hall/audit_log.h).
struct CommandAudit {
  // Records one change: `action` as "<area>.<verb>" ("case.submit"), `target`
  // what it changed (a case number, an item code, a login; never personal data).
  void changed(std::string action, std::string target) {
    changes.emplace_back(std::move(action), std::move(target));
  }

  std::vector<std::pair<std::string, std::string>> changes;  // (action, target)
};

// Runs `write` against the node in --data in one durable transaction: on the
// running node's writer thread when the command was forwarded to it, else
// directly under the data directory's lock. `write` names each change it made
// in the CommandAudit it is given; once it succeeds, every change becomes an
// audit row in the same transaction, so a change and its row are durable
// together: actor "cli", or "cli:<login>" for a command run --as LOGIN;
// outcome "ok"; address "". A command that fails changed nothing and leaves
// no row.
Status write_to_node(const CommandArgs& args, CommandContext& ctx,
                     const std::function<Status(NodeAccess&, CommandAudit&)>& write);

Status run_init(const CommandArgs& args, CommandContext& ctx);
Status run_enrol_request(const CommandArgs& args, CommandContext& ctx);
Status run_enrol_approve(const CommandArgs& args, CommandContext& ctx);
Status run_enrol_install(const CommandArgs& args, CommandContext& ctx);
Status run_db_check(const CommandArgs& args, CommandContext& ctx);
Status run_key_show(const CommandArgs& args, CommandContext& ctx);
Status run_key_revoke(const CommandArgs& args, CommandContext& ctx);
Status run_check_id(const CommandArgs& args, CommandContext& ctx);
Status run_rebuild(const CommandArgs& args, CommandContext& ctx);
Status run_run(const CommandArgs& args, CommandContext& ctx);
Status run_catalogue_import(const CommandArgs& args, CommandContext& ctx);
Status run_catalogue_list(const CommandArgs& args, CommandContext& ctx);
Status run_log_list(const CommandArgs& args, CommandContext& ctx);
Status run_blob_get(const CommandArgs& args, CommandContext& ctx);
Status run_case_submit(const CommandArgs& args, CommandContext& ctx);
Status run_case_act(const CommandArgs& args, CommandContext& ctx);
Status run_case_list(const CommandArgs& args, CommandContext& ctx);
Status run_case_show(const CommandArgs& args, CommandContext& ctx);
Status run_status(const CommandArgs& args, CommandContext& ctx);
Status run_user_add(const CommandArgs& args, CommandContext& ctx);
Status run_user_list(const CommandArgs& args, CommandContext& ctx);
Status run_audit_verify(const CommandArgs& args, CommandContext& ctx);
Status run_audit_list(const CommandArgs& args, CommandContext& ctx);
Status run_audit_anchors(const CommandArgs& args, CommandContext& ctx);
Status run_calendar_publish(const CommandArgs& args, CommandContext& ctx);
Status run_calendar_list(const CommandArgs& args, CommandContext& ctx);
Status run_licence_verify(const CommandArgs& args, CommandContext& ctx);
Status run_licence_export(const CommandArgs& args, CommandContext& ctx);
Status run_backup(const CommandArgs& args, CommandContext& ctx);
Status run_restore(const CommandArgs& args, CommandContext& ctx);
Status run_recovery_status(const CommandArgs& args, CommandContext& ctx);
Status run_recovery_end(const CommandArgs& args, CommandContext& ctx);
Status run_demo_traffic(const CommandArgs& args, CommandContext& ctx);

}  // namespace yimen::node
