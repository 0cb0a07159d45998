#include "node/node_runtime.h"

#include <sys/resource.h>

#include <algorithm>

#include "common/log.h"
#include "node/cli.h"
#include "node/hall/online_application.h"
#include "node/hall/relayed_files.h"
#include "node/node_store.h"
#include "node/web_backend.h"

namespace yimen::node {
namespace {

// The enrolled child whose CurveZMQ key this is, read afresh for every
// connection so that a child enrolled while the node runs is admitted.
std::optional<RegionCode> child_with_curve_key(storage::Database& db,
                                               const crypto::PublicKey& curve) {
  auto stmt = db.prepare("SELECT id, public_key FROM enrolled_child");
  if (!stmt.ok()) return std::nullopt;
  for (;;) {
    auto row = stmt->step();
    if (!row.ok() || !*row) return std::nullopt;
    const Bytes key_bytes = stmt->column_blob(1);
    if (key_bytes.size() != crypto::kPublicKeySize) continue;
    crypto::PublicKey ed{};
    std::copy(key_bytes.begin(), key_bytes.end(), ed.begin());
    auto derived = crypto::curve_public_key_of(ed);
    if (derived.ok() && *derived == curve) {
      auto id = RegionCode::parse(stmt->column_text(0));
      if (id.ok()) return *id;
    }
  }
}

}  // namespace

NodeRuntime::NodeRuntime(DataLock lock, OpenNode node)
    : lock_(std::move(lock)),
      node_(std::move(node)),
      hall_(node_.db, node_.identity.id, node_.key, system_clock_ms) {}

NodeRuntime::~NodeRuntime() { stop(); }

Result<std::unique_ptr<NodeRuntime>> NodeRuntime::start(const std::filesystem::path& dir,
                                                        const RunOptions& options) {
  YIMEN_ASSIGN_OR_RETURN(auto lock, NodeDirectory(dir).lock());
  YIMEN_ASSIGN_OR_RETURN(auto node, open_node(dir));
  std::unique_ptr<NodeRuntime> runtime(new NodeRuntime(std::move(lock), std::move(node)));
  YIMEN_TRY(runtime->hall_.set_yellow_card_working_days(
      runtime->node_.config.hall.yellow_card_working_days));
  YIMEN_TRY(runtime->hall_.set_supply_within_days(runtime->node_.config.hall.supply_within_days));
  NodeRuntime* self = runtime.get();
  runtime->writer_ = std::make_unique<storage::Writer>(
      runtime->node_.db, storage::Writer::Options{}, [self] { self->hall_.forget_cached_state(); });
  YIMEN_TRY(runtime->start_sync());
  YIMEN_ASSIGN_OR_RETURN(runtime->control_,
                         ControlServer::start(dir, [self](const std::vector<std::string>& words,
                                                          const std::string& input) {
                           return run_forwarded_command(words, input, *self);
                         }));
  YIMEN_TRY(runtime->start_web(options));
  runtime->anchor_thread_ = std::thread([self] { self->anchor_audit_periodically(); });
  return runtime;
}

Status NodeRuntime::start_sync() {
  const auto& config = node_.config;
  sync::SyncOptions options(node_.identity.id);
  options.software = std::string("yimen ") + YIMEN_VERSION;
  options.log_epoch = node_.identity.log_epoch;
  options.listen = config.sync.listen;
  YIMEN_ASSIGN_OR_RETURN(auto recovery, load_recovery(node_.db));
  options.recovering = recovery.recovering;
  if (config.sync.parent) {
    YIMEN_ASSIGN_OR_RETURN(auto chain, load_chain(node_.db));
    const auto parent_id = node_.identity.id.parent();
    if (chain.size() < 2 || !parent_id) {
      return failed_precondition(
          "node.toml names a parent, but this node holds no certificate "
          "from it; run yimen enrol install first");
    }
    options.parent =
        sync::SyncOptions::Parent{*config.sync.parent, *parent_id, chain[1].public_key};
  }
  if (recovery.recovering && !options.parent) {
    log::warn("node",
              "recovering with no parent to recover from; end recovery "
              "with: yimen recovery end --force");
  }
  YIMEN_ASSIGN_OR_RETURN(auto db_key, node_.dir.database_key(config));
  storage::OpenOptions open;
  open.busy_timeout_ms = config.storage.busy_timeout_ms;
  const std::span<const std::uint8_t, 32> key_span(db_key.data(), 32);
  YIMEN_ASSIGN_OR_RETURN(auto reader,
                         storage::Database::open(node_.dir.database_path(), key_span, open));
  YIMEN_ASSIGN_OR_RETURN(auto lookup,
                         storage::Database::open(node_.dir.database_path(), key_span, open));
  auto lookup_db = std::make_shared<storage::Database>(std::move(lookup));
  sync_ = std::make_unique<sync::SyncService>(
      options, node_.key, *writer_, node_.db, hall_.log(), std::move(reader),
      [lookup_db](const crypto::PublicKey& curve) {
        return child_with_curve_key(*lookup_db, curve);
      },
      [this] { return end_recovery(node_.db); }, system_clock_ms);
  return sync_->start();
}

namespace {

// Raises the process's open-file limit to fit `connections` web connections
// beside the node's own descriptors (database, sync sockets, logs), up to the
// hard limit; warns when that is not enough.
void make_room_for_connections(std::size_t connections) {
  constexpr rlim_t kOwnDescriptors = 256;
  const rlim_t wanted = static_cast<rlim_t>(connections) + kOwnDescriptors;
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) != 0 || limit.rlim_cur >= wanted) return;
  rlimit raised = limit;
  raised.rlim_cur = limit.rlim_max == RLIM_INFINITY ? wanted : std::min(wanted, limit.rlim_max);
  if (::setrlimit(RLIMIT_NOFILE, &raised) == 0) limit = raised;
  if (limit.rlim_cur < wanted) {
    log::warn("web", "the open-file limit (" + std::to_string(limit.rlim_cur) +
                         ") is below [web] max_connections + " + std::to_string(kOwnDescriptors) +
                         "; raise LimitNOFILE or lower max_connections");
  }
}

}  // namespace

