#pragma once

// A running node (`yimen run`, DESIGN.md sections 5 and 9): it holds the data
// directory's lock, owns the write connection through the one writer thread,
// and runs the sync links on their own thread. Every write is a job for the
// writer; whatever it adds to the log is forwarded at once.

#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "common/status.h"
#include "node/commands/command.h"
#include "node/control_socket.h"
#include "node/data_lock.h"
#include "node/hall/hall.h"
#include "node/node_directory.h"
#include "storage/writer.h"
#include "sync/sync_service.h"
#include "web/http_server.h"
#include "web/web_api.h"

namespace yimen::node {

// How often a running node anchors its audit log's head at its parent.
inline constexpr std::chrono::seconds kAuditAnchorInterval{60};

struct RunOptions {
  // HOST:PORT for the web hall, overriding [web] listen in node.toml.
  std::optional<std::string> web_listen;
};

class NodeRuntime {
 public:
  // Locks `dir`, opens the node and starts the writer, the sync links and,
  // when configured, the web hall.
  static Result<std::unique_ptr<NodeRuntime>> start(const std::filesystem::path& dir,
                                                    const RunOptions& options = {});
  ~NodeRuntime();  // stops

  NodeRuntime(const NodeRuntime&) = delete;
  NodeRuntime& operator=(const NodeRuntime&) = delete;

  // Stops the web hall and the sync links, then finishes the queued writes.
  void stop();

  // Runs `command` on the writer thread and waits until it is durable.
  // Refused (FailedPrecondition) while the node is recovering its own events from its parent.
  Status write(const std::function<Status(NodeAccess&)>& command);

  const OpenNode& node() const { return node_; }
  const sync::SyncService& sync() const { return *sync_; }
  // What the node listens on and connects to, for the start-up message.
  std::string describe() const;
  // The web hall's port, 0 when it does not run.
  std::uint16_t web_port() const;
  // What the web server counts (for /metrics); null when it does not run.
  const web::ServerCounters* web_counters() const { return web_counters_.get(); }

 private:
  NodeRuntime(DataLock lock, OpenNode node);
  Status start_sync();
  Status start_web(const RunOptions& options);
  // Anchors the audit log's head upward every kAuditAnchorInterval, and once
  // more when the node stops (DESIGN.md section 7); drops unused uploads and
  // relayed copies of files on the same beat.
  void anchor_audit_periodically();
  void anchor_audit_now();
  void drop_unneeded_files_now();

  DataLock lock_;
  OpenNode node_;
  hall::Hall hall_;
  std::unique_ptr<storage::Writer> writer_;
  std::unique_ptr<sync::SyncService> sync_;
  std::unique_ptr<ControlServer> control_;
  std::shared_ptr<web::ServerCounters> web_counters_;
  std::unique_ptr<web::HallBackend> web_backend_;
  std::unique_ptr<web::WebApi> web_api_;
  std::unique_ptr<web::HttpServer> web_;
  std::string web_url_;
  std::mutex anchor_mutex_;
  std::condition_variable anchor_wake_;
  bool stopping_ = false;
  std::thread anchor_thread_;
};

}  // namespace yimen::node
