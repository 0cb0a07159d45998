#include "node/hall/one_time_notice.h"

#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

namespace yimen::hall {
namespace {

Material material(std::string name, int copies, MaterialForm form, MaterialKind kind,
                  std::vector<std::string> mistakes, std::string sample = "") {
  Material m;
  m.name = std::move(name);
  m.copies = copies;
  m.form = form;
  m.kind = kind;
  m.common_mistakes = std::move(mistakes);
  m.sample_text = std::move(sample);
  return m;
}

// 最低生活保障金给付 (service-items.md, S01), with four materials.
ServiceItem dibao() {
  ServiceItem item;
  item.code = parse_item_code("JF-00105-001-441802000000").value();
  item.version = 3;
  item.name = "最低生活保障金给付";
  item.keywords = {"低保"};
  item.theme = Theme::kSocialSecurity;
  item.provider = {ProviderKind::kGovernmentDepartment, "清远市清城区民政局"};
  item.handling_level = RegionLevel::kCounty;
  item.online_capable = true;
  item.legal_basis = {{"《社会救助暂行办法》", "第十一条"},
                      {"《广东省最低生活保障制度实施办法》", ""}};
  item.accepting_unit = "清城区东城街道办事处";
  item.steps = {{"申请受理", "街道办事处", {0, DayKind::kWorking}},
                {"家庭经济状况调查", "街道办事处", {15, DayKind::kWorking}},
                {"审核确认", "清远市清城区民政局", {5, DayKind::kWorking}}};
  item.materials = {
      material("最低生活保障申请书", 1, MaterialForm::kOriginal, MaterialKind::kRequired,
               {"未写明家庭困难原因", "申请人未签名或未按手印"},
               "本人张某，家庭共同生活成员3人……\n特申请最低生活保障。"),
      material("家庭经济状况核对授权书", 1, MaterialForm::kOriginal, MaterialKind::kRequired,
               {"未由全部共同生活家庭成员签字"}),
      material("家庭收入和财产状况申报表", 2, MaterialForm::kOriginal,
               MaterialKind::kCommitmentAllowed, {"遗漏共同生活家庭成员的收入或财产"}),
      material("居民户口簿", 1, MaterialForm::kCopy, MaterialKind::kDataSharing, {}),
  };
  item.materials[3].sharing_source = "清远市公安局清城分局";
  item.committed_limit = {20, DayKind::kWorking};
  item.legal_limit = TimeLimit{30, DayKind::kWorking};
  item.accountability = "依法追究责任。";
  item.consultation = {"0763-3362345", ""};
  item.office_hours = "周一至周五 8:30-12:00，14:30-17:30";
  item.office_address = "清远市清城区东城街道政务服务中心一楼";
  item.status_query = "广东政务服务网";
  return item;
}

Date date(std::string_view text) { return Date::from_string(text).value(); }

Result<OneTimeNotice> notice_for(const std::vector<MaterialFinding>& findings) {
  return make_one_time_notice(dibao(), "YM-441802-20260302-0007", "张三", date("2026-03-02"),
                              findings);
}

std::string error_of(const std::vector<MaterialFinding>& findings) {
  Result<OneTimeNotice> n = notice_for(findings);
  EXPECT_FALSE(n.ok());
  if (n.ok()) return "";
  EXPECT_EQ(n.status().code(), ErrorCode::kInvalidArgument);
  return n.status().message();
}

// Three findings, given out of material order on purpose.
std::vector<MaterialFinding> three_findings() {
  return {
      {2, MaterialProblem::kWrongCopies, "", 1},
      {0, MaterialProblem::kIncomplete, "申请书未写明家庭困难原因", 0},
      {1, MaterialProblem::kMissing, "", 0},
  };
}

TEST(OneTimeNoticeTest, ListsEveryFindingInMaterialOrder) {
  Result<OneTimeNotice> n = notice_for(three_findings());
  ASSERT_TRUE(n.ok()) << n.status().message();
  EXPECT_EQ(n->title, "一次性告知书");
  EXPECT_EQ(n->case_number, "YM-441802-20260302-0007");
  EXPECT_EQ(n->applicant_name, "张三");
  EXPECT_EQ(n->item_name, "最低生活保障金给付");
  EXPECT_EQ(n->item_code, "JF-00105-001-441802000000");
  EXPECT_EQ(n->item_version, 3);
  EXPECT_EQ(n->date, date("2026-03-02"));
  EXPECT_EQ(n->accepting_unit, "清城区东城街道办事处");
  EXPECT_EQ(n->consultation_phone, "0763-3362345");
  EXPECT_EQ(n->office_address, "清远市清城区东城街道政务服务中心一楼");
  EXPECT_FALSE(n->closing.empty());

  ASSERT_EQ(n->lines.size(), 3u);
  EXPECT_EQ(n->lines[0].material_name, "最低生活保障申请书");
  EXPECT_EQ(n->lines[0].problem, MaterialProblem::kIncomplete);
  EXPECT_EQ(n->lines[0].note, "申请书未写明家庭困难原因");
  EXPECT_EQ(n->lines[0].common_mistakes,
            (std::vector<std::string>{"未写明家庭困难原因", "申请人未签名或未按手印"}));
  EXPECT_EQ(n->lines[0].sample_text, "本人张某，家庭共同生活成员3人……\n特申请最低生活保障。");
  EXPECT_FALSE(n->lines[0].commitment_allowed);

  EXPECT_EQ(n->lines[1].material_name, "家庭经济状况核对授权书");
  EXPECT_EQ(n->lines[1].problem, MaterialProblem::kMissing);

  EXPECT_EQ(n->lines[2].material_name, "家庭收入和财产状况申报表");
  EXPECT_EQ(n->lines[2].problem, MaterialProblem::kWrongCopies);
  EXPECT_EQ(n->lines[2].copies_required, 2);
  EXPECT_EQ(n->lines[2].copies_received, 1);
  EXPECT_TRUE(n->lines[2].commitment_allowed);
}

TEST(OneTimeNoticeTest, RendersTheWholeNoticeInChinese) {
  Result<OneTimeNotice> n = notice_for(three_findings());
  ASSERT_TRUE(n.ok()) << n.status().message();
  const std::string text = render_text(*n);
  const std::string expected =
      "一次性告知书\n"
      "\n"
      "案件编号：YM-441802-20260302-0007\n"
      "申请人：张三\n"
      "申请事项：最低生活保障金给付（JF-00105-001-441802000000，第3版）\n"
      "受理单位：清城区东城街道办事处\n"
      "告知日期：2026年3月2日\n"
      "\n"
      "张三：\n"
      "　　您申请办理的“最低生活保障金给付”，经审查，申请材料存在以下3项问题，"
      "现一次性告知如下：\n"
      "\n"
      "1. 最低生活保障申请书（原件，1份）\n"
      "   问题：内容有误或不完整\n"
      "   说明：\n"
      "     申请书未写明家庭困难原因\n"
      "   常见错误：\n"
      "     - 未写明家庭困难原因\n"
      "     - 申请人未签名或未按手印\n"
      "   示范文本：\n"
      "     本人张某，家庭共同生活成员3人……\n"
      "     特申请最低生活保障。\n"
      "2. 家庭经济状况核对授权书（原件，1份）\n"
      "   问题：未提交\n"
      "   常见错误：\n"
      "     - 未由全部共同生活家庭成员签字\n"
      "3. 家庭收入和财产状况申报表（原件，2份）\n"
      "   问题：份数不符，应提交2份，实际提交1份\n"
      "   该材料可以书面承诺代替（告知承诺），承诺内容将在事后核查。\n"
      "   常见错误：\n"
      "     - 遗漏共同生活家庭成员的收入或财产\n"
      "\n"
      "以上为本次需要补正的全部材料。补正后，除本告知书所列内容外，"
      "本单位不再要求您提交其他材料。\n"
      "咨询电话：0763-3362345\n"
      "办公地址：清远市清城区东城街道政务服务中心一楼\n"
      "办公时间：周一至周五 8:30-12:00，14:30-17:30\n";
  EXPECT_EQ(text, expected);

  // Once recorded: the day to supply by, the issuing office with its seal,
  // the handler, and a place for the applicant to sign for it.
  n->supply_by = Date::from_string("2026-04-01").value();
  n->issuing_office = "清城区政务服务中心";
  n->handler = "李审批";
  n->handler_phone = "0763-3361234";
  const std::string recorded = render_text(*n);
  EXPECT_NE(recorded.find("\n补正期限：请于2026年4月1日前补齐上述材料。\n"), std::string::npos)
      << recorded;
  EXPECT_NE(
      recorded.find("告知单位：清城区政务服务中心（盖章）\n经办人：李审批　联系电话：0763-3361234\n"
                    "\n申请人签收：＿＿＿＿＿＿＿＿　　签收日期：＿＿＿＿年＿＿月＿＿日\n"),
      std::string::npos)
      << recorded;
}

TEST(OneTimeNoticeTest, NeedsOriginalAppliesToOriginals) {
  ServiceItem item = dibao();
  item.materials[1].form = MaterialForm::kOriginalAndCopy;
  const std::vector<MaterialFinding> findings = {{1, MaterialProblem::kNeedsOriginal, "", 0}};
  Result<OneTimeNotice> n =
      make_one_time_notice(item, "YM-1", "李四", date("2026-03-02"), findings);
  ASSERT_TRUE(n.ok()) << n.status().message();
  ASSERT_EQ(n->lines.size(), 1u);
  EXPECT_NE(render_text(*n).find("问题：需提供原件核验\n"), std::string::npos);
}

TEST(OneTimeNoticeTest, RefusesAnEmptyList) {
  EXPECT_EQ(error_of({}), "findings: at least one finding required");
}

TEST(OneTimeNoticeTest, RefusesAFindingPastTheMaterials) {
  EXPECT_EQ(
      error_of({{0, MaterialProblem::kMissing, "", 0}, {4, MaterialProblem::kMissing, "", 0}}),
      "findings[1].material: index 4 is past the 4 materials of the item");
}

TEST(OneTimeNoticeTest, RefusesTwoFindingsForOneMaterial) {
  EXPECT_EQ(error_of({{1, MaterialProblem::kMissing, "", 0},
                      {0, MaterialProblem::kMissing, "", 0},
                      {1, MaterialProblem::kIncomplete, "未签字", 0}}),
            "findings[2].material: materials[1] '家庭经济状况核对授权书' already has findings[0]");
}

TEST(OneTimeNoticeTest, RefusesFindingsTheGuideDoesNotAllow) {
  EXPECT_EQ(error_of({{3, MaterialProblem::kMissing, "", 0}}),
            "findings[0].problem: materials[3] '居民户口簿' is obtained by data sharing from "
            "清远市公安局清城分局; the office fetches it, the applicant is not asked");

  ServiceItem item = dibao();
  item.materials[3].kind = MaterialKind::kRequired;
  item.materials[3].sharing_source.clear();
  const std::vector<MaterialFinding> findings = {{3, MaterialProblem::kNeedsOriginal, "", 0}};
  Result<OneTimeNotice> n =
      make_one_time_notice(item, "YM-1", "张三", date("2026-03-02"), findings);
  ASSERT_FALSE(n.ok());
  EXPECT_EQ(n.status().message(),
            "findings[0].problem: the guide asks for materials[3] '居民户口簿' as copy, not the "
            "original");
}

TEST(OneTimeNoticeTest, ChecksNotesAndCopies) {
  EXPECT_EQ(error_of({{0, MaterialProblem::kIncomplete, " ", 0}}),
            "findings[0].note: required for an incomplete material");
  EXPECT_EQ(error_of({{0, MaterialProblem::kMissing, std::string(1001, 'x'), 0}}),
            "findings[0].note: at most 1000 bytes, got 1001");
  EXPECT_EQ(error_of({{0, MaterialProblem::kMissing, "a\tb", 0}}),
            "findings[0].note: must be UTF-8 text without control characters other than '\\n'");
  EXPECT_EQ(error_of({{2, MaterialProblem::kWrongCopies, "", 2}}),
            "findings[0].copies_received: 2 is the number materials[2] '家庭收入和财产状况申报表' "
            "requires");
  EXPECT_EQ(error_of({{2, MaterialProblem::kWrongCopies, "", 21}}),
            "findings[0].copies_received: expected 0 to 20, got 21");
  EXPECT_EQ(error_of({{2, MaterialProblem::kWrongCopies, "", -1}}),
            "findings[0].copies_received: expected 0 to 20, got -1");
  EXPECT_EQ(error_of({{0, MaterialProblem::kMissing, "", 1}}),
            "findings[0].copies_received: only for wrong_copies, got 1");
  EXPECT_EQ(error_of({{0, static_cast<MaterialProblem>(9), "", 0}}),
            "findings[0].problem: unknown value 9");
}

TEST(OneTimeNoticeTest, ChecksTheCaseTheApplicantAndTheItem) {
  const std::vector<MaterialFinding> findings = {{0, MaterialProblem::kMissing, "", 0}};
  const Date d = date("2026-03-02");
  EXPECT_EQ(make_one_time_notice(dibao(), "", "张三", d, findings).status().message(),
            "case_number: required");
  EXPECT_EQ(
      make_one_time_notice(dibao(), std::string(65, '1'), "张三", d, findings).status().message(),
      "case_number: at most 64 bytes, got 65");
  EXPECT_EQ(make_one_time_notice(dibao(), "YM-1", " ", d, findings).status().message(),
            "applicant_name: required");
  // The message never repeats the applicant's name.
  EXPECT_EQ(make_one_time_notice(dibao(), "YM-1", "张\n三", d, findings).status().message(),
            "applicant_name: must be UTF-8 text without control characters");
  ServiceItem broken = dibao();
  broken.consultation.phone.clear();
  EXPECT_EQ(make_one_time_notice(broken, "YM-1", "张三", d, findings).status().message(),
            "item: consultation.phone: required");
}

TEST(OneTimeNoticeTest, ProblemNamesRoundTrip) {
  for (auto p : {MaterialProblem::kMissing, MaterialProblem::kIncomplete,
                 MaterialProblem::kWrongCopies, MaterialProblem::kNeedsOriginal}) {
    EXPECT_EQ(parse_material_problem(material_problem_name(p)), p);
  }
  EXPECT_STREQ(material_problem_name(MaterialProblem::kWrongCopies), "wrong_copies");
  EXPECT_STREQ(material_problem_label_zh(MaterialProblem::kMissing), "未提交");
  EXPECT_EQ(parse_material_problem("Missing"), std::nullopt);
}

}  // namespace
}  // namespace yimen::hall
