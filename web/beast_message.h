#pragma once

// The conversion between Beast's messages and the pure handlers' HttpRequest
// and HttpResponse (http_message.h), as the server does it. Defined in
// http_server.cpp, the server's one translation unit with Beast; declared here
// so that the HTTP fuzzer (tests/fuzz/fuzz_http.cpp) converts exactly as the
// server does.

#include <string>

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

#include "web/http_message.h"

namespace yimen::web {

// `req` as the handlers see it: lower-case header names, the parsed target.
HttpRequest to_request(const boost::beast::http::request<boost::beast::http::string_body>& req,
                       const std::string& peer, bool tls, const Target& target);

// `response` as Beast writes it; for HEAD (`head`) the length without the body.
boost::beast::http::response<boost::beast::http::string_body> to_beast(HttpResponse response,
                                                                       unsigned version,
                                                                       bool keep_alive, bool head);

}  // namespace yimen::web
