#pragma once

// A small synchronous HTTP/1.1 client (Boost.Beast) for tools that drive a
// web hall the way a browser would, e.g. `yimen demo-traffic`: one request
// per connection (Connection: close), plain HTTP, with one deadline for
// connecting, sending and reading the whole answer. Meant for loopback and
// trusted networks: no TLS, no redirects, no chunked request bodies.
//
// http_client.cpp is the one translation unit besides http_server.cpp that
// includes Beast. Thread-safe: every call has its own connection and io_context.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/status.h"

namespace yimen::web {

struct ClientRequest {
  std::string method = "GET";  // "GET", "POST", "PUT", "DELETE", ...
  std::string target = "/";    // origin-form: path and query, already encoded
  // Header fields besides Host, Connection and Content-Length, which the
  // client sets.
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
};

struct ClientResponse {
  int status = 0;
  std::vector<std::pair<std::string, std::string>> headers;  // as received
  std::string body;

  // The value of the first header field named `name` (case-insensitive), or empty.
  std::string header(std::string_view name) const;
  // The values of every header field named `name` (e.g. several Set-Cookie).
  std::vector<std::string> headers_named(std::string_view name) const;
};

struct ClientOptions {
  std::chrono::milliseconds timeout{10'000};  // for the whole exchange
  std::size_t body_limit = 8 * 1024 * 1024;   // a longer answer is an error
};

// Sends `request` to http://HOST:PORT (HOST an IP address literal) and reads
// the answer, whatever its status. Errors: kInvalidArgument for a bad
// address or method; kDisconnected when the connection is refused or cut, or
// no whole answer arrives within the timeout ("... within 10 s"); kIOError
// for an answer that is not HTTP or is over the body limit.
Result<ClientResponse> send_request(const std::string& host, std::uint16_t port,
                                    const ClientRequest& request,
                                    const ClientOptions& options = {});

}  // namespace yimen::web
