#include "web/http_server.h"

#include <algorithm>
#include <atomic>
#include <charconv>
#include <map>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include "common/log.h"
#include "web/accept_backoff.h"
#include "web/beast_message.h"
#include "web/work_pool.h"

namespace yimen::web {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using error_code = boost::system::error_code;

// Live connections, so that stop() can close the idle ones.
class ConnectionSet {
 public:
  void add(const std::shared_ptr<void>& c, std::function<void()> close) {
    std::lock_guard lock(mutex_);
    if (stopping_) {
      close();
      return;
    }
    closers_[c.get()] = std::move(close);
  }
  void remove(const void* c) {
    std::lock_guard lock(mutex_);
    closers_.erase(c);
  }
  std::size_t size() {
    std::lock_guard lock(mutex_);
    return closers_.size();
  }
  void close_all() {
    std::vector<std::function<void()>> closers;
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
      for (auto& [_, close] : closers_) closers.push_back(close);
    }
    for (auto& close : closers) close();
  }

 private:
  std::mutex mutex_;
  bool stopping_ = false;
  std::map<const void*, std::function<void()>> closers_;
};

// Everything a connection borrows from the server, which outlives it.
struct ServerParts {
  const ServerOptions& options;
  const HttpServer::Handler& handler;
  ConnectionSet& connections;
  WorkPool& work;
  ServerCounters& counters;
};

HttpResponse plain_error(int status, const char* code, const char* message) {
  HttpResponse r;
  r.status = status;
  r.body = std::string("{\"error\":{\"code\":\"") + code + "\",\"message\":\"" + message + "\"}}";
  return r;
}

// Every value of header field `field` in `header`, in order.
std::vector<std::string_view> field_values(const http::request_header<>& header,
                                           http::field field) {
  std::vector<std::string_view> out;
  for (auto [it, end] = header.equal_range(field); it != end; ++it) {
    out.emplace_back(it->value().data(), it->value().size());
  }
  return out;
}

// One connection: read a request with a fresh parser, answer it, repeat.
// Every handler runs on the connection's strand; work a handler defers (a
// password check) runs on the server's WorkPool, and its answer is written
// back on the strand.
template <class Stream>
class Connection : public std::enable_shared_from_this<Connection<Stream>> {
 public:
  Connection(Stream stream, std::string peer, const ServerParts& server)
      : stream_(std::move(stream)),
        peer_(std::move(peer)),
        options_(server.options),
        handler_(server.handler),
        connections_(server.connections),
        work_(server.work),
        counters_(server.counters) {}

  ~Connection() { connections_.remove(this); }

  void run() {
    auto self = this->shared_from_this();
    connections_.add(self, [weak = std::weak_ptr<Connection>(self)] {
      if (auto c = weak.lock()) {
        asio::post(c->stream_.get_executor(), [c] { c->stop(); });
      }
    });
    asio::dispatch(stream_.get_executor(), [self] { self->start(); });
  }

 private:
  static constexpr bool kTls = !std::is_same_v<Stream, beast::tcp_stream>;

  beast::tcp_stream& lowest() { return beast::get_lowest_layer(stream_); }

  void start() {
    if constexpr (kTls) {
      lowest().expires_after(options_.timeout);
      stream_.async_handshake(asio::ssl::stream_base::server,
                              [self = this->shared_from_this()](error_code ec) {
                                if (ec) return;  // a failed handshake just ends the connection
                                self->read();
                              });
    } else {
      read();
    }
  }

  // On server shutdown: an idle connection closes now, a busy one after its answer.
  void stop() {
    closing_ = true;
    if (reading_) close();
  }

  void read() {
    if (closing_) return close();
    reading_ = true;
    parser_.emplace();
    parser_->header_limit(static_cast<std::uint32_t>(options_.header_limit));
    // Beast checks a Content-Length against the limit as it parses the
    // header, so the header is read under the larger limit and the path then
    // decides which applies (read_body).
    parser_->body_limit(std::max(options_.body_limit, options_.upload_body_limit));
    lowest().expires_after(options_.timeout);
    // The header first: the path decides how large a body may follow.
    http::async_read_header(stream_, buffer_, *parser_,
                            [self = this->shared_from_this()](error_code ec, std::size_t) {
                              if (ec) return self->on_read(ec);
                              self->read_body();
                            });
  }

