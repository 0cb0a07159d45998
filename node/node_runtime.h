#pragma once

// A running node (`yimen run`, DESIGN.md sections 5 and 9): it holds the data
// directory's lock, owns the write connection through the one writer thread,
// and runs the sync links on their own thread. Every write is a job for the
// writer; whatever it adds to the log is forwarded at once.

#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "common/status.h"
#include "node/commands/command.h"
#include "node/control_socket.h"
#include "node/data_lock.h"
#include "node/hall/hall.h"
#include "node/node_directory.h"
#include "storage/writer.h"
#include "sync/sync_service.h"

namespace yimen::node {

class NodeRuntime {
 public:
  // Locks `dir`, opens the node and starts the writer and the sync links.
  static Result<std::unique_ptr<NodeRuntime>> start(const std::filesystem::path& dir);
  ~NodeRuntime();  // stops

  NodeRuntime(const NodeRuntime&) = delete;
  NodeRuntime& operator=(const NodeRuntime&) = delete;

  // Stops the sync links, then finishes the queued writes.
  void stop();

  // Runs `command` on the writer thread and waits until it is durable.
  // Refused (FailedPrecondition) while the node is recovering from a backup.
  Status write(const std::function<Status(NodeAccess&)>& command);

  const OpenNode& node() const { return node_; }
  const sync::SyncService& sync() const { return *sync_; }
  // What the node listens on and connects to, for the start-up message.
  std::string describe() const;

 private:
  NodeRuntime(DataLock lock, OpenNode node);
  Status start_sync();

  DataLock lock_;
  OpenNode node_;
  hall::Hall hall_;
  std::unique_ptr<storage::Writer> writer_;
  std::unique_ptr<sync::SyncService> sync_;
  std::unique_ptr<ControlServer> control_;
};

}  // namespace yimen::node
