#pragma once

// Read-only views of the trust the event log keeps (certified keys, the city
// root, revoked keys), for checks outside the log — e.g. verifying a licence
// document offline (node/hall/licence.h). Any connection; the event log's
// own caches are not involved.

#include <optional>
#include <vector>

#include "crypto/certificate.h"
#include "storage/database.h"

namespace yimen::sync {

// The city root key, nullopt before the node has one.
Result<std::optional<crypto::PublicKey>> load_trust_anchor(storage::Database& db);

// Every key revocation the node holds.
Result<std::vector<crypto::Revocation>> load_revocations(storage::Database& db);

// The certificates from `leaf` up to a self-signed root (leaf first), as far
// as the node holds them: the chain ends early when a certificate is missing,
// and holds at most 6 certificates.
Result<std::vector<crypto::Certificate>> load_certificate_chain(storage::Database& db,
                                                                const crypto::PublicKey& leaf);

}  // namespace yimen::sync
