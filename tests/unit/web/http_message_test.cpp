#include "web/http_message.h"

#include <gtest/gtest.h>

namespace yimen::web {
namespace {

TEST(ParseTarget, DecodesPathAndQuery) {
  auto t = parse_target("/api/v1/catalogue?q=%E4%BD%8E%E4%BF%9D+x&theme=social_security&");
  ASSERT_TRUE(t.has_value());
  EXPECT_EQ(t->path, "/api/v1/catalogue");
  EXPECT_EQ(t->query.at("q"), "低保 x");
  EXPECT_EQ(t->query.at("theme"), "social_security");
}

TEST(ParseTarget, RefusesWhatCannotBeServedSafely) {
  EXPECT_FALSE(parse_target("").has_value());
  EXPECT_FALSE(parse_target("http://example/a").has_value());  // absolute-form
  EXPECT_FALSE(parse_target("/a/../etc/passwd").has_value());
  EXPECT_FALSE(parse_target("/a/%2e%2e/b").has_value());
  EXPECT_FALSE(parse_target("/a%00b").has_value());
  EXPECT_FALSE(parse_target("/a%4").has_value());
  EXPECT_FALSE(parse_target("/a?x=%zz").has_value());
  EXPECT_TRUE(parse_target("/a/..b").has_value());
}

TEST(CookieValue, FindsTheNamedCookie) {
  EXPECT_EQ(cookie_value("a=1; yimen_session=abc ; b=2", "yimen_session"), "abc");
  EXPECT_EQ(cookie_value("xyimen_session=abc", "yimen_session"), "");
  EXPECT_EQ(cookie_value("", "yimen_session"), "");
}

}  // namespace
}  // namespace yimen::web
