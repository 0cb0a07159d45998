#include "node/hall/one_time_notice.h"

#include <array>

#include "common/text.h"

namespace yimen::hall {
namespace {

struct ProblemName {
  MaterialProblem value;
  const char* name;
  const char* label_zh;
};

constexpr std::array<ProblemName, 4> kProblems = {{
    {MaterialProblem::kMissing, "missing", "未提交"},
    {MaterialProblem::kIncomplete, "incomplete", "内容有误或不完整"},
    {MaterialProblem::kWrongCopies, "wrong_copies", "份数不符"},
    {MaterialProblem::kNeedsOriginal, "needs_original", "需提供原件核验"},
}};

constexpr const char* kTitle = "一次性告知书";
constexpr const char* kClosing =
    "以上为本次需要补正的全部材料。补正后，除本告知书所列内容外，"
    "本单位不再要求您提交其他材料。";

std::string field(size_t i, std::string_view member) {
  return "findings[" + std::to_string(i) + "]." + std::string(member);
}

// A one-line text of 1..max bytes; the message never repeats the value.
Status check_one_line(std::string_view name, std::string_view s, size_t max) {
  if (is_blank(s)) return invalid_argument(std::string(name) + ": required");
  if (s.size() > max) {
    return invalid_argument(std::string(name) + ": at most " + std::to_string(max) +
                            " bytes, got " + std::to_string(s.size()));
  }
  if (!is_display_text(s)) {
    return invalid_argument(std::string(name) + ": must be UTF-8 text without control characters");
  }
  return Status::ok_status();
}

Status check_finding(const ServiceItem& item, std::span<const MaterialFinding> findings, size_t i) {
  const MaterialFinding& f = findings[i];
  if (f.material >= item.materials.size()) {
    return invalid_argument(field(i, "material") + ": index " + std::to_string(f.material) +
                            " is past the " + std::to_string(item.materials.size()) +
                            " materials of the item");
  }
  const Material& m = item.materials[f.material];
  const std::string which = "materials[" + std::to_string(f.material) + "] '" + m.name + "'";
  for (size_t j = 0; j < i; ++j) {
    if (findings[j].material == f.material) {
      return invalid_argument(field(i, "material") + ": " + which + " already has findings[" +
                              std::to_string(j) + "]");
    }
  }
  bool known = false;
  for (const auto& row : kProblems) known = known || row.value == f.problem;
  if (!known) {
    return invalid_argument(field(i, "problem") + ": unknown value " +
                            std::to_string(static_cast<int>(f.problem)));
  }
  if (m.kind == MaterialKind::kDataSharing) {
    return invalid_argument(field(i, "problem") + ": " + which +
                            " is obtained by data sharing from " + m.sharing_source +
                            "; the office fetches it, the applicant is not asked");
  }
  if (f.problem == MaterialProblem::kNeedsOriginal &&
      (m.form == MaterialForm::kCopy || m.form == MaterialForm::kElectronic)) {
    return invalid_argument(field(i, "problem") + ": the guide asks for " + which + " as " +
                            material_form_name(m.form) + ", not the original");
  }
  if (f.problem == MaterialProblem::kIncomplete && is_blank(f.note)) {
    return invalid_argument(field(i, "note") + ": required for an incomplete material");
  }
  if (f.note.size() > kMaxNoteBytes) {
    return invalid_argument(field(i, "note") + ": at most " + std::to_string(kMaxNoteBytes) +
                            " bytes, got " + std::to_string(f.note.size()));
  }
  if (!is_multiline_text(f.note)) {
    return invalid_argument(field(i, "note") +
                            ": must be UTF-8 text without control characters other than '\\n'");
  }
  if (f.problem == MaterialProblem::kWrongCopies) {
    if (f.copies_received < 0 || f.copies_received > kMaxCopies) {
      return invalid_argument(field(i, "copies_received") + ": expected 0 to " +
                              std::to_string(kMaxCopies) + ", got " +
                              std::to_string(f.copies_received));
    }
    if (f.copies_received == m.copies) {
      return invalid_argument(field(i, "copies_received") + ": " +
                              std::to_string(f.copies_received) + " is the number " + which +
                              " requires");
    }
  } else if (f.copies_received != 0) {
    return invalid_argument(field(i, "copies_received") + ": only for wrong_copies, got " +
                            std::to_string(f.copies_received));
  }
  return Status::ok_status();
}

// Appends `text`, its first line prefixed by `first`, the others by `rest`.
void append_indented(std::string& out, std::string_view first, std::string_view rest,
                     std::string_view text) {
  size_t start = 0;
  while (start <= text.size()) {
    const size_t nl = text.find('\n', start);
    const size_t end = nl == std::string_view::npos ? text.size() : nl;
    out += start == 0 ? first : rest;
    out += text.substr(start, end - start);
    out += '\n';
    if (nl == std::string_view::npos) break;
    start = nl + 1;
  }
}

std::string chinese_date(Date d) {
  return std::to_string(d.year()) + "年" + std::to_string(d.month()) + "月" +
         std::to_string(d.day()) + "日";
}

}  // namespace

const char* material_problem_name(MaterialProblem problem) {
  for (const auto& row : kProblems) {
    if (row.value == problem) return row.name;
  }
  return "unknown";
}

const char* material_problem_label_zh(MaterialProblem problem) {
  for (const auto& row : kProblems) {
    if (row.value == problem) return row.label_zh;
  }
  return "未知";
}

std::optional<MaterialProblem> parse_material_problem(std::string_view name) {
  for (const auto& row : kProblems) {
    if (name == row.name) return row.value;
  }
  return std::nullopt;
}

Result<OneTimeNotice> make_one_time_notice(const ServiceItem& item, std::string_view case_number,
                                           std::string_view applicant_name, Date date,
                                           std::span<const MaterialFinding> findings) {
  YIMEN_TRY(validate(item).with_context("item"));
  YIMEN_TRY(check_one_line("case_number", case_number, kMaxCaseNumberBytes));
  YIMEN_TRY(check_one_line("applicant_name", applicant_name, kMaxApplicantNameBytes));
  if (findings.empty()) return invalid_argument("findings: at least one finding required");
  for (size_t i = 0; i < findings.size(); ++i) YIMEN_TRY(check_finding(item, findings, i));

  OneTimeNotice notice;
  notice.title = kTitle;
  notice.case_number = std::string(case_number);
  notice.applicant_name = std::string(applicant_name);
  notice.item_name = item.name;
  notice.item_code = format_item_code(item.code);
  notice.item_version = item.version;
  notice.date = date;
  notice.accepting_unit = item.accepting_unit;
  for (size_t m = 0; m < item.materials.size(); ++m) {
    for (const MaterialFinding& f : findings) {
      if (f.material != m) continue;
      const Material& material = item.materials[m];
      NoticeLine line;
      line.material_name = material.name;
      line.form = material.form;
      line.copies_required = material.copies;
      line.problem = f.problem;
      line.note = f.note;
      line.copies_received = f.copies_received;
      line.commitment_allowed = material.kind == MaterialKind::kCommitmentAllowed;
      line.common_mistakes = material.common_mistakes;
      line.sample_text = material.sample_text;
      notice.lines.push_back(std::move(line));
    }
  }
  notice.consultation_phone = item.consultation.phone;
  notice.office_address = item.office_address;
  notice.office_hours = item.office_hours;
  notice.closing = kClosing;
  return notice;
}

std::string render_text(const OneTimeNotice& notice) {
  std::string out;
  out += notice.title + "\n\n";
  out += "案件编号：" + notice.case_number + "\n";
  out += "申请人：" + notice.applicant_name + "\n";
  out += "申请事项：" + notice.item_name + "（" + notice.item_code + "，第" +
         std::to_string(notice.item_version) + "版）\n";
  out += "受理单位：" + notice.accepting_unit + "\n";
  out += "告知日期：" + chinese_date(notice.date) + "\n\n";
  out += notice.applicant_name + "：\n";
  out += "　　您申请办理的“" + notice.item_name + "”，经审查，申请材料存在以下" +
         std::to_string(notice.lines.size()) + "项问题，现一次性告知如下：\n\n";
  for (size_t i = 0; i < notice.lines.size(); ++i) {
    const NoticeLine& line = notice.lines[i];
    out += std::to_string(i + 1) + ". " + line.material_name + "（" +
           material_form_label_zh(line.form) + "，" + std::to_string(line.copies_required) +
           "份）\n";
    out += "   问题：";
    out += material_problem_label_zh(line.problem);
    if (line.problem == MaterialProblem::kWrongCopies) {
      out += "，应提交" + std::to_string(line.copies_required) + "份，实际提交" +
             std::to_string(line.copies_received) + "份";
    }
    out += "\n";
    if (!line.note.empty()) {
      out += "   说明：\n";
      append_indented(out, "     ", "     ", line.note);
    }
    if (line.commitment_allowed) {
      out += "   该材料可以书面承诺代替（告知承诺），承诺内容将在事后核查。\n";
    }
    if (!line.common_mistakes.empty()) {
      out += "   常见错误：\n";
      for (const std::string& mistake : line.common_mistakes) {
        append_indented(out, "     - ", "       ", mistake);
      }
    }
    if (!line.sample_text.empty()) {
      out += "   示范文本：\n";
      append_indented(out, "     ", "     ", line.sample_text);
    }
  }
  if (notice.supply_by) {
    out += "\n补正期限：请于" + chinese_date(*notice.supply_by) + "前补齐上述材料。\n";
  }
  out += "\n" + notice.closing + "\n";
  out += "咨询电话：" + notice.consultation_phone + "\n";
  out += "办公地址：" + notice.office_address + "\n";
  out += "办公时间：" + notice.office_hours + "\n";
  if (!notice.issuing_office.empty()) {
    out += "\n告知单位：" + notice.issuing_office + "（盖章）\n";
    out += "经办人：" + notice.handler;
    if (!notice.handler_phone.empty()) out += "　联系电话：" + notice.handler_phone;
    out += "\n";
    out += "\n申请人签收：＿＿＿＿＿＿＿＿　　签收日期：＿＿＿＿年＿＿月＿＿日\n";
  }
  return out;
}

}  // namespace yimen::hall