Status NodeRuntime::start_web(const RunOptions& run) {
  const auto& config = node_.config.web;
  const auto listen = run.web_listen ? run.web_listen : config.listen;
  if (!listen) return {};
  const auto address = config::parse_web_address(*listen);
  if (!address) {
    return invalid_argument("--web: expected HOST:PORT with an IP address, e.g. 127.0.0.1:8080");
  }
  web::ServerOptions options;
  options.address = address->host;
  options.port = address->port;
  options.threads = config.threads;
  options.max_connections = static_cast<std::size_t>(config.max_connections);
  make_room_for_connections(options.max_connections);
  web_counters_ = std::make_shared<web::ServerCounters>();
  options.counters = web_counters_;
  if (config.tls_certificate && config.tls_key) {
    options.tls =
        web::TlsFiles{node_.dir.dir() / *config.tls_certificate, node_.dir.dir() / *config.tls_key};
  }
  web_backend_ = std::make_unique<RuntimeBackend>(*this);
  web_api_ = std::make_unique<web::WebApi>(*web_backend_, web::WebOptions{options.tls.has_value()});
  YIMEN_ASSIGN_OR_RETURN(
      web_, web::HttpServer::start(options, [api = web_api_.get()](const web::HttpRequest& r) {
        return api->handle(r);
      }));
  const bool v6 = address->host.find(':') != std::string::npos;
  web_url_ = std::string(options.tls ? "https://" : "http://") + (v6 ? "[" : "") + address->host +
             (v6 ? "]" : "") + ":" + std::to_string(web_->port()) + "/";
  return {};
}

std::uint16_t NodeRuntime::web_port() const { return web_ ? web_->port() : 0; }

void NodeRuntime::anchor_audit_now() {
  if (!node_.config.sync.parent && node_.identity.id.level() != RegionLevel::kCity) return;
  if (sync_ && sync_->recovering()) return;
  const Status s = write([](NodeAccess& access) -> Status {
    YIMEN_ASSIGN_OR_RETURN(const auto epochs, load_audit_epochs(access.node.db));
    return access.hall.anchor_audit(epochs).status();
  });
  if (!s.ok()) log::warn("audit", "audit log not anchored: " + s.message());
}

void NodeRuntime::drop_unneeded_files_now() {
  if (sync_ && sync_->recovering()) return;
  int uploads = 0;
  int relayed = 0;
  const std::int64_t now = system_clock_ms() / 1000;
  const Status s = write([&](NodeAccess& access) -> Status {
    YIMEN_ASSIGN_OR_RETURN(uploads, hall::drop_unused_uploads(access.node.db, now));
    YIMEN_ASSIGN_OR_RETURN(relayed,
                           hall::drop_relayed_files(access.node.db, node_.identity.id, now));
    return {};
  });
  if (!s.ok()) log::warn("files", "unneeded files not dropped: " + s.message());
  if (uploads > 0) {
    log::info("files", std::to_string(uploads) + " uploads no application used were dropped");
  }
  if (relayed > 0) {
    log::info("files", std::to_string(relayed) + " copies of files only relayed here were dropped");
  }
}

void NodeRuntime::anchor_audit_periodically() {
  std::unique_lock lock(anchor_mutex_);
  while (!stopping_) {
    if (anchor_wake_.wait_for(lock, kAuditAnchorInterval, [this] { return stopping_; })) break;
    lock.unlock();
    anchor_audit_now();
    drop_unneeded_files_now();
    lock.lock();
  }
}

void NodeRuntime::stop() {
  if (web_) web_->stop();
  if (control_) control_->stop();
  if (anchor_thread_.joinable()) {
    {
      std::lock_guard lock(anchor_mutex_);
      stopping_ = true;
    }
    anchor_wake_.notify_all();
    anchor_thread_.join();
    // The last state changes are anchored too; the links may still carry it up.
    if (writer_) anchor_audit_now();
  }
  if (sync_) sync_->stop();
  if (writer_) writer_->stop();
}

Status NodeRuntime::write(const std::function<Status(NodeAccess&)>& command) {
  if (sync_ && sync_->recovering()) {
    return failed_precondition(
        "the node is recovering: it accepts writes once it holds its own events back from its "
        "parent");
  }
  const Status s = writer_->run([&] {
    NodeAccess access{node_, hall_};
    return command(access);
  });
  if (s.ok() && sync_) sync_->log_advanced();
  return s;
}

std::string NodeRuntime::describe() const {
  std::string out = "node " + node_.identity.id.str();
  if (node_.config.sync.listen) out += ", listening for children on " + *node_.config.sync.listen;
  if (node_.config.sync.parent) out += ", parent " + *node_.config.sync.parent;
  if (!web_url_.empty()) out += ", web hall at " + web_url_;
  return out;
}

}  // namespace yimen::node
