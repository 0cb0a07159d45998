// yimen backup: an online, consistent, encrypted copy of a node's database.

#include <ostream>

#include "node/commands/command.h"
#include "node/node_directory.h"
#include "node/node_store.h"

namespace yimen::node {

// Works beside a running node: its own read-only connection reads one consistent snapshot in
// WAL mode while the node keeps writing, so it takes no DataLock. The copy is keyed with the
// node's database key by Database::copy_to(), which reopens and checks it: never plaintext.
Status run_backup(const CommandArgs& args, CommandContext& ctx) {
  YIMEN_ASSIGN_OR_RETURN(const std::string dir_text, args.required("--data", "DIR"));
  YIMEN_ASSIGN_OR_RETURN(const std::string out_text, args.required("--out", "FILE"));
  const std::filesystem::path out(out_text);
  std::error_code ec;
  if (std::filesystem::symlink_status(out, ec).type() != std::filesystem::file_type::not_found) {
    return already_exists(out_text + " already exists; a backup never overwrites a file");
  }
  const NodeDirectory dir{std::filesystem::path(dir_text)};
  YIMEN_ASSIGN_OR_RETURN(const auto config, dir.load_config());
  YIMEN_ASSIGN_OR_RETURN(const auto key, dir.database_key(config));
  storage::OpenOptions options;
  options.read_only = true;
  options.busy_timeout_ms = config.storage.busy_timeout_ms;
  YIMEN_ASSIGN_OR_RETURN(
      auto db, storage::Database::open(dir.database_path(),
                                       std::span<const std::uint8_t, 32>(key.data(), 32), options));
  YIMEN_ASSIGN_OR_RETURN(const NodeIdentity identity, load_identity(db));
  YIMEN_TRY(db.copy_to(out));
  const std::uintmax_t size = std::filesystem::file_size(out, ec);
  if (ec) return io_error("cannot read the size of " + out_text + ": " + ec.message());
  ctx.out << "backed up node " << identity.id.str() << " to " << out_text << " (" << size
          << " bytes, encrypted with the node's database key)\n"
          << "restore it with: yimen restore --data " << dir_text << " --from " << out_text << "\n"
          << "it opens only with this node's "
          << (config.storage.passphrase_env ? "passphrase and hall.db.salt" : "db.key")
          << ": keep a copy of those and of node.key apart from the backup\n";
  return {};
}

}  // namespace yimen::node
