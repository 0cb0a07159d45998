#pragma once

// Secret key files: an 8-byte magic followed by the secret, mode 0600.

#include <filesystem>
#include <string_view>

#include "common/status.h"
#include "crypto/crypto.h"

namespace yimen::crypto::detail {

// Creates `path` exclusively with mode 0600, writes magic ‖ secret, fsyncs the
// file and its directory. AlreadyExists when the file exists.
Status write_key_file(const std::filesystem::path& path, std::string_view magic,
                      const SecretBytes& secret);

// Reads a file written by write_key_file straight into secret memory.
// PermissionDenied when group or others have any access; Corruption when the
// magic or size is wrong; NotFound when it does not exist.
Result<SecretBytes> read_key_file(const std::filesystem::path& path, std::string_view magic,
                                  size_t secret_size);

}  // namespace yimen::crypto::detail
