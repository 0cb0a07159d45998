// Fuzzes the web hall from raw bytes: the input is what a client writes on a
// connection. It goes through Beast's request parser with the server's limits
// (web/http_server.h's ServerOptions, read in two steps as http_server.cpp
// does: the header, then a body under the limit its path allows), then
// parse_target, then WebApi::handle of the scratch city's county node over
// its real database, and the answer is serialised by Beast and must parse
// back as a response (no header a request can break). Requests follow each
// other on the connection while they keep it alive, as the server reads them.
//
// The literal text "$SESSION" and "$CSRF" in an input stand for a logged-in
// administrator's session cookie and CSRF token, so that the fuzzer reaches
// the handlers behind a login (corpus/fuzz_http uses them).
//
// Each input's writes run in a transaction that is rolled back. Limits and
// sessions live in the WebApi: it is made again, and the administrator logs
// in again, when the session is gone or every kFreshApiEvery inputs (so that
// rate limits that never expire under the fixed clock do not close the API).
//
// Requests and answers are converted as the server converts them
// (web/beast_message.h).

#include <cstddef>
#include <cstdint>
#include <memory>
#include <sstream>
#include <string>

#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include "fuzz/fuzz_check.h"
#include "fuzz/scratch_city.h"
#include "node/hall/users.h"
#include "sync/link_store.h"
#include "web/beast_message.h"
#include "web/http_server.h"
#include "web/json.h"
#include "web/web_api.h"

using namespace yimen;
namespace beast = boost::beast;
namespace http = beast::http;

namespace {

constexpr const char* kAdmin = "root1";
constexpr const char* kPassword = "correct horse battery 9";
constexpr int kFreshApiEvery = 2000;
constexpr int kMaxRequestsPerInput = 8;

// The county node of the scratch city, as the running node would serve it.
class ScratchBackend : public web::HallBackend {
 public:
  ScratchBackend(fuzz::ScratchCity& city, fuzz::ScratchCity::Node& node)
      : city_(city), node_(node) {}
  const RegionCode& node_id() const override { return node_.region; }
  const std::string& node_name() const override { return name_; }
  int yellow_card_working_days() const override { return 1; }
  int post_check_working_days() const override { return 20; }
  const config::AppointmentConfig& appointments() const override { return appointments_; }
  Status read(const std::function<Status(storage::Database&)>& read) override {
    return read(node_.db);
  }
  Status write(const std::function<Status(hall::Hall&, storage::Database&)>& write) override {
    YIMEN_ASSIGN_OR_RETURN(auto tx, node_.db.begin());
    YIMEN_TRY(write(node_.hall, node_.db));
    return tx.commit();
  }
  bool recovering() override { return false; }
  std::int64_t now() const override { return city_.clock_ms / 1000; }
  std::string node_metrics() override { return "yimen_events_stored 0\n"; }
  // Enrolment needs the node's configuration and the node/ program: fuzz_tokens
  // fuzzes the tokens; here the API's answer for a node that cannot enrol.
  Result<web::ChildEnrolment> enrol_child(
      const std::string&, bool,
      const std::function<Status(storage::Database&, const std::string&)>&) override {
    return failed_precondition("this node has no address children can reach");
  }

 private:
  fuzz::ScratchCity& city_;
  fuzz::ScratchCity::Node& node_;
  std::string name_ = "清城区政务服务中心";
  config::AppointmentConfig appointments_;
};

// What the client gets: the server runs a deferred answer (a password check)
// on its worker pool and sends what it returns; here it runs inline.
web::HttpResponse answer_of(web::HttpResponse response) {
  if (response.deferred) return response.deferred();
  return response;
}

struct Harness {
  Harness() : backend(city, city.node(fuzz::kCounty)) {
    auto& db = city.node(fuzz::kCounty).db;
    fuzz::require(hall::UserDirectory::migrate(db), "users");
    fuzz::require(sync::migrate_link_schema(db), "link schema");
    fuzz::require(hall::UserDirectory(db)
                      .add({kAdmin, "管理员", hall::Role::kAdmin, "", ""}, kPassword, 0)
                      .status(),
                  "add the administrator");
    fresh_api();
  }

