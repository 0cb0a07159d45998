// yimen key show: the node's public key and its fingerprint.

#include <ostream>

#include "node/commands/command.h"
#include "node/node_directory.h"

namespace yimen::node {

Status run_key_show(const CommandArgs& args, CommandContext& ctx) {
  YIMEN_ASSIGN_OR_RETURN(const std::string dir_text, args.required("--data", "DIR"));
  const NodeDirectory dir{std::filesystem::path(dir_text)};
  YIMEN_ASSIGN_OR_RETURN(auto config, dir.load_config());
  YIMEN_ASSIGN_OR_RETURN(auto key, dir.load_key());
  ctx.out << "node         " << config.id.str() << " (" << region_level_name(config.id.level())
          << ")\n"
          << "public key   " << crypto::to_hex(key.public_key()) << "\n"
          << "fingerprint  " << crypto::fingerprint(key.public_key()) << "\n"
          << "curve key    " << crypto::to_hex(key.curve_public_key()) << "\n";
  return {};
}

}  // namespace yimen::node
