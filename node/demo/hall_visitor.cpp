#include "node/demo/hall_visitor.h"

#include "web/http_client.h"

namespace yimen::node::demo {
namespace {

// The session cookie of a Set-Cookie value ("yimen_session=abc; HttpOnly; ...").
std::string cookie_pair(const std::string& set_cookie) {
  return set_cookie.substr(0, set_cookie.find(';'));
}

std::string string_field(const json::value& v, std::string_view key) {
  if (!v.is_object()) return {};
  const auto* field = v.get_object().if_contains(key);
  return field != nullptr && field->is_string() ? std::string(field->get_string()) : std::string();
}

}  // namespace

std::string ApiAnswer::describe() const {
  std::string out = std::to_string(status);
  if (!error_code.empty()) out += " " + error_code;
  if (!error_message.empty()) out += ": " + error_message;
  return out;
}

Result<ApiAnswer> HallVisitor::request(const std::string& method, const std::string& target,
                                       const std::string& body, const std::string& content_type) {
  web::ClientRequest req;
  req.method = method;
  req.target = target;
  req.headers.emplace_back("Accept", "application/json");
  if (!cookie_.empty()) req.headers.emplace_back("Cookie", cookie_);
  if (method != "GET") {
    req.headers.emplace_back("Content-Type", content_type);
    req.headers.emplace_back("X-CSRF-Token", csrf_);
    req.body = body;
  }
  web::ClientOptions options;
  options.timeout = timeout_;
  YIMEN_ASSIGN_OR_RETURN(auto res, web::send_request(host_, port_, req, options));
  for (const auto& set : res.headers_named("Set-Cookie")) {
    if (set.starts_with("yimen_session=")) cookie_ = cookie_pair(set);
  }
  ApiAnswer answer;
  answer.status = res.status;
  boost::system::error_code ec;
  answer.body = json::parse(res.body, ec);
  if (ec) answer.body = nullptr;
  if (!answer.ok() && answer.body.is_object()) {
    if (const auto* error = answer.body.get_object().if_contains("error")) {
      answer.error_code = string_field(*error, "code");
      answer.error_message = string_field(*error, "message");
    }
  }
  return answer;
}

Result<ApiAnswer> HallVisitor::get(const std::string& target) {
  return request_as_staff("GET", target, "");
}

Result<ApiAnswer> HallVisitor::post(const std::string& target, const json::object& body) {
  return request_as_staff("POST", target, web::to_json(body));
}

Result<ApiAnswer> HallVisitor::upload(const std::string& target, const std::string& media_type,
                                      const std::string& content) {
  return request_as_staff("POST", target, content, media_type);
}

Result<ApiAnswer> HallVisitor::request_as_staff(const std::string& method,
                                                const std::string& target, const std::string& body,
                                                const std::string& content_type) {
  YIMEN_ASSIGN_OR_RETURN(auto answer, request(method, target, body, content_type));
  if (answer.status != 401 || !logged_in_) return answer;
  // The staff session ended (idle too long): log in again, once.
  const std::string login = login_, password = password_;
  YIMEN_TRY(log_in(login, password));
  return request(method, target, body, content_type);
}

Status HallVisitor::open_session() {
  cookie_.clear();
  logged_in_ = false;
  YIMEN_ASSIGN_OR_RETURN(auto answer, request("GET", "/api/v1/session", ""));
  csrf_ = string_field(answer.body, "csrf");
  if (!answer.ok() || cookie_.empty() || csrf_.empty()) {
    return io_error("GET /api/v1/session gave no session: " + answer.describe());
  }
  return {};
}

Status HallVisitor::log_in(const std::string& login, const std::string& password) {
  YIMEN_TRY(open_session());
  YIMEN_ASSIGN_OR_RETURN(
      auto answer, request("POST", "/api/v1/session",
                           web::to_json(json::object{{"login", login}, {"password", password}})));
  if (!answer.ok()) {
    return permission_denied("cannot log in as " + login + ": " + answer.describe());
  }
  csrf_ = string_field(answer.body, "csrf");
  logged_in_ = true;
  login_ = login;
  password_ = password;
  return {};
}

}  // namespace yimen::node::demo
