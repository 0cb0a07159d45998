// yimen catalogue import | list: service items from a catalogue file
// (config/catalogue.example.toml documents the format), and what this node
// holds.

#include <map>
#include <ostream>

#include "node/commands/command.h"
#include "node/hall/catalogue_file.h"
#include "node/hall/hall.h"
#include "node/hall/users.h"
#include "node/node_directory.h"

namespace yimen::node {

Status run_catalogue_import(const CommandArgs& args, CommandContext& ctx) {
  YIMEN_ASSIGN_OR_RETURN(const std::string login, args.required("--as", "LOGIN"));
  YIMEN_ASSIGN_OR_RETURN(auto items, hall::load_catalogue_file(ctx.path(args.positionals[0])));
  std::vector<std::pair<std::string, int>> published;
  std::map<std::string, int> elsewhere;  // items other nodes publish, by region
  YIMEN_TRY(write_to_node(args, ctx, [&](NodeAccess& node, CommandAudit& audit) -> Status {
    hall::UserDirectory users(node.node.db);
    YIMEN_ASSIGN_OR_RETURN(auto user, users.find(login));
    if (!user || !user->active) {
      return not_found("--as: no active account " + login + " at this node; see: yimen user list");
    }
    if (user->role != hall::Role::kAdmin && user->role != hall::Role::kOfficer) {
      return permission_denied("--as: " + login +
                               " may not publish service items (an administrator or an officer "
                               "may)");
    }
    const hall::Actor actor{user->login, user->display_name, user->department, user->office_phone};
    published.clear();
    elsewhere.clear();
    // A city-wide file serves every node: each publishes the items of its own region.
    for (auto& item : items) {
      if (item.code.region != node.node.identity.id.str()) {
        ++elsewhere[item.code.region];
        continue;
      }
      const std::string code = hall::format_item_code(item.code);
      YIMEN_ASSIGN_OR_RETURN(int version, node.hall.publish_item(actor, std::move(item)));
      audit.changed("catalogue.publish", code);
      published.emplace_back(code, version);
    }
    return {};
  }));
  for (const auto& [code, version] : published) {
    ctx.out << "published " << code << " version " << version << "\n";
  }
  for (const auto& [region, count] : elsewhere) {
    ctx.out << "left " << count << " item(s) of " << region
            << " to that node (import the file there)\n";
  }
  if (published.empty()) {
    return not_found("the file holds no item of this node's region; nothing was published");
  }
  return {};
}

Status run_catalogue_list(const CommandArgs& args, CommandContext& ctx) {
  YIMEN_ASSIGN_OR_RETURN(const std::string dir, args.required("--data", "DIR"));
  YIMEN_ASSIGN_OR_RETURN(auto node, open_node(dir));
  YIMEN_ASSIGN_OR_RETURN(auto codes, hall::current_item_codes(node.db));
  for (const auto& code : codes) {
    YIMEN_ASSIGN_OR_RETURN(auto item, hall::load_item(node.db, code));
    if (!item) continue;
    ctx.out << code << " v" << item->version << " " << item->name << "\n";
  }
  return {};
}

}  // namespace yimen::node
