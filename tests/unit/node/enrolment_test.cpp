#include "node/enrolment.h"

#include <gtest/gtest.h>

#include <limits>

#include "common/bytes.h"
#include "crypto/crypto.h"
#include "node/enrol_child.h"

namespace yimen::node {
namespace {

constexpr std::int64_t kNow = 1795000000;

RegionCode code(const char* s) { return RegionCode::parse(s).value(); }

TEST(EnrolRequest, RoundTripsAndProvesTheKey) {
  const auto key = crypto::NodeKey::generate();
  const EnrolRequest req{code("441802001001"), "示范村党群服务中心", key.public_key(), kNow};
  const std::string token = encode_enrol_request(req, key);
  EXPECT_EQ(token.rfind("yimen-req1.", 0), 0u);
  EXPECT_EQ(token.find('\n'), std::string::npos);
  auto back = decode_enrol_request("  " + token + "\n");  // pasted with whitespace
  ASSERT_TRUE(back.ok()) << back.status().message();
  EXPECT_EQ(back->id, req.id);
  EXPECT_EQ(back->name, req.name);
  EXPECT_EQ(back->public_key, req.public_key);
  EXPECT_EQ(back->created_at, kNow);

  // A request for a key signed by another key is refused.
  const auto other = crypto::NodeKey::generate();
  auto forged = decode_enrol_request(encode_enrol_request(req, other));
  EXPECT_EQ(forged.status().message(),
            "enrolment request token is damaged: its signature does not verify");
}

TEST(EnrolRequest, ARequestDatedAnyTimeIsJudgedWithoutOverflow) {
  const auto key = crypto::NodeKey::generate();
  const auto town = code("441802001000");
  for (const std::int64_t created_at : {std::numeric_limits<std::int64_t>::min(), std::int64_t{-1},
                                        std::int64_t{0}, kNow - 8 * 24 * 3600}) {
    const EnrolRequest req{code("441802001001"), "村", key.public_key(), created_at};
    EXPECT_EQ(check_enrol_request(town, req, kNow).message(),
              "the request token is older than 7 days; ask the node for a new one")
        << created_at;
  }
  const EnrolRequest later{code("441802001001"), "村", key.public_key(),
                           std::numeric_limits<std::int64_t>::max()};
  EXPECT_EQ(check_enrol_request(town, later, kNow).message(),
            "the request token is dated in the future; check the clocks");
  const EnrolRequest fresh{code("441802001001"), "村", key.public_key(), kNow - 3600};
  EXPECT_TRUE(check_enrol_request(town, fresh, kNow).ok());
}

TEST(EnrolRequest, DamagedTokensRefusedWithoutCrashing) {
  const auto key = crypto::NodeKey::generate();
  const std::string token =
      encode_enrol_request({code("441802001001"), "村", key.public_key(), kNow}, key);
  EXPECT_EQ(decode_enrol_request("hello").status().message(),
            "not an enrolment request token (it should start with yimen-req1.)");
  EXPECT_EQ(decode_enrol_request("yimen-req1.***").status().message(),
            "an enrolment request token is damaged (not base64url)");
  for (size_t cut = 11; cut < token.size(); cut += 5) {
    EXPECT_FALSE(decode_enrol_request(token.substr(0, cut)).ok()) << cut;
  }
  // Every character but the last (whose low bits may be padding) is covered by the signature.
  for (size_t i = 11; i + 1 < token.size(); ++i) {
    std::string bad = token;
    bad[i] = bad[i] == 'A' ? 'B' : 'A';
    EXPECT_FALSE(decode_enrol_request(bad).ok()) << i;
  }
}

TEST(CertificateToken, RoundTrip) {
  const auto city = crypto::NodeKey::generate();
  const auto county = crypto::NodeKey::generate();
  auto root = crypto::Certificate::issue(code("441800000000"), "市", city.public_key(), kNow,
                                         kNow + 1000, code("441800000000"), city)
                  .value();
  auto leaf = crypto::Certificate::issue(code("441802000000"), "区", county.public_key(), kNow,
                                         kNow + 1000, code("441800000000"), city)
                  .value();
  const std::string token =
      encode_certificate_token({"tcp://127.0.0.1:7401", {leaf, root}, 41}, city);
  auto back = decode_certificate_token(token);
  ASSERT_TRUE(back.ok()) << back.status().message();
  EXPECT_EQ(back->parent_endpoint, "tcp://127.0.0.1:7401");
  ASSERT_EQ(back->chain.size(), 2u);
  EXPECT_EQ(back->chain[0].bytes, leaf.bytes);
  EXPECT_EQ(back->chain[1].bytes, root.bytes);
  EXPECT_EQ(back->held_through, 41u);  // the child's own events the parent holds

  EXPECT_FALSE(
      decode_certificate_token(encode_certificate_token({"not-an-endpoint", {leaf, root}, 0}, city))
          .ok());
  EXPECT_FALSE(
      decode_certificate_token(encode_certificate_token({"tcp://a:1", {leaf}, 0}, city)).ok());

  // The token's bytes up to the chain, as `version` writes them.
  const auto chain_only = [&](std::uint8_t version) {
    ByteWriter w;
    w.u8(version);
    w.str16(std::string_view("tcp://127.0.0.1:7401"));
    w.u8(2);
    w.str16(ByteView(leaf.bytes));
    w.str16(ByteView(root.bytes));
    return "yimen-cert1." + crypto::to_base64url(w.bytes());
  };
  // A version 1 token (before held_through) still reads, as a first enrolment.
  auto old = decode_certificate_token(chain_only(1));
  ASSERT_TRUE(old.ok()) << old.status().message();
  EXPECT_EQ(old->held_through, 0u);
  EXPECT_EQ(old->chain[0].bytes, leaf.bytes);
  // Signed by another key than the parent's (the chain's second certificate's).
  EXPECT_EQ(decode_certificate_token(
                encode_certificate_token({"tcp://127.0.0.1:7401", {leaf, root}, 41}, county))
                .status()
                .message(),
            "certificate token is damaged: the parent's signature does not verify");
  // A version 2 token cut short of held_through is damaged.
  EXPECT_EQ(decode_certificate_token(chain_only(2)).status().message(),
            "certificate token is damaged: truncated");
  // Signed by the parent as a whole: no flipped character passes.
  for (size_t i = 12; i + 1 < token.size(); i += 3) {
    std::string bad = token;
    bad[i] = bad[i] == 'A' ? 'B' : 'A';
    EXPECT_FALSE(decode_certificate_token(bad).ok()) << i;
  }
}

}  // namespace
}  // namespace yimen::node
