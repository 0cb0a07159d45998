// yimen licence verify | export: electronic licences (node/hall/licence.h).
// Both only read, so they work while `yimen run` holds the data directory.

#include "node/hall/licence.h"

#include <fstream>
#include <ostream>
#include <sstream>

#include "node/commands/command.h"
#include "node/hall/hall_projection.h"
#include "node/node_directory.h"

namespace yimen::node {
namespace {

void print_licence(std::ostream& out, const hall::Licence& l) {
  out << "licence " << l.number << ": " << l.type << "\n"
      << "  holder:  " << l.holder_name << " (" << hall::masked_id_number(l.holder_id) << ")\n"
      << "  issuer:  " << l.issuer_name << " (" << l.issuer << ")\n"
      << "  valid:   " << l.valid_from.to_string() << " to "
      << (l.valid_until ? l.valid_until->to_string() : "no expiry") << "\n"
      << "  case:    " << l.case_no << " (" << l.item_code << ")\n";
  for (const auto& f : l.fields) out << "  " << f.name << ": " << f.value << "\n";
}

}  // namespace

Status run_licence_verify(const CommandArgs& args, CommandContext& ctx) {
  YIMEN_ASSIGN_OR_RETURN(const std::string dir, args.required("--data", "DIR"));
  const auto path = ctx.path(args.positionals[0]);
  std::ifstream in(path, std::ios::binary);
  if (!in) return not_found("cannot open " + path.string());
  std::ostringstream text;
  text << in.rdbuf();
  if (text.str().size() > hall::kMaxLicenceDocumentBytes * 2 + 64) {
    return invalid_argument(path.string() + " is too large to be a licence");
  }
  YIMEN_ASSIGN_OR_RETURN(const Bytes document, hall::parse_licence_text(text.str()));
  YIMEN_ASSIGN_OR_RETURN(auto node, open_node(dir));
  const std::int64_t now = ctx.now();
  YIMEN_ASSIGN_OR_RETURN(auto verdict,
                         hall::verify_licence(node.db, document, hall::cst_date(now), now));
  if (!verdict.valid) return Status{ErrorCode::kRejected, "licence invalid: " + verdict.reason};
  print_licence(ctx.out, *verdict.licence);
  ctx.out << "valid: signed by " << verdict.licence->issuer
          << ", certified up to the city root, not revoked, not expired\n";
  return {};
}

Status run_licence_export(const CommandArgs& args, CommandContext& ctx) {
  YIMEN_ASSIGN_OR_RETURN(const std::string dir, args.required("--data", "DIR"));
  YIMEN_ASSIGN_OR_RETURN(const std::string number, args.required("--number", "NUMBER"));
  YIMEN_ASSIGN_OR_RETURN(auto node, open_node(dir));
  YIMEN_ASSIGN_OR_RETURN(auto held, hall::load_licence(node.db, number));
  if (!held) return not_found("no licence " + number + " at this node");
  const std::string text = args.flag("--qr") ? hall::licence_qr_payload(held->document) + "\n"
                                             : hall::licence_file_text(held->document);
  if (const auto out = args.option("--out")) {
    const auto path = ctx.path(*out);
    if (std::filesystem::exists(path)) return already_exists(path.string() + " already exists");
    std::ofstream file(path, std::ios::binary);
    file << text;
    file.close();
    if (!file) return io_error("cannot write " + path.string());
    ctx.out << "wrote licence " << number << " to " << path.string() << "\n";
    return {};
  }
  ctx.out << text;
  return {};
}

}  // namespace yimen::node
