// The API's JSON reader (web/json.h): limits and what a body may not be.

#include "web/json.h"

#include <gtest/gtest.h>

#include <string>

namespace yimen::web {
namespace {

std::string error_of(std::string_view body) {
  auto parsed = parse_object(body);
  EXPECT_FALSE(parsed.ok()) << body;
  return parsed.ok() ? std::string() : parsed.status().message();
}

TEST(JsonParseObject, ReadsAnObject) {
  auto parsed = parse_object(R"({"login":"clerk","n":3,"inner":{"a":[1,{"b":2}]}})");
  ASSERT_TRUE(parsed.ok()) << parsed.status().message();
  EXPECT_EQ(parsed->at("login").as_string(), "clerk");
}

TEST(JsonParseObject, RefusesBodiesThatAreNotOneObject) {
  EXPECT_EQ(error_of("[1,2]"), "body: expected a JSON object");
  EXPECT_EQ(error_of(std::string(40, '[') + std::string(40, ']')), "body: nested too deeply");
  EXPECT_EQ(error_of("{\"a\":1"), "body: not valid JSON (incomplete JSON)");
}

// With the last value winning, a check that reads one copy of a field and a
// handler that reads the other disagree about what was sent.
TEST(JsonParseObject, RefusesADuplicateKeyNamingIt) {
  EXPECT_EQ(error_of(R"({"login":"clerk","password":"x","login":"admin"})"),
            "body: duplicate key \"login\"");
  EXPECT_EQ(error_of(R"({"applicant":{"name":"a","id_number":"1","name":"b"}})"),
            "body: duplicate key \"applicant.name\"");
  EXPECT_EQ(error_of(R"({"materials":[{"how":"paper"},{"how":"paper","how":"shared"}]})"),
            "body: duplicate key \"materials[].how\"");
  // Escapes are decoded before keys are compared.
  EXPECT_EQ(error_of(R"({"code":"1","c\u006fde":"2"})"), "body: duplicate key \"code\"");
  // A key that is not a plain name is not repeated back.
  EXPECT_EQ(error_of(R"({"张三":1,"张三":2})"), "body: a key appears twice in one object");
  EXPECT_EQ(error_of("{\"" + std::string(100, 'k') + "\":1,\"" + std::string(100, 'k') + "\":2}"),
            "body: a key appears twice in one object");
  // The same key in different objects is fine.
  EXPECT_TRUE(parse_object(R"({"a":{"x":1},"b":{"x":2},"c":[{"x":1},{"x":2}]})").ok());
}

}  // namespace
}  // namespace yimen::web
