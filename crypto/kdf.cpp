#include <sodium.h>

#include <cstdio>
#include <fstream>
#include <sstream>

#include "crypto/crypto.h"
#include "crypto/detail/key_file.h"
#include "crypto/detail/sodium.h"

namespace yimen::crypto {
namespace {

constexpr std::string_view kDatabaseKeyMagic = "yimendk1";
constexpr std::string_view kKdfHeader = "yimen-kdf v1 argon2id13";

}  // namespace

SecretBytes generate_database_key() {
  SecretBytes key(kDatabaseKeySize);
  random_fill(key.span());
  return key;
}

Status save_database_key(const std::filesystem::path& path, const SecretBytes& key) {
  return detail::write_key_file(path, kDatabaseKeyMagic, key);
}

Result<SecretBytes> load_database_key(const std::filesystem::path& path) {
  return detail::read_key_file(path, kDatabaseKeyMagic, kDatabaseKeySize);
}

KdfSalt new_kdf_salt() {
  KdfSalt s;
  random_fill(s.salt);
  s.opslimit = 3;
  s.memlimit = 64ULL << 20;
  return s;
}

Status save_kdf_salt(const std::filesystem::path& path, const KdfSalt& salt) {
  const std::string name = path.filename().string();
  if (std::filesystem::exists(path))
    return already_exists(name + " already exists; refusing to overwrite it");
  std::ofstream out(path, std::ios::trunc);
  out << kKdfHeader << ' ' << salt.opslimit << ' ' << salt.memlimit << ' ' << to_hex(salt.salt)
      << '\n';
  out.flush();
  if (!out) return io_error("cannot write " + name);
  return {};
}

Result<KdfSalt> load_kdf_salt(const std::filesystem::path& path) {
  const std::string name = path.filename().string();
  std::ifstream in(path);
  if (!in) return not_found(name + " does not exist or cannot be read");
  std::string line;
  std::getline(in, line);
  if (line.rfind(kKdfHeader, 0) != 0) return corruption(name + " is not a Yimen KDF salt file");
  std::istringstream fields(line.substr(kKdfHeader.size()));
  KdfSalt s;
  std::string salt_hex;
  if (!(fields >> s.opslimit >> s.memlimit >> salt_hex)) {
    return corruption(name + " is not a Yimen KDF salt file (missing fields)");
  }
  auto salt = from_hex(salt_hex);
  if (!salt.ok() || salt->size() != s.salt.size())
    return corruption(name + ": salt is not 16 bytes of hex");
  if (s.opslimit < crypto_pwhash_OPSLIMIT_MIN || s.opslimit > crypto_pwhash_OPSLIMIT_MAX ||
      s.memlimit < crypto_pwhash_MEMLIMIT_MIN || s.memlimit > (4ULL << 30)) {
    return corruption(name + ": Argon2id cost out of range");
  }
  std::copy(salt->begin(), salt->end(), s.salt.begin());
  return s;
}

Result<SecretBytes> derive_database_key(std::string_view passphrase, const KdfSalt& salt) {
  detail::ensure_sodium();
  if (passphrase.empty()) return invalid_argument("the database passphrase is empty");
  SecretBytes key(kDatabaseKeySize);
  if (crypto_pwhash(key.data(), key.size(), passphrase.data(), passphrase.size(), salt.salt.data(),
                    salt.opslimit, static_cast<size_t>(salt.memlimit),
                    crypto_pwhash_ALG_ARGON2ID13) != 0) {
    return internal_error("Argon2id could not get the memory it needs");
  }
  return key;
}

Result<std::string> hash_password(std::string_view password) {
  detail::ensure_sodium();
  if (password.empty()) return invalid_argument("the password is empty");
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str_alg(out, password.data(), password.size(),
                            crypto_pwhash_OPSLIMIT_INTERACTIVE, crypto_pwhash_MEMLIMIT_INTERACTIVE,
                            crypto_pwhash_ALG_ARGON2ID13) != 0) {
    return internal_error("Argon2id could not get the memory it needs");
  }
  return std::string(out);
}

Result<std::string> hash_secret_code(std::string_view code) {
  detail::ensure_sodium();
  if (code.empty()) return invalid_argument("the code is empty");
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str_alg(out, code.data(), code.size(), 2, 4U << 20,
                            crypto_pwhash_ALG_ARGON2ID13) != 0) {
    return internal_error("Argon2id could not get the memory it needs");
  }
  return std::string(out);
}

Result<SecretCode> new_secret_code() {
  char text[16];
  std::snprintf(text, sizeof text, "%08u", random_below(100000000));
  SecretCode out{text, ""};
  YIMEN_ASSIGN_OR_RETURN(out.hash, hash_secret_code(out.code));
  return out;
}

bool verify_password(std::string_view hash, std::string_view password) {
  detail::ensure_sodium();
  const std::string h(hash);  // must be NUL-terminated
  return crypto_pwhash_str_verify(h.c_str(), password.data(), password.size()) == 0;
}

}  // namespace yimen::crypto
