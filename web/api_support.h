#pragma once

// What the API handlers share (private to web/): the per-request Call, the
// route table entry, error responses and the mapping of Status to HTTP.

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "node/hall/catalogue_index.h"
#include "node/hall/one_time_notice.h"
#include "node/hall/users.h"
#include "web/code_lookup_limits.h"
#include "web/failure_limiter.h"
#include "web/json.h"
#include "web/metrics.h"
#include "web/session_store.h"
#include "web/web_api.h"

namespace yimen::web {

// Limits of the API.
inline constexpr int kLoginFailuresPerMinute = 5;
inline constexpr std::size_t kMaxListedCases = 500;
inline constexpr int kComplaintsPerAddressPerHour = 10;
inline constexpr int kBookingsPerAddressPerHour = 10;
inline constexpr int kQuestionsPerAddressPerHour = 10;
// An online application takes a file per material; a resident re-uploads a few.
inline constexpr int kUploadsPerAddressPerHour = 60;
inline constexpr int kApplicationsPerAddressPerHour = 10;

// The newest catalogue, searchable, and the list answers already rendered,
// kept until the catalogue changes (every handler checks the generation).
struct CatalogueCache {
  std::mutex mutex;
  std::string generation;  // "" until loaded
  std::shared_ptr<const hall::CatalogueIndex> index;
  std::map<std::string, std::shared_ptr<const std::string>> answers;  // by query key
};

struct WebApi::State {
  State(HallBackend& b, WebOptions o)
      : backend(b),
        options(o),
        login_by_account(kLoginFailuresPerMinute, 60),
        login_by_address(kLoginFailuresPerMinute, 60),
        refusals_noted(1, 60),
        complaints_by_address(kComplaintsPerAddressPerHour, 3600),
        bookings_by_address(kBookingsPerAddressPerHour, 3600),
        questions_by_address(kQuestionsPerAddressPerHour, 3600),
        uploads_by_address(kUploadsPerAddressPerHour, 3600),
        applications_by_address(kApplicationsPerAddressPerHour, 3600) {}
  HallBackend& backend;
  WebOptions options;
  SessionStore sessions;
  FailureLimiter login_by_account;
  FailureLimiter login_by_address;
  CodeLookupLimits code_lookups;           // query, rating, consultation and booking codes
  FailureLimiter refusals_noted;           // one audit row a minute per refused login key
  FailureLimiter complaints_by_address;    // counts every complaint filed, not only failures
  FailureLimiter bookings_by_address;      // counts every appointment booked
  FailureLimiter questions_by_address;     // counts every question asked anonymously
  FailureLimiter uploads_by_address;       // counts every file uploaded anonymously
  FailureLimiter applications_by_address;  // counts every online application
  RequestMetrics metrics;
  CatalogueCache catalogue;
};

// One request as a handler sees it.
struct Call {
  const HttpRequest& request;
  WebApi::State& state;
  std::optional<Session> session;             // nullopt: the visitor sent no live session
  std::map<std::string, std::string> params;  // from the route pattern: "{no}" -> "…"
  std::int64_t now = 0;                       // Unix seconds

