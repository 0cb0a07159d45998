// yimen db check: SQLite's integrity check plus a read of every page.

#include <ostream>

#include "node/commands/command.h"
#include "node/node_directory.h"

namespace yimen::node {

Status run_db_check(const CommandArgs& args, CommandContext& ctx) {
  YIMEN_ASSIGN_OR_RETURN(const std::string dir_text, args.required("--data", "DIR"));
  const NodeDirectory dir{std::filesystem::path(dir_text)};
  YIMEN_ASSIGN_OR_RETURN(auto config, dir.load_config());
  YIMEN_ASSIGN_OR_RETURN(auto key, dir.database_key(config));
  storage::OpenOptions options;
  options.read_only = true;
  options.busy_timeout_ms = config.storage.busy_timeout_ms;
  YIMEN_ASSIGN_OR_RETURN(
      auto db, storage::Database::open(dir.database_path(),
                                       std::span<const std::uint8_t, 32>(key.data(), 32), options));
  YIMEN_TRY(db.check());
  ctx.out << "hall.db: ok (integrity check passed, every page read)\n";
  return {};
}

}  // namespace yimen::node
