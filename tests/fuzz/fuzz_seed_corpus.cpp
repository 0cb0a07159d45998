// Writes the seed corpora of the harnesses (tests/fuzz/corpus/<harness>/):
// real events of every body type (the next event of each kind that the
// scratch city's history admits), real envelopes and link messages, real
// enrolment and certificate tokens, the licence of the history as a file and
// as a QR payload, the requests and JSON bodies the web API's tests send, the
// configuration files of config/, and the ID numbers and codes of the tests.
//
// Usage: fuzz_seed_corpus <corpus directory>. Deterministic (scratch_city.h):
// a second run writes the same bytes. Built only with YIMEN_FUZZ (`make
// fuzz-corpus` runs it); the files it writes are committed.

#include <capnp/message.h>
#include <capnp/serialize.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "crypto/certificate.h"
#include "fuzz/scratch_city.h"
#include "node/enrolment.h"
#include "node/hall/feedback.h"
#include "node/hall/licence.h"
#include "sync/event.h"
#include "sync/link_message.h"
#include "sync/schema/event.capnp.h"

using namespace yimen;
using fuzz::kCity;
using fuzz::kCounty;
using fuzz::kDibao;
using fuzz::kTown;
using fuzz::kVillage;

namespace {

std::filesystem::path corpus;

void write(const std::string& harness, const std::string& name, ByteView bytes) {
  const auto dir = corpus / harness;
  std::filesystem::create_directories(dir);
  std::ofstream out(dir / name, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(bytes.data()),
            static_cast<std::streamsize>(bytes.size()));
  if (!out) {
    std::fprintf(stderr, "cannot write %s/%s\n", dir.c_str(), name.c_str());
    std::exit(1);
  }
}

void write(const std::string& harness, const std::string& name, std::string_view text) {
  write(harness, name, as_bytes(text));
}

std::string source_file(const char* relative) {
  std::ifstream in(std::filesystem::path(YIMEN_SOURCE_DIR) / relative, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// The Event bytes inside an envelope.
Bytes event_of(const Bytes& envelope) {
  auto decoded = sync::decode_envelope(envelope);
  fuzz::require(decoded.status(), "decode_envelope");
  std::vector<capnp::word> words(envelope.size() / sizeof(capnp::word));
  std::memcpy(words.data(), envelope.data(), words.size() * sizeof(capnp::word));
  capnp::FlatArrayMessageReader reader(kj::arrayPtr(words.data(), words.size()));
  auto event = reader.getRoot<schema::Envelope>().getEvent();
  return Bytes(event.begin(), event.end());
}

hall::Actor officer() { return {"li.officer", "李审批", "民政局社会救助股", "0763-3360002"}; }
hall::Actor clerk() { return {"wang.clerk", "王窗口", "综合受理窗口", "0763-3360001"}; }

// Next events of every body type: corpus/fuzz_event gets the Event bytes,
// corpus/fuzz_envelope the envelopes.
void event_seeds(fuzz::ScratchCity& city) {
  const auto& cases = city.cases();
  int failures = 0;
  auto seed = [&](const char* name, const char* at,
                  const std::function<Status(hall::Hall&)>& command) {
    auto envelopes = city.emitted_by(at, command);
    if (!envelopes.ok() || envelopes->empty()) {
      std::fprintf(stderr, "seed %s: %s\n", name,
                   envelopes.ok() ? "no event" : envelopes.status().message().c_str());
      ++failures;
      return;
    }
    for (size_t i = 0; i < envelopes->size(); ++i) {
      const std::string file = std::string(name) + (i == 0 ? "" : "-" + std::to_string(i));
      write("fuzz_event", file, event_of((*envelopes)[i]));
      write("fuzz_envelope", file, (*envelopes)[i]);
    }
  };
  auto emit = [&](const char* at, std::function<void(schema::Body::Builder)> fill) {
    return [&city, at, fill](hall::Hall& h) -> Status {
      sync::EventDraft draft{
          "", {{sync::AudienceEntry::Kind::kRegion, city.node(kCity).region}}, fill};
      return h.log().emit(draft, city.node(at).key, city.clock_ms).status();
    };
  };
  auto act = [&](const std::string& no, hall::CaseAction action, const char* note) {
    return [=](hall::Hall& h) { return h.act(officer(), no, {action, note, {}, {}}); };
  };

  seed("calendar_published", kCity, [](hall::Hall& h) {
    return h.publish_calendar(officer(), {2027, {}, {}, "2027 年尚未公布调休安排", true});
  });
  seed("item_published", kCounty, [&](hall::Hall& h) {
    auto item = city.dibao();
    item.name = "最低生活保障审核确认（修订）";
    return h.publish_item(officer(), item).status();
  });
  seed("item_withdrawn", kCounty, emit(kCounty, [](schema::Body::Builder b) {
         auto w = b.initItemWithdrawn();
         w.setCode(kDibao);
         w.setReason("事项已调整");
       }));
  seed("case_intake_submitted", kVillage, [](hall::Hall& h) -> Status {
    hall::Application a;
    a.item_code = kDibao;
    a.applicant = {fuzz::kApplicantId, "张三", "13800138000", kVillage};
    a.materials = {{0, "paper", "", std::nullopt}, {1, "shared", "市公安局人口库", std::nullopt}};
    a.agent = hall::Agent{"441802198001011234", "李四", "13900139000", "委托书"};
    return h.submit(clerk(), a).status();
  });
  seed("case_intake_withdrawal", kVillage, [&](hall::Hall& h) {
    return h.act(clerk(), cases.submitted,
                 {hall::CaseAction::kRequestWithdrawal, "不办了", {}, {}});
  });
  seed("case_intake_delivered", kVillage, [&](hall::Hall& h) {
    return h.act(clerk(), cases.issued, {hall::CaseAction::kDeliverResult, "窗口领取", {}, {}});
  });
  seed("case_handling_accept", kCounty, act(cases.submitted, hall::CaseAction::kAccept, ""));
  seed("case_handling_refuse", kCounty,
       act(cases.submitted, hall::CaseAction::kRefuse, "不属于受理范围"));
  seed("case_handling_request_materials", kCounty, [&](hall::Hall& h) {
    return h.act(officer(), cases.overdue,
                 {hall::CaseAction::kRequestMaterials,
                  "请补正",
                  {{0, hall::MaterialProblem::kIncomplete, "申请书缺少签名", 0}},
                  {}});
  });
  seed("case_handling_approve", kCounty, act(cases.overdue, hall::CaseAction::kApprove, "准予"));
  seed("case_handling_reject", kCounty,
       act(cases.overdue, hall::CaseAction::kReject, "不符合条件"));
  seed("case_handling_issue_result", kCounty,
       act(cases.approved, hall::CaseAction::kIssueResult, "最低生活保障证"));
  seed("case_handling_close", kCounty, act(cases.issued, hall::CaseAction::kClose, ""));
  seed("audit_anchor", kVillage, [](hall::Hall& h) { return h.anchor_audit({}).status(); });
  seed("rating", kVillage, [&](hall::Hall& h) { return h.rate(cases.issued, {5, {}, "很满意"}); });
  seed("rating_follow_up", kCounty, [&](hall::Hall& h) {
    return h.follow_up_rating(officer(), cases.finished, "已电话回访并说明原因");
  });
  seed("complaint", kVillage, [&](hall::Hall& h) -> Status {
    const hall::ComplaintInput c{city.node(kTown).region, "",     "suggestion", "延长办公时间",
                                 "建议周六上午开放。",    "王五", "13700137000"};
    return h.file_complaint(hall::Actor{}, c).status();
  });
  const std::string handler = hall::complaint_handler(city.node(kCounty).region).str();
  seed("complaint_answer", handler.c_str(), [&](hall::Hall& h) {
    return h.answer_complaint(officer(), city.complaint_no(), "已督促整改。", true);
  });
  seed("supervision_order", kCity, [&](hall::Hall& h) {
    return h
        .order_supervision({"zhao.boss", "赵督查", "市政务服务管理局", ""}, cases.overdue,
                           "请于3个工作日内办结", 3)
        .status();
  });
  seed("supervision_response", kCounty, [&](hall::Hall& h) {
    return h.respond_supervision(officer(), city.order_no(), "已办结并说明超期原因");
  });
  seed("public_notice", kVillage, [](hall::Hall& h) {
    return h.publish_notice(clerk(), {"finance", "财务公开", "一季度收支情况。", std::nullopt})
        .status();
  });
  seed("notice_withdrawn", kVillage,
       [&](hall::Hall& h) { return h.withdraw_notice(clerk(), city.notice_no(), "内容有误"); });
  seed("licence_issued", kCounty, [&](hall::Hall& h) {
    return h.issue_licence(officer(), cases.issued, {"最低生活保障证", {{"保障人数", "3"}}, {}})
        .status();
  });
  seed("licence_revoked", kCounty, [&](hall::Hall& h) {
    return h.revoke_licence(officer(), city.licence_no(), "保障资格终止");
  });
  seed("appointment_booked", kVillage, [](hall::Hall& h) -> Status {
    const hall::AppointmentInput booking{kDibao, hall::Date::from_string("2026-05-08").value(),
                                         "14:00", "李四", "13900139000"};
    return h.book_appointment(hall::Actor{}, booking, config::AppointmentConfig{}).status();
  });
  seed("appointment_cancelled", kVillage,
       [&](hall::Hall& h) { return h.cancel_appointment(clerk(), city.booking_no(), "窗口调整"); });
  seed("question", kVillage, [](hall::Hall& h) {
    return h.ask_question(hall::Actor{}, {kDibao, "可以网上申请吗？", "赵六", "13600136000"})
        .status();
  });
  seed("question_answer", kCounty, [&](hall::Hall& h) {
    return h.answer_question(officer(), city.question_no(), "可以，通过网上大厅提交。");
  });
  // Trust bodies: a certificate for a new county, and the town's key revoked.
  const crypto::NodeKey new_county = crypto::NodeKey::generate();
  const auto certificate =
      crypto::Certificate::issue(RegionCode::parse("441803000000").value(), "node 441803000000",
                                 new_county.public_key(), 0, 100LL * 365 * 86400,
                                 city.node(kCity).region, city.node(kCity).key)
          .value();
  seed("certificate_issued", kCity, emit(kCity, [&](schema::Body::Builder b) {
         const Bytes& bytes = certificate.bytes;
         b.initCertificateIssued().setCertificate(kj::arrayPtr(bytes.data(), bytes.size()));
       }));
  seed("key_revoked", kCounty, emit(kCounty, [&](schema::Body::Builder b) {
         auto r = b.initKeyRevoked();
         const auto& key = city.node(kTown).key.public_key();
         r.setKey(kj::arrayPtr(key.data(), key.size()));
         r.setSubject(kTown);
         r.setAfterSeq(0);
         r.setReason("钥匙遗失");
       }));
  if (failures > 0) {
    std::fprintf(stderr, "%d event seeds could not be made\n", failures);
    std::exit(1);
  }
}

void link_seeds(fuzz::ScratchCity& city) {
  auto events = city.node(kVillage).hall.log().read_from(0, 3).value();
  sync::Hello hello;
  hello.node = kVillage;
  hello.software = "yimen 0.1.0";
  hello.log_epoch = Bytes(16, 3);
  hello.wall_ms = city.clock_ms;
  hello.resume_epoch = Bytes(16, 4);
  hello.resume_after = 42;
  hello.log_head = 99;
  write("fuzz_link_message", "hello", sync::encode_link_message(hello));
  hello.welcome = true;
  hello.node = kTown;
  hello.recovering = true;
  write("fuzz_link_message", "welcome", sync::encode_link_message(hello));
  sync::Batch batch{Bytes(16, 3), 0, 3, {}};
  for (const auto& e : events) batch.events.push_back(e.envelope);
  write("fuzz_link_message", "batch", sync::encode_link_message(batch));
  write("fuzz_link_message", "ack", sync::encode_link_message(sync::Ack{Bytes(16, 3), 3}));
  write("fuzz_link_message", "heartbeat",
        sync::encode_link_message(sync::Heartbeat{city.clock_ms}));
  write("fuzz_link_message", "refused",
        sync::encode_link_message(sync::Refused{"not enrolled: 441802001009"}));
  sync::StatusReport report{{sync::NodeStatus{kVillage, city.clock_ms, true, city.clock_ms - 5, 3,
                                              1, 0, -120, "yimen 0.1.0", 2, 0}}};
  write("fuzz_link_message", "status_report", sync::encode_link_message(report));
  const Bytes blob(64, 0x42);
  const auto hash = crypto::blake2b_256(blob);
  write("fuzz_link_message", "blob_request",
        sync::encode_link_message(
            sync::BlobRequest{Bytes(hash.begin(), hash.end()), blob.size(), kVillage, 0}));
  write("fuzz_link_message", "blob_chunk",
        sync::encode_link_message(sync::BlobChunk{Bytes(hash.begin(), hash.end()), 0, blob}));
}

void token_and_licence_seeds(fuzz::ScratchCity& city) {
  // A new village asks the town to enrol it; the town answers with its chain.
  const crypto::NodeKey child = crypto::NodeKey::generate();
  const auto child_id = RegionCode::parse("441802001002").value();
  write("fuzz_tokens", "enrol_request",
        node::encode_enrol_request(
            {child_id, "新村村委会", child.public_key(), city.clock_ms / 1000}, child));
  auto& town = city.node(kTown);
  std::vector<crypto::Certificate> chain = {
      crypto::Certificate::issue(child_id, "新村村委会", child.public_key(), 0, 100LL * 365 * 86400,
                                 town.region, town.key)
          .value()};
  for (const char* id : {kTown, kCounty, kCity}) {
    const auto& n = city.node(id);
    chain.push_back(
        crypto::Certificate::issue(n.region, "node " + std::string(id), n.key.public_key(), 0,
                                   100LL * 365 * 86400, n.region.parent().value_or(n.region),
                                   city.node(n.region.parent().value_or(n.region).str()).key)
            .value());
  }
  write("fuzz_tokens", "certificate_token",
        node::encode_certificate_token({"tcp://192.0.2.10:7701", chain, 0}, town.key));
  write("fuzz_tokens", "certificate_token_rejoin",
        node::encode_certificate_token({"tcp://town.example:7701", chain, 17}, town.key));
  write("fuzz_tokens", "certificate", chain.front().bytes);

  auto held = hall::load_licence(city.node(kCounty).db, city.licence_no()).value().value();
  write("fuzz_licence", "licence_file", hall::licence_file_text(held.document));
  write("fuzz_licence", "licence_qr", hall::licence_qr_payload(held.document));
}

// The requests of tests/unit/web/web_api_test.cpp, as a browser sends them.
// "$SESSION" and "$CSRF" stand for a clerk's session and token (fuzz_http.cpp).
void web_seeds(fuzz::ScratchCity& city) {
  const std::string intake =
      std::string(R"({"item_code":")") + kDibao + R"(","applicant":{"id_number":")" +
      fuzz::kApplicantId +
      R"(","name":"张三","phone":"13800000000","domicile":"441802001001"},)"
      R"("materials":[{"material":0,"how":"paper"},{"material":1,"how":"shared"},)"
      R"({"material":2,"how":"commitment"}]})";
  const std::string staff = "Cookie: yimen_session=$SESSION\r\nX-CSRF-Token: $CSRF\r\n";
  auto request = [&](const std::string& method, const std::string& target,
                     const std::string& headers, const std::string& body) {
    std::string r = method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1:8080\r\n" + headers;
    if (!body.empty()) {
      r += "Content-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) +
           "\r\n";
    }
    return r + "\r\n" + body;
  };
  const auto& cases = city.cases();
  const std::vector<std::pair<const char*, std::string>> requests = {
      {"node", request("GET", "/api/v1/node", "", "")},
      {"healthz", request("GET", "/healthz", "", "")},
      {"metrics", request("GET", "/metrics", "", "")},
      {"index", request("GET", "/", "Accept-Language: zh-CN\r\n", "")},
      {"catalogue",
       request("GET", "/api/v1/catalogue?q=%E4%BD%8E%E4%BF%9D&target=natural_person", "", "")},
      {"catalogue_item", request("GET", std::string("/api/v1/catalogue/") + kDibao, "", "")},
      {"calendar", request("GET", "/api/v1/calendar/2026", "", "")},
      {"session", request("GET", "/api/v1/session", "", "")},
      {"login", request("POST", "/api/v1/session", staff,
                        R"({"login":"clerk","password":"wrong password 123"})")},
      {"logout", request("DELETE", "/api/v1/session", staff, "")},
      {"cases", request("GET", "/api/v1/cases?state=accepted", staff, "")},
      {"case", request("GET", "/api/v1/cases/" + cases.accepted, staff, "")},
      {"submit", request("POST", "/api/v1/cases", staff, intake)},
      {"act", request("POST", "/api/v1/cases/" + cases.submitted + "/actions", staff,
                      R"({"action":"accept","note":""})")},
      {"track", request("POST", "/api/v1/track", staff,
                        R"({"case_no":")" + cases.finished + R"(","code":"12345678"})")},
      {"rating", request("POST", "/api/v1/ratings", staff,
                         R"({"case_no":")" + cases.issued +
                             R"(","code":"12345678","score":4,"tags":["fast"]})")},
      {"complaint", request("POST", "/api/v1/complaints", staff,
                            R"({"about":"441802000000","kind":"complaint","subject":"慢",)"
                            R"("body":"太慢了","contact_name":"","contact_phone":""})")},
      {"question",
       request("POST", "/api/v1/questions", staff,
               std::string(R"({"item_code":")") + kDibao + R"(","question":"要带户口本吗？"})")},
      {"appointment", request("POST", "/api/v1/appointments", staff,
                              std::string(R"({"item_code":")") + kDibao +
                                  R"(","day":"2026-05-07","slot":"10:00","name":"张三",)"
                                  R"("phone":"13800138000"})")},
      {"notices", request("GET", "/api/v1/notices?all=1", "", "")},
      {"supervision", request("POST", "/api/v1/supervision/" + city.order_no() + "/response", staff,
                              R"({"response":"已办结"})")},
      {"licence_verify",
       request(
           "POST", "/api/v1/licences/verify", staff,
           R"({"document":")" +
               hall::licence_qr_payload(hall::load_licence(city.node(kCounty).db, city.licence_no())
                                            .value()
                                            .value()
                                            .document) +
               R"("})")},
      {"applicant_lookup", request("POST", "/api/v1/applicants/lookup", staff,
                                   std::string(R"({"id_number":")") + fuzz::kApplicantId + "\"}")},
      {"upload", "POST /api/v1/uploads HTTP/1.1\r\nHost: a\r\n" + staff +
                     "Content-Type: application/pdf\r\nContent-Length: 8\r\n\r\n%PDF-1.4"},
      {"kpi", request("GET", "/api/v1/kpis?from=2026-01-01&to=2026-12-31", staff, "")},
      {"chunked", "POST /api/v1/cases HTTP/1.1\r\nHost: a\r\n" + staff +
                      "Transfer-Encoding: chunked\r\nContent-Type: application/json\r\n\r\n" +
                      "5\r\n{\"a\":\r\n2\r\n1}\r\n0\r\n\r\n"},
      {"pipelined", request("GET", "/healthz", "", "") + request("GET", "/api/v1/node", "", "")},
  };
  for (const auto& [name, text] : requests) write("fuzz_http", name, text);

  write("fuzz_json", "intake", intake);
  write("fuzz_json", "login", R"({"login":"clerk","password":"correct horse battery 9"})");
  write("fuzz_json", "rating",
        R"({"case_no":"441802001001-C20260302-000001","code":"12345678","score":5,)"
        R"("tags":["fast","polite"],"comment":"好"})");
  write("fuzz_json", "nested", R"({"a":{"b":{"c":[1,2.5,-3e2,true,false,null,"\u4e2d"]}}})");
}