  void read_body() {
    // A body whose end this server and a proxy in front of it could see in
    // different places is refused, and the connection closed: what follows
    // could otherwise be taken for the next request (RFC 9112 section 6.3).
    const auto& header = parser_->get();
    if (const auto bad = request_framing_error(header.version(),
                                               field_values(header, http::field::transfer_encoding),
                                               field_values(header, http::field::content_length))) {
      return reply_and_close(plain_error(bad->status,
                                         bad->status == 501 ? "not_implemented" : "bad_request",
                                         bad->message.c_str()));
    }
    const auto target = parser_->get().target();
    const std::string_view path(target.data(), std::min(target.size(), target.find('?')));
    const std::size_t limit =
        path == options_.upload_path ? options_.upload_body_limit : options_.body_limit;
    // (The header's own field: boost::optional from content_length() trips
    // -Wmaybe-uninitialized in g++ 12.)
    const auto length_field = parser_->get()[http::field::content_length];
    std::size_t length = 0;
    const auto [end, parse_error] =
        std::from_chars(length_field.data(), length_field.data() + length_field.size(), length);
    if (parse_error == std::errc() && end == length_field.data() + length_field.size() &&
        length > limit) {
      return reply_and_close(plain_error(413, "too_large", "the request body is too large"));
    }
    parser_->body_limit(limit);  // a chunked body is counted as it comes
    http::async_read(
        stream_, buffer_, *parser_,
        [self = this->shared_from_this()](error_code ec, std::size_t) { self->on_read(ec); });
  }

  void on_read(error_code ec) {
    reading_ = false;
    if (ec == http::error::end_of_stream || ec == beast::error::timeout ||
        ec == asio::error::operation_aborted || closing_) {
      return close();
    }
    if (ec == http::error::body_limit) {
      return reply_and_close(plain_error(413, "too_large", "the request body is too large"));
    }
    if (ec == http::error::header_limit) {
      return reply_and_close(plain_error(431, "bad_request", "the request headers are too large"));
    }
    if (ec) return reply_and_close(plain_error(400, "bad_request", "malformed HTTP request"));

    auto req = parser_->release();
    const auto target = parse_target(req.target());
    HttpResponse response = target ? handler_(to_request(req, peer_, kTls, *target))
                                   : plain_error(400, "bad_request", "malformed request target");
    const bool keep_alive = req.keep_alive() && target.has_value();
    const bool head = req.method() == http::verb::head;
    if (response.deferred) return defer(std::move(response), req.version(), keep_alive, head);
    write(to_beast(std::move(response), req.version(), keep_alive, head));
  }

  // Runs the response's deferred work on the pool and writes what it returns;
  // when the pool has no room, writes the response itself (a 503).
  void defer(HttpResponse response, unsigned version, bool keep_alive, bool head) {
    auto work = std::move(response.deferred);
    response.deferred = nullptr;
    // Keeps the server's threads running while no socket operation is
    // pending for this connection.
    auto busy = std::make_shared<asio::executor_work_guard<typename Stream::executor_type>>(
        stream_.get_executor());
    const bool posted = work_.try_post(
        [self = this->shared_from_this(), work = std::move(work), busy, version, keep_alive, head] {
          HttpResponse answer;
          try {
            answer = work();
          } catch (const std::exception& e) {
            log::error_limited("web", "web.deferred_failed",
                               std::string("deferred work failed: ") + e.what());
            answer = plain_error(500, "internal", "internal error");
          }
          asio::post(self->stream_.get_executor(),
                     [self, answer = std::move(answer), busy, version, keep_alive, head]() mutable {
                       self->write(to_beast(std::move(answer), version, keep_alive, head));
                       busy->reset();
                     });
        });
    if (!posted) {
      counters_.work_refused.fetch_add(1, std::memory_order_relaxed);
      write(to_beast(std::move(response), version, keep_alive, head));
    }
  }

  void write(http::response<http::string_body> res) {
    auto message = std::make_shared<http::response<http::string_body>>(std::move(res));
    lowest().expires_after(options_.timeout);
    http::async_write(stream_, *message,
                      [self = this->shared_from_this(), message](error_code ec, std::size_t) {
                        if (ec || !message->keep_alive() || self->closing_) return self->close();
                        self->read();
                      });
  }

  void reply_and_close(HttpResponse response) {
    write(to_beast(std::move(response), 11, false, false));
  }

  void close() {
    if (closed_) return;
    closed_ = true;
    closing_ = true;
    error_code ignored;
    if constexpr (kTls) {
      lowest().expires_after(std::chrono::seconds(2));
      stream_.async_shutdown([self = this->shared_from_this()](error_code) {
        error_code e;
        self->lowest().socket().close(e);
      });
    } else {
      lowest().socket().shutdown(tcp::socket::shutdown_send, ignored);
      lowest().socket().close(ignored);
    }
  }

