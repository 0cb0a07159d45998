// yimen key show | revoke: the node's public key, and revoking an enrolled child's key
// (DESIGN.md section 4: "key K revoked after seq N", an event of the parent).

#include <charconv>
#include <ostream>

#include "node/commands/command.h"
#include "node/hall/hall.h"
#include "node/node_directory.h"
#include "node/node_store.h"
#include "sync/schema/event.capnp.h"

namespace yimen::node {
namespace {

constexpr std::size_t kMaxReasonBytes = 300;

Result<std::uint64_t> parse_seq(const std::string& text) {
  std::uint64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || text.empty()) {
    return invalid_argument("--after-seq: '" + text + "' is not a sequence number");
  }
  return value;
}

}  // namespace

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

// Revokes the key of an enrolled child after a seq: its events up to that seq stay valid
// everywhere, later ones are refused; its link is refused from now on, and a new key may be
// enrolled for it (a replacement machine, or the same one after `key rotate`).
Status run_key_revoke(const CommandArgs& args, CommandContext& ctx) {
  YIMEN_ASSIGN_OR_RETURN(const std::string child_text, args.required("--child", "CODE"));
  auto parsed = RegionCode::parse(child_text);
  if (!parsed.ok()) return parsed.status().with_context("--child");
  const RegionCode child = *parsed;
  YIMEN_ASSIGN_OR_RETURN(const std::string reason, args.required("--reason", "TEXT"));
  if (reason.find_first_not_of(" \t") == std::string::npos) {
    return invalid_argument(
        "--reason is empty; say why the key is revoked (lost, stolen, "
        "scheduled rotation)");
  }
  if (reason.size() > kMaxReasonBytes) {
    return invalid_argument("--reason is longer than " + std::to_string(kMaxReasonBytes) +
                            " bytes");
  }
  std::optional<std::uint64_t> asked_after;
  if (const auto text = args.option("--after-seq")) {
    YIMEN_ASSIGN_OR_RETURN(asked_after, parse_seq(*text));
  }
  std::string report;
  const Status written =
      write_to_node(args, ctx, [&](NodeAccess& access, CommandAudit& audit) -> Status {
        OpenNode& parent = access.node;
        YIMEN_ASSIGN_OR_RETURN(const auto enrolled, find_child(parent.db, child));
        if (!enrolled) {
          return not_found(child.str() + " is not an enrolled child of this node (" +
                           parent.identity.id.str() +
                           "); a key is revoked by the parent that "
                           "certified it");
        }
        // The parent receives its subtree's complete stream, so it holds the child's events in
        // order: those it holds are the ones it can vouch for.
        YIMEN_ASSIGN_OR_RETURN(const auto head, access.hall.log().head(child));
        const std::uint64_t held = head ? head->seq : 0;
        const std::uint64_t after = asked_after.value_or(held);
        if (after > held) {
          return invalid_argument("--after-seq " + std::to_string(after) +
                                  " is beyond what this "
                                  "node holds of " +
                                  child.str() + " (through seq " + std::to_string(held) +
                                  "); events it has not seen cannot be kept "
                                  "valid");
        }
        const crypto::PublicKey key = enrolled->public_key;
        sync::EventDraft draft{"",
                               {{sync::AudienceEntry::Kind::kRegion, parent.identity.id.city()}},
                               [&](schema::Body::Builder b) {
                                 auto r = b.initKeyRevoked();
                                 r.setKey(kj::arrayPtr(key.data(), key.size()));
                                 r.setSubject(child.str());
                                 r.setAfterSeq(after);
                                 r.setReason(reason);
                               }};
        YIMEN_TRY(access.hall.log().emit(draft, parent.key, system_clock_ms()).status());
        YIMEN_TRY(remove_child(parent.db, child));
        audit.changed("key.revoke", child.str());
        report = "revoked the key " + crypto::fingerprint(key) + " of " + child.str() + " (" +
                 enrolled->name + ") after seq " + std::to_string(after) + " of " +
                 std::to_string(held) + " held\n" + "its events up to seq " +
                 std::to_string(after) +
                 " stay valid; every node refuses what that key signs later, and this node "
                 "refuses its link\n"
                 "to enrol its new key: yimen enrol request on the node, then here: "
                 "yimen enrol approve --data DIR TOKEN\n";
        return {};
      });
  if (!written.ok()) return written;
  ctx.out << report;
  return {};
}

}  // namespace yimen::node
