#pragma once

// Applicant identities (DESIGN.md section 6): a natural person's 18-digit
// resident ID number (GB 11643-1999) or a legal person's 18-character unified
// social credit code (GB 32100-2015).
//
// All functions here are pure and thread-safe. Error messages say what is
// wrong (length, which character, which rule) and never contain the number
// or code itself; an ID number's birth-date digits may appear when the birth
// date is what is wrong.

#include <string>
#include <string_view>
#include <variant>

#include "common/status.h"
#include "node/hall/calendar.h"

namespace yimen::hall {

enum class Sex { kMale, kFemale };

// A validated resident ID number.
struct PersonId {
  std::string number;  // 18 characters, check character X in upper case
  std::string region;  // characters 1-6: the administrative region at issue
  Date birth_date;     // characters 7-14
  Sex sex;             // parity of the sequence number, characters 15-17
};

// Validates an 18-character resident ID number:
//   - characters 1-17 are ASCII digits, character 18 a digit or X;
//   - characters 1-2 are a real province prefix (11-15, 21-23, 31-37, 41-46,
//     50-54, 61-65, 71, 81, 82);
//   - characters 7-14 are a real date YYYYMMDD, not before 1900-01-01 and not
//     after `today`;
//   - character 18 is the ISO 7064 MOD 11-2 check character.
// A lower-case x as character 18 is accepted and normalised to X (card
// readers and clerks type both; the check value is the same).
// Returns the parsed number, or kInvalidArgument saying what is wrong, e.g.
// "ID number must be 18 characters, got 17",
// "ID number: birth date 20260230 is not a real date",
// "ID number: check character should be 7, not 3".
Result<PersonId> parse_person_id(std::string_view text, Date today);

// A validated unified social credit code.
struct CreditCode {
  std::string code;               // 18 characters, upper case
  char registration_authority;    // character 1, e.g. '9' for market regulation
  char entity_type;               // character 2, e.g. '1' for a company
  std::string region;             // characters 3-8: region code of the registering office
  std::string organisation_code;  // characters 9-17
};

// Validates an 18-character unified social credit code: every character from
// "0123456789ABCDEFGHJKLMNPQRTUWXY" (no I, O, S, V, Z), characters 3-8
// digits, character 18 the GB 32100 check character (weights 1 3 9 27 19
// 26 16 17 20 29 25 13 8 24 10 30 28; check = 31 - sum mod 31, 31 -> 0), and
// characters 1 and 2 a registration authority with one of the entity
// categories GB 32100 lists for it (e.g. 9 market regulation: 1 enterprise,
// 2 individual business, 3 farmers' cooperative).
// Lower-case letters are accepted and normalised to upper case.
// Returns the parsed code, or kInvalidArgument, e.g.
// "credit code: character 5 'O' is not allowed",
// "credit code: check character should be 7, not 3",
// "credit code: registration authority 9 (market regulation) has no entity
// category 5 (GB 32100 lists 1, 2, 3)".
Result<CreditCode> parse_credit_code(std::string_view text);

enum class ApplicantKind {
  kNaturalPerson,  // identified by a resident ID number
  kLegalPerson,    // identified by a unified social credit code
};

// "natural person", "legal person".
const char* applicant_kind_name(ApplicantKind kind);

// Either kind of applicant identity.
struct ApplicantId {
  std::variant<PersonId, CreditCode> id;

  ApplicantKind kind() const {
    return std::holds_alternative<PersonId>(id) ? ApplicantKind::kNaturalPerson
                                                : ApplicantKind::kLegalPerson;
  }
  // The normalised 18-character number or code.
  const std::string& number() const {
    return kind() == ApplicantKind::kNaturalPerson ? std::get<PersonId>(id).number
                                                   : std::get<CreditCode>(id).code;
  }
};

// Accepts either a resident ID number or a credit code and says which it is.
// About 1 in 31 valid all-digit ID numbers also passes the credit code check,
// and so may a mistyped one. Therefore text shaped like an ID number (17
// digits, then a digit or X/x) whose region prefix and birth date are valid is
// judged as an ID number only: a natural person, or an ID number error (e.g.
// its check character). Any other text is judged as a credit code; so a
// mistyped ID number whose typo breaks the birth date can, 1 time in 31, pass
// as a credit code: show kind() to the clerk. A caller that knows the kind
// should call parse_person_id or parse_credit_code directly.
// Errors (kInvalidArgument): wrong length ("applicant ID must be 18
// characters, got 17"); the ID number's error as above; for ID-shaped text
// whose region or birth date is wrong and that is no credit code either,
// "neither a valid ID number nor a valid credit code: <ID reason>; <credit
// code reason>"; otherwise the credit code's error.
Result<ApplicantId> parse_applicant_id(std::string_view text, Date today);

// "110105194912310021" -> "110105********0021": enough for a clerk to tell
// cases apart on a list or a terminal, not enough to identify anyone. Shorter
// text is masked whole.
std::string masked_id_number(std::string_view id);

// A contact phone number as people write it: 5 to 20 characters of digits,
// spaces, '-' and '+', at least 5 of them digits ("0763-3360001", "+86 138…").
bool valid_phone(std::string_view phone);

}  // namespace yimen::hall