  Stream stream_;
  std::string peer_;
  const ServerOptions& options_;
  const HttpServer::Handler& handler_;
  ConnectionSet& connections_;
  WorkPool& work_;
  ServerCounters& counters_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  bool reading_ = false;  // waiting for a request: nothing is lost by closing
  bool closing_ = false;
  bool closed_ = false;
};

}  // namespace

HttpRequest to_request(const http::request<http::string_body>& req, const std::string& peer,
                       bool tls, const Target& target) {
  HttpRequest out;
  out.method = std::string(req.method_string());
  out.path = target.path;
  out.query = target.query;
  for (const auto& field : req) {
    std::string name(field.name_string());
    for (auto& ch : name) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    out.headers[name] = std::string(field.value());
  }
  out.body = req.body();
  out.peer = peer;
  out.tls = tls;
  return out;
}

http::response<http::string_body> to_beast(HttpResponse response, unsigned version, bool keep_alive,
                                           bool head) {
  http::response<http::string_body> res{static_cast<http::status>(response.status), version};
  res.set(http::field::content_type, response.content_type);
  for (auto& [name, value] : response.headers) res.insert(name, value);
  res.keep_alive(keep_alive);
  if (head) {
    res.content_length(response.body.size());
  } else {
    res.body() = std::move(response.body);
    res.prepare_payload();
  }
  return res;
}

struct HttpServer::Impl {
  Impl(const ServerOptions& o, Handler h)
      : options(o),
        handler(std::move(h)),
        counters(o.counters ? o.counters : std::make_shared<ServerCounters>()),
        work(o.work_threads, o.work_queue),
        ioc(o.threads),
        acceptor(asio::make_strand(ioc)),
        accept_pause(acceptor.get_executor()) {}

  void accept() {
    acceptor.async_accept(asio::make_strand(ioc), [this](error_code ec, tcp::socket socket) {
      if (ec == asio::error::operation_aborted || !acceptor.is_open()) return;
      if (ec) return accept_failed(ec);
      if (connections.size() >= options.max_connections) {
        // Closed before a byte is read: cheaper for both sides than a 503,
        // and the client sees at once that it must try again.
        counters->connections_refused.fetch_add(1, std::memory_order_relaxed);
        log::warn_limited("web", "web.connection_cap",
                          "refused a connection: " + std::to_string(options.max_connections) +
                              " are open, as many as [web] max_connections allows");
        error_code ignored;
        socket.close(ignored);
        return accept();
      }
      {
        error_code e;
        const auto endpoint = socket.remote_endpoint(e);
        const std::string peer = e ? std::string("?") : endpoint.address().to_string();
        accept_backoff = std::chrono::milliseconds(0);
        const ServerParts parts{options, handler, connections, work, *counters};
        if (tls_context) {
          std::make_shared<Connection<beast::ssl_stream<beast::tcp_stream>>>(
              beast::ssl_stream<beast::tcp_stream>(beast::tcp_stream(std::move(socket)),
                                                   *tls_context),
              peer, parts)
              ->run();
        } else {
          std::make_shared<Connection<beast::tcp_stream>>(beast::tcp_stream(std::move(socket)),
                                                          peer, parts)
              ->run();
        }
      }
      accept();
    });
  }

  // Pauses before accepting again (web/accept_backoff.h): out of descriptors,
  // accept would fail at once, spinning a core and filling the log.
  void accept_failed(const error_code& ec) {
    counters->accept_failures.fetch_add(1, std::memory_order_relaxed);
    log::warn_limited("web", "web.accept_failed",
                      "accept failed (" + ec.message() + "); pausing before accepting again");
    const bool system = ec.category() == boost::system::system_category();
    accept_backoff = accept_pause_after(system ? ec.value() : 0, accept_backoff);
    accept_pause.expires_after(accept_backoff);
    accept_pause.async_wait([this](error_code wait_ec) {
      if (wait_ec == asio::error::operation_aborted || !acceptor.is_open()) return;
      accept();
    });
  }

  ServerOptions options;
  Handler handler;
  // Before the io_context: handlers it still holds when destroyed (after a
  // forced stop) end connections, which leave this set.
  ConnectionSet connections;
  std::shared_ptr<ServerCounters> counters;
  WorkPool work;  // stopped by stop(), before the threads are joined
  asio::io_context ioc;
  std::optional<asio::ssl::context> tls_context;
  tcp::acceptor acceptor;
  asio::steady_timer accept_pause;  // on the acceptor's strand, like everything accept() touches
  std::chrono::milliseconds accept_backoff{0};
  std::vector<std::thread> threads;
  std::uint16_t port = 0;
  bool stopped = false;
};

