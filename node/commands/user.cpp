// yimen user add | list: the node's local user accounts.

#include <algorithm>
#include <iostream>
#include <istream>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "node/commands/command.h"
#include "node/data_lock.h"
#include "node/hall/users.h"
#include "node/node_directory.h"

namespace yimen::node {
namespace {

// Opens the node's database in --data DIR (every schema brought up to date).
Result<storage::Database> open_user_database(const CommandArgs& args) {
  YIMEN_ASSIGN_OR_RETURN(const std::string dir_text, args.required("--data", "DIR"));
  const NodeDirectory dir{std::filesystem::path(dir_text)};
  YIMEN_ASSIGN_OR_RETURN(auto config, dir.load_config());
  return dir.open_database(config);
}

// One line from `in` without its line ending ("\n" or "\r\n"). Reads at most
// hall::kMaxPasswordBytes + 2 bytes, so a longer line fails the password policy.
Result<std::string> read_password_line(std::istream& in) {
  std::string line;
  char c = 0;
  bool got_any = false;
  while (line.size() <= hall::kMaxPasswordBytes + 1 && in.get(c)) {
    got_any = true;
    if (c == '\n') break;
    line.push_back(c);
  }
  if (!got_any) {
    return invalid_argument("no password on standard input (it is closed or empty)");
  }
  if (!line.empty() && line.back() == '\r') line.pop_back();
  if (line.empty()) return invalid_argument("the password on standard input is empty");
  return line;
}

// How many terminal columns `s` takes: East Asian wide characters take two.
std::size_t display_width(std::string_view s) {
  std::size_t width = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if ((c & 0xc0) == 0x80) continue;  // continuation byte
    // Lead bytes 0xe1 and up start U+1000 and above: treat those (CJK among them) as wide.
    width += c >= 0xe1 ? 2 : 1;
  }
  return width;
}

void print_padded(std::ostream& out, std::string_view text, std::size_t width) {
  out << text;
  for (std::size_t w = display_width(text); w < width; ++w) out << ' ';
}

}  // namespace

Status run_user_add(const CommandArgs& args, CommandContext& ctx) {
  hall::NewUser user;
  YIMEN_ASSIGN_OR_RETURN(const std::string role_text, args.required("--role", "ROLE"));
  YIMEN_ASSIGN_OR_RETURN(user.role, hall::parse_role(role_text));
  YIMEN_ASSIGN_OR_RETURN(user.login, args.required("--login", "NAME"));
  YIMEN_ASSIGN_OR_RETURN(user.display_name, args.required("--display", "NAME"));
  user.department = args.option("--department").value_or("");
  user.office_phone = args.option("--phone").value_or("");
  // Check what can be checked before reading stdin or touching the database.
  YIMEN_TRY(hall::validate_new_user(user));
  YIMEN_ASSIGN_OR_RETURN(const std::string password, read_password_line(*ctx.in));
  YIMEN_ASSIGN_OR_RETURN(const std::string login, hall::normalise_login(user.login));
  YIMEN_TRY(hall::check_password_policy(login, password));

  std::optional<hall::User> added;
  YIMEN_TRY(write_to_node(args, ctx, [&](NodeAccess& node, CommandAudit& audit) -> Status {
    hall::UserDirectory users(node.node.db);
    YIMEN_ASSIGN_OR_RETURN(auto created, users.add(user, password, ctx.now()));
    audit.changed("user.add", created.login);
    added = std::move(created);
    return {};
  }));
  ctx.out << "added " << hall::role_name(added->role) << " " << added->login << "\n";
  return {};
}

Status run_user_list(const CommandArgs& args, CommandContext& ctx) {
  YIMEN_ASSIGN_OR_RETURN(auto db, open_user_database(args));
  hall::UserDirectory users(db);
  YIMEN_ASSIGN_OR_RETURN(const auto all, users.list());
  if (all.empty()) {
    ctx.out << "no users; add one with: yimen user add\n";
    return {};
  }
  const std::vector<std::string_view> header = {"LOGIN", "ROLE", "DEPARTMENT", "DISPLAY NAME",
                                                "ACTIVE"};
  std::vector<std::vector<std::string_view>> rows = {header};
  for (const auto& u : all) {
    rows.push_back({u.login, hall::role_name(u.role),
                    u.department.empty() ? std::string_view("-") : std::string_view(u.department),
                    u.display_name, u.active ? "yes" : "no"});
  }
  std::vector<std::size_t> widths(header.size(), 0);
  for (const auto& row : rows) {
    for (std::size_t i = 0; i < row.size(); ++i) {
      widths[i] = std::max(widths[i], display_width(row[i]));
    }
  }
  for (const auto& row : rows) {
    for (std::size_t i = 0; i + 1 < row.size(); ++i) {
      print_padded(ctx.out, row[i], widths[i] + 2);
    }
    ctx.out << row.back() << "\n";
  }
  return {};
}

}  // namespace yimen::node
