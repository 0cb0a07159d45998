#include "web/web_api.h"

#include <chrono>
#include <exception>

#include "common/log.h"
#include "node/hall/audit_log.h"
#include "web/api_support.h"
#include "web/ui_assets.h"

namespace yimen::web {
namespace {

// Every response carries these (DESIGN.md section 7); under TLS the browser
// is also told to use nothing else for a year.
void add_security_headers(HttpResponse& response, bool tls) {
  if (tls) response.add_header("Strict-Transport-Security", "max-age=31536000");
  response.add_header("Content-Security-Policy",
                      "default-src 'self'; img-src 'self' data:; style-src 'self'; "
                      "script-src 'self'; frame-ancestors 'none'; base-uri 'none'; "
                      "form-action 'self'");
  response.add_header("X-Content-Type-Options", "nosniff");
  response.add_header("X-Frame-Options", "DENY");
  response.add_header("Referrer-Policy", "no-referrer");
}

bool is_loopback(const std::string& address) {
  return address == "::1" || address.starts_with("127.") || address.starts_with("::ffff:127.");
}

bool is_state_changing(const std::string& method) { return method != "GET" && method != "HEAD"; }

// Splits "/a/b/c" into {"a","b","c"}.
std::vector<std::string_view> segments(std::string_view path) {
  std::vector<std::string_view> out;
  while (!path.empty()) {
    if (path.front() == '/') {
      path.remove_prefix(1);
      continue;
    }
    const auto slash = path.find('/');
    out.push_back(path.substr(0, slash));
    path = slash == std::string_view::npos ? std::string_view() : path.substr(slash);
  }
  return out;
}

// A route with its pattern split once.
struct CompiledRoute {
  Route route;
  std::vector<std::string> parts;  // "{no}" parts are parameters
};

// Whether the path's segments match the route, filling `params` from its "{name}" parts.
bool match(const CompiledRoute& r, const std::vector<std::string_view>& have,
           std::map<std::string, std::string>& params) {
  if (r.parts.size() != have.size()) return false;
  for (size_t i = 0; i < have.size(); ++i) {
    const auto& want = r.parts[i];
    const bool param = want.size() > 2 && want.front() == '{' && want.back() == '}';
    if (!param && want != have[i]) return false;
  }
  for (size_t i = 0; i < have.size(); ++i) {
    const auto& want = r.parts[i];
    if (want.size() > 2 && want.front() == '{' && want.back() == '}') {
      params[want.substr(1, want.size() - 2)] = std::string(have[i]);
    }
  }
  return true;
}

std::vector<CompiledRoute> all_routes() {
  std::vector<Route> routes;
  add_node_routes(routes);
  add_catalogue_routes(routes);
  add_session_routes(routes);
  add_case_routes(routes);
  add_track_routes(routes);
  add_calendar_routes(routes);
  add_feedback_routes(routes);
  add_supervision_routes(routes);
  add_notice_routes(routes);
  add_kpi_routes(routes);
  add_licence_routes(routes);
  add_appointment_routes(routes);
  add_consultation_routes(routes);
  add_material_routes(routes);
  add_enrolment_routes(routes);
  std::vector<CompiledRoute> out;
  for (auto& r : routes) {
    std::vector<std::string> parts;
    for (auto part : segments(r.pattern)) parts.emplace_back(part);
    out.push_back({std::move(r), std::move(parts)});
  }
  return out;
}

const std::vector<CompiledRoute>& route_table() {
  static const std::vector<CompiledRoute> routes = all_routes();
  return routes;
}

HttpResponse text_response(int status, std::string body, std::string content_type) {
  HttpResponse r;
  r.status = status;
  r.content_type = std::move(content_type);
  r.body = std::move(body);
  return r;
}

HttpResponse serve_asset(const HttpRequest& request) {
  const std::string path = request.path == "/" ? "/index.html" : request.path;
  const UiAsset* asset = find_ui_asset(path);
  if (asset == nullptr) return error_response(404, "not_found", "no such page");
  HttpResponse r =
      text_response(200, std::string(asset->content), std::string(asset->content_type));
  // The UI changes only with the binary; a revalidation is cheap.
  r.add_header("Cache-Control", "no-cache");
  r.add_header("ETag", "\"" + std::string(asset->etag) + "\"");
  if (request.header("if-none-match") == r.header("ETag")) {
    r.status = 304;
    r.body.clear();
  }
  return r;
}

// The last touches of every answer: no caching of API answers, the security
// headers, and the request counted in the metrics.
void finish(HttpResponse& response, bool api, bool tls, const std::string& route_name,
            std::chrono::steady_clock::time_point started, RequestMetrics& metrics) {
  if (api) response.add_header("Cache-Control", "no-store");
  add_security_headers(response, tls);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  metrics.record(route_name, response.status, seconds);
}

}  // namespace

WebApi::WebApi(HallBackend& backend, WebOptions options)
    : state_(std::make_unique<State>(backend, options)) {}

WebApi::~WebApi() = default;

HttpResponse WebApi::handle(const HttpRequest& request) {
  const auto started = std::chrono::steady_clock::now();
  const bool api = request.path.starts_with("/api/");
  std::string route_name = "other";
  HttpResponse response;
  try {
    if (request.path == "/healthz") {
      route_name = "/healthz";
      response = text_response(200, "ok\n", "text/plain; charset=utf-8");
    } else if (request.path == "/metrics" && !is_loopback(request.peer)) {
      // The node's own collector scrapes it; nobody else needs its figures.
      route_name = "/metrics";
      response = error_response(404, "not_found", "no such resource");
    } else if (request.path == "/metrics") {
      route_name = "/metrics";
      response = text_response(200, state_->metrics.render() + state_->backend.node_metrics(),
                               "text/plain; version=0.0.4; charset=utf-8");
    } else if (api) {
      Call call{request, *state_, std::nullopt, {}, state_->backend.now()};
      const Route* route = nullptr;
      bool path_known = false;
      const auto have = segments(request.path);
      for (const auto& r : route_table()) {
        std::map<std::string, std::string> params;
        if (!match(r, have, params)) continue;
        path_known = true;
        if (r.route.method != request.method) continue;
        route = &r.route;
        call.params = std::move(params);
        break;
      }
      if (route == nullptr) {
        response = path_known ? error_response(405, "method_not_allowed", "method not allowed")
                              : error_response(404, "not_found", "no such resource");
      } else {
        route_name = route->pattern;
        const std::string token = cookie_value(request.header("cookie"), kSessionCookie);
        if (!token.empty()) call.session = state_->sessions.find(token, call.now);
        const bool logged_in = call.session && call.session->user;
        bool role_ok = route->access.anyone || (logged_in && route->access.roles.empty());
        if (!role_ok && logged_in) {
          for (auto role : route->access.roles) role_ok |= call.session->user->role == role;
        }
        if (!route->access.anyone && !logged_in) {
          response = error_response(401, "unauthenticated", "log in first");
        } else if (!role_ok) {
          response = error_response(403, "forbidden", "your role may not do this");
        } else if (is_state_changing(request.method) &&
                   (!call.session ||
                    !tokens_equal(request.header("x-csrf-token"), call.session->csrf))) {
          response = error_response(403, "forbidden", "missing or wrong CSRF token");
        } else {
          response = route->handler(call);
        }
      }
    } else if (request.method == "GET" || request.method == "HEAD") {
      route_name = "ui";
      response = serve_asset(request);
    } else {
      response = error_response(405, "method_not_allowed", "method not allowed");
    }
  } catch (const std::exception& e) {
    // A handler bug must not take the server down; it is logged and answered 500.
    log::error_limited("web", "web.handler_failed",
                       std::string("handler failed on ") + route_name + ": " + e.what());
    response = error_response(500, "internal", "internal error");
  }
  if (response.deferred) {
    // The answer comes from the work, on the server's worker pool; this
    // response (503 busy) is sent only if the pool has no room for it.
    response.deferred = [work = std::move(response.deferred), api, tls = request.tls, route_name,
                         started, &metrics = state_->metrics] {
      HttpResponse answer;
      try {
        answer = work();
      } catch (const std::exception& e) {
        log::error_limited("web", "web.handler_failed",
                           std::string("handler failed on ") + route_name + ": " + e.what());
        answer = error_response(500, "internal", "internal error");
      }
      finish(answer, api, tls, route_name, started, metrics);
      return answer;
    };
    if (api) response.add_header("Cache-Control", "no-store");
    add_security_headers(response, request.tls);
    return response;
  }
  finish(response, api, request.tls, route_name, started, state_->metrics);
  return response;
}

// --- shared helpers (api_support.h) ---

HttpResponse json_response(const json::value& body, int status) {
  HttpResponse r;
  r.status = status;
  r.body = to_json(body);
  return r;
}

HttpResponse error_response(int status, const std::string& code, const std::string& message) {
  return json_response(json::object{{"error", json::object{{"code", code}, {"message", message}}}},
                       status);
}

HttpResponse recovering_response() {
  return error_response(503, "unavailable",
                        "the node is recovering its own events from its parent and takes no "
                        "writes until it has them");
}

HttpResponse on_worker(Call& call, std::function<HttpResponse(Call&)> work) {
  HttpResponse busy =
      error_response(503, "busy", "the node is busy checking passwords; try again in a moment");
  busy.add_header("Retry-After", "1");
  busy.deferred = [request = call.request, &state = call.state, session = call.session,
                   params = call.params, now = call.now, work = std::move(work)] {
    Call deferred{request, state, session, params, now};
    return work(deferred);
  };
  return busy;
}

HttpResponse rate_limited(std::int64_t retry_after_seconds, const std::string& message) {
  HttpResponse r = error_response(429, "rate_limited", message);
  r.add_header("Retry-After", std::to_string(std::max<std::int64_t>(retry_after_seconds, 1)));
  return r;
}

HttpResponse status_response(const Status& status) {
  switch (status.code()) {
    case ErrorCode::kOk:
      return json_response(json::object{});
    case ErrorCode::kInvalidArgument:
      return error_response(400, "bad_request", status.message());
    case ErrorCode::kNotFound:
      return error_response(404, "not_found", status.message());
    case ErrorCode::kPermissionDenied:
      return error_response(403, "forbidden", status.message());
    case ErrorCode::kAlreadyExists:
    case ErrorCode::kFailedPrecondition:
      return error_response(409, "conflict", status.message());
    default:
      log::error_limited("web", "web.internal",
                         std::string(error_code_name(status.code())) + ": " + status.message());
      return error_response(500, "internal", "internal error; see the node's log");
  }
}

Result<json::object> body_object(const Call& call) {
  const std::string type = call.request.header("content-type");
  if (!type.starts_with("application/json")) {
    return invalid_argument("send the body as application/json");
  }
  return parse_object(call.request.body);
}

Status audit(storage::Database& db, const Call& call, const std::string& action,
             const std::string& target, const std::string& outcome) {
  const std::string actor =
      call.session && call.session->user ? call.session->user->login : std::string();
  return hall::append_audit(
             db, hall::AuditEntry{call.now, actor, action, target, outcome, call.request.peer})
      .status();
}

void audit_or_warn(Call& call, const std::string& action, const std::string& target,
                   const std::string& outcome) {
  const Status s = call.backend().write(
      [&](hall::Hall&, storage::Database& db) { return audit(db, call, action, target, outcome); });
  if (!s.ok()) log::warn("web", "audit entry for " + action + " not written: " + s.message());
}

}  // namespace yimen::web
