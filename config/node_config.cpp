#include "config/node_config.h"

#include <toml++/toml.h>

#include <charconv>
#include <fstream>
#include <set>
#include <sstream>

#include "common/text.h"
#include "config/toml_names.h"

namespace yimen::config {
namespace {

// Collects the first error of a parse, with its position and key.
class Checker {
 public:
  explicit Checker(std::string_view source) : source_(source) {}

  bool failed() const { return !status_.ok(); }
  const Status& status() const { return status_; }

  void fail(const toml::node* at, const std::string& key, const std::string& what) {
    if (failed()) return;
    std::string where(source_);
    if (at != nullptr && at->source().begin.line > 0) {
      where += ":" + std::to_string(at->source().begin.line);
    }
    status_ = invalid_argument(where + ": " + key + ": " + what);
  }

  // Every key of `table` must be in `allowed`.
  void only_keys(const toml::table& table, const std::string& prefix,
                 const std::set<std::string_view>& allowed) {
    for (const auto& [k, v] : table) {
      if (!allowed.contains(k.str())) {
        fail(&v, prefix + std::string(k.str()), v.is_table() ? "unknown table" : "unknown key");
      }
    }
  }

  const toml::table* table(const toml::table& root, std::string_view name, bool required) {
    const toml::node* n = root.get(name);
    if (n == nullptr) {
      if (required) fail(nullptr, std::string(name), "required table is missing");
      return nullptr;
    }
    if (!n->is_table()) {
      fail(n, std::string(name), "expected a table");
      return nullptr;
    }
    return n->as_table();
  }

  std::optional<std::string> string(const toml::table* t, std::string_view table_name,
                                    std::string_view key, bool required) {
    const std::string full = std::string(table_name) + "." + std::string(key);
    const toml::node* n = t == nullptr ? nullptr : t->get(key);
    if (n == nullptr) {
      if (required) fail(nullptr, full, "required key is missing");
      return std::nullopt;
    }
    if (!n->is_string()) {
      fail(n, full, std::string("expected a string, got ") + toml_type_name(*n));
      return std::nullopt;
    }
    return n->as_string()->get();
  }

  std::optional<std::int64_t> integer(const toml::table* t, std::string_view table_name,
                                      std::string_view key) {
    const std::string full = std::string(table_name) + "." + std::string(key);
    const toml::node* n = t == nullptr ? nullptr : t->get(key);
    if (n == nullptr) return std::nullopt;
    if (!n->is_integer()) {
      fail(n, full, std::string("expected an integer, got ") + toml_type_name(*n));
      return std::nullopt;
    }
    return n->as_integer()->get();
  }

  const toml::node* node(const toml::table* t, std::string_view key) {
    return t == nullptr ? nullptr : t->get(key);
  }

 private:
  std::string_view source_;
  Status status_;
};

// A TOML basic string holding `s` exactly: quotes, backslashes and every
// control character escaped, whatever the value (TOML allows none of them bare
// but the tab, and the tab is escaped too).
std::string toml_string(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out.push_back('\\');
      out.push_back(c);
    } else if (u < 0x20 || u == 0x7f) {
      static constexpr char kHex[] = "0123456789ABCDEF";
      out += "\\u00";
      out.push_back(kHex[u >> 4]);
      out.push_back(kHex[u & 0xf]);
    } else {
      out.push_back(c);
    }
  }
  out.push_back('"');
  return out;
}

// A file named in node.toml (a TLS certificate or key): 1 to 4096 bytes of
// UTF-8 without control characters, relative to the data directory or absolute.
bool is_valid_file_path(std::string_view path) {
  return !path.empty() && path.size() <= 4096 && is_display_text(path);
}

}  // namespace

