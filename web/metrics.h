#pragma once

// Request metrics for /metrics (Prometheus text exposition format 0.0.4):
// requests by route and status, and a latency histogram. The node's own
// gauges (events stored, backlog per link, quarantined) are added by the
// caller when it renders.
//
// Thread-safe: one mutex guards the counters.

#include <array>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

namespace yimen::web {

class RequestMetrics {
 public:
  // Records one request of `route` (the route pattern, never the raw path: no
  // personal data and bounded cardinality) answered with `status`.
  void record(const std::string& route, int status, double seconds);

  // The counters and histogram as Prometheus text.
  std::string render() const;

  static constexpr std::array<double, 10> kBuckets = {0.001, 0.0025, 0.005, 0.01, 0.025,
                                                      0.05,  0.1,    0.25,  0.5,  1.0};

 private:
  mutable std::mutex mutex_;
  std::map<std::pair<std::string, int>, std::uint64_t> requests_;
  std::array<std::uint64_t, kBuckets.size()> bucket_counts_{};
  std::uint64_t count_ = 0;
  double sum_ = 0;
};

// A Prometheus label value with '\\', '"' and newlines escaped.
std::string prometheus_label(const std::string& value);

// Appends the HELP and TYPE lines of metric `name` to `out`.
void prometheus_family(std::string& out, const std::string& name, const std::string& type,
                       const std::string& help);

// Appends one sample of `name`: `name value`, or `name{label="…"} value` when `label` is set.
void prometheus_sample(std::string& out, const std::string& name, std::uint64_t value,
                       const std::string& label = {}, const std::string& label_value = {});
void prometheus_sample(std::string& out, const std::string& name, std::int64_t value,
                       const std::string& label = {}, const std::string& label_value = {});

}  // namespace yimen::web
