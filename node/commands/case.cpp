// yimen case submit | act | list | show: cases from the command line, for
// operators and scripted tests (the web hall is the clerks' tool). Applicant
// data is read from standard input, never from the command line, where other
// users of the machine could see it.

#include <algorithm>
#include <fstream>
#include <ostream>
#include <sstream>

#include "crypto/crypto.h"
#include "node/commands/command.h"
#include "node/hall/hall.h"
#include "node/hall/users.h"
#include "node/node_directory.h"
#include "storage/blob_store.h"

namespace yimen::node {
namespace {

// The acting account, which must exist and be active.
Result<hall::Actor> actor_of(storage::Database& db, const std::string& login) {
  hall::UserDirectory users(db);
  YIMEN_ASSIGN_OR_RETURN(auto user, users.find(login));
  if (!user || !user->active) {
    return not_found("--as: no active account " + login + " at this node; see: yimen user list");
  }
  return hall::Actor{user->login, user->display_name, user->department, user->office_phone};
}

std::vector<std::string> split(const std::string& text, char sep) {
  std::vector<std::string> out;
  std::string part;
  std::istringstream in(text);
  while (std::getline(in, part, sep)) out.push_back(part);
  if (!text.empty() && text.back() == sep) out.emplace_back();
  return out;
}

// "0:paper,2:shared" -> supplied materials.
Result<std::vector<hall::SuppliedMaterial>> parse_materials(const std::string& text) {
  std::vector<hall::SuppliedMaterial> out;
  if (text.empty()) return out;
  for (const auto& entry : split(text, ',')) {
    const auto colon = entry.find(':');
    const std::string index = entry.substr(0, colon);
    if (index.empty() || index.size() > 3 ||
        index.find_first_not_of("0123456789") != std::string::npos) {
      return invalid_argument("--materials: expected INDEX:HOW,... (e.g. 0:paper,1:shared), got " +
                              entry);
    }
    out.push_back({std::stoi(index), colon == std::string::npos ? "paper" : entry.substr(colon + 1),
                   "", std::nullopt});
  }
  return out;
}

// "0,2" -> findings of missing materials.
Result<std::vector<hall::MaterialFinding>> parse_missing(const std::string& text) {
  std::vector<hall::MaterialFinding> out;
  if (text.empty()) return out;
  for (const auto& index : split(text, ',')) {
    if (index.empty() || index.size() > 3 ||
        index.find_first_not_of("0123456789") != std::string::npos) {
      return invalid_argument("--missing: expected material indexes like 0,2, got " + index);
    }
    out.push_back({static_cast<size_t>(std::stoul(index)), hall::MaterialProblem::kMissing, "", 0});
  }
  return out;
}

// The media type of an attachment from its file name; only what halls accept.
Result<std::string> media_type_of(const std::filesystem::path& file) {
  std::string ext = file.extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (ext == ".pdf") return std::string("application/pdf");
  if (ext == ".jpg" || ext == ".jpeg") return std::string("image/jpeg");
  if (ext == ".png") return std::string("image/png");
  return invalid_argument("--attach: " + file.filename().string() +
                          ": attachments must be PDF, JPEG or PNG files");
}

struct AttachmentFile {
  int material = 0;
  std::filesystem::path path;
  Bytes content;
  std::string media_type;
};

// "0:scan.pdf,2:photo.jpg" -> the files, read and checked.
Result<std::vector<AttachmentFile>> read_attachments(const std::string& text,
                                                     const CommandContext& ctx) {
  std::vector<AttachmentFile> out;
  if (text.empty()) return out;
  for (const auto& entry : split(text, ',')) {
    const auto colon = entry.find(':');
    const std::string index = entry.substr(0, colon);
    if (colon == std::string::npos || index.empty() || index.size() > 3 ||
        index.find_first_not_of("0123456789") != std::string::npos) {
      return invalid_argument("--attach: expected INDEX:FILE,... (e.g. 0:scan.pdf), got " + entry);
    }
    AttachmentFile a;
    a.material = std::stoi(index);
    a.path = ctx.path(entry.substr(colon + 1));
    YIMEN_ASSIGN_OR_RETURN(a.media_type, media_type_of(a.path));
    std::error_code ec;
    const auto size = std::filesystem::file_size(a.path, ec);
    if (ec) return not_found("--attach: cannot read " + a.path.filename().string());
    if (size > storage::kMaxBlobBytes) {
      return invalid_argument("--attach: " + a.path.filename().string() + " is over " +
                              std::to_string(storage::kMaxBlobBytes >> 20) + " MiB");
    }
    std::ifstream in(a.path, std::ios::binary);
    a.content.resize(size);
    if (!in.read(reinterpret_cast<char*>(a.content.data()), static_cast<std::streamsize>(size))) {
      return io_error("--attach: cannot read " + a.path.filename().string());
    }
    out.push_back(std::move(a));
  }
  return out;
}

}  // namespace

Status run_case_submit(const CommandArgs& args, CommandContext& ctx) {
  YIMEN_ASSIGN_OR_RETURN(const std::string login, args.required("--as", "LOGIN"));
  hall::Application app;
  YIMEN_ASSIGN_OR_RETURN(app.item_code, args.required("--item", "CODE"));
  app.channel = args.option("--channel").value_or("window");
  YIMEN_ASSIGN_OR_RETURN(app.materials, parse_materials(args.option("--materials").value_or("")));
  std::string line;
  if (ctx.in == nullptr || !std::getline(*ctx.in, line)) {
    return invalid_argument(
        "expected the applicant on standard input as one line: ID_NUMBER,NAME,PHONE,DOMICILE");
  }
  const auto fields = split(line, ',');
  if (fields.size() != 4) {
    return invalid_argument(
        "the applicant line must have 4 comma-separated fields "
        "(ID_NUMBER,NAME,PHONE,DOMICILE), got " +
        std::to_string(fields.size()));
  }
  app.applicant = {fields[0], fields[1], fields[2], fields[3]};
  YIMEN_ASSIGN_OR_RETURN(auto files, read_attachments(args.option("--attach").value_or(""), ctx));
  std::optional<hall::SubmittedCase> taken;
  std::vector<std::string> stored;
  YIMEN_TRY(write_to_node(args, ctx, [&](NodeAccess& node, CommandAudit& audit) -> Status {
    YIMEN_ASSIGN_OR_RETURN(auto actor, actor_of(node.node.db, login));
    stored.clear();
    for (const auto& f : files) {
      YIMEN_ASSIGN_OR_RETURN(
          auto ref, storage::put_blob(node.node.db, f.content, node.node.identity.id.str()));
      auto it =
          std::find_if(app.materials.begin(), app.materials.end(),
                       [&](const hall::SuppliedMaterial& m) { return m.material == f.material; });
      if (it == app.materials.end()) {
        app.materials.push_back({f.material, "electronic", "", std::nullopt});
        it = app.materials.end() - 1;
      }
      it->attachment =
          hall::MaterialFile{ref.hash, ref.size, f.path.filename().string(), f.media_type};
      stored.push_back("attachment " + std::to_string(f.material) + " " + crypto::to_hex(ref.hash) +
                       " " + std::to_string(ref.size) + " bytes");
    }
    YIMEN_ASSIGN_OR_RETURN(auto submitted, node.hall.submit(actor, app));
    audit.changed("case.submit", submitted.case_no);
    taken = std::move(submitted);
    return {};
  }));
  const hall::SubmittedCase& submitted = *taken;
  for (const auto& note : stored) ctx.out << note << "\n";
  ctx.out << "case " << submitted.case_no << "\n"
          << "query code " << submitted.query_code << " (give it to the applicant; it is not "
          << "shown again)\n"
          << "handled by " << submitted.handling_node.str() << "\n";
  if (!submitted.repeat_of.empty()) {
    ctx.out << "note: the applicant has an open case for this item: " << submitted.repeat_of
            << "\n";
  }
  return {};
}

Status run_case_act(const CommandArgs& args, CommandContext& ctx) {
  YIMEN_ASSIGN_OR_RETURN(const std::string login, args.required("--as", "LOGIN"));
  YIMEN_ASSIGN_OR_RETURN(const std::string case_no, args.required("--case", "NO"));
  YIMEN_ASSIGN_OR_RETURN(const std::string action_text, args.required("--action", "ACTION"));
  std::string action_word = action_text;
  std::replace(action_word.begin(), action_word.end(), '-', '_');
  const auto action = hall::parse_case_action(action_word);
  if (!action || *action == hall::CaseAction::kSubmit) {
    return invalid_argument("--action: unknown action " + action_text +
                            " (accept, refuse, request-materials, accept-supplement, "
                            "start-notice, end-notice, approve, reject, issue-result, close, "
                            "withdraw, return-incomplete, supply-materials, request-withdrawal, "
                            "deliver-result)");
  }
  hall::CaseCommand command;
  command.action = *action;
  command.note = args.option("--note").value_or("");
  YIMEN_ASSIGN_OR_RETURN(command.findings, parse_missing(args.option("--missing").value_or("")));
  YIMEN_ASSIGN_OR_RETURN(command.supplied,
                         parse_materials(args.option("--materials").value_or("")));
  YIMEN_TRY(write_to_node(args, ctx, [&](NodeAccess& node, CommandAudit& audit) -> Status {
    YIMEN_ASSIGN_OR_RETURN(auto actor, actor_of(node.node.db, login));
    // Recorded only when the whole write succeeds.
    audit.changed("case.act." + std::string(hall::case_action_name(command.action)), case_no);
    return node.hall.act(actor, case_no, command);
  }));
  ctx.out << case_no << ": " << action_text << " recorded\n";
  return {};
}

Status run_case_list(const CommandArgs& args, CommandContext& ctx) {
  YIMEN_ASSIGN_OR_RETURN(const std::string dir, args.required("--data", "DIR"));
  YIMEN_ASSIGN_OR_RETURN(auto node, open_node(dir));
  std::optional<hall::CaseState> state;
  if (auto s = args.option("--state")) {
    state = hall::parse_case_state(*s);
    if (!state) return invalid_argument("--state: unknown state " + *s);
  }
  // Every case this node holds, its subtree's included.
  YIMEN_ASSIGN_OR_RETURN(auto numbers, hall::case_numbers(node.db, node.identity.id.city(), state));
  for (const auto& no : numbers) {
    YIMEN_ASSIGN_OR_RETURN(auto file, hall::load_case(node.db, no));
    if (!file) continue;
    ctx.out << no << " " << hall::case_state_name(file->state) << " " << file->item_code
            << " handled-by " << file->handling_node.str() << "\n";
  }
  return {};
}

Status run_blob_get(const CommandArgs& args, CommandContext& ctx) {
  YIMEN_ASSIGN_OR_RETURN(const std::string dir, args.required("--data", "DIR"));
  YIMEN_ASSIGN_OR_RETURN(const std::string hex, args.required("--hash", "HEX"));
  YIMEN_ASSIGN_OR_RETURN(const std::string out_name, args.required("--out", "FILE"));
  YIMEN_ASSIGN_OR_RETURN(const Bytes hash, crypto::from_hex(hex));
  YIMEN_ASSIGN_OR_RETURN(auto node, open_node(dir));
  YIMEN_ASSIGN_OR_RETURN(auto content, storage::read_blob(node.db, hash));
  if (!content) return not_found("this node does not hold blob " + hex + " (yet)");
  const auto out_path = ctx.path(out_name);
  if (std::filesystem::exists(out_path)) {
    return already_exists(out_path.string() + " exists; give a new file");
  }
  std::ofstream out(out_path, std::ios::binary);
  out.write(reinterpret_cast<const char*>(content->data()),
            static_cast<std::streamsize>(content->size()));
  if (!out) return io_error("cannot write " + out_path.string());
  ctx.out << "wrote " << content->size() << " bytes to " << out_path.string() << "\n";
  return {};
}

Status run_case_show(const CommandArgs& args, CommandContext& ctx) {
  YIMEN_ASSIGN_OR_RETURN(const std::string dir, args.required("--data", "DIR"));
  YIMEN_ASSIGN_OR_RETURN(const std::string case_no, args.required("--case", "NO"));
  YIMEN_ASSIGN_OR_RETURN(auto node, open_node(dir));
  YIMEN_ASSIGN_OR_RETURN(auto file, hall::load_case(node.db, case_no));
  if (!file) return not_found("no case " + case_no + " at this node");
  ctx.out << "case " << file->case_no << "\n"
          << "state " << hall::case_state_name(file->state) << "\n"
          << "item " << file->item_code << " version " << file->item_version << "\n"
          << "intake " << file->intake_node.str() << "\n"
          << "handling " << file->handling_node.str() << "\n"
          << "applicant " << hall::masked_id_number(file->applicant_id) << "\n"
          << "responsible " << file->responsible_login << "\n";
  YIMEN_ASSIGN_OR_RETURN(auto transitions, hall::load_transitions(node.db, case_no));
  for (const auto& t : transitions) {
    ctx.out << "  " << t.on.to_string() << " " << hall::case_action_name(t.action) << " by "
            << t.actor_login << (t.note.empty() ? "" : ": " + t.note) << "\n";
  }
  return {};
}

}  // namespace yimen::node