bool is_valid_endpoint(std::string_view endpoint, bool allow_wildcard) {
  constexpr std::string_view kScheme = "tcp://";
  if (endpoint.substr(0, kScheme.size()) != kScheme) return false;
  const std::string_view rest = endpoint.substr(kScheme.size());
  const size_t colon = rest.rfind(':');
  if (colon == std::string_view::npos || colon == 0) return false;
  const std::string_view host = rest.substr(0, colon);
  const std::string_view port = rest.substr(colon + 1);
  unsigned value = 0;
  auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
  if (ec != std::errc() || end != port.data() + port.size() || port.empty() || port[0] == '0' ||
      value == 0 || value > 65535) {
    return false;
  }
  if (host == "*") return allow_wildcard;
  if (host.front() == '[') {
    if (host.back() != ']' || host.size() < 4) return false;
    for (char c : host.substr(1, host.size() - 2)) {
      if (!(std::isxdigit(static_cast<unsigned char>(c)) || c == ':' || c == '.')) return false;
    }
    return true;
  }
  // A DNS name or an IPv4 address: labels of letters, digits and hyphens.
  if (host.size() > 253) return false;
  size_t label = 0;
  for (size_t i = 0; i <= host.size(); ++i) {
    if (i == host.size() || host[i] == '.') {
      if (label == 0 || label > 63 || host[i - 1] == '-') return false;
      label = 0;
      continue;
    }
    const char c = host[i];
    if (!(std::isalnum(static_cast<unsigned char>(c)) || (c == '-' && label > 0))) return false;
    ++label;
  }
  return true;
}

std::optional<int> time_of_day_minutes(std::string_view hh_mm) {
  if (hh_mm.size() != 5 || hh_mm[2] != ':') return std::nullopt;
  for (const size_t i : {size_t{0}, size_t{1}, size_t{3}, size_t{4}}) {
    if (hh_mm[i] < '0' || hh_mm[i] > '9') return std::nullopt;
  }
  const int h = (hh_mm[0] - '0') * 10 + (hh_mm[1] - '0');
  const int m = (hh_mm[3] - '0') * 10 + (hh_mm[4] - '0');
  if (h > 24 || m > 59 || (h == 24 && m != 0)) return std::nullopt;
  return h * 60 + m;
}

Result<std::vector<std::pair<int, int>>> parse_opening_hours(std::string_view hours) {
  std::vector<std::pair<int, int>> out;
  while (!hours.empty()) {
    const size_t comma = hours.find(',');
    std::string_view period = hours.substr(0, comma);
    hours = comma == std::string_view::npos ? std::string_view() : hours.substr(comma + 1);
    while (!period.empty() && period.front() == ' ') period.remove_prefix(1);
    while (!period.empty() && period.back() == ' ') period.remove_suffix(1);
    const size_t dash = period.find('-');
    const auto from = time_of_day_minutes(period.substr(0, dash));
    const auto to = dash == std::string_view::npos ? std::nullopt
                                                   : time_of_day_minutes(period.substr(dash + 1));
    if (!from || !to) {
      return invalid_argument("expected periods like \"09:00-12:00\", not \"" +
                              std::string(period) + "\"");
    }
    if (*from >= *to) {
      return invalid_argument("period " + std::string(period) + " ends before it starts");
    }
    if (!out.empty() && *from < out.back().second) {
      return invalid_argument("period " + std::string(period) +
                              " overlaps or precedes the one before it");
    }
    out.emplace_back(*from, *to);
  }
  if (out.empty()) return invalid_argument("expected at least one period like \"09:00-12:00\"");
  return out;
}

std::vector<int> AppointmentConfig::slot_starts() const {
  std::vector<int> out;
  auto periods = parse_opening_hours(hours);
  if (!periods.ok() || slot_minutes <= 0) return out;
  for (const auto& [from, to] : *periods) {
    for (int m = from; m + slot_minutes <= to; m += slot_minutes) out.push_back(m);
  }
  return out;
}

std::optional<std::string> SyncConfig::endpoint_for_children() const {
  if (advertise) return advertise;
  if (listen && listen->find("://*:") == std::string::npos) return listen;
  return std::nullopt;
}

