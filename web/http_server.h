#pragma once

// The web server (DESIGN.md sections 7 and 9): Boost.Beast over one
// io_context with a small fixed number of threads, one strand per
// connection. Every request gets a fresh parser with header and body limits
// and a read timeout; a connection answers one request at a time (at most one
// response queued), so a client cannot pile up work. Work a handler defers
// (HttpResponse::deferred: a password check) runs on a small worker pool with
// a bounded queue, never on the I/O threads. Optional TLS from a certificate
// and key in PEM files. This is the server's one translation unit
// that includes Beast (http_client.cpp is the client's); everything it calls is
// a pure handler (web_api.h).
//
// Thread-safe: start() and stop() from one owning thread; the handler runs on
// the server's I/O threads and deferred work on its workers, concurrently for
// different connections.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "common/status.h"
#include "web/http_message.h"

namespace yimen::web {

struct TlsFiles {
  std::filesystem::path certificate;  // PEM chain, leaf first
  std::filesystem::path private_key;  // PEM
};

struct ServerCounters;

struct ServerOptions {
  std::string address = "127.0.0.1";  // an IPv4 or IPv6 literal
  std::uint16_t port = 0;             // 0: any free port (see HttpServer::port())
  int threads = 2;
  std::size_t header_limit = 16 * 1024;
  std::size_t body_limit = 1024 * 1024;
  // Requests to this path (files a resident uploads) may carry a larger body.
  std::string upload_path = "/api/v1/uploads";
  std::size_t upload_body_limit = 9 * 1024 * 1024;
  // A request must arrive whole, and a response be taken, within this time;
  // an idle keep-alive connection is closed after it too.
  std::chrono::seconds timeout{30};
  std::optional<TlsFiles> tls;
  // Workers for handlers' deferred work (password checks,
  // HttpResponse::deferred), and how many such jobs may wait for one; beyond
  // that the handler's own response (a 503) is sent.
  int work_threads = 2;
  std::size_t work_queue = 8;
  // Connections open at once; one accepted beyond it is closed at once (a
  // file descriptor each: the cap keeps the process below its limit).
  std::size_t max_connections = 512;
  // What the server counts, shared with whoever reports it (the node's
  // /metrics); the server makes its own when none is given.
  std::shared_ptr<ServerCounters> counters;
};

// What the server counts since it started. Thread-safe.
struct ServerCounters {
  std::atomic<std::uint64_t> connections_refused{0};  // closed at once: max_connections open
  std::atomic<std::uint64_t> accept_failures{0};      // accept() failed (e.g. out of descriptors)
  std::atomic<std::uint64_t> work_refused{0};         // deferred jobs answered 503 busy
};

// What the server holds now (for tests and metrics).
struct ServerStats {
  std::size_t connections_open = 0;
  std::size_t work_running = 0;  // deferred jobs being run
  std::size_t work_queued = 0;   // deferred jobs waiting for a worker
  std::uint64_t connections_refused = 0;
  std::uint64_t accept_failures = 0;
  std::uint64_t work_refused = 0;
};

class HttpServer {
 public:
  using Handler = std::function<HttpResponse(const HttpRequest&)>;

  // Binds and starts serving. InvalidArgument for a bad address or unreadable
  // TLS files, IOError when the port cannot be bound.
  static Result<std::unique_ptr<HttpServer>> start(const ServerOptions& options, Handler handler);
  ~HttpServer();  // stops
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // The bound port.
  std::uint16_t port() const;

  // The server's counts now. Thread-safe.
  ServerStats stats() const;

  // Stops accepting, lets requests being handled finish and closes every
  // connection; returns when the threads have ended (at most a few seconds).
  void stop();

 private:
  struct Impl;
  explicit HttpServer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace yimen::web
