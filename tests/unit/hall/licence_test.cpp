// E-licences: issued at the county on an approved case, delivered to the
// village, verified offline there from the document alone; refused when
// altered, revoked, expired or signed outside the chain.

#include "node/hall/licence.h"

#include "hall_city.h"
#include "sync/schema/licence.capnp.h"

namespace yimen::hall::testing {
namespace {

class LicenceTest : public HallCityTest {
 protected:
  std::string approved_case() {
    auto no = village().submit(clerk(), application())->case_no;
    city.deliver(kVillage, kCounty);
    act(kCounty, no, CaseAction::kAccept);
    act(kCounty, no, CaseAction::kApprove, "准予");
    return no;
  }
  LicenceInput dibao_licence() {
    return {"最低生活保障证",
            {{"保障人数", "2"}, {"月保障金", "1200元"}},
            Date::from_string("2027-02-11").value()};
  }
  LicenceVerdict verify_at(const char* node, ByteView document, const char* today) {
    const Date d = Date::from_string(today).value();
    return verify_licence(city[node].db, document, d, d.days_since_epoch() * 86400 + 3600).value();
  }
};

TEST_F(LicenceTest, IssuedAtTheCountyVerifiedAtTheVillage) {
  const auto no = approved_case();
  auto issued = county().issue_licence(officer(), no, dibao_licence());
  ASSERT_TRUE(issued.ok()) << issued.status().message();
  EXPECT_EQ(issued->number, std::string(kCounty) + "-L20260212-000001");
  EXPECT_EQ(county().issue_licence(officer(), no, dibao_licence()).status().code(),
            ErrorCode::kAlreadyExists);

  // The village holds it after delivery, looks it up by number and verifies it.
  city.deliver(kCounty, kVillage);
  auto held = load_licence(city[kVillage].db, issued->number).value();
  ASSERT_TRUE(held.has_value());
  EXPECT_EQ(held->licence.holder_name, "张三");
  EXPECT_EQ(held->licence.fields[1].value, "1200元");
  EXPECT_EQ(licences_of(city[kVillage].db, "11010519491231002X")->size(), 1u);
  const auto verdict = verify_at(kVillage, issued->document, "2026-03-01");
  EXPECT_TRUE(verdict.valid) << verdict.reason;

  // The file and QR forms round-trip; the QR form has no chain and still
  // verifies where the issuer's certificate is held.
  auto from_file = parse_licence_text(licence_file_text(issued->document));
  ASSERT_TRUE(from_file.ok());
  EXPECT_EQ(*from_file, issued->document);
  auto from_qr = parse_licence_text(licence_qr_payload(issued->document));
  ASSERT_TRUE(from_qr.ok());
  EXPECT_LT(from_qr->size(), issued->document.size());
  EXPECT_TRUE(verify_at(kOtherVillage, *from_qr, "2026-03-01").valid);
  EXPECT_FALSE(parse_licence_text("hello").ok());
}

TEST_F(LicenceTest, ASharedMaterialRecordsItsSourceAndALicenceIsReferredToByNumber) {
  const auto no = approved_case();
  const auto issued = county().issue_licence(officer(), no, dibao_licence()).value();
  // Without a licence that the material names, the item's sharing source.
  Application again = application();
  again.materials = {{1, "shared", "", std::nullopt}};
  const auto plain = village().submit(clerk(), again)->case_no;
  auto supplied = [&](const std::string& case_no) {
    auto events = city[kVillage].hall.log().read_from(0, 100000).value();
    for (const auto& e : events) {
      auto d = sync::decode_envelope(e.envelope).value();
      const auto body = d.reader().getBody();
      if (body.which() != schema::Body::CASE_INTAKE) continue;
      const auto intake = body.getCaseIntake();
      if (std::string(intake.getCaseNo().cStr()) != case_no) continue;
      return std::string(intake.getSubmitted().getMaterials()[0].getNote().cStr());
    }
    return std::string();
  };
  EXPECT_EQ(supplied(plain), "数据共享：市公安局");
  // An item whose material is the licence itself refers to it by number.
  ServiceItem v2 = dibao(kCounty);
  v2.materials[1].sharing_source = "最低生活保障证（电子证照）";
  ASSERT_TRUE(county().publish_item(officer(), v2).ok());
  city.deliver(kCounty, kVillage);
  const auto reused = village().submit(clerk(), again)->case_no;
  EXPECT_EQ(supplied(reused), "电子证照 " + issued.number);
}

TEST_F(LicenceTest, AlteredRevokedAndExpiredLicencesAreInvalidWithTheReason) {
  const auto no = approved_case();
  const auto issued = county().issue_licence(officer(), no, dibao_licence()).value();

  // Alter a field value inside the signed licence: the signature no longer holds.
  auto doc = decode_licence_document(issued.document).value();
  Bytes forged_licence = doc.licence_bytes;
  const std::string from = "1200", to = "9200";  // ASCII: bytes compare equal to chars
  auto it = std::search(forged_licence.begin(), forged_licence.end(), from.begin(), from.end());
  ASSERT_NE(it, forged_licence.end());
  std::copy(to.begin(), to.end(), it);
  capnp::MallocMessageBuilder message;
  auto d = message.initRoot<schema::LicenceDocument>();
  d.setLicence(kj::arrayPtr(forged_licence.data(), forged_licence.size()));
  d.setSignerKey(kj::arrayPtr(doc.signer.data(), doc.signer.size()));
  d.setSignature(kj::arrayPtr(doc.signature.data(), doc.signature.size()));
  const auto words = capnp::messageToFlatArray(message);
  const Bytes forged(words.asBytes().begin(), words.asBytes().end());
  auto bad = verify_at(kVillage, forged, "2026-03-01");
  EXPECT_FALSE(bad.valid);
  EXPECT_EQ(bad.reason.rfind("bad signature", 0), 0u) << bad.reason;

  // Garbage is malformed, not a crash.
  EXPECT_EQ(verify_at(kVillage, Bytes{1, 2, 3}, "2026-03-01").reason.rfind("malformed", 0), 0u);

  // Expired the day after its last valid day.
  EXPECT_TRUE(verify_at(kCounty, issued.document, "2027-02-11").valid);
  EXPECT_EQ(verify_at(kCounty, issued.document, "2027-02-12").reason, "expired on 2027-02-11");

  // Revoked: only by its issuer, and the revocation reaches the whole city.
  EXPECT_EQ(village().revoke_licence(clerk(), issued.number, "错误").code(), ErrorCode::kNotFound);
  city.deliver(kCounty, kVillage);
  EXPECT_EQ(village().revoke_licence(clerk(), issued.number, "错误").code(),
            ErrorCode::kPermissionDenied);
  ASSERT_TRUE(county().revoke_licence(officer(), issued.number, "虚假承诺，准予决定已撤销").ok());
  city.deliver(kCounty, kOtherVillage);
  auto revoked = verify_at(kOtherVillage, issued.document, "2026-03-01");
  EXPECT_FALSE(revoked.valid);
  EXPECT_EQ(revoked.reason, "revoked: 虚假承诺，准予决定已撤销");
  // A revoked licence can be replaced.
  EXPECT_TRUE(county().issue_licence(officer(), no, dibao_licence()).ok());
}

TEST_F(LicenceTest, OnlyTheHandlingNodeIssuesAndOnlyAfterApproval) {
  auto no = village().submit(clerk(), application())->case_no;
  city.deliver(kVillage, kCounty);
  EXPECT_EQ(county().issue_licence(officer(), no, dibao_licence()).status().code(),
            ErrorCode::kFailedPrecondition);
  EXPECT_EQ(village().issue_licence(clerk(), no, dibao_licence()).status().code(),
            ErrorCode::kPermissionDenied);
  LicenceInput bad = dibao_licence();
  bad.type = "";
  EXPECT_EQ(county().issue_licence(officer(), no, bad).status().code(),
            ErrorCode::kInvalidArgument);
  bad = dibao_licence();
  bad.valid_until = Date::from_string("2026-01-01").value();
  EXPECT_EQ(county().issue_licence(officer(), no, bad).status().message(),
            "valid_until 2026-01-01 is in the past");
}

TEST_F(LicenceTest, ALicenceSignedByAKeyOutsideTheChainIsUntrusted) {
  const auto no = approved_case();
  const auto issued = county().issue_licence(officer(), no, dibao_licence()).value();
  auto doc = decode_licence_document(issued.document).value();
  // A stranger re-signs the same licence with its own key and presents no chain.
  const auto stranger = crypto::NodeKey::generate();
  const auto sig = stranger.sign(crypto::kLicenceDomain, doc.licence_bytes);
  capnp::MallocMessageBuilder message;
  auto d = message.initRoot<schema::LicenceDocument>();
  d.setLicence(kj::arrayPtr(doc.licence_bytes.data(), doc.licence_bytes.size()));
  d.setSignerKey(kj::arrayPtr(stranger.public_key().data(), 32));
  d.setSignature(kj::arrayPtr(sig.data(), sig.size()));
  const auto words = capnp::messageToFlatArray(message);
  const Bytes resigned(words.asBytes().begin(), words.asBytes().end());
  auto v = verify_at(kVillage, resigned, "2026-03-01");
  EXPECT_FALSE(v.valid);
  EXPECT_EQ(v.reason.rfind("unknown issuer", 0), 0u) << v.reason;
  // ...or presents a village's chain: certified, but not for the issuing county.
  capnp::MallocMessageBuilder m2;
  auto d2 = m2.initRoot<schema::LicenceDocument>();
  const auto village_sig = city[kVillage].key.sign(crypto::kLicenceDomain, doc.licence_bytes);
  d2.setLicence(kj::arrayPtr(doc.licence_bytes.data(), doc.licence_bytes.size()));
  d2.setSignerKey(kj::arrayPtr(city[kVillage].key.public_key().data(), 32));
  d2.setSignature(kj::arrayPtr(village_sig.data(), village_sig.size()));
  const auto w2 = capnp::messageToFlatArray(m2);
  auto v2 = verify_at(kCounty, Bytes(w2.asBytes().begin(), w2.asBytes().end()), "2026-03-01");
  EXPECT_FALSE(v2.valid);
  EXPECT_NE(v2.reason.find("not for the issuer 441802000000"), std::string::npos) << v2.reason;
}

}  // namespace
}  // namespace yimen::hall::testing