Result<NodeConfig> parse_node_config(std::string_view text, std::string_view source) {
  toml::table root;
  try {
    root = toml::parse(text, source);
  } catch (const toml::parse_error& e) {
    return invalid_argument(std::string(source) + ":" + std::to_string(e.source().begin.line) +
                            ":" + std::to_string(e.source().begin.column) + ": " +
                            std::string(e.description()));
  }
  Checker check(source);
  check.only_keys(root, "", {"node", "storage", "sync", "hall", "appointments", "web"});

  const toml::table* node = check.table(root, "node", true);
  const toml::table* storage = check.table(root, "storage", false);
  const toml::table* sync = check.table(root, "sync", false);
  const toml::table* hall = check.table(root, "hall", false);
  const toml::table* appointments = check.table(root, "appointments", false);
  const toml::table* web = check.table(root, "web", false);
  if (node != nullptr) check.only_keys(*node, "node.", {"id", "name"});
  if (storage != nullptr)
    check.only_keys(*storage, "storage.", {"passphrase_env", "busy_timeout_ms"});
  if (sync != nullptr) check.only_keys(*sync, "sync.", {"listen", "advertise", "parent"});
  if (hall != nullptr)
    check.only_keys(*hall, "hall.",
                    {"yellow_card_working_days", "post_check_working_days", "supply_within_days"});
  if (appointments != nullptr) {
    check.only_keys(*appointments, "appointments.",
                    {"windows", "slot_minutes", "hours", "days_ahead"});
  }
  if (web != nullptr) {
    check.only_keys(*web, "web.",
                    {"listen", "tls_certificate", "tls_key", "threads", "max_connections"});
  }
  if (check.failed()) return check.status();

  const auto id_text = check.string(node, "node", "id", true);
  const auto name = check.string(node, "node", "name", true);
  if (check.failed()) return check.status();
  auto id = RegionCode::parse(*id_text);
  if (!id.ok()) {
    check.fail(check.node(node, "id"), "node.id", id.status().message());
    return check.status();
  }
  if (!is_valid_node_name(*name)) {
    check.fail(check.node(node, "name"), "node.name", "expected 1 to 200 bytes of text");
    return check.status();
  }
  NodeConfig config{*id, *name, {}, {}, {}, {}, {}};

  config.storage.passphrase_env = check.string(storage, "storage", "passphrase_env", false);
  if (config.storage.passphrase_env) {
    const auto& var = *config.storage.passphrase_env;
    const bool ok_name = !var.empty() && !std::isdigit(static_cast<unsigned char>(var[0])) &&
                         var.find_first_not_of(
                             "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
                             "abcdefghijklmnopqrstuvwxyz0123456789_") == std::string::npos;
    if (!ok_name) {
      check.fail(check.node(storage, "passphrase_env"), "storage.passphrase_env",
                 "expected an environment variable name");
    }
  }
  if (auto timeout = check.integer(storage, "storage", "busy_timeout_ms")) {
    if (*timeout < 100 || *timeout > 600000) {
      check.fail(check.node(storage, "busy_timeout_ms"), "storage.busy_timeout_ms",
                 "expected 100 to 600000");
    } else {
      config.storage.busy_timeout_ms = static_cast<int>(*timeout);
    }
  }

  struct EndpointKey {
    std::string_view key;
    std::optional<std::string>* field;
    bool wildcard;
  };
  for (const EndpointKey& e : {EndpointKey{"listen", &config.sync.listen, true},
                               EndpointKey{"advertise", &config.sync.advertise, false},
                               EndpointKey{"parent", &config.sync.parent, false}}) {
    *e.field = check.string(sync, "sync", e.key, false);
    if (*e.field && !is_valid_endpoint(**e.field, e.wildcard)) {
      check.fail(
          check.node(sync, e.key), "sync." + std::string(e.key),
          e.wildcard ? "expected tcp://HOST:PORT (HOST may be *)" : "expected tcp://HOST:PORT");
    }
  }
  if (auto yellow = check.integer(hall, "hall", "yellow_card_working_days")) {
    if (*yellow < 0 || *yellow > 20) {
      check.fail(check.node(hall, "yellow_card_working_days"), "hall.yellow_card_working_days",
                 "expected 0 to 20 working days");
    } else {
      config.hall.yellow_card_working_days = static_cast<int>(*yellow);
    }
  }
  if (auto days = check.integer(hall, "hall", "post_check_working_days")) {
    if (*days < 1 || *days > 250) {
      check.fail(check.node(hall, "post_check_working_days"), "hall.post_check_working_days",
                 "expected 1 to 250 working days");
    } else {
      config.hall.post_check_working_days = static_cast<int>(*days);
    }
  }
  if (auto days = check.integer(hall, "hall", "supply_within_days")) {
    if (*days < 1 || *days > 365) {
      check.fail(check.node(hall, "supply_within_days"), "hall.supply_within_days",
                 "expected 1 to 365 days");
    } else {
      config.hall.supply_within_days = static_cast<int>(*days);
    }
  }
  struct Bounded {
    std::string_view key;
    int* field;
    int low;
    int high;
    const char* what;
  };
  for (const Bounded& b :
       {Bounded{"windows", &config.appointments.windows, 0, 50, "expected 0 to 50 windows"},
        Bounded{"slot_minutes", &config.appointments.slot_minutes, 10, 240,
                "expected 10 to 240 minutes"},
        Bounded{"days_ahead", &config.appointments.days_ahead, 1, 60, "expected 1 to 60 days"}}) {
    if (auto v = check.integer(appointments, "appointments", b.key)) {
      if (*v < b.low || *v > b.high) {
        check.fail(check.node(appointments, b.key), "appointments." + std::string(b.key), b.what);
      } else {
        *b.field = static_cast<int>(*v);
      }
    }
  }
  if (auto hours = check.string(appointments, "appointments", "hours", false)) {
    if (auto periods = parse_opening_hours(*hours); !periods.ok()) {
      check.fail(check.node(appointments, "hours"), "appointments.hours",
                 periods.status().message());
    } else {
      config.appointments.hours = *hours;
    }
  }
  if (!check.failed() && config.appointments.windows > 0 &&
      config.appointments.slot_starts().empty()) {
    check.fail(check.node(appointments, "slot_minutes"), "appointments.slot_minutes",
               "no slot of this length fits in the opening hours");
  }
  config.web.listen = check.string(web, "web", "listen", false);
  if (config.web.listen && !parse_web_address(*config.web.listen)) {
    check.fail(check.node(web, "listen"), "web.listen",
               "expected HOST:PORT with an IP address, e.g. 127.0.0.1:8080");
  }
  config.web.tls_certificate = check.string(web, "web", "tls_certificate", false);
  config.web.tls_key = check.string(web, "web", "tls_key", false);
  for (const auto& [key, value] : {std::pair{"tls_certificate", &config.web.tls_certificate},
                                   std::pair{"tls_key", &config.web.tls_key}}) {
    if (*value && !is_valid_file_path(**value)) {
      check.fail(check.node(web, key), "web." + std::string(key),
                 "expected the path of a PEM file: 1 to 4096 bytes of text without control "
                 "characters");
    }
  }
  if (config.web.tls_certificate.has_value() != config.web.tls_key.has_value()) {
    check.fail(check.node(web, config.web.tls_key ? "tls_key" : "tls_certificate"),
               config.web.tls_key ? "web.tls_key" : "web.tls_certificate",
               "tls_certificate and tls_key go together");
  }
  if (auto threads = check.integer(web, "web", "threads")) {
    if (*threads < 1 || *threads > 16) {
      check.fail(check.node(web, "threads"), "web.threads", "expected 1 to 16");
    } else {
      config.web.threads = static_cast<int>(*threads);
    }
  }
  if (auto most = check.integer(web, "web", "max_connections")) {
    if (*most < 16 || *most > 65536) {
      check.fail(check.node(web, "max_connections"), "web.max_connections", "expected 16 to 65536");
    } else {
      config.web.max_connections = static_cast<int>(*most);
    }
  }
  if (check.failed()) return check.status();
  return config;
}

