#include "web/http_client.h"

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

namespace yimen::web {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using error_code = boost::system::error_code;

bool same_name(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

// Runs the io_context until the operation just started has completed.
void run_one_operation(asio::io_context& io) {
  io.restart();
  io.run();
}

}  // namespace

std::string ClientResponse::header(std::string_view name) const {
  for (const auto& [n, v] : headers) {
    if (same_name(n, name)) return v;
  }
  return {};
}

std::vector<std::string> ClientResponse::headers_named(std::string_view name) const {
  std::vector<std::string> out;
  for (const auto& [n, v] : headers) {
    if (same_name(n, name)) out.push_back(v);
  }
  return out;
}

Result<ClientResponse> send_request(const std::string& host, std::uint16_t port,
                                    const ClientRequest& request, const ClientOptions& options) {
  error_code ec;
  const auto address = asio::ip::make_address(host, ec);
  if (ec) return invalid_argument("not an IP address: " + host);
  const http::verb verb = http::string_to_verb(request.method);
  if (verb == http::verb::unknown) return invalid_argument("unknown HTTP method " + request.method);
  const std::string where =
      (address.is_v6() ? "[" + host + "]" : host) + ":" + std::to_string(port);
  const auto seconds = std::to_string((options.timeout.count() + 999) / 1000) + " s";

  asio::io_context io;
  beast::tcp_stream stream(io);
  // One deadline for connecting, writing and reading the answer.
  stream.expires_after(options.timeout);
  const auto failed = [&](const error_code& e, const char* doing) -> Status {
    if (e == beast::error::timeout) {
      return Status(ErrorCode::kDisconnected, "no answer from " + where + " within " + seconds);
    }
    return Status(ErrorCode::kDisconnected,
                  std::string("cannot ") + doing + " " + where + ": " + e.message());
  };

  stream.async_connect(tcp::endpoint(address, port), [&](const error_code& e) { ec = e; });
  run_one_operation(io);
  if (ec) return failed(ec, "connect to");

  http::request<http::string_body> req{verb, request.target, 11};
  req.set(http::field::host, where);
  for (const auto& [name, value] : request.headers) req.insert(name, value);
  req.keep_alive(false);
  req.body() = request.body;
  req.prepare_payload();
  http::async_write(stream, req, [&](const error_code& e, std::size_t) { ec = e; });
  run_one_operation(io);
  if (ec) return failed(ec, "send a request to");

  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.body_limit(options.body_limit);
  http::async_read(stream, buffer, parser, [&](const error_code& e, std::size_t) { ec = e; });
  run_one_operation(io);
  if (ec == http::error::body_limit) {
    return io_error("the answer from " + where + " is over " + std::to_string(options.body_limit) +
                    " bytes");
  }
  if (ec == http::error::end_of_stream || ec == http::error::partial_message) {
    return Status(ErrorCode::kDisconnected, where + " closed the connection before it answered");
  }
  if (ec && ec.category() == http::make_error_code(http::error::bad_version).category()) {
    return io_error("the answer from " + where + " is not HTTP: " + ec.message());
  }
  if (ec) return failed(ec, "read the answer from");

  stream.socket().shutdown(tcp::socket::shutdown_both, ec);  // the answer is whole either way
  auto res = parser.release();
  ClientResponse out;
  out.status = static_cast<int>(res.result_int());
  for (const auto& field : res) {
    out.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
  }
  out.body = std::move(res.body());
  return out;
}

}  // namespace yimen::web
