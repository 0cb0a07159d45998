#pragma once

// The web hall's request handling (DESIGN.md section 7): the JSON API under
// /api/v1 (web/API.md), the embedded UI, /healthz and /metrics. A pure
// function of (request, node state): WebApi::handle() does no socket I/O, so
// tests drive it directly; http_server.h moves the bytes.
//
// Thread-safe: handle() runs concurrently on the server's threads. Reads go
// through the backend's read connections, writes through its one writer.

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "common/region_code.h"
#include "common/status.h"
#include "node/hall/hall.h"
#include "storage/database.h"
#include "web/http_message.h"

namespace yimen::web {

// A child's enrolment request as the web shows it to an administrator, and the certificate
// token once approved (node/enrol_child.h).
struct ChildEnrolment {
  std::string child;            // the requester's region code
  std::string name;             // the name it gives itself
  std::string key_fingerprint;  // crypto::fingerprint of the key it asks to certify
  std::int64_t requested_at = 0;
  std::string certificate;  // the certificate token to install at the child; empty until approved
};

// What the web layer needs of the running node (node/ implements it over
// NodeRuntime; tests over one database).
class HallBackend {
 public:
  virtual ~HallBackend() = default;

  virtual const RegionCode& node_id() const = 0;
  virtual const std::string& node_name() const = 0;
  virtual int yellow_card_working_days() const = 0;
  // Working days after an approval on a commitment within which it is checked.
  virtual int post_check_working_days() const = 0;
  // When residents may book visits to this hall ([appointments] in node.toml).
  virtual const config::AppointmentConfig& appointments() const = 0;

  // Runs `read` with a read-only connection that no other thread uses
  // meanwhile. Returns what `read` returns, or the error opening it.
  virtual Status read(const std::function<Status(storage::Database&)>& read) = 0;

  // Runs `write` on the node's one writer in a transaction that is durable
  // before this returns; an error from `write` rolls back only its changes.
  // FailedPrecondition while the node is recovering its own events from its parent.
  virtual Status write(const std::function<Status(hall::Hall&, storage::Database&)>& write) = 0;

  // Whether the node is recovering its own events from its parent (it takes no writes).
  virtual bool recovering() = 0;

  // Unix seconds (a seam for tests).
  virtual std::int64_t now() const = 0;

  // Extra Prometheus lines about the node (events stored, backlog, quarantined).
  virtual std::string node_metrics() = 0;

  // Reads a child's enrolment request token and checks that this node may enrol it; with
  // `approve` also certifies the child (as `yimen enrol approve`) and runs `audit` (given the
  // child's region code) in the same write. InvalidArgument for a token that is not one, is damaged
  // or too old; PermissionDenied for a node that is not a direct child; FailedPrecondition when
  // this node cannot enrol children (not enrolled, no address children can reach) or is recovering;
  // AlreadyExists when the child is enrolled with another key.
  virtual Result<ChildEnrolment> enrol_child(
      const std::string& request_token, bool approve,
      const std::function<Status(storage::Database&, const std::string& child)>& audit) = 0;
};

struct WebOptions {
  bool tls = false;  // cookies get Secure
};

class WebApi {
 public:
  // Borrows `backend`, which must outlive the WebApi.
  WebApi(HallBackend& backend, WebOptions options);
  ~WebApi();
  WebApi(const WebApi&) = delete;
  WebApi& operator=(const WebApi&) = delete;

  // Answers one request. Never throws; bad input is a 4xx.
  HttpResponse handle(const HttpRequest& request);

  // The sessions, limits, metrics and caches the handlers share; defined in
  // api_support.h, private to web/.
  struct State;

 private:
  std::unique_ptr<State> state_;
};

}  // namespace yimen::web
