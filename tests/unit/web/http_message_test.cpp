#include "web/http_message.h"

#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

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

TEST(RequestFraming, AcceptsWhatIsUnambiguous) {
  EXPECT_FALSE(request_framing_error(11, {}, {}).has_value());
  EXPECT_FALSE(request_framing_error(11, {}, {"12"}).has_value());
  EXPECT_FALSE(request_framing_error(11, {}, {"12", "12, 12"}).has_value());
  EXPECT_FALSE(request_framing_error(11, {"chunked"}, {}).has_value());
  EXPECT_FALSE(request_framing_error(11, {"Chunked"}, {}).has_value());
  EXPECT_FALSE(request_framing_error(10, {}, {"0"}).has_value());
}

TEST(RequestFraming, RefusesABodyAProxyCouldDelimitDifferently) {
  const auto status_of = [](unsigned version, std::vector<std::string_view> te,
                            std::vector<std::string_view> cl) {
    const auto error = request_framing_error(version, te, cl);
    return error ? error->status : 0;
  };
  const auto message_of = [](std::vector<std::string_view> te, std::vector<std::string_view> cl) {
    const auto error = request_framing_error(11, te, cl);
    return error ? error->message : std::string();
  };
  for (std::string_view te : {"xchunked", "chunked, identity", "gzip", "identity", "", " , ",
                              "chunked;ext=1", "chunkedx"}) {
    EXPECT_EQ(status_of(11, {te}, {}), 400) << te;
    EXPECT_EQ(message_of({te}, {}), "Transfer-Encoding: the last coding must be chunked") << te;
  }
  // Two fields are one list: its last coding decides.
  EXPECT_EQ(status_of(11, {"chunked", "gzip"}, {}), 400);
  EXPECT_EQ(message_of({"chunked", "chunked"}, {}), "Transfer-Encoding: chunked more than once");
  EXPECT_EQ(message_of({"chunked, chunked"}, {}), "Transfer-Encoding: chunked more than once");
  // A coding before chunked that this server does not decode.
  EXPECT_EQ(status_of(11, {"gzip, chunked"}, {}), 501);
  EXPECT_EQ(status_of(11, {"gzip", "chunked"}, {}), 501);
  // Transfer-Encoding with Content-Length, and in HTTP/1.0.
  EXPECT_EQ(message_of({"chunked"}, {"5"}), "Transfer-Encoding and Content-Length together");
  EXPECT_EQ(status_of(11, {"xchunked"}, {"5"}), 400);
  EXPECT_EQ(status_of(10, {"chunked"}, {}), 400);
  // Content-Length: one decimal number.
  for (std::string_view cl : {"", "-1", "+5", "5 5", "0x10", "1.0", "99999999999999999999999"}) {
    EXPECT_EQ(message_of({}, {cl}), "Content-Length: expected one decimal number") << cl;
  }
  EXPECT_EQ(status_of(11, {}, {"5", "6"}), 400);
  EXPECT_EQ(status_of(11, {}, {"5, 6"}), 400);
}

}  // namespace
}  // namespace yimen::web
