#pragma once

// How long the web server's acceptor pauses after accept() fails. Out of
// descriptors (EMFILE, ENFILE) or memory, accept fails at once for as long as
// it lasts: trying again at once would spin a core and fill the log, so the
// pause grows (50 ms, then doubling plus 50 ms, up to 2 s) while open
// connections finish and free descriptors. Any other failure (a connection
// aborted before it was taken) is the peer's and passes: 10 ms. A successful
// accept resets the pause to 0. Pure; used by http_server.cpp.

#include <algorithm>
#include <cerrno>
#include <chrono>

namespace yimen::web {

inline bool is_resource_exhaustion(int error_number) {
  return error_number == EMFILE || error_number == ENFILE || error_number == ENOBUFS ||
         error_number == ENOMEM;
}

inline std::chrono::milliseconds accept_pause_after(int error_number,
                                                    std::chrono::milliseconds previous) {
  using std::chrono::milliseconds;
  if (!is_resource_exhaustion(error_number)) return milliseconds(10);
  return std::min(previous * 2 + milliseconds(50), milliseconds(2000));
}

}  // namespace yimen::web