HttpServer::HttpServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

HttpServer::~HttpServer() { stop(); }

std::uint16_t HttpServer::port() const { return impl_->port; }

ServerStats HttpServer::stats() const {
  ServerStats out;
  const auto work = impl_->work.counts();
  out.work_running = work.running;
  out.work_queued = work.queued;
  out.connections_open = impl_->connections.size();
  out.connections_refused = impl_->counters->connections_refused.load(std::memory_order_relaxed);
  out.accept_failures = impl_->counters->accept_failures.load(std::memory_order_relaxed);
  out.work_refused = impl_->counters->work_refused.load(std::memory_order_relaxed);
  return out;
}

Result<std::unique_ptr<HttpServer>> HttpServer::start(const ServerOptions& options,
                                                      Handler handler) {
  if (options.threads < 1 || options.threads > 64) {
    return invalid_argument("web threads must be 1 to 64");
  }
  if (options.work_threads < 1 || options.work_threads > 64) {
    return invalid_argument("web work_threads must be 1 to 64");
  }
  if (options.max_connections < 1) return invalid_argument("web max_connections must be positive");
  error_code ec;
  const auto address = asio::ip::make_address(options.address, ec);
  if (ec)
    return invalid_argument("web listen address " + options.address + " is not an IP address");
  auto impl = std::make_unique<Impl>(options, std::move(handler));
  if (options.tls) {
    impl->tls_context.emplace(asio::ssl::context::tls_server);
    auto& ctx = *impl->tls_context;
    ctx.set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                    asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 |
                    asio::ssl::context::no_tlsv1_1 | asio::ssl::context::single_dh_use);
    ctx.use_certificate_chain_file(options.tls->certificate.string(), ec);
    if (ec) {
      return invalid_argument("web TLS certificate " + options.tls->certificate.string() + ": " +
                              ec.message());
    }
    ctx.use_private_key_file(options.tls->private_key.string(), asio::ssl::context::pem, ec);
    if (ec) {
      return invalid_argument("web TLS key " + options.tls->private_key.string() + ": " +
                              ec.message());
    }
  }
  const tcp::endpoint endpoint(address, options.port);
  auto& acceptor = impl->acceptor;
  if (acceptor.open(endpoint.protocol(), ec); ec) return io_error("web: " + ec.message());
  if (acceptor.set_option(asio::socket_base::reuse_address(true), ec); ec) {
    return io_error("web: " + ec.message());
  }
  if (acceptor.bind(endpoint, ec); ec) {
    return io_error("web: cannot listen on " + options.address + ":" +
                    std::to_string(options.port) + ": " + ec.message());
  }
  if (acceptor.listen(asio::socket_base::max_listen_connections, ec); ec) {
    return io_error("web: " + ec.message());
  }
  impl->port = acceptor.local_endpoint().port();
  impl->accept();
  for (int i = 0; i < options.threads; ++i) {
    impl->threads.emplace_back([ioc = &impl->ioc] {
      for (;;) {
        try {
          ioc->run();
          return;
        } catch (const std::exception& e) {
          // A handler threw past WebApi's own guard: log it and keep serving.
          log::error_limited("web", "web.thread_failed", std::string("server thread: ") + e.what());
        }
      }
    });
  }
  return std::unique_ptr<HttpServer>(new HttpServer(std::move(impl)));
}

void HttpServer::stop() {
  if (!impl_ || impl_->stopped) return;
  impl_->stopped = true;
  asio::post(impl_->acceptor.get_executor(), [impl = impl_.get()] {
    error_code ignored;
    impl->acceptor.close(ignored);
    impl->accept_pause.cancel();
  });
  impl_->connections.close_all();
  // Connections finish the request they are handling, then end; the threads
  // return when nothing is left. A stuck peer cannot hold shutdown past this.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  std::thread watchdog([impl = impl_.get(), deadline] {
    while (std::chrono::steady_clock::now() < deadline) {
      if (impl->ioc.stopped()) return;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    impl->ioc.stop();
  });
  // Deferred work already queued still runs; its answers are written while
  // the threads run.
  impl_->work.stop();
  for (auto& t : impl_->threads) t.join();
  impl_->ioc.stop();
  watchdog.join();
}

}  // namespace yimen::web
