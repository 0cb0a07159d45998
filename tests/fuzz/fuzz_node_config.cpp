// Fuzzes node.toml (config/node_config.h): parse_node_config on any text, and
// for every config that parses, render_node_config and parse again, which must
// give the same config (what `init` and `enrol install` rely on when they
// write node.toml).

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "config/node_config.h"
#include "fuzz/fuzz_check.h"

using namespace yimen;

namespace {

// The name of the first field in which `a` and `b` differ, or "" when none does.
std::string first_difference(const config::NodeConfig& a, const config::NodeConfig& b) {
  if (a.id != b.id) return "node.id";
  if (a.name != b.name) return "node.name";
  if (a.storage.passphrase_env != b.storage.passphrase_env) return "storage.passphrase_env";
  if (a.storage.busy_timeout_ms != b.storage.busy_timeout_ms) return "storage.busy_timeout_ms";
  if (a.sync.listen != b.sync.listen) return "sync.listen";
  if (a.sync.advertise != b.sync.advertise) return "sync.advertise";
  if (a.sync.parent != b.sync.parent) return "sync.parent";
  if (a.hall.yellow_card_working_days != b.hall.yellow_card_working_days) {
    return "hall.yellow_card_working_days";
  }
  if (a.hall.post_check_working_days != b.hall.post_check_working_days) {
    return "hall.post_check_working_days";
  }
  if (a.hall.supply_within_days != b.hall.supply_within_days) return "hall.supply_within_days";
  if (a.appointments.windows != b.appointments.windows) return "appointments.windows";
  if (a.appointments.slot_minutes != b.appointments.slot_minutes) {
    return "appointments.slot_minutes";
  }
  if (a.appointments.hours != b.appointments.hours) return "appointments.hours";
  if (a.appointments.days_ahead != b.appointments.days_ahead) return "appointments.days_ahead";
  if (a.web.listen != b.web.listen) return "web.listen";
  if (a.web.tls_certificate != b.web.tls_certificate) return "web.tls_certificate";
  if (a.web.tls_key != b.web.tls_key) return "web.tls_key";
  if (a.web.threads != b.web.threads) return "web.threads";
  if (a.web.max_connections != b.web.max_connections) return "web.max_connections";
  return "";
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto parsed = config::parse_node_config(text, "node.toml");
  if (!parsed.ok()) {
    YIMEN_FUZZ_CHECK(!parsed.status().message().empty(), "an error without a message");
    return 0;
  }
  (void)parsed->sync.endpoint_for_children();
  (void)parsed->appointments.slot_starts();

  // What parses renders: a config the node accepted can always be written back.
  auto rendered = config::render_node_config(*parsed);
  YIMEN_FUZZ_CHECK(rendered.ok(), rendered.status().message());
  auto again = config::parse_node_config(*rendered, "rendered node.toml");
  YIMEN_FUZZ_CHECK(again.ok(), again.status().message());
  const std::string difference = first_difference(*parsed, *again);
  YIMEN_FUZZ_CHECK(difference.empty(), difference);
  auto rendered_again = config::render_node_config(*again);
  YIMEN_FUZZ_CHECK(rendered_again.ok() && *rendered_again == *rendered, "rendering is not stable");
  return 0;
}
