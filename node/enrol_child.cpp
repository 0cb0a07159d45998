#include "node/enrol_child.h"

#include <algorithm>

#include "crypto/certificate.h"
#include "node/hall/hall.h"
#include "node/node_directory.h"
#include "node/node_store.h"
#include "sync/event.h"

namespace yimen::node {
namespace {

constexpr std::int64_t kDay = 24 * 3600;
// A child's certificate is valid for 5 years (never beyond its parent's).
constexpr std::int64_t kChildValiditySeconds = 5 * 365 * kDay;
// A request token older than this is refused: ask the node for a fresh one.
constexpr std::int64_t kRequestMaxAgeSeconds = 7 * kDay;

// The child's certificate: the one already issued to this key, or a new one
// recorded among the enrolled children.
Result<crypto::Certificate> certify_child(NodeAccess& access, const EnrolRequest& request,
                                          const crypto::Certificate& parent_cert,
                                          std::int64_t now) {
  OpenNode& parent = access.node;
  YIMEN_ASSIGN_OR_RETURN(auto existing, find_child(parent.db, request.id));
  if (existing) {
    if (existing->public_key != request.public_key) {
      return already_exists(request.id.str() + " is already enrolled with another key (" +
                            crypto::fingerprint(existing->public_key) +
                            "); its old key must be revoked before a new one is certified");
    }
    return crypto::Certificate::decode(existing->certificate);
  }
  const std::int64_t not_after = std::min(now + kChildValiditySeconds, parent_cert.not_after);
  YIMEN_ASSIGN_OR_RETURN(
      auto leaf, crypto::Certificate::issue(request.id, request.name, request.public_key, now,
                                            not_after, parent.identity.id, parent.key));
  YIMEN_TRY(save_child(
      parent.db, EnrolledChild{request.id, request.name, request.public_key, leaf.bytes, now}));
  // The certificate travels to every node of the city as an event of its issuer.
  sync::EventDraft draft{"",
                         {{sync::AudienceEntry::Kind::kRegion, parent.identity.id.city()}},
                         [&leaf](schema::Body::Builder b) {
                           b.initCertificateIssued().setCertificate(
                               kj::arrayPtr(leaf.bytes.data(), leaf.bytes.size()));
                         }};
  YIMEN_TRY(access.hall.log().emit(draft, parent.key, system_clock_ms()).status());
  return leaf;
}

}  // namespace

Status check_enrol_request(const RegionCode& parent, const EnrolRequest& request,
                           std::int64_t now) {
  if (!request.id.is_direct_child_of(parent)) {
    const auto its_parent = request.id.parent();
    return permission_denied(
        request.id.str() + " is not a direct child of this node (" + parent.str() + ")" +
        (its_parent ? "; it enrols with " + its_parent->str() : std::string()));
  }
  if (request.created_at > now + kDay) {
    return invalid_argument("the request token is dated in the future; check the clocks");
  }
  // (Compared without a subtraction that a made-up date could overflow.)
  if (request.created_at < now - kRequestMaxAgeSeconds) {
    return invalid_argument("the request token is older than 7 days; ask the node for a new one");
  }
  return {};
}

Result<std::string> approve_enrol_request(NodeAccess& access, const EnrolRequest& request,
                                          std::int64_t now) {
  OpenNode& parent = access.node;
  YIMEN_ASSIGN_OR_RETURN(auto chain, load_chain(parent.db));
  if (chain.empty()) {
    return failed_precondition("this node is not enrolled itself yet, so it cannot enrol children");
  }
  if (Status s = crypto::verify_chain(chain, chain.back().public_key, now, {}); !s.ok()) {
    return s.with_context("this node's own certificate chain");
  }
  YIMEN_TRY(check_enrol_request(parent.identity.id, request, now));
  const auto endpoint = parent.config.sync.endpoint_for_children();
  if (!endpoint) {
    return failed_precondition(
        "node.toml sets neither sync.advertise nor a sync.listen address children can reach");
  }
  YIMEN_ASSIGN_OR_RETURN(const crypto::Certificate leaf,
                         certify_child(access, request, chain.front(), now));
  // A node enrolled again with a new key recovers its own events from here first.
  YIMEN_ASSIGN_OR_RETURN(const auto held, access.hall.log().head(request.id));
  CertificateToken token{*endpoint, {leaf}, held ? held->seq : 0};
  token.chain.insert(token.chain.end(), chain.begin(), chain.end());
  return encode_certificate_token(token, parent.key);
}

}  // namespace yimen::node