std::optional<WebAddress> parse_web_address(std::string_view text) {
  const auto colon = text.rfind(':');
  if (colon == std::string_view::npos || colon == 0) return std::nullopt;
  std::string_view host = text.substr(0, colon);
  const std::string_view port = text.substr(colon + 1);
  if (port.empty() || port.size() > 5 || port.find_first_not_of("0123456789") != port.npos) {
    return std::nullopt;
  }
  const int p = std::stoi(std::string(port));
  if (p < 1 || p > 65535) return std::nullopt;
  if (host.front() == '[') {
    if (host.back() != ']' || host.size() < 3) return std::nullopt;
    host = host.substr(1, host.size() - 2);
    if (host.find_first_not_of("0123456789abcdefABCDEF:.") != host.npos) return std::nullopt;
  } else {
    // Dotted IPv4: four numbers 0..255.
    int parts = 0;
    size_t start = 0;
    for (;;) {
      const auto dot = host.find('.', start);
      const auto part = host.substr(start, dot == host.npos ? host.npos : dot - start);
      if (part.empty() || part.size() > 3 || part.find_first_not_of("0123456789") != part.npos ||
          std::stoi(std::string(part)) > 255) {
        return std::nullopt;
      }
      ++parts;
      if (dot == host.npos) break;
      start = dot + 1;
    }
    if (parts != 4) return std::nullopt;
  }
  return WebAddress{std::string(host), static_cast<std::uint16_t>(p)};
}

Result<NodeConfig> load_node_config(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return not_found(path.string() + ": cannot read the node configuration");
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) return io_error(path.string() + ": cannot read the node configuration");
  return parse_node_config(text.str(), path.string());
}

