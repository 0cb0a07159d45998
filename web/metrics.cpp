#include "web/metrics.h"

#include <cstdio>

namespace yimen::web {

std::string prometheus_label(const std::string& value) {
  std::string out;
  for (char c : value) {
    if (c == '\\' || c == '"') {
      out.push_back('\\');
      out.push_back(c);
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out.push_back(c);
    }
  }
  return out;
}

void prometheus_family(std::string& out, const std::string& name, const std::string& type,
                       const std::string& help) {
  out += "# HELP " + name + " " + help + "\n# TYPE " + name + " " + type + "\n";
}

namespace {

void append_sample(std::string& out, const std::string& name, const std::string& value,
                   const std::string& label, const std::string& label_value) {
  out += name;
  if (!label.empty()) out += "{" + label + "=\"" + prometheus_label(label_value) + "\"}";
  out += " " + value + "\n";
}

}  // namespace

void prometheus_sample(std::string& out, const std::string& name, std::uint64_t value,
                       const std::string& label, const std::string& label_value) {
  append_sample(out, name, std::to_string(value), label, label_value);
}

void prometheus_sample(std::string& out, const std::string& name, std::int64_t value,
                       const std::string& label, const std::string& label_value) {
  append_sample(out, name, std::to_string(value), label, label_value);
}

void RequestMetrics::record(const std::string& route, int status, double seconds) {
  std::lock_guard lock(mutex_);
  ++requests_[{route, status}];
  ++count_;
  sum_ += seconds;
  for (size_t i = 0; i < kBuckets.size(); ++i) {
    if (seconds <= kBuckets[i]) ++bucket_counts_[i];
  }
}

std::string RequestMetrics::render() const {
  std::lock_guard lock(mutex_);
  std::string out;
  prometheus_family(out, "yimen_http_requests_total", "counter",
                    "HTTP requests by route and status.");
  for (const auto& [key, n] : requests_) {
    out += "yimen_http_requests_total{route=\"" + prometheus_label(key.first) + "\",status=\"" +
           std::to_string(key.second) + "\"} " + std::to_string(n) + "\n";
  }
  prometheus_family(out, "yimen_http_request_seconds", "histogram",
                    "Time to answer an HTTP request.");
  char le[32];
  for (size_t i = 0; i < kBuckets.size(); ++i) {
    std::snprintf(le, sizeof le, "%g", kBuckets[i]);
    out += std::string("yimen_http_request_seconds_bucket{le=\"") + le + "\"} " +
           std::to_string(bucket_counts_[i]) + "\n";
  }
  out += "yimen_http_request_seconds_bucket{le=\"+Inf\"} " + std::to_string(count_) + "\n";
  char sum[64];
  std::snprintf(sum, sizeof sum, "%.6f", sum_);
  out += std::string("yimen_http_request_seconds_sum ") + sum + "\n";
  out += "yimen_http_request_seconds_count " + std::to_string(count_) + "\n";
  return out;
}

}  // namespace yimen::web
