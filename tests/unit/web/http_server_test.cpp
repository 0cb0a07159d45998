// The Beast server over real loopback sockets: limits, timeouts, keep-alive
// and shutdown. The handler here is trivial; web_api_test covers the API.

#include "web/http_server.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "support/eventually.h"
#include "web/accept_backoff.h"

namespace yimen::web {
namespace {

using yimen::testing::eventually;

// A blocking loopback client with a receive timeout.
class Client {
 public:
  // Connects at once unless `later` (then connect() does, with no new descriptor).
  explicit Client(std::uint16_t port, bool later = false) : port_(port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    timeval tv{5, 0};
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    if (!later) connect();
  }
  void connect() {
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port_);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connected_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  }
  ~Client() { ::close(fd_); }
  bool connected() const { return connected_; }
  void send(const std::string& data) {
    size_t off = 0;
    while (off < data.size()) {
      const auto n = ::send(fd_, data.data() + off, data.size() - off, MSG_NOSIGNAL);
      if (n <= 0) return;
      off += static_cast<size_t>(n);
    }
  }
  // Reads until the peer closes or `until` appears (then a little more for the body).
  std::string receive(const std::string& until = "") {
    std::string out;
    char buf[4096];
    for (;;) {
      const auto n = ::recv(fd_, buf, sizeof buf, 0);
      if (n <= 0) break;
      out.append(buf, static_cast<size_t>(n));
      if (!until.empty() && out.find(until) != std::string::npos) break;
    }
    return out;
  }
  // True when the server closed the connection (recv returns 0).
  bool closed_by_peer() {
    char c;
    return ::recv(fd_, &c, 1, 0) == 0;
  }

