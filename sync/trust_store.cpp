#include "sync/trust_store.h"

namespace yimen::sync {
namespace {

constexpr size_t kMaxChain = 6;

Result<crypto::PublicKey> key_of(ByteView bytes) {
  crypto::PublicKey key{};
  if (bytes.size() != key.size()) return corruption("a stored public key is not 32 bytes");
  std::copy(bytes.begin(), bytes.end(), key.begin());
  return key;
}

}  // namespace

Result<std::optional<crypto::PublicKey>> load_trust_anchor(storage::Database& db) {
  YIMEN_ASSIGN_OR_RETURN(auto stmt, db.prepare("SELECT public_key FROM trust_anchor"));
  YIMEN_ASSIGN_OR_RETURN(bool row, stmt.step());
  if (!row) return std::optional<crypto::PublicKey>();
  YIMEN_ASSIGN_OR_RETURN(auto key, key_of(stmt.column_blob(0)));
  return std::optional<crypto::PublicKey>(key);
}

Result<std::vector<crypto::Revocation>> load_revocations(storage::Database& db) {
  YIMEN_ASSIGN_OR_RETURN(auto stmt, db.prepare("SELECT public_key, after_seq FROM revoked_key"));
  std::vector<crypto::Revocation> out;
  for (;;) {
    YIMEN_ASSIGN_OR_RETURN(bool row, stmt.step());
    if (!row) break;
    YIMEN_ASSIGN_OR_RETURN(auto key, key_of(stmt.column_blob(0)));
    out.push_back({key, static_cast<std::uint64_t>(stmt.column_int64(1))});
  }
  return out;
}

Result<std::vector<crypto::Certificate>> load_certificate_chain(storage::Database& db,
                                                                const crypto::PublicKey& leaf) {
  std::vector<crypto::Certificate> chain;
  crypto::PublicKey want = leaf;
  while (chain.size() < kMaxChain) {
    YIMEN_ASSIGN_OR_RETURN(
        auto stmt, db.prepare("SELECT certificate FROM certified_key WHERE public_key = ?"));
    stmt.bind_blob(1, want);
    YIMEN_ASSIGN_OR_RETURN(bool row, stmt.step());
    if (!row) break;
    YIMEN_ASSIGN_OR_RETURN(auto cert, crypto::Certificate::decode(stmt.column_blob(0)));
    const bool root = cert.self_signed();
    want = cert.issuer_key;
    chain.push_back(std::move(cert));
    if (root) break;
  }
  return chain;
}

}  // namespace yimen::sync