  HallBackend& backend() const { return state.backend; }
  // The logged-in user; handlers of staff routes may rely on it.
  const hall::User& user() const { return *session->user; }
  hall::Actor actor() const {
    const auto& u = user();
    return hall::Actor{u.login, u.display_name, u.department, u.office_phone};
  }
};

using Handler = HttpResponse (*)(Call&);

// Who may call a route: anyone, or a logged-in user with one of the roles.
struct Access {
  bool anyone = false;
  std::vector<hall::Role> roles;  // empty with anyone=false: any logged-in user
};
inline Access anyone() { return {true, {}}; }
inline Access staff() { return {false, {}}; }
inline Access roles(std::initializer_list<hall::Role> r) { return {false, r}; }

struct Route {
  std::string method;
  std::string pattern;  // "/api/v1/cases/{no}/actions"
  Access access;
  Handler handler;
};

// Route tables of each resource (api_*.cpp).
void add_node_routes(std::vector<Route>& routes);
void add_catalogue_routes(std::vector<Route>& routes);
void add_session_routes(std::vector<Route>& routes);
void add_case_routes(std::vector<Route>& routes);
void add_track_routes(std::vector<Route>& routes);
void add_calendar_routes(std::vector<Route>& routes);
void add_feedback_routes(std::vector<Route>& routes);
void add_supervision_routes(std::vector<Route>& routes);
void add_notice_routes(std::vector<Route>& routes);
void add_kpi_routes(std::vector<Route>& routes);
void add_licence_routes(std::vector<Route>& routes);
void add_appointment_routes(std::vector<Route>& routes);
void add_consultation_routes(std::vector<Route>& routes);
void add_material_routes(std::vector<Route>& routes);
void add_enrolment_routes(std::vector<Route>& routes);

// The session cookie's name.
inline constexpr const char* kSessionCookie = "yimen_session";

// An Argon2id hash of a random secret nobody knows, at the cost of the query
// codes' hashes: checking a code against it for an unknown case or complaint
// number costs what a wrong code costs (defined in api_track.cpp).
const std::string& unknown_code_hash();

// Checks a secret code (a case's query code, a complaint's or a booking's
// code) against its hash ("" when `key` names nothing) under the lookup
// limits per key and per address: nullopt when it matches, else the answer to
// send — 429 while blocked, 404 "nothing has this number and code" (the same
// for an unknown number and a wrong code). Defined in api_track.cpp.
std::optional<HttpResponse> check_code(Call& call, const std::string& key, const std::string& hash,
                                       const std::string& code);

// Runs `work` (what is left of a handler that computes an Argon2id hash of a
// password) on the server's worker pool instead of an I/O thread, with a copy
// of this call's request, session and parameters: the answer carries it as
// HttpResponse::deferred, and is itself the 503 "busy" (Retry-After: 1) the
// client gets when the pool has no room. `work` must own what it captures.
HttpResponse on_worker(Call& call, std::function<HttpResponse(Call&)> work);

// --- responses ---
HttpResponse json_response(const json::value& body, int status = 200);
HttpResponse error_response(int status, const std::string& code, const std::string& message);
// 503 for a write while the node is recovering its own events from its parent (after a
// restore, or enrolled again with a new key).
HttpResponse recovering_response();
// 429 rate_limited with Retry-After (at least 1 s).
HttpResponse rate_limited(std::int64_t retry_after_seconds, const std::string& message);
// A Status as an error response: InvalidArgument 400, NotFound 404,
// PermissionDenied 403, AlreadyExists/FailedPrecondition 409, others 500
// (logged without the message's details reaching the client).
HttpResponse status_response(const Status& status);

// The request body as a JSON object, or the 400/415 to answer.
Result<json::object> body_object(const Call& call);

// A service item as the API shows it: the list entry, or the whole guide.
json::object item_summary_json(const hall::ServiceItem& item);
json::object item_guide_json(const hall::ServiceItem& item);
json::object time_limit_json(const hall::TimeLimit& limit);

// "YYYY-MM-DD", or null.
json::value date_or_null(const std::optional<hall::Date>& d);
// What a materials request (补正) or an incomplete return found, one entry per
// material, named from `item` when it is held (else material_name is null).
json::array findings_json(const hall::ServiceItem* item,
                          const std::vector<hall::MaterialFinding>& findings);

// Appends an audit entry for this call in the caller's open transaction.
Status audit(storage::Database& db, const Call& call, const std::string& action,
             const std::string& target, const std::string& outcome);
// Appends an audit entry in a write of its own; a failure (the node is
// recovering, the disk is full) is logged as a warning, not answered.
void audit_or_warn(Call& call, const std::string& action, const std::string& target,
                   const std::string& outcome);

}  // namespace yimen::web
