// yimen demo-traffic: plays residents, clerks, officers and supervisors
// against the running web halls of a demo city (scripts/demo) for a bounded
// time, so that every page of the demo has cases to show (node/demo/traffic.h).

#include <charconv>
#include <cstdlib>
#include <istream>
#include <random>

#include "node/commands/command.h"
#include "node/demo/demo_city.h"
#include "node/demo/traffic.h"

namespace yimen::node {
namespace {

constexpr double kMaxMinutes = 24 * 60;

// "--minutes N": N minutes, fractions allowed (0.5), at most a day.
Result<std::chrono::milliseconds> parse_minutes(const std::string& text) {
  double minutes = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), minutes);
  if (ec != std::errc() || end != text.data() + text.size() || !(minutes > 0) ||
      minutes > kMaxMinutes) {
    return invalid_argument(
        "--minutes: expected a number of minutes above 0 and at most 1440, "
        "got " +
        text);
  }
  return std::chrono::milliseconds(static_cast<std::int64_t>(minutes * 60'000));
}

// The staff password: from the variable --password-env names, else one line
// of standard input. Never from the command line, where others could read it.
Result<std::string> password_of(const CommandArgs& args, CommandContext& ctx) {
  if (auto var = args.option("--password-env")) {
    const char* value = std::getenv(var->c_str());
    if (value == nullptr || *value == '\0') {
      return invalid_argument("--password-env: the environment variable " + *var + " is not set");
    }
    return std::string(value);
  }
  std::string line;
  if (ctx.in == nullptr || !std::getline(*ctx.in, line) || line.empty()) {
    return invalid_argument(
        "expected the demo accounts' password as one line on standard input, or "
        "--password-env VAR");
  }
  if (line.back() == '\r') line.pop_back();
  return line;
}

}  // namespace

Status run_demo_traffic(const CommandArgs& args, CommandContext& ctx) {
  YIMEN_ASSIGN_OR_RETURN(const std::string city, args.required("--city", "DIR"));
  YIMEN_ASSIGN_OR_RETURN(const std::string minutes, args.required("--minutes", "N"));
  YIMEN_ASSIGN_OR_RETURN(const auto length, parse_minutes(minutes));
  YIMEN_ASSIGN_OR_RETURN(const auto nodes, demo::find_demo_nodes(ctx.path(city)));
  YIMEN_ASSIGN_OR_RETURN(std::string password, password_of(args, ctx));
  const demo::TrafficOptions options{std::move(password), length, std::random_device{}()};
  YIMEN_ASSIGN_OR_RETURN(const auto summary, demo::play_demo_traffic(nodes, options));
  summary.print(ctx.out);
  return {};
}

}  // namespace yimen::node
