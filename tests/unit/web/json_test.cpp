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

TEST(JsonParseObject, ParsesAnObjectWithinTheLimits) {
  auto object = parse_object(R"({"a":{"b":[1,2.5,-3e2,true,null,"中"]}})");
  ASSERT_TRUE(object.ok()) << object.status().message();
  EXPECT_EQ(to_json(*object), R"({"a":{"b":[1,2.5E0,-3E2,true,null,"中"]}})");
  EXPECT_EQ(parse_object("[1]").status().message(), "body: expected a JSON object");
  EXPECT_EQ(parse_object(std::string(20, '[')).status().message(), "body: nested too deeply");
}

// Found by fuzz_json: a number beyond a double was read as infinity, which
// to_json wrote as "Infinity", text that is not JSON.
TEST(JsonParseObject, ANumberBeyondADoubleIsRefused) {
  for (const char* body : {R"({"a":3e321})", R"({"a":[-1e400]})", R"({"a":{"b":1e999}})"}) {
    EXPECT_EQ(parse_object(body).status().message(), "body: a number is out of range") << body;
  }
  auto large = parse_object(R"({"a":1.7e308,"b":18446744073709551615})");
  ASSERT_TRUE(large.ok()) << large.status().message();
  EXPECT_TRUE(parse_object(to_json(*large)).ok());
}

}  // namespace
}  // namespace yimen::web
