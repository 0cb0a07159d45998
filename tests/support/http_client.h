#pragma once

// A minimal blocking HTTP/1.1 client over loopback for tests: one request per
// connection (Connection: close), a bounded wait for the answer.

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <map>
#include <string>

namespace yimen::testing {

struct HttpAnswer {
  int status = 0;                              // 0: no answer
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;
};

// A socket connected to `port` on 127.0.0.1 whose reads wait at most `read_timeout_s`
// seconds (-1 when it cannot connect).
inline int connect_loopback(int port, long read_timeout_s = 10) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return -1;
  timeval tv{read_timeout_s, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<std::uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

inline HttpAnswer http_request(int port, const std::string& method, const std::string& target,
                               const std::map<std::string, std::string>& headers = {},
                               const std::string& body = "") {
  HttpAnswer out;
  const int fd = connect_loopback(port);
  if (fd < 0) return out;
  std::string request =
      method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n";
  for (const auto& [name, value] : headers) request += name + ": " + value + "\r\n";
  if (!body.empty() || method == "POST") {
    request += "Content-Length: " + std::to_string(body.size()) + "\r\n";
  }
  request += "\r\n" + body;
  size_t off = 0;
  while (off < request.size()) {
    const auto n = ::send(fd, request.data() + off, request.size() - off, MSG_NOSIGNAL);
    if (n <= 0) break;
    off += static_cast<size_t>(n);
  }
  std::string raw;
  char buf[8192];
  for (;;) {
    const auto n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) break;
    raw.append(buf, static_cast<size_t>(n));
  }
  ::close(fd);
  const auto head_end = raw.find("\r\n\r\n");
  if (raw.rfind("HTTP/1.1 ", 0) != 0 || head_end == std::string::npos) return out;
  out.status = std::stoi(raw.substr(9, 3));
  size_t line = raw.find("\r\n") + 2;
  while (line < head_end) {
    const auto next = raw.find("\r\n", line);
    const std::string field = raw.substr(line, next - line);
    const auto colon = field.find(':');
    if (colon != std::string::npos) {
      std::string name = field.substr(0, colon);
      for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      out.headers[name] = field.substr(field.find_first_not_of(' ', colon + 1));
    }
    line = next + 2;
  }
  out.body = raw.substr(head_end + 4);
  return out;
}

// A logged-in web session: its cookie and CSRF token (status 0 in `answer` when there was no
// answer; the login's own answer otherwise).
struct WebSession {
  std::string cookie;  // "name=value"
  std::string csrf;
  HttpAnswer answer;
};

// Logs in at the web hall on `port`: an anonymous session first, then the login with its CSRF
// token, as the browser does.
inline WebSession log_in(int port, const std::string& login, const std::string& password) {
  WebSession out;
  const auto session = http_request(port, "GET", "/api/v1/session");
  const auto cookie = session.headers.find("set-cookie");
  const auto at = session.body.find("\"csrf\":\"");
  if (cookie == session.headers.end() || at == std::string::npos) return out;
  out.cookie = cookie->second.substr(0, cookie->second.find(';'));
  out.csrf = session.body.substr(at + 8, 64);
  out.answer = http_request(
      port, "POST", "/api/v1/session",
      {{"Cookie", out.cookie}, {"X-CSRF-Token", out.csrf}, {"Content-Type", "application/json"}},
      R"({"login":")" + login + R"(","password":")" + password + "\"}");
  const auto renewed = out.answer.headers.find("set-cookie");
  if (renewed != out.answer.headers.end()) {
    out.cookie = renewed->second.substr(0, renewed->second.find(';'));
  }
  const auto csrf = out.answer.body.find("\"csrf\":\"");
  if (csrf != std::string::npos) out.csrf = out.answer.body.substr(csrf + 8, 64);
  return out;
}

// A JSON POST in `session`.
inline HttpAnswer post_json(int port, const WebSession& session, const std::string& target,
                            const std::string& body) {
  return http_request(port, "POST", target,
                      {{"Cookie", session.cookie},
                       {"X-CSRF-Token", session.csrf},
                       {"Content-Type", "application/json"}},
                      body);
}

}  // namespace yimen::testing
