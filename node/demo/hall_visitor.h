#pragma once

// One visitor of a node's web hall, as a browser would be (web/API.md): a
// session cookie with its CSRF token, anonymous (a resident) or logged in (a
// clerk, officer or supervisor), and JSON requests over web/http_client.h.
//
// Not thread-safe; one visitor per thread. A logged-in visitor keeps the
// password in memory for as long as it lives.

#include <chrono>
#include <cstdint>
#include <string>

#include "common/status.h"
#include "web/json.h"

namespace yimen::node::demo {

namespace json = boost::json;

// An answer of the API: its status and JSON body (null when the body is not
// JSON), and for a 4xx/5xx the error's code and message.
struct ApiAnswer {
  int status = 0;
  json::value body;
  std::string error_code;
  std::string error_message;

  bool ok() const { return status >= 200 && status < 300; }
  // Status and message for a log line: "409 conflict: cannot approve ...".
  std::string describe() const;
};

class HallVisitor {
 public:
  HallVisitor(std::string host, std::uint16_t port) : host_(std::move(host)), port_(port) {}

  // Every request waits at most this long (default 5 s).
  void set_timeout(std::chrono::milliseconds timeout) { timeout_ = timeout; }

  // Opens an anonymous session (GET /api/v1/session), as the UI does before a
  // resident's first form. Errors as request().
  Status open_session();

  // Logs in (a fresh session first, then POST /api/v1/session). kPermissionDenied
  // "cannot log in as LOGIN: <message>" when the hall refuses the login; other
  // errors as request().
  Status log_in(const std::string& login, const std::string& password);

  bool logged_in() const { return logged_in_; }

  // GET `target`, or POST `body` to it with the session's CSRF token. The
  // Result is an error only when no answer arrived (kDisconnected: the node is
  // down or did not answer in time) or the answer is not HTTP (kIOError);
  // every HTTP answer, 4xx included, is an ApiAnswer. A logged-in visitor
  // whose session ended (401) logs in again once and repeats the request.
  Result<ApiAnswer> get(const std::string& target);
  Result<ApiAnswer> post(const std::string& target, const json::object& body);
  // POSTs a file as the body (POST /api/v1/uploads), of `media_type`.
  Result<ApiAnswer> upload(const std::string& target, const std::string& media_type,
                           const std::string& content);

 private:
  Result<ApiAnswer> request(const std::string& method, const std::string& target,
                            const std::string& body,
                            const std::string& content_type = "application/json");
  Result<ApiAnswer> request_as_staff(const std::string& method, const std::string& target,
                                     const std::string& body,
                                     const std::string& content_type = "application/json");

  std::string host_;
  std::uint16_t port_;
  std::chrono::milliseconds timeout_{5000};
  std::string cookie_;  // "yimen_session=..."
  std::string csrf_;
  bool logged_in_ = false;
  std::string login_;     // of the last successful login
  std::string password_;  // kept to log in again when the session ends
};

}  // namespace yimen::node::demo
