#pragma once

// HTTP requests and responses as plain values (STYLE.md section 7): the server
// (http_server.cpp, the server's one translation unit that includes Beast) turns bytes
// into an HttpRequest and an HttpResponse back into bytes; everything between
// is a pure function that tests drive without sockets.

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace yimen::web {

struct HttpRequest {
  std::string method;                        // "GET", "POST", ... as sent
  std::string path;                          // percent-decoded path, without the query
  std::map<std::string, std::string> query;  // decoded; a repeated key keeps its last value
  // Header fields with lower-case names; a repeated field keeps its last value.
  std::map<std::string, std::string> headers;
  std::string body;
  std::string peer;  // the client's address, "127.0.0.1"
  bool tls = false;  // whether the connection is TLS (cookies get Secure)

  // The header's value, or empty.
  std::string header(const std::string& lower_case_name) const {
    auto it = headers.find(lower_case_name);
    return it == headers.end() ? std::string() : it->second;
  }
  std::optional<std::string> query_value(const std::string& key) const {
    auto it = query.find(key);
    if (it == query.end()) return std::nullopt;
    return it->second;
  }
};

struct HttpResponse {
  int status = 200;
  std::string content_type = "application/json; charset=utf-8";
  std::vector<std::pair<std::string, std::string>> headers;  // besides Content-Type
  std::string body;
  // Work that may block for long (an Argon2id password check). When set, the
  // server runs it on its worker pool, never on an I/O thread, and sends what
  // it returns; when the pool has no room it sends this response instead (a
  // 503 with Retry-After) and drops the work unrun. It owns what it uses and
  // may run on any thread. Tests that call a handler directly run it inline.
  std::function<HttpResponse()> deferred;

  void add_header(std::string name, std::string value) {
    headers.emplace_back(std::move(name), std::move(value));
  }
  // The first header of that name (exact case), or empty.
  std::string header(std::string_view name) const {
    for (const auto& [n, v] : headers) {
      if (n == name) return v;
    }
    return {};
  }
};

// Splits a request target ("/a%20b?x=1&y=%E4%B8%AD") into a decoded path and
// query. Returns nullopt for a target that is not origin-form, has a bad
// percent escape, or decodes to a path with a NUL or "..".
struct Target {
  std::string path;
  std::map<std::string, std::string> query;
};
std::optional<Target> parse_target(std::string_view target);

// Percent-decodes `text` ('+' as a space when `plus_is_space`); nullopt for a
// malformed escape.
std::optional<std::string> percent_decode(std::string_view text, bool plus_is_space);

// The value of cookie `name` in a Cookie header, or empty.
std::string cookie_value(std::string_view cookie_header, std::string_view name);

// What is wrong with how a request delimits its body (RFC 9112 section 6):
// the status to answer (the connection is then closed) and why.
struct FramingError {
  int status = 400;     // 400, or 501 for a transfer coding this server does not implement
  std::string message;  // names the field, never repeats its value
};

// Judges a request's body framing from every Transfer-Encoding and every
// Content-Length field it carries (their values, in order) and its HTTP
// version (10 or 11). Accepted: neither field (no body); Content-Length as
// one decimal number (repeats of the same number too); Transfer-Encoding
// whose only coding is "chunked" (any case) in HTTP/1.1. Everything else is
// refused, because a front proxy could read such a body differently and the
// rest would be taken for the next request (request smuggling):
//   400 "Transfer-Encoding and Content-Length together"
//   400 "Transfer-Encoding in an HTTP/1.0 request"
//   400 "Transfer-Encoding: the last coding must be chunked"   (also an empty list)
//   400 "Transfer-Encoding: chunked more than once"
//   501 "Transfer-Encoding: only chunked is supported"          (gzip, chunked)
//   400 "Content-Length: expected one decimal number"
// Pure; a fuzzer may call it with anything.
std::optional<FramingError> request_framing_error(
    unsigned version, const std::vector<std::string_view>& transfer_encoding,
    const std::vector<std::string_view>& content_length);

}  // namespace yimen::web
