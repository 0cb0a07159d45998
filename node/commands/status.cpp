// yimen status: the sync status of this node and of every node below it
// (soft state the running nodes report upward, DESIGN.md section 3).

#include <cstdio>
#include <ostream>

#include "node/commands/command.h"
#include "node/data_lock.h"
#include "node/hall/hall_projection.h"
#include "node/node_directory.h"
#include "sync/link_store.h"

namespace yimen::node {
namespace {

// A report older than this is shown as stale: the node or a link on the way is down.
constexpr std::int64_t kStaleAfterMs = 30'000;

std::string json_string(const std::string& s) {
  std::string out = "\"";
  for (const char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += ch;
    } else if (c < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", c);
      out += buf;
    } else {
      out += ch;
    }
  }
  return out + "\"";
}

std::string age(std::int64_t now_ms, std::int64_t then_ms) {
  if (then_ms <= 0) return "never";
  const std::int64_t s = (now_ms - then_ms) / 1000;
  if (s < 120) return std::to_string(std::max<std::int64_t>(s, 0)) + "s ago";
  if (s < 7200) return std::to_string(s / 60) + "m ago";
  return std::to_string(s / 3600) + "h ago";
}

// The calendar line: a warning when this year's or, from 1 November, next
// year's working-day calendar is missing.
std::string calendar_line(const hall::CalendarOutlook& c) {
  if (c.missing_year) {
    return "calendar: WARNING the " + std::to_string(*c.missing_year) +
           " working-day calendar is not published: deadlines, cards, appointments and "
           "on-time figures are unknown from " +
           c.unknown_from->to_string() +
           "; the city publishes it with: yimen calendar publish --data DIR --as LOGIN FILE\n";
  }
  return "calendar: " + std::to_string(c.this_year) + " published, " +
         std::to_string(c.this_year + 1) +
         (c.next_year_published ? " published\n" : " not yet published\n");
}

}  // namespace

Status run_status(const CommandArgs& args, CommandContext& ctx) {
  YIMEN_ASSIGN_OR_RETURN(const std::string dir_text, args.required("--data", "DIR"));
  const std::filesystem::path dir(dir_text);
  // Running when another process holds the lock.
  const bool running = !NodeDirectory(dir).lock().ok();
  YIMEN_ASSIGN_OR_RETURN(auto node, open_node(dir));
  YIMEN_ASSIGN_OR_RETURN(auto rows, sync::load_status(node.db));
  YIMEN_ASSIGN_OR_RETURN(auto counts, sync::count_log(node.db));
  const std::int64_t now = system_clock_ms();
  const std::string self = node.identity.id.str();
  YIMEN_ASSIGN_OR_RETURN(const auto calendar, hall::load_calendar(node.db));
  const hall::CalendarOutlook outlook = hall::calendar_outlook(calendar, hall::cst_date(ctx.now()));

  if (args.flag("--json")) {
    ctx.out << "{\"node\":" << json_string(self) << ",\"running\":" << (running ? "true" : "false")
            << ",\"events\":" << counts.last_local_seq << ",\"quarantined\":" << counts.quarantined
            << ",\"pending\":" << counts.pending << ",\"forks\":" << counts.forks
            << ",\"calendar\":{\"this_year\":" << outlook.this_year
            << ",\"this_year_published\":" << (outlook.this_year_published ? "true" : "false")
            << ",\"next_year_published\":" << (outlook.next_year_published ? "true" : "false")
            << ",\"missing_year\":"
            << (outlook.missing_year ? std::to_string(*outlook.missing_year) : "null")
            << "},\"nodes\":[";
    bool first = true;
    for (const auto& r : rows) {
      const auto& s = r.status;
      ctx.out << (first ? "" : ",") << "{\"node\":" << json_string(s.node)
              << ",\"link_up\":" << (s.link_up ? "true" : "false")
              << ",\"last_contact_ms\":" << s.last_contact_ms << ",\"backlog\":" << s.backlog
              << ",\"quarantined\":" << s.quarantined << ",\"refused\":" << s.refused
              << ",\"conflicts\":" << s.conflicts << ",\"pending\":" << s.pending
              << ",\"forks\":" << s.forks << ",\"clock_offset_ms\":" << s.clock_offset_ms
              << ",\"software\":" << json_string(s.software)
              << ",\"reported_at_ms\":" << s.reported_at_ms << ",\"received_ms\":" << r.received_ms
              << ",\"stale\":" << (now - s.reported_at_ms > kStaleAfterMs ? "true" : "false")
              << "}";
      first = false;
    }
    ctx.out << "]}\n";
    return {};
  }

  ctx.out << "node " << self << (running ? " (running)" : " (not running)") << ": "
          << counts.last_local_seq << " events, " << counts.quarantined << " quarantined, "
          << counts.pending << " pending, " << counts.forks << " forks\n"
          << calendar_line(outlook);
  if (rows.empty()) {
    ctx.out << "no status reported yet (reports are written while nodes run)\n";
    return {};
  }
  char line[256];
  std::snprintf(line, sizeof line, "%-14s %-6s %-12s %8s %6s %6s %6s %9s %-14s %s\n", "NODE",
                "LINK", "CONTACT", "BACKLOG", "QUAR", "REFUSED", "CONFL", "OFFSET_MS", "VERSION",
                "REPORT");
  ctx.out << line;
  for (const auto& r : rows) {
    const auto& s = r.status;
    const bool is_root_self = s.node == self && !node.config.sync.parent;
    // Reports are relayed hop by hop: their age is the reporting node's clock's.
    const bool stale = now - s.reported_at_ms > kStaleAfterMs;
    std::snprintf(line, sizeof line, "%-14s %-6s %-12s %8lld %6lld %6lld %6lld %9lld %-14s %s%s\n",
                  s.node.c_str(), is_root_self ? "root" : (s.link_up ? "up" : "down"),
                  is_root_self ? "-" : age(now, s.last_contact_ms).c_str(),
                  static_cast<long long>(s.backlog), static_cast<long long>(s.quarantined),
                  static_cast<long long>(s.refused), static_cast<long long>(s.conflicts),
                  static_cast<long long>(s.clock_offset_ms), s.software.c_str(),
                  age(now, s.reported_at_ms).c_str(), stale ? " STALE" : "");
    ctx.out << line;
  }
  return {};
}

}  // namespace yimen::node
