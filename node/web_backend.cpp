#include "node/web_backend.h"

#include "crypto/crypto.h"
#include "node/enrol_child.h"
#include "node/hall/hall_projection.h"
#include "node/node_runtime.h"
#include "sync/link_store.h"
#include "web/metrics.h"

namespace yimen::node {

RuntimeBackend::RuntimeBackend(NodeRuntime& runtime) : runtime_(runtime) {}

const RegionCode& RuntimeBackend::node_id() const { return runtime_.node().identity.id; }

const std::string& RuntimeBackend::node_name() const { return runtime_.node().config.name; }

int RuntimeBackend::post_check_working_days() const {
  return runtime_.node().config.hall.post_check_working_days;
}

const config::AppointmentConfig& RuntimeBackend::appointments() const {
  return runtime_.node().config.appointments;
}

int RuntimeBackend::yellow_card_working_days() const {
  return runtime_.node().config.hall.yellow_card_working_days;
}

Status RuntimeBackend::read(const std::function<Status(storage::Database&)>& read) {
  std::unique_ptr<storage::Database> db;
  {
    std::lock_guard lock(mutex_);
    if (!idle_.empty()) {
      db = std::move(idle_.back());
      idle_.pop_back();
    }
  }
  if (!db) {
    // The key and path never change once the node is open, so this is safe
    // beside the writer thread.
    YIMEN_ASSIGN_OR_RETURN(auto opened, runtime_.node().db.open_reader(
                                            runtime_.node().config.storage.busy_timeout_ms));
    db = std::make_unique<storage::Database>(std::move(opened));
  }
  const Status s = read(*db);
  // A connection left inside a transaction by a failed read is not reused.
  if (!db->in_transaction()) {
    std::lock_guard lock(mutex_);
    idle_.push_back(std::move(db));
  }
  return s;
}

Status RuntimeBackend::write(const std::function<Status(hall::Hall&, storage::Database&)>& write) {
  return runtime_.write([&](NodeAccess& access) { return write(access.hall, access.node.db); });
}

bool RuntimeBackend::recovering() { return runtime_.sync().recovering(); }

std::int64_t RuntimeBackend::now() const { return system_clock_ms() / 1000; }

std::string RuntimeBackend::node_metrics() {
  std::string out;
  const Status s = read([&](storage::Database& db) -> Status {
    YIMEN_ASSIGN_OR_RETURN(auto counts, sync::count_log(db));
    YIMEN_ASSIGN_OR_RETURN(auto rows, sync::load_status(db));
    web::prometheus_family(out, "yimen_events_stored", "gauge", "Events this node originated.");
    web::prometheus_sample(out, "yimen_events_stored", counts.last_local_seq);
    web::prometheus_family(out, "yimen_events_quarantined", "gauge",
                           "Received events refused as invalid.");
    web::prometheus_sample(out, "yimen_events_quarantined", counts.quarantined);
    web::prometheus_family(out, "yimen_events_pending", "gauge",
                           "Received events waiting for what they depend on.");
    web::prometheus_sample(out, "yimen_events_pending", counts.pending);
    YIMEN_ASSIGN_OR_RETURN(const auto calendar, hall::load_calendar(db));
    const hall::CalendarOutlook outlook = hall::calendar_outlook(calendar, hall::cst_date(now()));
    web::prometheus_family(
        out, "yimen_calendar_published", "gauge",
        "Whether this year's and next year's working-day calendar is published.");
    const auto year_sample = [&](int year, bool published) {
      web::prometheus_sample(out, "yimen_calendar_published",
                             static_cast<std::int64_t>(published ? 1 : 0), "year",
                             std::to_string(year));
    };
    year_sample(outlook.this_year, outlook.this_year_published);
    year_sample(outlook.this_year + 1, outlook.next_year_published);
    web::prometheus_family(out, "yimen_calendar_missing", "gauge",
                           "1 when deadlines are or will soon be unknown: this year's calendar, "
                           "or from 1 November next year's, is not published.");
    web::prometheus_sample(out, "yimen_calendar_missing",
                           static_cast<std::int64_t>(outlook.missing_year ? 1 : 0));
    // Per linked node, as each last reported.
    const auto per_node = [&](const std::string& name, const std::string& help,
                              std::int64_t sync::NodeStatus::*field) {
      web::prometheus_family(out, name, "gauge", help);
      for (const auto& row : rows) {
        web::prometheus_sample(out, name, row.status.*field, "node", row.status.node);
      }
    };
    per_node("yimen_sync_backlog", "Events waiting to be sent, as each node last reported.",
             &sync::NodeStatus::backlog);
    per_node("yimen_sync_refused",
             "Connections, frames and batches refused, as each node last reported.",
             &sync::NodeStatus::refused);
    per_node("yimen_sync_conflicts",
             "Second links refused for a linked child and checkpoints beyond a child's head "
             "(a copied key?), as each node last reported.",
             &sync::NodeStatus::conflicts);
    return {};
  });
  if (!s.ok()) out += "# node metrics unavailable: " + s.message() + "\n";
  if (const web::ServerCounters* web = runtime_.web_counters()) {
    const auto counter = [&out](const std::string& name, const std::string& help,
                                const std::atomic<std::uint64_t>& value) {
      web::prometheus_family(out, name, "counter", help);
      web::prometheus_sample(out, name, value.load(std::memory_order_relaxed));
    };
    counter("yimen_web_connections_refused_total",
            "Connections closed as they arrived: [web] max_connections were open.",
            web->connections_refused);
    counter("yimen_web_accept_failures_total",
            "Failed accepts (out of file descriptors or memory); the server pauses after each.",
            web->accept_failures);
    counter("yimen_web_busy_refusals_total",
            "Logins and password changes answered 503 busy: every password worker was busy.",
            web->work_refused);
  }
  return out;
}

Result<web::ChildEnrolment> RuntimeBackend::enrol_child(
    const std::string& request_token, bool approve,
    const std::function<Status(storage::Database&, const std::string& child)>& audit) {
  YIMEN_ASSIGN_OR_RETURN(const EnrolRequest request, decode_enrol_request(request_token));
  const std::int64_t at = now();
  YIMEN_TRY(check_enrol_request(node_id(), request, at));
  web::ChildEnrolment out{request.id.str(),
                          request.name,
                          crypto::fingerprint(request.public_key),
                          request.created_at,
                          {}};
  if (!approve) return out;
  YIMEN_TRY(runtime_.write([&](NodeAccess& access) -> Status {
    YIMEN_ASSIGN_OR_RETURN(out.certificate, approve_enrol_request(access, request, at));
    return audit(access.node.db, out.child);
  }));
  return out;
}

}  // namespace yimen::node
