#pragma once

// The one-time notification (一次性告知, plan task 10; 行政许可法 art. 32):
// when an application's materials are not in order, the office tells the
// applicant EVERYTHING that is wrong in one document, and asks nothing more
// afterwards.
//
// make_one_time_notice() builds the document from the item version and the
// clerk's findings; render_text() prints it in Chinese. Both are pure and
// thread-safe. The notice names only materials the item's guide lists, so
// the office cannot ask for anything the guide does not.

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "node/hall/calendar.h"
#include "node/hall/service_item.h"

namespace yimen::hall {

// What is wrong with one material.
enum class MaterialProblem {
  kMissing,        // "missing", 未提交
  kIncomplete,     // "incomplete", 内容有误或不完整 (the note says what)
  kWrongCopies,    // "wrong_copies", 份数不符
  kNeedsOriginal,  // "needs_original", 需提供原件核验
};
const char* material_problem_name(MaterialProblem problem);
const char* material_problem_label_zh(MaterialProblem problem);
std::optional<MaterialProblem> parse_material_problem(std::string_view name);

// One finding of the clerk.
struct MaterialFinding {
  size_t material = 0;  // index into ServiceItem::materials
  MaterialProblem problem = MaterialProblem::kMissing;
  std::string note;         // what exactly is wrong; required for kIncomplete
  int copies_received = 0;  // kWrongCopies only: 0..kMaxCopies, not the required number
};

// One line of the notice: a material and what to do about it.
struct NoticeLine {
  std::string material_name;
  MaterialForm form = MaterialForm::kOriginal;
  int copies_required = 1;
  MaterialProblem problem = MaterialProblem::kMissing;
  std::string note;
  int copies_received = 0;          // meaningful for kWrongCopies
  bool commitment_allowed = false;  // a signed commitment may replace the material
  std::vector<std::string> common_mistakes;
  std::string sample_text;

  friend bool operator==(const NoticeLine&, const NoticeLine&) = default;
};

// The whole notice, ready to print or to record in the case.
struct OneTimeNotice {
  std::string title;  // "一次性告知书"
  std::string case_number;
  std::string applicant_name;  // as the caller supplied it
  std::string item_name;
  std::string item_code;  // text form
  int item_version = 1;
  Date date;
  std::string accepting_unit;
  std::vector<NoticeLine> lines;  // in the order of the item's materials
  std::string consultation_phone;
  std::string office_address;
  std::string office_hours;
  std::string closing;  // that nothing beyond this notice will be asked
  // Who issued it and by when the applicant is to supply, once the request
  // is recorded (empty in a preview): printed with a place for the office's
  // seal and for the applicant to sign for it (签收).
  std::string issuing_office;
  std::string handler;
  std::string handler_phone;
  std::optional<Date> supply_by;

  friend bool operator==(const OneTimeNotice&, const OneTimeNotice&) = default;
};

// Longest case number and applicant name accepted, in bytes.
inline constexpr size_t kMaxCaseNumberBytes = 64;
inline constexpr size_t kMaxApplicantNameBytes = 100;
inline constexpr size_t kMaxNoteBytes = 1000;

// Builds the notice for `item` listing every finding, one line per material
// in the order of item.materials. Errors (kInvalidArgument):
//   - the item itself is invalid ("item: " + the validate() message);
//   - case_number: blank, longer than kMaxCaseNumberBytes or not display text;
//   - applicant_name: the same with kMaxApplicantNameBytes (the message never
//     repeats the name);
//   - "findings: at least one finding required" for an empty list;
//   - "findings[1].material: index 5 is past the 3 materials of the item";
//   - "findings[2].material: materials[0] '身份证' already has findings[0]";
//   - findings[i].note: blank for kIncomplete, longer than kMaxNoteBytes, or
//     not text;
//   - findings[i].copies_received: outside 0..kMaxCopies or equal to the
//     copies the guide requires, for kWrongCopies; not 0 for other problems;
//   - findings[i].problem: kNeedsOriginal for a material whose form is copy
//     or electronic (the guide does not ask for the original); any problem
//     with a material obtained by data sharing (the office fetches it).
Result<OneTimeNotice> make_one_time_notice(const ServiceItem& item, std::string_view case_number,
                                           std::string_view applicant_name, Date date,
                                           std::span<const MaterialFinding> findings);

// The notice as Chinese plain text for printing, lines ended by '\n'. Every
// line of the notice appears with its material name, form and copies, the
// problem, the note, whether a commitment may replace it, its common
// mistakes and sample text.
std::string render_text(const OneTimeNotice& notice);

}  // namespace yimen::hall
