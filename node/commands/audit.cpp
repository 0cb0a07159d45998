// yimen audit verify | list: the node's audit log (node/hall/audit_log.h); yimen audit anchors:
// the anchors of its subtree's logs it received. All three only read, so they work while
// `yimen run` holds the data directory.

#include <ostream>

#include "node/commands/command.h"
#include "node/hall/audit_log.h"
#include "node/node_directory.h"
#include "node/node_store.h"

namespace yimen::node {
namespace {

constexpr int kDefaultListRows = 20;
constexpr int kMaxListRows = 10000;

std::string or_dash(const std::string& field) { return field.empty() ? "-" : field; }

}  // namespace

Status run_audit_verify(const CommandArgs& args, CommandContext& ctx) {
  YIMEN_ASSIGN_OR_RETURN(const std::string dir, args.required("--data", "DIR"));
  YIMEN_ASSIGN_OR_RETURN(auto node, open_node(dir));
  // The anchors first: rows appended meanwhile are then read too.
  YIMEN_ASSIGN_OR_RETURN(const auto all_anchors,
                         hall::own_audit_anchors(node.db, node.identity.id));
  // A restore or replacement lost the old log's later rows: its anchors of them no longer bind.
  YIMEN_ASSIGN_OR_RETURN(const auto epochs, load_audit_epochs(node.db));
  const auto anchors = hall::anchors_after_epochs(all_anchors, epochs);
  const auto set_aside = all_anchors.size() - anchors.size();
  YIMEN_ASSIGN_OR_RETURN(const auto report, hall::verify_audit(node.db, anchors));
  if (!report.ok) return corruption("audit log broken: " + report.problem);
  ctx.out << "audit log ok: " << report.rows << (report.rows == 1 ? " row, " : " rows, ");
  if (report.newest_anchor.seq == 0) {
    ctx.out << "not anchored yet\n";
  } else {
    ctx.out << "newest anchored at seq " << report.newest_anchor.seq << " ("
            << hall::cst_time_text(report.newest_anchor.at) << ")\n";
  }
  // Every epoch is listed: an auditor sees each restore the node claims.
  for (const auto& e : epochs) {
    ctx.out << "new epoch " << hall::cst_time_text(e.began_at) << " (" << e.reason
            << "): the old log's rows after " << e.kept_rows << " were lost\n";
  }
  if (set_aside > 0) {
    ctx.out << set_aside << (set_aside == 1 ? " anchor names" : " anchors name")
            << " rows lost that way, not checked\n";
  }
  return {};
}

Status run_audit_list(const CommandArgs& args, CommandContext& ctx) {
  YIMEN_ASSIGN_OR_RETURN(const std::string dir, args.required("--data", "DIR"));
  int limit = kDefaultListRows;
  if (const auto text = args.option("--limit")) {
    if (text->empty() || text->size() > 5 ||
        text->find_first_not_of("0123456789") != std::string::npos || std::stoi(*text) < 1 ||
        std::stoi(*text) > kMaxListRows) {
      return invalid_argument("--limit must be a number from 1 to 10000");
    }
    limit = std::stoi(*text);
  }
  YIMEN_ASSIGN_OR_RETURN(auto node, open_node(dir));
  YIMEN_ASSIGN_OR_RETURN(const auto head, hall::audit_head(node.db));
  if (head.seq == 0) {
    ctx.out << "the audit log is empty\n";
    return {};
  }
  YIMEN_ASSIGN_OR_RETURN(
      const auto rows,
      hall::load_audit(node.db, std::max<std::int64_t>(head.seq - limit, 0), limit));
  // Fields are printable ASCII without spaces (append_audit checks it), so columns stay columns.
  for (const auto& row : rows) {
    const auto& e = row.entry;
    ctx.out << row.seq << " " << hall::cst_time_text(e.at) << " " << or_dash(e.actor) << " "
            << e.action << " " << or_dash(e.target) << " " << e.outcome << " " << or_dash(e.address)
            << "\n";
  }
  return {};
}

Status run_audit_anchors(const CommandArgs& args, CommandContext& ctx) {
  YIMEN_ASSIGN_OR_RETURN(const std::string dir, args.required("--data", "DIR"));
  YIMEN_ASSIGN_OR_RETURN(auto node, open_node(dir));
  YIMEN_ASSIGN_OR_RETURN(const auto origins, hall::anchored_origins(node.db));
  if (origins.empty()) {
    ctx.out << "no audit anchors received yet\n";
    return {};
  }
  int contradicted = 0;
  for (const RegionCode& origin : origins) {
    YIMEN_ASSIGN_OR_RETURN(const auto anchors, hall::received_audit_anchors(node.db, origin));
    const hall::AuditAnchor& newest = anchors.back();
    const std::string problem = hall::audit_anchors_problem(anchors);
    ctx.out << origin.str() << ": " << anchors.size()
            << (anchors.size() == 1 ? " anchor" : " anchors") << ", the newest names row "
            << newest.seq << " (" << hall::cst_time_text(newest.at) << "); "
            << (problem.empty() ? "consistent" : "PROBLEM: " + problem) << "\n";
    // Every epoch the origin announced: a restore or a replacement that lost rows.
    for (const auto& a : hall::epoch_changes(anchors)) {
      ctx.out << "  new epoch announced " << hall::cst_time_text(a.at) << ": rows after "
              << a.kept_rows << " were lost\n";
    }
    if (!problem.empty()) ++contradicted;
  }
  if (contradicted > 0) {
    return corruption("the audit anchors of " + std::to_string(contradicted) +
                      (contradicted == 1 ? " node contradict" : " nodes contradict") +
                      " themselves (above): audit rows were deleted or replaced there");
  }
  return {};
}

}  // namespace yimen::node
