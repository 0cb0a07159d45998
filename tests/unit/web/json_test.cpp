#include "web/json.h"

#include <gtest/gtest.h>

namespace yimen::web {
namespace {

TEST(Json, ParsesAnObjectWithinTheLimits) {
  auto object = parse_object(R"({"a":{"b":[1,2.5,-3e2,true,null,"中"]}})");
  ASSERT_TRUE(object.ok()) << object.status().message();
  EXPECT_EQ(to_json(*object), R"({"a":{"b":[1,2.5E0,-3E2,true,null,"中"]}})");
  EXPECT_EQ(parse_object("[1]").status().message(), "body: expected a JSON object");
  EXPECT_EQ(parse_object(std::string(20, '[')).status().message(), "body: nested too deeply");
}

// Found by fuzz_json: a number beyond a double was read as infinity, which
// to_json wrote as "Infinity", text that is not JSON.
TEST(Json, ANumberBeyondADoubleIsRefused) {
  for (const char* body : {R"({"a":3e321})", R"({"a":[-1e400]})", R"({"a":{"b":1e999}})"}) {
    EXPECT_EQ(parse_object(body).status().message(), "body: a number is out of range") << body;
  }
  auto large = parse_object(R"({"a":1.7e308,"b":18446744073709551615})");
  ASSERT_TRUE(large.ok()) << large.status().message();
  EXPECT_TRUE(parse_object(to_json(*large)).ok());
}

}  // namespace
}  // namespace yimen::web