  // A new WebApi and a logged-in administrator in it.
  void fresh_api() {
    api = std::make_unique<web::WebApi>(backend, web::WebOptions{});
    auto anonymous = call("GET", "/api/v1/session", "", "", "");
    auto login =
        call("POST", "/api/v1/session", cookie_of(anonymous), csrf_of(anonymous),
             std::string(R"({"login":")") + kAdmin + R"(","password":")" + kPassword + R"("})");
    YIMEN_FUZZ_CHECK(login.status == 200, login.body);
    session = cookie_of(login);
    csrf = csrf_of(login);
  }

  bool session_alive() {
    auto r = call("GET", "/api/v1/session", session, "", "");
    auto body = web::parse_object(r.body);
    return r.status == 200 && body.ok() && body->contains("user") && !(*body)["user"].is_null();
  }

  web::HttpResponse call(const std::string& method, const std::string& path,
                         const std::string& cookie, const std::string& token,
                         const std::string& body) {
    web::HttpRequest r;
    r.method = method;
    r.path = path;
    r.peer = "192.0.2.1";  // not the fuzzer's addresses: the harness's logins are never limited
    r.body = body;
    if (!body.empty()) r.headers["content-type"] = "application/json";
    if (!cookie.empty()) r.headers["cookie"] = "yimen_session=" + cookie;
    if (!token.empty()) r.headers["x-csrf-token"] = token;
    return answer_of(api->handle(r));
  }

  static std::string cookie_of(const web::HttpResponse& r) {
    const std::string set_cookie = r.header("Set-Cookie");
    const auto eq = set_cookie.find('=');
    return eq == std::string::npos ? "" : set_cookie.substr(eq + 1, set_cookie.find(';') - eq - 1);
  }
  static std::string csrf_of(const web::HttpResponse& r) {
    auto body = web::parse_object(r.body);
    YIMEN_FUZZ_CHECK(body.ok() && body->contains("csrf"), r.body);
    return std::string((*body)["csrf"].as_string());
  }

  fuzz::ScratchCity city;
  ScratchBackend backend;
  std::unique_ptr<web::WebApi> api;
  std::string session;
  std::string csrf;
  int inputs = 0;
};

Harness* harness = nullptr;

void replace_all(std::string& text, std::string_view what, const std::string& with) {
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + with.size())) {
    text.replace(at, what.size(), with);
  }
}

// The answer as Beast writes it; it must read back as one response.
void check_response(const web::HttpResponse& response, unsigned version, bool head) {
  YIMEN_FUZZ_CHECK(response.status >= 100 && response.status <= 599,
                   std::to_string(response.status));
  std::ostringstream written;
  written << web::to_beast(response, version, false, head);
  const std::string text = written.str();
  http::response_parser<http::string_body> parser;
  parser.skip(head);
  parser.eager(true);
  beast::error_code ec;
  const std::size_t used = parser.put(boost::asio::buffer(text), ec);
  YIMEN_FUZZ_CHECK(!ec && parser.is_done(), "the answer does not parse: " + ec.message());
  YIMEN_FUZZ_CHECK(used == text.size(), "the answer is followed by more bytes");
  YIMEN_FUZZ_CHECK(parser.get().result_int() == static_cast<unsigned>(response.status), text);
}

// Reads one request from `in` as the server does; returns the bytes it used,
// or 0 when the connection ends (incomplete request, or an error answered).
std::size_t serve_one(std::string_view in, const std::string& peer) {
  const web::ServerOptions limits;
  http::request_parser<http::string_body> parser;
  parser.header_limit(static_cast<std::uint32_t>(limits.header_limit));
  parser.body_limit(std::max(limits.body_limit, limits.upload_body_limit));
  parser.eager(false);
  beast::error_code ec;
  std::size_t used = 0;
  while (!parser.is_header_done()) {
    const std::size_t n = parser.put(boost::asio::buffer(in.data() + used, in.size() - used), ec);
    used += n;
    if (ec == http::error::need_more) return 0;  // the client never finishes: the timeout ends it
    if (ec) return 0;                            // 400, 431 or 413, and the connection closes
    if (n == 0) return 0;
  }
  const auto target_text = parser.get().target();
  const std::string_view path(target_text.data(),
                              std::min(target_text.size(), target_text.find('?')));
  const std::size_t limit =
      path == limits.upload_path ? limits.upload_body_limit : limits.body_limit;
  if (auto length = parser.content_length(); length && *length > limit) return 0;  // 413
  parser.body_limit(limit);
  parser.eager(true);
  while (!parser.is_done()) {
    const std::size_t n = parser.put(boost::asio::buffer(in.data() + used, in.size() - used), ec);
    used += n;
    if (ec == http::error::need_more) {
      // The end of the input is the end of the connection.
      parser.put_eof(ec);
      if (ec || !parser.is_done()) return 0;
      break;
    }
    if (ec) return 0;
    if (n == 0) return 0;
  }
  auto req = parser.release();
  const auto target = web::parse_target(req.target());
  if (!target) return 0;  // 400 and close
  const web::HttpResponse response =
      answer_of(harness->api->handle(web::to_request(req, peer, false, *target)));
  check_response(response, req.version(), req.method() == http::verb::head);
  return req.keep_alive() ? used : 0;
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  fuzz::use_deterministic_randomness();
  harness = new Harness();  // lives until exit
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (++harness->inputs % kFreshApiEvery == 0 || !harness->session_alive()) harness->fresh_api();
  std::string input(reinterpret_cast<const char*>(data), size);
  replace_all(input, "$SESSION", harness->session);
  replace_all(input, "$CSRF", harness->csrf);
  // Addresses rotate so that per-address limits rarely close the API.
  const std::string peer = "127.0.0." + std::to_string(harness->inputs % 250 + 1);

  auto& node = harness->city.node(fuzz::kCounty);
  auto tx = node.db.begin();
  YIMEN_FUZZ_CHECK(tx.ok(), tx.status().message());
  std::string_view rest(input);
  for (int i = 0; i < kMaxRequestsPerInput && !rest.empty(); ++i) {
    const std::size_t used = serve_one(rest, peer);
    if (used == 0) break;
    rest.remove_prefix(used);
  }
  const Status rolled_back = tx->rollback();
  YIMEN_FUZZ_CHECK(rolled_back.ok(), rolled_back.message());
  node.hall.forget_cached_state();
  return 0;
}