 private:
  std::uint16_t port_;
  int fd_ = -1;
  bool connected_ = false;
};

class HttpServerTest : public ::testing::Test {
 protected:
  void start(ServerOptions options = {}) {
    options.address = "127.0.0.1";
    options.port = 0;
    auto s = HttpServer::start(options, [this](const HttpRequest& r) {
      ++handled;
      HttpResponse response;
      response.content_type = "text/plain";
      response.body = r.method + " " + r.path + " " + std::to_string(r.body.size()) + " " + r.peer;
      if (r.path == "/slow") std::this_thread::sleep_for(std::chrono::milliseconds(300));
      return response;
    });
    ASSERT_TRUE(s.ok()) << s.status().message();
    server = std::move(*s);
  }
  std::unique_ptr<HttpServer> server;
  std::atomic<int> handled{0};
};

TEST_F(HttpServerTest, AnswersAndKeepsTheConnectionAlive) {
  start();
  Client c(server->port());
  ASSERT_TRUE(c.connected());
  c.send("GET /a HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_NE(c.receive("127.0.0.1").find("GET /a 0 127.0.0.1"), std::string::npos);
  c.send("POST /b HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc");
  EXPECT_NE(c.receive("127.0.0.1").find("POST /b 3 127.0.0.1"), std::string::npos);
  EXPECT_EQ(handled, 2);
}

TEST_F(HttpServerTest, RefusesOversizedBodiesAndHeaders) {
  ServerOptions o;
  o.body_limit = 100;
  o.upload_path = "/up";
  o.upload_body_limit = 2000;
  o.header_limit = 1024;
  start(o);
  {
    Client c(server->port());
    c.send("POST /x HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n" + std::string(1000, 'a'));
    const std::string answer = c.receive();
    EXPECT_EQ(answer.rfind("HTTP/1.1 413", 0), 0u) << answer;
  }
  {
    // The upload path takes the larger body, and no more.
    Client c(server->port());
    c.send("POST /up?x=1 HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n" +
           std::string(1000, 'a'));
    EXPECT_NE(c.receive("127.0.0.1").find("POST /up 1000 127.0.0.1"), std::string::npos);
  }
  {
    Client c(server->port());
    c.send("POST /up HTTP/1.1\r\nHost: x\r\nContent-Length: 3000\r\n\r\n" + std::string(3000, 'a'));
    const std::string answer = c.receive();
    EXPECT_EQ(answer.rfind("HTTP/1.1 413", 0), 0u) << answer;
  }
  {
    Client c(server->port());
    c.send("GET /x HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(4000, 'a') + "\r\n\r\n");
    const std::string answer = c.receive();
    EXPECT_EQ(answer.rfind("HTTP/1.1 431", 0), 0u) << answer;
  }
  {
    Client c(server->port());
    c.send("GARBAGE\r\n\r\n");
    const std::string answer = c.receive();
    EXPECT_EQ(answer.rfind("HTTP/1.1 400", 0), 0u) << answer;
  }
  {
    Client c(server->port());
    c.send("GET /../etc/passwd HTTP/1.1\r\nHost: x\r\n\r\n");
    const std::string answer = c.receive();
    EXPECT_EQ(answer.rfind("HTTP/1.1 400", 0), 0u) << answer;
  }
  EXPECT_EQ(handled, 1);  // the upload within its limit
}

// A body whose framing the server cannot be sure of is refused and the
// connection closed (RFC 9112 section 6.3): otherwise what a front proxy took
// for the body would be read here as the next request (request smuggling).
TEST_F(HttpServerTest, RefusesAmbiguousFramingAndCloses) {
  start();
  const std::string smuggled = "GET /smuggled HTTP/1.1\r\nHost: x\r\n\r\n";
  for (const std::string te : {"xchunked", "chunked, identity", "gzip", "chunked, chunked"}) {
    Client c(server->port());
    c.send("POST /a HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: " + te + "\r\n\r\n" + smuggled);
    const std::string answer = c.receive();
    EXPECT_EQ(answer.rfind("HTTP/1.1 400", 0), 0u) << te << ": " << answer;
    EXPECT_EQ(answer.find("HTTP/1.1", 1), std::string::npos) << te << ": " << answer;
  }
  {
    // Transfer-Encoding with Content-Length, in either order.
    Client c(server->port());
    c.send("POST /a HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: xchunked\r\nContent-Length: " +
           std::to_string(smuggled.size()) + "\r\n\r\n" + smuggled);
    const std::string answer = c.receive();
    EXPECT_EQ(answer.rfind("HTTP/1.1 400", 0), 0u) << answer;
    EXPECT_EQ(answer.find("HTTP/1.1", 1), std::string::npos) << answer;
  }
  {
    // Two fields that together end in chunked are one list: read as chunked.
    Client c(server->port());
    c.send(
        "POST /b HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
        "3\r\nabc\r\n0\r\n\r\n");
    EXPECT_NE(c.receive("127.0.0.1").find("POST /b 3 127.0.0.1"), std::string::npos);
  }
  EXPECT_EQ(handled, 1);  // only the well-framed chunked request
}

TEST_F(HttpServerTest, ClosesAConnectionThatSendsTooSlowly) {
  ServerOptions o;
  o.timeout = std::chrono::seconds(1);
  start(o);
  Client c(server->port());
  c.send("GET /x HTTP/1.1\r\nHo");  // and nothing more
  const auto started = std::chrono::steady_clock::now();
  EXPECT_TRUE(c.closed_by_peer());
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(4));
}

TEST_F(HttpServerTest, StopFinishesTheRequestInHandAndClosesIdleConnections) {
  start();
  Client idle(server->port());
  idle.send("GET /a HTTP/1.1\r\nHost: x\r\n\r\n");
  idle.receive("127.0.0.1");
  Client busy(server->port());
  busy.send("GET /slow HTTP/1.1\r\nHost: x\r\n\r\n");
  std::this_thread::sleep_for(std::chrono::milliseconds(100));  // the handler is sleeping
  const auto started = std::chrono::steady_clock::now();
  server->stop();
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(3));
  EXPECT_NE(busy.receive().find("GET /slow"), std::string::npos);
  EXPECT_TRUE(idle.closed_by_peer());
  Client late(server->port());
  EXPECT_FALSE(late.connected());
}

// Beyond [web] max_connections a connection is closed as it arrives, and
// counted; when one ends, the next is served.
TEST_F(HttpServerTest, ClosesConnectionsBeyondTheCapAndServesAgainWhenOneEnds) {
  ServerOptions o;
  o.max_connections = 3;
  start(o);
  std::vector<std::unique_ptr<Client>> open;
  for (int i = 0; i < 3; ++i) open.push_back(std::make_unique<Client>(server->port()));
  ASSERT_TRUE(eventually([&] { return server->stats().connections_open == 3; }));
  Client fourth(server->port());
  EXPECT_TRUE(fourth.closed_by_peer());
  EXPECT_EQ(server->stats().connections_refused, 1u);
  open[0]->send("GET /a HTTP/1.1\r\nHost: x\r\n\r\n");  // the open ones are served
  EXPECT_NE(open[0]->receive("127.0.0.1").find("GET /a"), std::string::npos);

  open.pop_back();
  ASSERT_TRUE(eventually([&] { return server->stats().connections_open == 2; }));
  Client next(server->port());
  next.send("GET /b HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_NE(next.receive("127.0.0.1").find("GET /b"), std::string::npos);
  EXPECT_EQ(server->stats().connections_refused, 1u);
}

// Out of descriptors, accept() fails at once for as long as it lasts; the
// acceptor pauses longer each time instead of spinning. (A real EMFILE cannot
// be tested in this sanitized build: UBSan's own checks need descriptors and
// report false errors without them.)
TEST(AcceptBackoff, GrowsWhileDescriptorsAreExhaustedAndNotOtherwise) {
  using std::chrono::milliseconds;
  milliseconds pause{0};
  std::vector<long> pauses;
  for (int i = 0; i < 7; ++i) {
    pause = accept_pause_after(EMFILE, pause);
    pauses.push_back(pause.count());
  }
  EXPECT_EQ(pauses, (std::vector<long>{50, 150, 350, 750, 1550, 2000, 2000}));
  EXPECT_EQ(accept_pause_after(ENFILE, milliseconds(0)), milliseconds(50));
  EXPECT_EQ(accept_pause_after(ENOBUFS, milliseconds(50)), milliseconds(150));
  // A connection aborted before it was taken is the peer's affair.
  EXPECT_EQ(accept_pause_after(ECONNABORTED, milliseconds(2000)), milliseconds(10));
}

TEST(HttpServerStart, RefusesABadAddressAndAPortInUse) {
  ServerOptions o;
  o.address = "not-an-address";
  auto bad = HttpServer::start(o, [](const HttpRequest&) { return HttpResponse{}; });
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), ErrorCode::kInvalidArgument);

  ServerOptions first;
  auto a = HttpServer::start(first, [](const HttpRequest&) { return HttpResponse{}; });
  ASSERT_TRUE(a.ok());
  ServerOptions second;
  second.port = (*a)->port();
  auto b = HttpServer::start(second, [](const HttpRequest&) { return HttpResponse{}; });
  ASSERT_FALSE(b.ok());
  EXPECT_EQ(b.status().code(), ErrorCode::kIOError);
}

}  // namespace
}  // namespace yimen::web
