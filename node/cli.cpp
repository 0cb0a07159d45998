#include "node/cli.h"

#include <chrono>
#include <filesystem>
#include <iostream>
#include <ostream>
#include <set>
#include <sstream>
#include <string_view>

#include "node/commands/command.h"
#include "node/control_socket.h"
#include "node/data_lock.h"
#include "node/node_directory.h"

namespace yimen::node {
namespace {

struct Command {
  std::string_view name;  // one or two words: "init", "enrol request"
  std::string_view usage;
  std::string_view summary;
  std::vector<std::string_view> value_options;
  std::vector<std::string_view> flags;
  size_t positionals;  // exactly this many
  Status (*run)(const CommandArgs&, CommandContext&);
};

const std::vector<Command>& commands() {
  static const std::vector<Command> kCommands = {
      {"init",
       "yimen init --data DIR --id CODE --name NAME [--root] [--passphrase-env VAR]",
       "create a node: its key, its encrypted database and node.toml in DIR; --root makes the "
       "city's root certificate",
       {"--data", "--id", "--name", "--passphrase-env"},
       {"--root"},
       0,
       run_init},
      {"enrol request",
       "yimen enrol request --data DIR",
       "print this node's enrolment request token for its parent",
       {"--data"},
       {},
       0,
       run_enrol_request},
      {"enrol approve",
       "yimen enrol approve --data PARENT_DIR TOKEN",
       "certify a direct child from its request token and print its certificate token",
       {"--data"},
       {},
       1,
       run_enrol_approve},
      {"enrol install",
       "yimen enrol install --data DIR TOKEN",
       "install the certificate token from the parent",
       {"--data"},
       {},
       1,
       run_enrol_install},
      {"db check",
       "yimen db check --data DIR",
       "check the database: SQLite's integrity check and a read of every page",
       {"--data"},
       {},
       0,
       run_db_check},
      {"key show",
       "yimen key show --data DIR",
       "print the node's public key and fingerprint",
       {"--data"},
       {},
       0,
       run_key_show},
      {"key revoke",
       "yimen key revoke --data PARENT_DIR --child CODE --reason TEXT [--after-seq N]",
       "revoke an enrolled child's key (lost, stolen or rotated): its events up to seq N (by "
       "default all this node holds of it) stay valid, later ones are refused everywhere; its "
       "link is refused and a new key may be enrolled for it",
       {"--data", "--child", "--reason", "--after-seq"},
       {},
       0,
       run_key_revoke},
      {"user add",
       "yimen user add --data DIR --role ROLE --login NAME --display NAME [--department D] "
       "[--phone P]",
       "add a local account (ROLE: clerk, officer, admin, supervisor; an officer needs "
       "--department); the password is read as one line from standard input",
       {"--data", "--role", "--login", "--display", "--department", "--phone"},
       {},
       0,
       run_user_add},
      {"user list",
       "yimen user list --data DIR",
       "list the local accounts: login, role, department, display name, active",
       {"--data"},
       {},
       0,
       run_user_list},
      {"run",
       "yimen run --data DIR [--web HOST:PORT]",
       "run the node: sync with its parent and children and serve the web hall ([web] listen in "
       "node.toml, or --web) until SIGTERM or Ctrl-C; holds the data directory's lock",
       {"--data", "--web"},
       {},
       0,
       run_run},
      {"status",
       "yimen status --data DIR [--json]",
       "print the sync status of this node and of every node below it: links, last contact, "
       "backlog, quarantined and refused counts, clock offset, version",
       {"--data"},
       {"--json"},
       0,
       run_status},
      {"rebuild",
       "yimen rebuild --data DIR",
       "rebuild every projection (catalogue, calendar, cases) from the event log",
       {"--data"},
       {},
       0,
       run_rebuild},
      {"backup",
       "yimen backup --data DIR --out FILE",
       "write an encrypted, checked copy of the node's database to FILE (a new file), also "
       "while the node runs",
       {"--data", "--out"},
       {},
       0,
       run_backup},
      {"restore",
       "yimen restore --data DIR --from FILE",
       "put a backup of this node in place (the node must be stopped); the node then recovers "
       "its own newer events from its parent before it accepts writes",
       {"--data", "--from"},
       {},
       0,
       run_restore},
      {"recovery status",
       "yimen recovery status --data DIR",
       "say whether the node is recovering after a restore, since when and why",
       {"--data"},
       {},
       0,
       run_recovery_status},
      {"recovery end",
       "yimen recovery end --data DIR --force",
       "take the node out of recovery without its parent (risks forking its log; says how)",
       {"--data"},
       {"--force"},
       0,
       run_recovery_end},
      {"catalogue import",
       "yimen catalogue import --data DIR --as LOGIN FILE",
       "publish every service item of a catalogue file (format: config/catalogue.example.toml) "
       "as a new version, as an administrator or officer of this node",
       {"--data", "--as"},
       {},
       1,
       run_catalogue_import},
      {"catalogue list",
       "yimen catalogue list --data DIR",
       "list the service items this node holds: code, version, name",
       {"--data"},
       {},
       0,
       run_catalogue_list},
      {"case submit",
       "yimen case submit --data DIR --as LOGIN --item CODE [--channel window|online] "
       "[--materials 0:paper,1:shared] [--attach 0:scan.pdf,2:photo.jpg]",
       "take an application (收件); the applicant is read from standard input as one line "
       "ID_NUMBER,NAME,PHONE,DOMICILE; prints the case number and the query code",
       {"--data", "--as", "--item", "--channel", "--materials", "--attach"},
       {},
       0,
       run_case_submit},
      {"case act",
       "yimen case act --data DIR --as LOGIN --case NO --action ACTION [--note TEXT] "
       "[--missing 0,2] [--materials 0:paper]",
       "record an action on a case: accept, refuse, request-materials, accept-supplement, "
       "approve, reject, issue-result, close, withdraw (handling node); return-incomplete, "
       "supply-materials, request-withdrawal, deliver-result (intake node)",
       {"--data", "--as", "--case", "--action", "--note", "--missing", "--materials"},
       {},
       0,
       run_case_act},
      {"case list",
       "yimen case list --data DIR [--state STATE]",
       "list the cases this node holds: number, state, item, handling node",
       {"--data", "--state"},
       {},
       0,
       run_case_list},
      {"case show",
       "yimen case show --data DIR --case NO",
       "show a case and its history (the applicant's ID number masked)",
       {"--data", "--case"},
       {},
       0,
       run_case_show},
      {"blob get",
       "yimen blob get --data DIR --hash HEX --out FILE",
       "write a blob this node holds (an attachment) to a new file",
       {"--data", "--hash", "--out"},
       {},
       0,
       run_blob_get},
      {"log list",
       "yimen log list --data DIR",
       "list the events this node holds in the order it stored them: origin, seq, id, body type",
       {"--data"},
       {},
       0,
       run_log_list},
      {"audit verify",
       "yimen audit verify --data DIR",
       "check the audit log: every row's hash and link from row 1 on, and the rows the node's "
       "anchors (signed events sent to its parent) name; exit 0 intact, 1 with the first "
       "problem found",
       {"--data"},
       {},
       0,
       run_audit_verify},
      {"audit list",
       "yimen audit list --data DIR [--limit N]",
       "print the newest N rows of the audit log (20 unless given): seq, time, actor, action, "
       "target, outcome, client address",
       {"--data", "--limit"},
       {},
       0,
       run_audit_list},
      {"audit anchors",
       "yimen audit anchors --data DIR",
       "check the audit anchors this node received from every node of its subtree (and its "
       "own): per node, how many, the newest, each new epoch it announced (a restore or a "
       "replacement that lost rows), and whether they contradict each other; exit 0 when none "
       "does, 1 otherwise",
       {"--data"},
       {},
       0,
       run_audit_anchors},
      {"calendar publish",
       "yimen calendar publish --data DIR --as LOGIN FILE",
       "publish a year of the working-day calendar from a calendar file (format: "
       "config/calendar-2026.toml), as an administrator of the city node",
       {"--data", "--as"},
       {},
       1,
       run_calendar_publish},
      {"calendar list",
       "yimen calendar list --data DIR",
       "list the published calendar years: days off, make-up working days, the notice",
       {"--data"},
       {},
       0,
       run_calendar_list},
      {"licence verify",
       "yimen licence verify --data DIR FILE",
       "verify an e-licence file or QR payload offline: signature, the issuer's certificate "
       "chain up to the city root, revocation and expiry (exit 0 valid, 1 invalid with the "
       "reason)",
       {"--data"},
       {},
       1,
       run_licence_verify},
      {"licence export",
       "yimen licence export --data DIR --number NUMBER [--qr] [--out FILE]",
       "write a licence this node holds as a file (or, with --qr, its QR payload) to FILE, a "
       "new file, or to standard output",
       {"--data", "--number", "--out"},
       {"--qr"},
       0,
       run_licence_export},
      {"demo-traffic",
       "yimen demo-traffic --city DIR --minutes N [--password-env VAR]",
       "play residents, clerks, officers and supervisors at the running web halls of a demo city "
       "(scripts/demo) for at most N minutes (0.5 allowed): intakes, material requests, "
       "decisions, cross-region cases, ratings, a complaint; prints what it did as name=value "
       "lines. The accounts' password is read from VAR or as one line from standard input",
       {"--city", "--minutes", "--password-env"},
       {},
       0,
       run_demo_traffic},
      {"check-id",
       "yimen check-id NUMBER",
       "say what an 18-character resident ID number or unified social credit code is, or what "
       "is wrong with it (exit 0 valid, 1 invalid)",
       {},
       {},
       1,
       run_check_id},
  };
  return kCommands;
}

// Commands that write the node's database: while `yimen run` holds the data
// directory they are sent to it over the control socket (DESIGN.md section 5).
bool writes(const Command& c) {
  static const std::set<std::string_view> kWriting = {
      "user add", "enrol approve",    "catalogue import", "case submit",
      "case act", "calendar publish", "key revoke"};
  return kWriting.contains(c.name);
}

// Commands that read one line of standard input (a password).
bool reads_line(const Command& c) { return c.name == "user add" || c.name == "case submit"; }

void print_help(std::ostream& out) {
  out << "yimen " << YIMEN_VERSION << " - a service-hall node (一门)\n\nCommands:\n";
  for (const auto& c : commands()) out << "  " << c.usage << "\n      " << c.summary << "\n";
  out << "  yimen help [COMMAND]\n  yimen --version\n";
}

// Splits `words` (after the command name) into options, flags and positionals.
Result<CommandArgs> parse_args(const Command& cmd, const std::vector<std::string>& words) {
  CommandArgs args;
  const std::string see = "; see: yimen help " + std::string(cmd.name);
  for (size_t i = 0; i < words.size(); ++i) {
    const std::string& w = words[i];
    if (w.size() > 2 && w.starts_with("--")) {
      std::string name = w;
      std::optional<std::string> value;
      if (auto eq = w.find('='); eq != std::string::npos) {
        name = w.substr(0, eq);
        value = w.substr(eq + 1);
      }
      const bool takes_value = std::find(cmd.value_options.begin(), cmd.value_options.end(),
                                         name) != cmd.value_options.end();
      const bool is_flag = std::find(cmd.flags.begin(), cmd.flags.end(), name) != cmd.flags.end();
      if (!takes_value && !is_flag) return invalid_argument("unknown option " + name + see);
      if (is_flag) {
        if (value) return invalid_argument(name + " takes no value" + see);
        args.flags.insert(name);
        continue;
      }
      if (!value) {
        if (i + 1 >= words.size()) return invalid_argument(name + " needs a value" + see);
        value = words[++i];
      }
      if (args.options.contains(name)) return invalid_argument(name + " given twice" + see);
      args.options[name] = *value;
    } else {
      args.positionals.push_back(w);
    }
  }
  if (args.positionals.size() != cmd.positionals) {
    return invalid_argument(cmd.positionals == 0
                                ? "unexpected argument " + args.positionals.front() + see
                                : "expected " + std::to_string(cmd.positionals) + " argument(s)" +
                                      see);
  }
  return args;
}

const Command* find_command(const std::vector<std::string>& args, size_t& used) {
  for (const auto& c : commands()) {
    const auto space = c.name.find(' ');
    if (space == std::string_view::npos) {
      if (!args.empty() && args[0] == c.name) {
        used = 1;
        return &c;
      }
    } else if (args.size() >= 2 && args[0] == c.name.substr(0, space) &&
               args[1] == c.name.substr(space + 1)) {
      used = 2;
      return &c;
    }
  }
  return nullptr;
}

// Whether a node runs in `dir` and answers on its control socket.
bool node_runs_in(const std::string& dir) {
  std::error_code ec;
  if (!std::filesystem::exists(control_socket_path(dir), ec)) return false;
  auto lock = DataLock::acquire(dir);
  return !lock.ok() && lock.status().code() == ErrorCode::kFailedPrecondition;
}

int forward(const Command& cmd, const std::vector<std::string>& args, const std::string& dir,
            std::ostream& out, std::ostream& err) {
  std::string input;
  if (reads_line(cmd)) std::getline(std::cin, input);
  std::vector<std::string> words = {std::filesystem::current_path().string()};
  words.insert(words.end(), args.begin(), args.end());
  auto reply = send_control(dir, words, input, 60'000);
  if (!reply.ok()) {
    err << "yimen " << cmd.name << ": " << reply.status().message() << "\n";
    return 1;
  }
  out << reply->out;
  err << reply->err;
  return reply->exit_code;
}

// Parses and runs one command. `runtime` is set when the running node runs a
// forwarded command.
int dispatch(const std::vector<std::string>& args, std::ostream& out, std::ostream& err,
             std::istream& in, const std::filesystem::path& cwd, NodeRuntime* runtime);

}  // namespace

ControlReply run_forwarded_command(const std::vector<std::string>& words, const std::string& input,
                                   NodeRuntime& runtime) {
  if (words.empty()) return {2, "", "yimen: an empty forwarded command\n"};
  std::istringstream in(input);
  std::ostringstream out, err;
  const int code = dispatch(std::vector<std::string>(words.begin() + 1, words.end()), out, err, in,
                            words[0], &runtime);
  return {code, out.str(), err.str()};
}

namespace {

int dispatch(const std::vector<std::string>& args, std::ostream& out, std::ostream& err,
             std::istream& in, const std::filesystem::path& cwd, NodeRuntime* runtime) {
  if (args.empty() || args[0] == "help" || args[0] == "--help" || args[0] == "-h") {
    if (args.size() > 1 && args[0] == "help") {
      std::vector<std::string> rest(args.begin() + 1, args.end());
      size_t used = 0;
      if (const Command* c = find_command(rest, used)) {
        out << "usage: " << c->usage << "\n" << c->summary << "\n";
        return 0;
      }
      err << "yimen: no command '" << rest[0] << "'; run: yimen help\n";
      return 2;
    }
    print_help(out);
    return args.empty() ? 2 : 0;
  }
  if (args[0] == "--version" || args[0] == "version") {
    out << "yimen " << YIMEN_VERSION << "\n";
    return 0;
  }
  size_t used = 0;
  const Command* cmd = find_command(args, used);
  if (cmd == nullptr) {
    err << "yimen: unknown command '" << args[0]
        << (args.size() > 1 && !args[1].starts_with("-") ? " " + args[1] : std::string())
        << "'; run: yimen help\n";
    return 2;
  }
  auto parsed = parse_args(
      *cmd, std::vector<std::string>(args.begin() + static_cast<long>(used), args.end()));
  if (!parsed.ok()) {
    err << "yimen " << cmd->name << ": " << parsed.status().message() << "\n";
    return 2;
  }
  if (runtime == nullptr && writes(*cmd)) {
    if (auto dir = parsed->option("--data"); dir && node_runs_in(*dir)) {
      return forward(*cmd, args, *dir, out, err);
    }
  }
  CommandContext ctx{out, [] { return system_clock_ms() / 1000; }, &in, cwd, runtime};
  const Status status = cmd->run(*parsed, ctx);
  if (!status.ok()) {
    err << "yimen " << cmd->name << ": " << status.message() << "\n";
    return 1;
  }
  return 0;
}

}  // namespace

int run_cli(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  return dispatch(args, out, err, std::cin, std::filesystem::current_path(), nullptr);
}

}  // namespace yimen::node
