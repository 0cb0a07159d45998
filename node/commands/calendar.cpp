// yimen calendar publish | list: the city's working-day calendar, one year at
// a time, from a calendar file (node/hall/calendar_file.h has the format).

#include <ostream>

#include "node/commands/command.h"
#include "node/hall/calendar_file.h"
#include "node/hall/hall.h"
#include "node/hall/users.h"
#include "node/node_directory.h"

namespace yimen::node {

Status run_calendar_publish(const CommandArgs& args, CommandContext& ctx) {
  YIMEN_ASSIGN_OR_RETURN(const std::string login, args.required("--as", "LOGIN"));
  YIMEN_ASSIGN_OR_RETURN(auto file, hall::load_calendar_file(ctx.path(args.positionals[0])));
  const Status written =
      write_to_node(args, ctx, [&](NodeAccess& node, CommandAudit& audit) -> Status {
        hall::UserDirectory users(node.node.db);
        YIMEN_ASSIGN_OR_RETURN(auto user, users.find(login));
        if (!user || !user->active) {
          return not_found("--as: no active account " + login +
                           " at this node; see: yimen user list");
        }
        if (user->role != hall::Role::kAdmin) {
          return permission_denied("--as: " + login +
                                   " may not publish the calendar (an administrator may)");
        }
        const hall::Actor actor{user->login, user->display_name, user->department,
                                user->office_phone};
        const Status published = node.hall.publish_calendar(actor, file);
        if (!published.ok()) return published;
        audit.changed("calendar.publish", std::to_string(file.year));
        return {};
      });
  if (!written.ok()) return written;
  ctx.out << "published the " << file.year << " calendar: " << file.holidays.size() << " days off, "
          << file.makeup_working_days.size() << " make-up working days\n";
  return {};
}

Status run_calendar_list(const CommandArgs& args, CommandContext& ctx) {
  YIMEN_ASSIGN_OR_RETURN(const std::string dir, args.required("--data", "DIR"));
  YIMEN_ASSIGN_OR_RETURN(auto node, open_node(dir));
  YIMEN_ASSIGN_OR_RETURN(auto years, hall::load_calendar_years(node.db));
  if (years.empty()) ctx.out << "no calendar published yet\n";
  for (const auto& y : years) {
    ctx.out << y.year << (y.provisional ? " (provisional)" : "") << ": " << y.holidays.size()
            << " days off, " << y.makeup_working_days.size() << " make-up working days; "
            << y.notice << "\n";
  }
  return {};
}

}  // namespace yimen::node
