#pragma once

// A node's configuration: `node.toml` in its data directory, parsed with
// toml++ into a typed struct. config/node.example.toml documents every key.
//
// Errors name the file, the line and the key, e.g.
//   node.toml:7: sync.parent: expected tcp://HOST:PORT
// Unknown keys and tables are errors, so a typo never passes silently.

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/region_code.h"
#include "common/status.h"

namespace yimen::config {

struct StorageConfig {
  // When set, the database key is derived with Argon2id from the passphrase
  // in this environment variable; otherwise it is read from `db.key`.
  std::optional<std::string> passphrase_env;
  // How long a connection waits for a lock before giving up, 100..600000 ms.
  int busy_timeout_ms = 5000;
};

struct SyncConfig {
  // tcp://HOST:PORT this node binds for its children (HOST may be `*`).
  std::optional<std::string> listen;
  // tcp://HOST:PORT children are told to connect to; defaults to `listen`.
  std::optional<std::string> advertise;
  // tcp://HOST:PORT of the parent; written by `yimen enrol install`.
  std::optional<std::string> parent;

  // The endpoint to give to children: advertise, else listen (when its host
  // is not `*`), else nullopt.
  std::optional<std::string> endpoint_for_children() const;
};

struct HallConfig {
  // A case's card turns yellow when at most this many working days are left,
  // the due day included, 0..20.
  int yellow_card_working_days = 1;
  // A case approved on a commitment (告知承诺) is checked within this many
  // working days of the approval, 1..250.
  int post_check_working_days = 20;
  // Calendar days an applicant is given to supply missing materials (补正),
  // 1..365; the day to supply by is printed on the one-time notification.
  int supply_within_days = 30;
};

// When residents may book a visit to this hall (预约, plan task 12). Each slot
// takes one booking per window.
struct AppointmentConfig {
  // Windows that take booked visits, 0..50; 0: this hall takes no bookings.
  int windows = 2;
  // Length of a slot in minutes, 10..240.
  int slot_minutes = 30;
  // Opening hours of a working day: "HH:MM-HH:MM" periods separated by commas.
  std::string hours = "09:00-12:00,14:00-17:00";
  // Bookings open this many days ahead, today included, 1..60.
  int days_ahead = 14;

  // The start of every slot, in minutes after midnight (China Standard Time).
  std::vector<int> slot_starts() const;
};

// Minutes after midnight of "HH:MM" (00:00 to 24:00); nullopt otherwise.
std::optional<int> time_of_day_minutes(std::string_view hh_mm);

// Parses opening hours ("09:00-12:00,14:00-17:00") into [start, end) minute
// ranges, in order and not overlapping; InvalidArgument naming what is wrong.
Result<std::vector<std::pair<int, int>>> parse_opening_hours(std::string_view hours);

struct WebConfig {
  // HOST:PORT the web hall listens on (HOST an IP address; 127.0.0.1 unless
  // the office decides otherwise). Unset: no web server unless `yimen run
  // --web HOST:PORT` asks for one.
  std::optional<std::string> listen;
  // PEM files for HTTPS; both or neither.
  std::optional<std::string> tls_certificate;
  std::optional<std::string> tls_key;
  // Threads serving requests, 1..16.
  int threads = 2;
  // Connections open at once, 16..65536; more are closed as they arrive.
  int max_connections = 512;
};

struct NodeConfig {
  RegionCode id;     // [node] id: the office's 12-digit region code
  std::string name;  // [node] name: the office's name, 1..200 bytes
  StorageConfig storage;
  SyncConfig sync;
  HallConfig hall;
  AppointmentConfig appointments;
  WebConfig web;
};

// Parses TOML `text`; `source` names it in error messages ("node.toml").
// Returns the config, or InvalidArgument with "<source>:<line>: <key>: <what>".
Result<NodeConfig> parse_node_config(std::string_view text, std::string_view source);

// Reads and parses the file at `path`; errors name the path as given.
Result<NodeConfig> load_node_config(const std::filesystem::path& path);

// Renders `config` as an annotated node.toml that parse_node_config reads
// back into an equal config. InvalidArgument naming the key when a value
// could not be read back (not UTF-8, or refused by the checks of
// parse_node_config): nothing is to be written then.
Result<std::string> render_node_config(const NodeConfig& config);

// Validates a ZeroMQ TCP endpoint "tcp://HOST:PORT" (HOST an IPv4 address, a
// DNS name or a bracketed IPv6 address; `*` too when `allow_wildcard`).
bool is_valid_endpoint(std::string_view endpoint, bool allow_wildcard);

// Validates a web listen address "HOST:PORT": an IPv4 address or a bracketed
// IPv6 address, and a port 1..65535. Splits it when valid.
struct WebAddress {
  std::string host;  // without brackets
  std::uint16_t port = 0;
};
std::optional<WebAddress> parse_web_address(std::string_view text);

}  // namespace yimen::config
