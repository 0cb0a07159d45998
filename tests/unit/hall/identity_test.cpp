#include "node/hall/identity.h"

#include <gtest/gtest.h>

#include <string>
#include <string_view>

namespace yimen::hall {
namespace {

Date date(std::string_view text) { return Date::from_string(text).value(); }

// The day the tests pretend it is.
Date test_today() { return date("2026-03-01"); }

// Valid ID numbers. The first is the common textbook example; the others
// were constructed for these tests and their check characters computed with
// an independent implementation of ISO 7064 MOD 11-2.
struct ValidId {
  std::string_view number;
  std::string_view region;
  std::string_view birth;
  Sex sex;
};
constexpr ValidId kValidIds[] = {
    {"11010519491231002X", "110105", "1949-12-31", Sex::kFemale},
    {"110101200002290018", "110101", "2000-02-29", Sex::kMale},  // leap day
    {"44030519900101123X", "440305", "1990-01-01", Sex::kMale},
    {"320102198511162714", "320102", "1985-11-16", Sex::kMale},
    {"650102202402290026", "650102", "2024-02-29", Sex::kFemale},  // leap day
    {"810000199912311234", "810000", "1999-12-31", Sex::kMale},    // Hong Kong
    {"710000200001010010", "710000", "2000-01-01", Sex::kMale},    // Taiwan
    {"110105194912310097", "110105", "1949-12-31", Sex::kMale},
};

// Valid credit codes of registered entities, each checked with an
// independent implementation of the GB 32100 check before use here.
constexpr std::string_view kValidCodes[] = {
    "91350100M000100Y43", "91110000600037341L", "91110108551385082Q",
    "91440300708461136T", "91110000802100433B", "914403001922038216",
    "91350100M000100057",  // constructed: check character 7
};

constexpr std::string_view kIdAlphabet = "0123456789X";
constexpr std::string_view kCreditAlphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY";

char upper(char c) { return c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c; }

// ---------------------------------------------------------------- ID numbers

TEST(PersonIdTest, ParsesValidNumbers) {
  for (const ValidId& v : kValidIds) {
    Result<PersonId> id = parse_person_id(v.number, test_today());
    ASSERT_TRUE(id.ok()) << v.number << ": " << id.status().message();
    EXPECT_EQ(id->number, v.number);
    EXPECT_EQ(id->region, v.region);
    EXPECT_EQ(id->birth_date, date(v.birth)) << v.number;
    EXPECT_EQ(id->sex, v.sex) << v.number;
  }
}

TEST(PersonIdTest, LowerCaseXIsNormalised) {
  Result<PersonId> id = parse_person_id("11010519491231002x", test_today());
  ASSERT_TRUE(id.ok()) << id.status().message();
  EXPECT_EQ(id->number, "11010519491231002X");
}

TEST(PersonIdTest, EverySingleSubstitutionFails) {
  for (const ValidId& v : kValidIds) {
    const std::string valid(v.number);
    for (size_t pos = 0; pos < valid.size(); ++pos) {
      // Every other printable ASCII character, the ID alphabet included.
      for (int code = 0x20; code < 0x7f; ++code) {
        const char c = static_cast<char>(code);
        if (c == valid[pos]) continue;
        if (pos == 17 && valid[pos] == 'X' && c == 'x') continue;  // the same, normalised
        std::string mutated = valid;
        mutated[pos] = c;
        Result<PersonId> id = parse_person_id(mutated, test_today());
        ASSERT_FALSE(id.ok()) << "position " << pos + 1 << " -> '" << c << "' in " << valid;
        EXPECT_EQ(id.status().code(), ErrorCode::kInvalidArgument);
        // Never echo the number, mutated or not.
        EXPECT_EQ(id.status().message().find(mutated), std::string::npos) << id.status().message();
        EXPECT_EQ(id.status().message().find(valid.substr(0, 14)), std::string::npos);
      }
    }
  }
}

TEST(PersonIdTest, EverySubstitutionWithinTheAlphabetIsCaughtByTheCheck) {
  // Substitutions that keep region and birth date valid must be refused by
  // the check character with the exact expected message.
  const std::string valid = "110105194912310097";
  for (size_t pos = 14; pos < 17; ++pos) {  // the sequence number
    for (char c : kIdAlphabet) {
      if (c == valid[pos] || c == 'X') continue;
      std::string mutated = valid;
      mutated[pos] = c;
      Result<PersonId> id = parse_person_id(mutated, test_today());
      ASSERT_FALSE(id.ok()) << mutated;
      EXPECT_EQ(id.status().message().rfind("ID number: check character should be ", 0), 0u)
          << id.status().message();
    }
  }
}

TEST(PersonIdTest, ExactMessages) {
  auto message = [](std::string_view text, Date today = test_today()) {
    return parse_person_id(text, today).status().message();
  };
  EXPECT_EQ(message("11010519491231002"), "ID number must be 18 characters, got 17");
  EXPECT_EQ(message("11010519491231002X1"), "ID number must be 18 characters, got 19");
  EXPECT_EQ(message(""), "ID number must be 18 characters, got 0");
  EXPECT_EQ(message("110105194912310093"), "ID number: check character should be 7, not 3");
  EXPECT_EQ(message("110105194912310021"), "ID number: check character should be X, not 1");
  EXPECT_EQ(message("11010520260230002X"), "ID number: birth date 20260230 is not a real date");
  EXPECT_EQ(message("11010520231301002X"), "ID number: birth date 20231301 is not a real date");
  EXPECT_EQ(message("11010520230100002X"), "ID number: birth date 20230100 is not a real date");
  EXPECT_EQ(message("440524188001010014"), "ID number: birth date 18800101 is before 1900");
  EXPECT_EQ(message("99010519491231002X"),
            "ID number: region starts with 99, which is not a province prefix");
  EXPECT_EQ(message("16010519491231002X"),
            "ID number: region starts with 16, which is not a province prefix");
  EXPECT_EQ(message("1101051949123100AX"), "ID number: character 17 'A' is not a digit");
  EXPECT_EQ(message("11010519491231002Y"), "ID number: character 18 'Y' must be a digit or X");
  EXPECT_EQ(message("11010519491231002\xE4"),
            "ID number: character 18 (byte 228) must be a digit or X");
  EXPECT_EQ(parse_person_id("11010519491231002", test_today()).status().code(),
            ErrorCode::kInvalidArgument);
}

TEST(PersonIdTest, LeapDays) {
  // 29 February exists only in leap years; 1900 was not one, 2000 was.
  EXPECT_EQ(parse_person_id("110101190002290011", test_today()).status().message(),
            "ID number: birth date 19000229 is not a real date");
  EXPECT_EQ(parse_person_id("110101202302290011", test_today()).status().message(),
            "ID number: birth date 20230229 is not a real date");
  EXPECT_EQ(parse_person_id("110101202602290011", test_today()).status().message(),
            "ID number: birth date 20260229 is not a real date");
  EXPECT_TRUE(parse_person_id("110101200002290018", test_today()).ok());
  EXPECT_TRUE(parse_person_id("650102202402290026", test_today()).ok());
}

TEST(PersonIdTest, BirthDateBounds) {
  // Born 2024-02-29: valid from that day on, in the future before it.
  EXPECT_TRUE(parse_person_id("650102202402290026", date("2024-02-29")).ok());
  EXPECT_EQ(parse_person_id("650102202402290026", date("2024-02-28")).status().message(),
            "ID number: birth date 20240229 is in the future");
  // 1900-01-01 is the earliest accepted birth date.
  const std::string first_day = "11010119000101001";
  int sum = 0;
  constexpr int kWeights[] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
  for (size_t i = 0; i < 17; ++i) sum += (first_day[i] - '0') * kWeights[i];
  const std::string valid = first_day + std::string(1, "10X98765432"[sum % 11]);
  EXPECT_TRUE(parse_person_id(valid, test_today()).ok())
      << parse_person_id(valid, test_today()).status().message();
  EXPECT_EQ(parse_person_id("110101189912310011", test_today()).status().message(),
            "ID number: birth date 18991231 is before 1900");
}

// ---------------------------------------------------------------- credit codes

TEST(CreditCodeTest, ParsesValidCodes) {
  for (std::string_view text : kValidCodes) {
    Result<CreditCode> code = parse_credit_code(text);
    ASSERT_TRUE(code.ok()) << text << ": " << code.status().message();
    EXPECT_EQ(code->code, text);
  }
  Result<CreditCode> code = parse_credit_code("91350100M000100Y43");
  ASSERT_TRUE(code.ok());
  EXPECT_EQ(code->registration_authority, '9');
  EXPECT_EQ(code->entity_type, '1');
  EXPECT_EQ(code->region, "350100");
  EXPECT_EQ(code->organisation_code, "M000100Y4");
}

TEST(CreditCodeTest, LowerCaseIsNormalised) {
  Result<CreditCode> code = parse_credit_code("91350100m000100y43");
  ASSERT_TRUE(code.ok()) << code.status().message();
  EXPECT_EQ(code->code, "91350100M000100Y43");
  EXPECT_EQ(parse_credit_code("91110000600037341l")->code, "91110000600037341L");
}

TEST(CreditCodeTest, EverySingleSubstitutionFails) {
  for (std::string_view text : kValidCodes) {
    const std::string valid(text);
    for (size_t pos = 0; pos < valid.size(); ++pos) {
      for (int code = 0x20; code < 0x7f; ++code) {
        const char c = static_cast<char>(code);
        if (upper(c) == valid[pos]) continue;  // the same character, maybe lower case
        std::string mutated = valid;
        mutated[pos] = c;
        Result<CreditCode> parsed = parse_credit_code(mutated);
        ASSERT_FALSE(parsed.ok()) << "position " << pos + 1 << " -> '" << c << "' in " << valid;
        EXPECT_EQ(parsed.status().code(), ErrorCode::kInvalidArgument);
        EXPECT_EQ(parsed.status().message().find(mutated), std::string::npos);
        EXPECT_EQ(parsed.status().message().find(valid.substr(0, 12)), std::string::npos);
      }
    }
  }
}

TEST(CreditCodeTest, AlphabetSubstitutionsAreCaughtByTheCheck) {
  // Outside the region digits, every in-alphabet substitution reaches the check.
  const std::string valid = "91350100M000100Y43";
  for (size_t pos : {0u, 1u, 8u, 12u, 16u}) {
    for (char c : kCreditAlphabet) {
      if (c == valid[pos]) continue;
      std::string mutated = valid;
      mutated[pos] = c;
      EXPECT_EQ(parse_credit_code(mutated).status().message().rfind(
                    "credit code: check character should be ", 0),
                0u)
          << mutated;
      EXPECT_TRUE(parse_credit_code(mutated).status().message().ends_with(", not 3")) << mutated;
    }
  }
}

TEST(CreditCodeTest, ExactMessages) {
  auto message = [](std::string_view text) { return parse_credit_code(text).status().message(); };
  EXPECT_EQ(message("91350100M000100Y4"), "credit code must be 18 characters, got 17");
  EXPECT_EQ(message("9135O100M000100Y43"), "credit code: character 5 'O' is not allowed");
  EXPECT_EQ(message("91350100I000100Y43"), "credit code: character 9 'I' is not allowed");
  EXPECT_EQ(message("91350100M000100Y4Z"), "credit code: character 18 'Z' is not allowed");
  EXPECT_EQ(message("91350100M000100Y4o"), "credit code: character 18 'o' is not allowed");
  EXPECT_EQ(message("91350100M000100Y4-"), "credit code: character 18 '-' is not allowed");
  EXPECT_EQ(message("91A50100M000100Y43"),
            "credit code: character 3 'A' is not a digit (characters 3-8 are a region code)");
  EXPECT_EQ(message("91350100M000100053"), "credit code: check character should be 7, not 3");
  EXPECT_EQ(message("91350100M000100Y40"), "credit code: check character should be 3, not 0");
  EXPECT_EQ(parse_credit_code("").status().code(), ErrorCode::kInvalidArgument);
}

// `first17` with its GB 32100 check character.
std::string with_check(const std::string& first17) {
  constexpr int kWeights[] = {1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28};
  int sum = 0;
  for (size_t i = 0; i < 17; ++i) {
    sum += static_cast<int>(kCreditAlphabet.find(first17[i])) * kWeights[i];
  }
  return first17 + kCreditAlphabet[static_cast<size_t>((31 - sum % 31) % 31)];
}

TEST(CreditCodeTest, AuthorityAndCategoryGoTogetherAsTheStandardLists) {
  // Issued: an enterprise, a farmers' cooperative, a village committee, a
  // village collective economic organisation, a public institution, "other".
  for (const char* first17 : {"91441802MA4W00001", "93441802MA4W00001", "54441802MA4W00001",
                              "N2441802MA4W00001", "12441802MA4W00001", "Y1441802MA4W00001"}) {
    const std::string code = with_check(first17);
    EXPECT_TRUE(parse_credit_code(code).ok())
        << code << ": " << parse_credit_code(code).status().message();
  }
  auto message = [](const std::string& first17) {
    return parse_credit_code(with_check(first17)).status().message();
  };
  EXPECT_EQ(message("95441802MA4W00001"),
            "credit code: registration authority 9 (market regulation) has no entity category 5 "
            "(GB 32100 lists 1, 2, 3)");
  EXPECT_EQ(message("1A441802MA4W00001"),
            "credit code: registration authority 1 (institutional organisation) has no entity "
            "category A (GB 32100 lists 1, 2, 3, 9)");
  EXPECT_EQ(message("B1441802MA4W00001"),
            "credit code: registration authority B is not one GB 32100 lists");
  EXPECT_EQ(message("01441802MA4W00001"),
            "credit code: registration authority 0 is not one GB 32100 lists");
}

// ---------------------------------------------------------------- either

TEST(ApplicantIdTest, SaysWhichKind) {
  Result<ApplicantId> person = parse_applicant_id("11010519491231002x", test_today());
  ASSERT_TRUE(person.ok()) << person.status().message();
  EXPECT_EQ(person->kind(), ApplicantKind::kNaturalPerson);
  EXPECT_EQ(person->number(), "11010519491231002X");
  EXPECT_EQ(std::get<PersonId>(person->id).sex, Sex::kFemale);

  Result<ApplicantId> company = parse_applicant_id("91350100M000100Y43", test_today());
  ASSERT_TRUE(company.ok()) << company.status().message();
  EXPECT_EQ(company->kind(), ApplicantKind::kLegalPerson);
  EXPECT_EQ(company->number(), "91350100M000100Y43");
  EXPECT_STREQ(applicant_kind_name(company->kind()), "legal person");
  EXPECT_STREQ(applicant_kind_name(person->kind()), "natural person");
}

TEST(ApplicantIdTest, AllDigitCreditCodes) {
  // Shaped like an ID number, but 91 is no province: a credit code.
  Result<ApplicantId> a = parse_applicant_id("914403001922038216", test_today());
  ASSERT_TRUE(a.ok()) << a.status().message();
  EXPECT_EQ(a->kind(), ApplicantKind::kLegalPerson);
  // 12 is a province, but "00400000" is no birth date: a credit code.
  ASSERT_TRUE(parse_credit_code("121000004000000010").ok());
  Result<ApplicantId> b = parse_applicant_id("121000004000000010", test_today());
  ASSERT_TRUE(b.ok()) << b.status().message();
  EXPECT_EQ(b->kind(), ApplicantKind::kLegalPerson);
}

TEST(ApplicantIdTest, ValidIdNumberWinsOverAnEqualCreditCode) {
  // Valid under both algorithms (about 1 in 31 digit-checked ID numbers is).
  ASSERT_TRUE(parse_credit_code("110105199005150096").ok());
  Result<ApplicantId> a = parse_applicant_id("110105199005150096", test_today());
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->kind(), ApplicantKind::kNaturalPerson);
}

TEST(ApplicantIdTest, MistypedIdNumberWithAValidBirthDateStaysAnIdNumber) {
  // One digit of 110105194912310097 mistyped (character 6): the result passes
  // the credit code check, but its region and birth date are valid, so it is
  // judged as an ID number and refused.
  ASSERT_TRUE(parse_credit_code("110100194912310097").ok());
  EXPECT_EQ(parse_applicant_id("110100194912310097", test_today()).status().message(),
            "ID number: check character should be 5, not 7");
  EXPECT_EQ(parse_applicant_id("110105194912310093", test_today()).status().message(),
            "ID number: check character should be 7, not 3");
}

TEST(ApplicantIdTest, MistypedBirthDateMayPassAsACreditCode) {
  // The documented limit: a typo that breaks the birth date (19492231) and
  // happens to pass the credit code check (1 chance in 31) is read as a
  // credit code. kind() tells the clerk it was not taken as a person.
  Result<ApplicantId> a = parse_applicant_id("110105194922310097", test_today());
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->kind(), ApplicantKind::kLegalPerson);
}

TEST(ApplicantIdTest, Errors) {
  EXPECT_EQ(parse_applicant_id("11010519491231002", test_today()).status().message(),
            "applicant ID must be 18 characters, got 17");
  EXPECT_EQ(parse_applicant_id("9135O100M000100Y43", test_today()).status().message(),
            "credit code: character 5 'O' is not allowed");
  // ID-shaped, bad birth date, and no credit code either.
  Result<ApplicantId> r = parse_applicant_id("11010520260230002X", test_today());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(r.status().message().rfind(
                "neither a valid ID number nor a valid credit code: ID number: birth date "
                "20260230 is not a real date; credit code: check character should be ",
                0),
            0u)
      << r.status().message();
  EXPECT_EQ(r.status().message().find("11010520260230002X"), std::string::npos);
}

}  // namespace
}  // namespace yimen::hall