void file_seeds() {
  write("fuzz_node_config", "node.example.toml", source_file("config/node.example.toml"));
  write("fuzz_node_config", "minimal.toml", "[node]\nid = \"441802001001\"\nname = \"新村\"\n");
  write("fuzz_node_config", "full.toml",
        "[node]\nid = \"441802000000\"\nname = \"清城区政务服务中心\"\n"
        "[storage]\npassphrase_env = \"YIMEN_PASS\"\nbusy_timeout_ms = 800\n"
        "[sync]\nlisten = \"tcp://*:7701\"\nadvertise = \"tcp://10.0.0.2:7701\"\n"
        "parent = \"tcp://[::1]:7700\"\n[hall]\nyellow_card_working_days = 3\n"
        "post_check_working_days = 30\n[appointments]\nwindows = 3\nslot_minutes = 20\n"
        "hours = \"08:30-12:00,14:30-17:30\"\ndays_ahead = 7\n"
        "[web]\nlisten = \"127.0.0.1:8443\"\ntls_certificate = \"cert.pem\"\n"
        "tls_key = \"key.pem\"\nthreads = 4\n");
  write("fuzz_catalogue_file", "catalogue.example.toml",
        source_file("config/catalogue.example.toml"));
  write("fuzz_calendar_file", "calendar-2026.toml", source_file("config/calendar-2026.toml"));
  const std::vector<std::pair<const char*, const char*>> ids = {
      {"person", "11010519491231002X"},         {"person_leap_day", "110101200002290018"},
      {"person_lower_x", "11010519491231002x"}, {"person_bad_check", "110105194912310093"},
      {"credit_code", "91350100M000100Y43"},    {"credit_code_digits", "914403001922038216"},
      {"region_city", "441800000000"},          {"region_county", "441802000000"},
      {"region_town", "441802100000"},          {"region_village", "441802001001"},
      {"phone", "+86 138-0013-8000"},
  };
  for (const auto& [name, text] : ids) write("fuzz_identity", name, std::string_view(text));
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: fuzz_seed_corpus <corpus directory>\n");
    return 2;
  }
  corpus = argv[1];
  fuzz::use_deterministic_randomness();
  fuzz::ScratchCity city;
  event_seeds(city);
  link_seeds(city);
  token_and_licence_seeds(city);
  web_seeds(city);
  file_seeds();
  return 0;
}
