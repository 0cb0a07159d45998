#pragma once

// What every CLI command sees: its parsed arguments, where to print, and the
// clock. Each command returns OK, or a Status whose message is printed as the
// one error line.

#include <functional>
#include <iosfwd>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "common/status.h"

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

struct CommandContext {
  std::ostream& out;
  std::function<std::int64_t()> now;  // Unix seconds; a seam for tests
};

Status run_init(const CommandArgs& args, CommandContext& ctx);
Status run_enrol_request(const CommandArgs& args, CommandContext& ctx);
Status run_enrol_approve(const CommandArgs& args, CommandContext& ctx);
Status run_enrol_install(const CommandArgs& args, CommandContext& ctx);
Status run_db_check(const CommandArgs& args, CommandContext& ctx);
Status run_key_show(const CommandArgs& args, CommandContext& ctx);
Status run_check_id(const CommandArgs& args, CommandContext& ctx);
Status run_rebuild(const CommandArgs& args, CommandContext& ctx);
Status run_user_add(const CommandArgs& args, CommandContext& ctx);
Status run_user_list(const CommandArgs& args, CommandContext& ctx);

}  // namespace yimen::node
