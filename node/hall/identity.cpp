#include "node/hall/identity.h"

#include <array>

namespace yimen::hall {
namespace {

constexpr size_t kLength = 18;

// Province-level prefixes of resident ID numbers: the mainland provinces, then
// Taiwan (71), Hong Kong (81) and Macao (82), used on residence permits.
constexpr std::array<int, 34> kIdProvinces = {11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34,
                                              35, 36, 37, 41, 42, 43, 44, 45, 46, 50, 51, 52,
                                              53, 54, 61, 62, 63, 64, 65, 71, 81, 82};

// ISO 7064 MOD 11-2 weights 2^(17-i) mod 11 and remainder -> check character.
constexpr std::array<int, 17> kIdWeights = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
constexpr std::string_view kIdCheck = "10X98765432";

// GB 32100-2015 code alphabet (index = value) and weights 3^(i-1) mod 31.
constexpr std::string_view kCreditAlphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY";
constexpr std::array<int, 17> kCreditWeights = {1,  3,  9,  27, 19, 26, 16, 17, 20,
                                                29, 25, 13, 8,  24, 10, 30, 28};

// GB 32100 table 1: each registration authority (character 1) and the entity
// categories (character 2) it issues, as the standard and the amendments of
// the national code centre list them (village and residents' committees 54
// and 55, collective economic organisations N1-N3, and so on).
struct RegistrationAuthority {
  char code;
  std::string_view categories;
  std::string_view name;
};
constexpr std::array<RegistrationAuthority, 15> kRegistrationAuthorities = {{
    {'1', "1239", "institutional organisation"},
    {'2', "19", "foreign affairs"},
    {'3', "1234569", "judicial administration"},
    {'4', "19", "culture"},
    {'5', "123459", "civil affairs"},
    {'6', "129", "tourism"},
    {'7', "129", "religious affairs"},
    {'8', "129", "trade unions"},
    {'9', "123", "market regulation"},
    {'A', "19", "military organisation"},
    {'G', "19", "public security"},
    {'J', "19", "housing and urban-rural development"},
    {'N', "1239", "agriculture and rural affairs"},
    {'Q', "1239", "overseas Chinese federations"},
    {'Y', "1", "other"},
}};

// Why character 1 and 2 do not go together, or empty when they do.
std::string registration_problem(char authority, char category) {
  for (const auto& a : kRegistrationAuthorities) {
    if (a.code != authority) continue;
    if (a.categories.find(category) != std::string_view::npos) return {};
    std::string listed;
    for (char c : a.categories) listed += (listed.empty() ? "" : ", ") + std::string(1, c);
    return std::string("credit code: registration authority ") + authority + " (" +
           std::string(a.name) + ") has no entity category " + category + " (GB 32100 lists " +
           listed + ")";
  }
  return std::string("credit code: registration authority ") + authority +
         " is not one GB 32100 lists";
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }
int digit(char c) { return c - '0'; }

// "character 5 'O'" with a 1-based position. Non-printable bytes are shown as
// their code, so a message never carries raw control or UTF-8 bytes.
std::string describe(size_t index, char c) {
  std::string s = "character " + std::to_string(index + 1);
  const auto u = static_cast<unsigned char>(c);
  if (u >= 0x20 && u < 0x7f) return s + " '" + c + "'";
  return s + " (byte " + std::to_string(u) + ")";
}

char upper(char c) { return c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c; }

bool id_shaped(std::string_view text) {
  if (text.size() != kLength) return false;
  for (size_t i = 0; i + 1 < kLength; ++i) {
    if (!is_digit(text[i])) return false;
  }
  const char last = text[kLength - 1];
  return is_digit(last) || last == 'X' || last == 'x';
}

// Every ID number rule except the check character. On success the returned
// PersonId carries the number with x normalised to X.
Result<PersonId> parse_person_id_fields(std::string_view text, Date today) {
  if (text.size() != kLength) {
    return invalid_argument("ID number must be 18 characters, got " + std::to_string(text.size()));
  }
  std::string number(text);
  for (size_t i = 0; i + 1 < kLength; ++i) {
    if (!is_digit(number[i])) {
      return invalid_argument("ID number: " + describe(i, number[i]) + " is not a digit");
    }
  }
  if (number[kLength - 1] == 'x') number[kLength - 1] = 'X';  // normalised, see identity.h
  const char last = number[kLength - 1];
  if (!is_digit(last) && last != 'X') {
    return invalid_argument("ID number: " + describe(kLength - 1, text[kLength - 1]) +
                            " must be a digit or X");
  }

  const int province = digit(number[0]) * 10 + digit(number[1]);
  bool known = false;
  for (int p : kIdProvinces) known = known || p == province;
  if (!known) {
    return invalid_argument("ID number: region starts with " + number.substr(0, 2) +
                            ", which is not a province prefix");
  }

  const std::string birth = number.substr(6, 8);
  int y = 0;
  for (size_t i = 6; i < 10; ++i) y = y * 10 + digit(number[i]);
  const int m = digit(number[10]) * 10 + digit(number[11]);
  const int d = digit(number[12]) * 10 + digit(number[13]);
  if (y < 1900) return invalid_argument("ID number: birth date " + birth + " is before 1900");
  const Result<Date> birth_date = Date::from_ymd(y, m, d);
  if (!birth_date.ok()) {
    return invalid_argument("ID number: birth date " + birth + " is not a real date");
  }
  if (*birth_date > today) {
    return invalid_argument("ID number: birth date " + birth + " is in the future");
  }

  PersonId id;
  id.region = number.substr(0, 6);
  id.birth_date = *birth_date;
  id.sex = digit(number[16]) % 2 == 1 ? Sex::kMale : Sex::kFemale;
  id.number = std::move(number);
  return id;
}

}  // namespace

Result<PersonId> parse_person_id(std::string_view text, Date today) {
  YIMEN_ASSIGN_OR_RETURN(PersonId id, parse_person_id_fields(text, today));
  const std::string& number = id.number;
  const char last = number[kLength - 1];
  int sum = 0;
  for (size_t i = 0; i + 1 < kLength; ++i) sum += digit(number[i]) * kIdWeights[i];
  const char expected = kIdCheck[static_cast<size_t>(sum % 11)];
  if (last != expected) {
    return invalid_argument(std::string("ID number: check character should be ") + expected +
                            ", not " + last);
  }
  return id;
}

Result<CreditCode> parse_credit_code(std::string_view text) {
  if (text.size() != kLength) {
    return invalid_argument("credit code must be 18 characters, got " +
                            std::to_string(text.size()));
  }
  std::string code(text);
  int sum = 0;
  for (size_t i = 0; i < kLength; ++i) {
    code[i] = upper(code[i]);  // normalised, see identity.h
    const size_t value = kCreditAlphabet.find(code[i]);
    if (value == std::string_view::npos) {
      return invalid_argument("credit code: " + describe(i, text[i]) + " is not allowed");
    }
    if (i >= 2 && i < 8 && !is_digit(code[i])) {
      return invalid_argument("credit code: " + describe(i, text[i]) +
                              " is not a digit (characters 3-8 are a region code)");
    }
    if (i + 1 < kLength) sum += static_cast<int>(value) * kCreditWeights[i];
  }
  const int check = (31 - sum % 31) % 31;
  const char expected = kCreditAlphabet[static_cast<size_t>(check)];
  if (code[kLength - 1] != expected) {
    return invalid_argument(std::string("credit code: check character should be ") + expected +
                            ", not " + code[kLength - 1]);
  }
  if (std::string why = registration_problem(code[0], code[1]); !why.empty()) {
    return invalid_argument(std::move(why));
  }

  CreditCode result;
  result.registration_authority = code[0];
  result.entity_type = code[1];
  result.region = code.substr(2, 6);
  result.organisation_code = code.substr(8, 9);
  result.code = std::move(code);
  return result;
}

const char* applicant_kind_name(ApplicantKind kind) {
  switch (kind) {
    case ApplicantKind::kNaturalPerson:
      return "natural person";
    case ApplicantKind::kLegalPerson:
      return "legal person";
  }
  return "unknown";
}

Result<ApplicantId> parse_applicant_id(std::string_view text, Date today) {
  if (text.size() != kLength) {
    return invalid_argument("applicant ID must be 18 characters, got " +
                            std::to_string(text.size()));
  }
  if (!id_shaped(text)) {
    YIMEN_ASSIGN_OR_RETURN(CreditCode code, parse_credit_code(text));
    return ApplicantId{std::move(code)};
  }
  Result<PersonId> fields = parse_person_id_fields(text, today);
  if (fields.ok()) {
    YIMEN_ASSIGN_OR_RETURN(PersonId person, parse_person_id(text, today));
    return ApplicantId{std::move(person)};
  }
  Result<CreditCode> code = parse_credit_code(text);
  if (code.ok()) return ApplicantId{std::move(code).value()};
  return invalid_argument("neither a valid ID number nor a valid credit code: " +
                          fields.status().message() + "; " + code.status().message());
}

std::string masked_id_number(std::string_view id) {
  if (id.size() < 10) return std::string(id.size(), '*');
  return std::string(id.substr(0, 6)) + std::string(id.size() - 10, '*') +
         std::string(id.substr(id.size() - 4));
}

bool valid_phone(std::string_view phone) {
  if (phone.size() < 5 || phone.size() > 20) return false;
  int digits = 0;
  for (char c : phone) {
    if (c >= '0' && c <= '9') {
      ++digits;
    } else if (c != ' ' && c != '-' && c != '+') {
      return false;
    }
  }
  return digits >= 5;
}

}  // namespace yimen::hall
