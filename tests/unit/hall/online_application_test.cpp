// Online applications (网上申请): the files a resident uploads, the identity
// left unverified until data sharing or a window clerk establishes it, and
// how each material was supplied, as the intake and the handling node see it.

#include "node/hall/online_application.h"

#include "hall_city.h"
#include "storage/blob_store.h"

namespace yimen::hall::testing {
namespace {

Bytes bytes_of(std::string_view s) { return Bytes(s.begin(), s.end()); }

const Bytes kPng = bytes_of(std::string_view("\x89PNG\r\n\x1A\n rest of a scan", 24));
const Bytes kPdf = bytes_of("%PDF-1.4 a scanned form");

class OnlineApplicationTest : public HallCityTest {
 protected:
  // `content` uploaded at the village, as the material's file.
  MaterialFile uploaded(const Bytes& content, std::string media_type) {
    auto ref = store_upload(city[kVillage].db, code(kVillage), content, city.clock_ms / 1000);
    EXPECT_TRUE(ref.ok()) << ref.status().message();
    return {ref->hash, ref->size, "申请书.png", std::move(media_type)};
  }

  Application online(const char* id_number = "11010519491231002X") {
    Application a = application();
    a.applicant.id_number = id_number;
    a.channel = "online";
    a.materials = {{0, "electronic", "", uploaded(kPng, "image/png")},
                   {1, "shared", "", std::nullopt},
                   {2, "commitment", "", std::nullopt}};
    return a;
  }
};

TEST_F(OnlineApplicationTest, OnlyJpegPngAndPdfFilesThatAreWhatTheySayAreAccepted) {
  EXPECT_TRUE(check_material_file("image/png", kPng).ok());
  EXPECT_TRUE(check_material_file("application/pdf", kPdf).ok());
  EXPECT_TRUE(check_material_file("image/jpeg", bytes_of("\xFF\xD8\xFF\xE0 jfif")).ok());

  Status s = check_material_file("image/png", kPdf);
  EXPECT_EQ(s.code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(s.message(), "the file is not a PNG although it says so");
  s = check_material_file("text/html", bytes_of("<script>"));
  EXPECT_NE(s.message().find("JPEG or PNG image or a PDF"), std::string::npos) << s.message();
  EXPECT_EQ(check_material_file("image/png", {}).message(), "the file is empty");
  EXPECT_EQ(check_material_file("application/pdf", Bytes(3, '%')).message(),
            "the file is not a PDF although it says so");
  Bytes huge(kMaxMaterialFileBytes + 1, 0);
  std::copy(kPdf.begin(), kPdf.end(), huge.begin());
  EXPECT_EQ(check_material_file("application/pdf", huge).message(), "the file is over 8 MiB");
}

TEST_F(OnlineApplicationTest, AnOnlineApplicantStaysUnverifiedUntilAClerkChecksTheIdCard) {
  auto submitted = village().submit(Actor{}, online());
  ASSERT_TRUE(submitted.ok()) << submitted.status().message();
  EXPECT_EQ(submitted->identity, kIdentityUnverified);
  CaseFile file = at(kVillage, submitted->case_no);
  EXPECT_EQ(file.channel, "online");
  EXPECT_EQ(file.visits, 0);
  EXPECT_EQ(file.identity, kIdentityUnverified);

  // How each material was supplied, with the uploaded file, at both nodes.
  city.deliver(kVillage, kCounty);
  for (const char* node : {kVillage, kCounty}) {
    const auto supplied = case_materials(city[node].db, submitted->case_no).value();
    ASSERT_EQ(supplied.size(), 3u) << node;
    EXPECT_EQ(supplied[0].how, "electronic");
    ASSERT_TRUE(supplied[0].file.has_value());
    EXPECT_EQ(supplied[0].file->media_type, "image/png");
    EXPECT_EQ(supplied[0].file->size, kPng.size());
    EXPECT_EQ(supplied[1].how, "shared");
    EXPECT_FALSE(supplied[1].file.has_value());
    EXPECT_EQ(supplied[2].how, "commitment");
  }

  // The county pre-reviews and accepts, but cannot approve an unknown person.
  act(kCounty, submitted->case_no, CaseAction::kAccept);
  const Status approve =
      county().act(officer(), submitted->case_no, {CaseAction::kApprove, "准予", {}, {}});
  EXPECT_EQ(approve.code(), ErrorCode::kFailedPrecondition);
  EXPECT_NE(approve.message().find("identity is not verified yet"), std::string::npos)
      << approve.message();

  // Only the intake node checks it, once, saying how.
  EXPECT_EQ(county()
                .act(officer(), submitted->case_no,
                     {CaseAction::kVerifyIdentity, "身份证原件核验", {}, {}})
                .code(),
            ErrorCode::kPermissionDenied);
  EXPECT_EQ(
      village().act(clerk(), submitted->case_no, {CaseAction::kVerifyIdentity, "", {}, {}}).code(),
      ErrorCode::kInvalidArgument);
  act(kVillage, submitted->case_no, CaseAction::kVerifyIdentity, "身份证原件核验");
  EXPECT_EQ(village()
                .act(clerk(), submitted->case_no, {CaseAction::kVerifyIdentity, "再次核验", {}, {}})
                .code(),
            ErrorCode::kFailedPrecondition);
  city.deliver(kVillage, kCounty);
  file = at(kCounty, submitted->case_no);
  EXPECT_EQ(file.identity, kIdentityWindow);
  EXPECT_EQ(file.identity_note, "身份证原件核验");
  act(kCounty, submitted->case_no, CaseAction::kApprove, "准予");
}

TEST_F(OnlineApplicationTest, DataSharingVouchesForAnApplicantSeenBeforeUnderTheSameName) {
  // A window case of the same person: the clerk saw the ID card then.
  ASSERT_TRUE(village().submit(clerk(), application()).ok());
  auto again = village().submit(Actor{}, online());
  ASSERT_TRUE(again.ok()) << again.status().message();
  EXPECT_EQ(again->identity, kIdentityShared);
  const CaseFile file = at(kVillage, again->case_no);
  EXPECT_EQ(file.identity_note.rfind("case " + std::string(kVillage) + "-", 0), 0u)
      << file.identity_note;

  // Another name on the same number is not vouched for.
  Application other = online();
  other.applicant.name = "李四";
  auto unverified = village().submit(Actor{}, other);
  ASSERT_TRUE(unverified.ok());
  EXPECT_EQ(unverified->identity, kIdentityUnverified);
  // Nor does an unverified online case vouch for a later one.
  Application third = online();
  third.applicant.name = "李四";
  EXPECT_EQ(village().submit(Actor{}, third)->identity, kIdentityUnverified);
}

TEST_F(OnlineApplicationTest, AttachedFilesMustBeUploadedHereAndOfAnAcceptedKind) {
  Application a = online();
  a.materials[0].attachment->hash[0] ^= 1;
  Status s = village().submit(Actor{}, a).status();
  EXPECT_EQ(s.code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(s.message(),
            "materials[0].attachment: no upload of this hash and size is held "
            "here; upload the file first");

  a = online();
  a.materials[0].attachment->size += 1;
  EXPECT_EQ(village().submit(Actor{}, a).status().code(), ErrorCode::kInvalidArgument);
  a = online();
  a.materials[0].attachment->media_type = "text/html";
  EXPECT_NE(village().submit(Actor{}, a).status().message().find("media_type"), std::string::npos);
  a = online();
  a.materials[0].attachment->name = "../../etc/passwd";
  EXPECT_NE(village().submit(Actor{}, a).status().message().find("name must be a file name"),
            std::string::npos);

  // An item that cannot be applied for online refuses the online channel.
  ServiceItem offline = dibao(kCounty);
  offline.online_capable = false;
  ASSERT_TRUE(county().publish_item(officer(), offline).ok());
  city.deliver(kCounty, kVillage);
  EXPECT_EQ(village().submit(Actor{}, online()).status().message(),
            "item " + kDibao + " cannot be applied for online");
}

TEST_F(OnlineApplicationTest, UploadsNoApplicationUsesAreDroppedAfterAWeek) {
  ASSERT_TRUE(village().submit(Actor{}, online()).ok());  // uses kPng
  const MaterialFile unused = uploaded(kPdf, "application/pdf");
  auto& db = city[kVillage].db;
  const std::int64_t now = city.clock_ms / 1000;
  EXPECT_EQ(drop_unused_uploads(db, now + 6 * 24 * 3600).value(), 0);
  EXPECT_TRUE(storage::blob_held(db, {unused.hash, unused.size}).value());
  EXPECT_EQ(drop_unused_uploads(db, now + 8 * 24 * 3600).value(), 1);
  EXPECT_FALSE(storage::blob_held(db, {unused.hash, unused.size}).value());
  EXPECT_FALSE(storage::read_blob(db, unused.hash).value().has_value());
  // The file the case refers to stays, however old.
  const Bytes png_hash = storage::put_blob(db, kPng, kVillage)->hash;
  EXPECT_TRUE(storage::blob_held(db, {png_hash, kPng.size()}).value());
  EXPECT_EQ(drop_unused_uploads(db, now + 30 * 24 * 3600).value(), 0);
  EXPECT_TRUE(storage::read_blob(db, png_hash).value().has_value());
}

TEST_F(OnlineApplicationTest, AReceiverRefusesAnApprovalOfAnUnverifiedApplicant) {
  auto submitted = village().submit(Actor{}, online());
  ASSERT_TRUE(submitted.ok());
  city.deliver(kVillage, kCounty);
  act(kCounty, submitted->case_no, CaseAction::kAccept);
  city.deliver(kCounty, kVillage);
  auto r = append_at(kVillage, signed_by(kCounty, [&](schema::Body::Builder b) {
                       auto h = b.initCaseHandling();
                       h.setCaseNo(submitted->case_no);
                       h.setApproved("准予");
                     }));
  EXPECT_EQ(r.outcome, sync::AppendOutcome::kQuarantined);
  EXPECT_EQ(r.detail, "case " + submitted->case_no +
                          " was approved while the applicant's identity was unverified");
  EXPECT_EQ(at(kVillage, submitted->case_no).state, CaseState::kAccepted);
}

}  // namespace
}  // namespace yimen::hall::testing