Result<std::string> render_node_config(const NodeConfig& c) {
  // TOML holds UTF-8 only: a value that is not cannot be written at all.
  const std::pair<const char*, const std::optional<std::string>*> texts[] = {
      {"storage.passphrase_env", &c.storage.passphrase_env},
      {"sync.listen", &c.sync.listen},
      {"sync.advertise", &c.sync.advertise},
      {"sync.parent", &c.sync.parent},
      {"web.listen", &c.web.listen},
      {"web.tls_certificate", &c.web.tls_certificate},
      {"web.tls_key", &c.web.tls_key}};
  for (const auto& [key, value] : texts) {
    if (*value && !is_utf8(**value)) return invalid_argument(std::string(key) + ": not UTF-8 text");
  }
  if (!is_utf8(c.name)) return invalid_argument("node.name: not UTF-8 text");
  if (!is_utf8(c.appointments.hours)) return invalid_argument("appointments.hours: not UTF-8 text");

  std::ostringstream out;
  out << "# Yimen node configuration. Every key is described in config/node.example.toml.\n"
      << "# Unknown keys are errors.\n\n"
      << "[node]\n"
      << "# The office's 12-digit statistical region code; it is the node's identity.\n"
      << "id = " << toml_string(c.id.str()) << "\n"
      << "name = " << toml_string(c.name) << "\n\n"
      << "[storage]\n";
  if (c.storage.passphrase_env) {
    out << "# The database key is derived from the passphrase in this environment variable.\n"
        << "passphrase_env = " << toml_string(*c.storage.passphrase_env) << "\n";
  } else {
    out << "# The database key is in db.key (mode 0600) beside hall.db.\n";
  }
  out << "busy_timeout_ms = " << c.storage.busy_timeout_ms << "\n\n"
      << "[sync]\n";
  auto endpoint = [&](const char* key, const std::optional<std::string>& v, const char* what) {
    out << "# " << what << "\n";
    if (v) {
      out << key << " = " << toml_string(*v) << "\n";
    } else {
      out << "# " << key << " = \"tcp://HOST:PORT\"\n";
    }
  };
  endpoint("listen", c.sync.listen, "Where this node listens for its children.");
  endpoint("advertise", c.sync.advertise, "The address children are told to connect to.");
  endpoint("parent", c.sync.parent, "The parent's address, set by `yimen enrol install`.");
  out << "\n[hall]\n"
      << "# A case's card turns yellow when at most this many working days are left.\n"
      << "yellow_card_working_days = " << c.hall.yellow_card_working_days << "\n"
      << "# A case approved on a commitment (告知承诺) is checked within this many\n"
      << "# working days of the approval.\n"
      << "post_check_working_days = " << c.hall.post_check_working_days << "\n"
      << "# An applicant asked for missing materials (补正) supplies them within this\n"
      << "# many calendar days; the day is printed on the one-time notification.\n"
      << "supply_within_days = " << c.hall.supply_within_days << "\n"
      << "\n[appointments]\n"
      << "# Residents book visits (预约): one booking per window in each slot of the\n"
      << "# opening hours, on working days, up to days_ahead days ahead. windows = 0:\n"
      << "# no bookings at this hall.\n"
      << "windows = " << c.appointments.windows << "\n"
      << "slot_minutes = " << c.appointments.slot_minutes << "\n"
      << "hours = " << toml_string(c.appointments.hours) << "\n"
      << "days_ahead = " << c.appointments.days_ahead << "\n"
      << "\n[web]\n"
      << "# Where the web hall listens (HOST:PORT, an IP address). Unset: only with\n"
      << "# `yimen run --web HOST:PORT`. Keep it on 127.0.0.1 unless the office's\n"
      << "# network is protected; use tls_certificate and tls_key (PEM) beyond it.\n";
  if (c.web.listen) {
    out << "listen = " << toml_string(*c.web.listen) << "\n";
  } else {
    out << "# listen = \"127.0.0.1:8080\"\n";
  }
  if (c.web.tls_certificate && c.web.tls_key) {
    out << "tls_certificate = " << toml_string(*c.web.tls_certificate) << "\n"
        << "tls_key = " << toml_string(*c.web.tls_key) << "\n";
  }
  out << "threads = " << c.web.threads << "\n";
  out << "max_connections = " << c.web.max_connections << "\n";
  // What is written must start the node: a value its checks refuse is refused here.
  std::string text = out.str();
  YIMEN_TRY(parse_node_config(text, "node.toml").status());
  return text;
}

}  // namespace yimen::config
