// Fuzzes applicant identities and region codes: resident ID numbers (GB 11643),
// unified social credit codes (GB 32100), either kind, masking, phone numbers
// (node/hall/identity.h) and 12-digit region codes (common/region_code.h).
// Every value that parses must parse again from its normalised form to the same
// value, and a region code's parent must contain it.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/region_code.h"
#include "fuzz/fuzz_check.h"
#include "node/hall/identity.h"

using namespace yimen;

namespace {

// A fixed "today": the harness never depends on the machine's date.
const hall::Date& today() {
  static const hall::Date date = hall::Date::from_string("2026-06-01").value();
  return date;
}

void check_person_id(std::string_view text) {
  auto id = hall::parse_person_id(text, today());
  if (!id.ok()) return;
  YIMEN_FUZZ_CHECK(id->number.size() == 18, id->number);
  YIMEN_FUZZ_CHECK(id->region == id->number.substr(0, 6), id->number);
  YIMEN_FUZZ_CHECK(id->birth_date <= today(), id->number);
  auto again = hall::parse_person_id(id->number, today());
  YIMEN_FUZZ_CHECK(again.ok() && again->number == id->number, id->number);
  const std::string masked = hall::masked_id_number(id->number);
  YIMEN_FUZZ_CHECK(masked.size() == 18 && masked != id->number, masked);
}

void check_credit_code(std::string_view text) {
  auto code = hall::parse_credit_code(text);
  if (!code.ok()) return;
  YIMEN_FUZZ_CHECK(code->code.size() == 18, code->code);
  auto again = hall::parse_credit_code(code->code);
  YIMEN_FUZZ_CHECK(again.ok() && again->code == code->code, code->code);
}

void check_applicant_id(std::string_view text) {
  auto id = hall::parse_applicant_id(text, today());
  if (!id.ok()) return;
  auto again = hall::parse_applicant_id(id->number(), today());
  YIMEN_FUZZ_CHECK(again.ok() && again->number() == id->number() && again->kind() == id->kind(),
                   id->number());
  // Whatever kind it was judged, the direct parser of that kind agrees.
  if (id->kind() == hall::ApplicantKind::kNaturalPerson) {
    YIMEN_FUZZ_CHECK(hall::parse_person_id(text, today()).ok(), id->number());
  } else {
    YIMEN_FUZZ_CHECK(hall::parse_credit_code(text).ok(), id->number());
  }
}

void check_region_code(std::string_view text) {
  auto code = RegionCode::parse(text);
  if (!code.ok()) return;
  auto again = RegionCode::parse(code->str());
  YIMEN_FUZZ_CHECK(again.ok() && *again == *code, code->str());
  YIMEN_FUZZ_CHECK(code->contains(*code), code->str());
  YIMEN_FUZZ_CHECK(code->str().starts_with(code->prefix()), code->str());
  YIMEN_FUZZ_CHECK(code->city().contains(*code), code->str());
  if (auto parent = code->parent()) {
    YIMEN_FUZZ_CHECK(parent->contains(*code) && !code->contains(*parent), code->str());
    YIMEN_FUZZ_CHECK(code->is_direct_child_of(*parent), code->str());
    YIMEN_FUZZ_CHECK(static_cast<int>(parent->level()) + 1 == static_cast<int>(code->level()),
                     code->str());
  } else {
    YIMEN_FUZZ_CHECK(code->level() == RegionLevel::kCity, code->str());
  }
  YIMEN_FUZZ_CHECK(parse_region_level(region_level_name(code->level())) == code->level(),
                   code->str());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  check_person_id(text);
  check_credit_code(text);
  check_applicant_id(text);
  check_region_code(text);
  (void)hall::masked_id_number(text);
  (void)hall::valid_phone(text);
  (void)parse_region_level(text);
  return 0;
}
