#pragma once

// The running node as the web hall sees it (web::HallBackend over a
// NodeRuntime): reads on a small pool of read-only connections, writes as
// jobs for the node's one writer.
//
// Thread-safe: the web server's threads call it concurrently.

#include <memory>
#include <mutex>
#include <vector>

#include "web/web_api.h"

namespace yimen::node {

class NodeRuntime;

class RuntimeBackend : public web::HallBackend {
 public:
  // Borrows `runtime`, which must outlive the backend.
  explicit RuntimeBackend(NodeRuntime& runtime);

  const RegionCode& node_id() const override;
  const std::string& node_name() const override;
  int yellow_card_working_days() const override;
  int post_check_working_days() const override;
  const config::AppointmentConfig& appointments() const override;
  Status read(const std::function<Status(storage::Database&)>& read) override;
  Status write(const std::function<Status(hall::Hall&, storage::Database&)>& write) override;
  bool recovering() override;
  std::int64_t now() const override;
  std::string node_metrics() override;
  Result<web::ChildEnrolment> enrol_child(
      const std::string& request_token, bool approve,
      const std::function<Status(storage::Database&, const std::string& child)>& audit) override;

 private:
  NodeRuntime& runtime_;
  std::mutex mutex_;
  // Idle read connections; one is taken per read and given back after it.
  std::vector<std::unique_ptr<storage::Database>> idle_;
};

}  // namespace yimen::node
