#pragma once

namespace yimen::crypto::detail {

// Initialises libsodium once (thread-safe). Throws std::runtime_error when the
// library cannot initialise, which leaves no safe way to go on.
void ensure_sodium();

}  // namespace yimen::crypto::detail
