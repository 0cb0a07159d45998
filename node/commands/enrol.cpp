// yimen enrol request | approve | install: enrolment by two one-line tokens.

#include <ostream>

#include "node/commands/command.h"
#include "node/data_lock.h"
#include "node/enrol_child.h"
#include "node/enrolment.h"
#include "node/hall/hall.h"
#include "node/node_directory.h"
#include "node/node_store.h"

namespace yimen::node {
namespace {

Result<OpenNode> open_node(const CommandArgs& args) {
  YIMEN_ASSIGN_OR_RETURN(const std::string dir_text, args.required("--data", "DIR"));
  return node::open_node(std::filesystem::path(dir_text));
}

// The data directory's lock, for the commands that write (refused while the node runs).
Result<DataLock> lock_node(const CommandArgs& args) {
  YIMEN_ASSIGN_OR_RETURN(const std::string dir_text, args.required("--data", "DIR"));
  return NodeDirectory(std::filesystem::path(dir_text)).lock();
}

}  // namespace

Status run_enrol_request(const CommandArgs& args, CommandContext& ctx) {
  YIMEN_ASSIGN_OR_RETURN(auto node, open_node(args));
  if (node.identity.id.level() == RegionLevel::kCity) {
    return failed_precondition("the city node is the root; it has no parent to enrol with");
  }
  const EnrolRequest request{node.identity.id, node.identity.name, node.key.public_key(),
                             ctx.now()};
  ctx.out << encode_enrol_request(request, node.key) << "\n";
  return {};
}

Status run_enrol_approve(const CommandArgs& args, CommandContext& ctx) {
  YIMEN_ASSIGN_OR_RETURN(const auto request, decode_enrol_request(args.positionals[0]));
  std::string token_text;
  YIMEN_TRY(write_to_node(args, ctx, [&](NodeAccess& access, CommandAudit& audit) -> Status {
    YIMEN_ASSIGN_OR_RETURN(token_text, approve_enrol_request(access, request, ctx.now()));
    audit.changed("enrol.approve", request.id.str());
    return {};
  }));
  ctx.out << token_text << "\n";
  return {};
}

Status run_enrol_install(const CommandArgs& args, CommandContext& ctx) {
  YIMEN_ASSIGN_OR_RETURN(const DataLock lock, lock_node(args));
  YIMEN_ASSIGN_OR_RETURN(auto node, open_node(args));
  YIMEN_ASSIGN_OR_RETURN(auto token, decode_certificate_token(args.positionals[0]));
  const crypto::Certificate& leaf = token.chain.front();
  if (leaf.subject != node.identity.id) {
    return invalid_argument("this token certifies " + leaf.subject.str() + ", not this node (" +
                            node.identity.id.str() + ")");
  }
  if (leaf.public_key != node.key.public_key()) {
    return invalid_argument("this token certifies another key than this node's");
  }
  const crypto::Certificate& root = token.chain.back();
  if (root.subject != node.identity.id.city()) {
    return invalid_argument("the token's chain ends at " + root.subject.str() +
                            ", not at this node's city " + node.identity.id.city().str());
  }
  if (Status s = crypto::verify_chain(token.chain, root.public_key, ctx.now(), {}); !s.ok()) {
    return s;
  }
  bool recovering = false;
  YIMEN_ASSIGN_OR_RETURN(auto current, load_chain(node.db));
  // Enrolled already: only a parent that was replaced (enrolled again with a new key) certifies
  // this node's unchanged key anew; its own log goes on as it is.
  const bool parent_replaced = !current.empty();
  if (parent_replaced) {
    if (current.front().bytes == leaf.bytes) {
      ctx.out << "this certificate is already installed\n";
      return {};
    }
    if (current.back().public_key != root.public_key) {
      return invalid_argument(
          "the token's chain ends at another city root than the one this "
          "node trusts");
    }
    if (current.size() < 2 || current[1].public_key == token.chain[1].public_key) {
      return already_exists(
          "this node is already enrolled with this parent's key; a new "
          "certificate for it needs its own key revoked first");
    }
  }
  {
    YIMEN_ASSIGN_OR_RETURN(auto tx, node.db.begin());
    YIMEN_TRY(save_chain(node.db, token.chain));
    hall::Hall hall(node.db, node.identity.id, node.key, system_clock_ms);
    YIMEN_TRY(hall.log().add_trust_anchor(root));
    for (const auto& cert : token.chain) YIMEN_TRY(hall.log().add_certificate(cert));
    YIMEN_ASSIGN_OR_RETURN(const auto own, hall.log().head(node.identity.id));
    const std::uint64_t own_seq = own ? own->seq : 0;
    if (!parent_replaced && own_seq > token.held_through) {
      return failed_precondition(
          "this node holds its own events through seq " + std::to_string(own_seq) +
          " but its parent holds them only through seq " + std::to_string(token.held_through) +
          "; the later ones would be refused everywhere. Run the node with its old key until "
          "its backlog is sent, then revoke and enrol again");
    }
    if (!parent_replaced && own_seq < token.held_through) {
      // Enrolled again with a new key (a replacement machine): it must not reuse a sequence
      // number its parent holds, so it takes them back before it writes.
      YIMEN_TRY(begin_recovery(node.db, ctx.now(),
                               "enrolled again with a new key: recovering its events through "
                               "seq " +
                                   std::to_string(token.held_through) + " from its parent",
                               AuditLogKept::kNone));
      recovering = true;
    }
    YIMEN_TRY(tx.commit());
  }
  config::NodeConfig updated = node.config;
  updated.sync.parent = token.parent_endpoint;
  YIMEN_TRY(node.dir.write_config(updated));
  const crypto::Certificate& parent = token.chain[1];
  ctx.out << (parent_replaced ? "enrolled again under " : "enrolled under ") << parent.subject.str()
          << " (" << parent.name << ")\n"
          << "parent endpoint: " << token.parent_endpoint << "\n"
          << "city root " << root.subject.str()
          << " key fingerprint: " << crypto::fingerprint(root.public_key)
          << " (compare it with the fingerprint the city published)\n";
  if (recovering) {
    ctx.out << "the parent holds this node's events through seq " << token.held_through
            << ": start it (yimen run); it recovers them first and accepts writes once it has "
               "them\n";
  }
  return {};
}

}  // namespace yimen::node
