#include "fuzz/scratch_city.h"

#include <sodium.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <stdexcept>

#include "crypto/certificate.h"
#include "node/hall/audit_log.h"
#include "node/hall/calendar_file.h"
#include "node/hall/catalogue_file.h"
#include "sync/event.h"

namespace yimen::fuzz {
namespace {

// --- a fixed-seed random source for libsodium ---

// Each request takes the next block of a ChaCha20 stream keyed with a fixed
// seed: block n is randombytes_buf_deterministic(seed with n in its first 8 bytes).
std::uint64_t random_block = 0;

void deterministic_buf(void* buf, size_t size) {
  std::array<unsigned char, randombytes_SEEDBYTES> seed{};
  seed.fill(0x59);  // 'Y'
  std::memcpy(seed.data(), &random_block, sizeof random_block);
  ++random_block;
  randombytes_buf_deterministic(buf, size, seed.data());
}

std::uint32_t deterministic_random() {
  std::uint32_t value = 0;
  deterministic_buf(&value, sizeof value);
  return value;
}

const char* deterministic_name() { return "yimen-fuzz-fixed-seed"; }

randombytes_implementation deterministic_source = {
    &deterministic_name, &deterministic_random, nullptr, nullptr, &deterministic_buf, nullptr};

[[noreturn]] void fail(std::string_view what, std::string_view why) {
  std::fprintf(stderr, "scratch city: %.*s: %.*s\n", static_cast<int>(what.size()), what.data(),
               static_cast<int>(why.size()), why.data());
  std::abort();
}

template <typename T>
T must(Result<T> result, std::string_view what) {
  if (!result.ok()) fail(what, result.status().message());
  return std::move(result).value();
}

std::string read_source_file(const char* relative) {
  const std::filesystem::path path = std::filesystem::path(YIMEN_SOURCE_DIR) / relative;
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr) fail(relative, "cannot open");
  std::string text;
  char chunk[4096];
  for (size_t n; (n = std::fread(chunk, 1, sizeof chunk, f)) > 0;) text.append(chunk, n);
  std::fclose(f);
  return text;
}

hall::Actor officer() { return {"li.officer", "李审批", "民政局社会救助股", "0763-3360002"}; }
hall::Actor clerk() { return {"wang.clerk", "王窗口", "综合受理窗口", "0763-3360001"}; }
hall::Actor supervisor() { return {"zhao.boss", "赵督查", "市政务服务管理局", "0763-3360003"}; }

}  // namespace

void use_deterministic_randomness() {
  random_block = 0;
  if (randombytes_set_implementation(&deterministic_source) != 0) {
    fail("randomness", "randombytes_set_implementation refused");
  }
  if (sodium_init() < 0) fail("randomness", "sodium_init failed");
  if (std::strcmp(randombytes_implementation_name(), deterministic_name()) != 0) {
    fail("randomness", "libsodium was initialised before the fixed-seed source was set");
  }
}

std::int64_t morning(const char* date) {
  const hall::Date d = must(hall::Date::from_string(date), date);
  return (d.days_since_epoch() * 86400 + 3600) * 1000;  // 09:00 CST = 01:00 UTC
}

void require(const Status& status, std::string_view what) {
  if (!status.ok()) fail(what, status.message());
}

ScratchCity::Node::Node(RegionCode r, const std::filesystem::path& db_path,
                        const std::function<std::int64_t()>& clock)
    : region(std::move(r)),
      key(crypto::NodeKey::generate()),
      db([&] {
        std::array<std::uint8_t, 32> k{};
        k.fill(7);
        storage::OpenOptions options;
        options.create = true;
        return must(storage::Database::open(db_path, k, options), db_path.string());
      }()),
      hall(db, region, key, clock) {
  require(hall::Hall::migrate(db), "Hall::migrate");
  require(hall::migrate_audit_schema(db), "migrate_audit_schema");
  // A small page cache: the fuzzer runs long and must not grow.
  require(db.exec("PRAGMA cache_size = 64"), "cache_size");
}

ScratchCity::ScratchCity() : clock_ms(morning("2026-03-02")) {
  std::string tmpl = (std::filesystem::temp_directory_path() / "yimen-fuzz-XXXXXX").string();
  if (mkdtemp(tmpl.data()) == nullptr) fail("scratch directory", std::strerror(errno));
  dir_ = tmpl;
  for (const char* id : {kCity, kCounty, kTown, kVillage}) {
    nodes_.emplace(
        id, std::make_unique<Node>(must(RegionCode::parse(id), id),
                                   dir_ / (std::string(id) + ".db"), [this] { return clock_ms; }));
    delivered_[id] = 0;
  }
  certify();
  build_history();
}

ScratchCity::~ScratchCity() {
  nodes_.clear();
  std::error_code ignored;
  std::filesystem::remove_all(dir_, ignored);
}

ScratchCity::Node& ScratchCity::node(std::string_view id) {
  auto it = nodes_.find(id);
  if (it == nodes_.end()) fail(id, "not a node of the scratch city");
  return *it->second;
}

const crypto::NodeKey* ScratchCity::key_of(std::string_view origin) {
  auto it = nodes_.find(origin);
  return it == nodes_.end() ? nullptr : &it->second->key;
}

void ScratchCity::certify() {
  // Valid from 1970 for 100 years: events are judged at their own time.
  const std::int64_t until = 100LL * 365 * 86400;
  std::vector<crypto::Certificate> certificates;
  for (auto& [id, n] : nodes_) {
    const RegionCode issuer = n->region.parent().value_or(n->region);
    certificates.push_back(
        must(crypto::Certificate::issue(n->region, "node " + id, n->key.public_key(), 0, until,
                                        issuer, node(issuer.str()).key),
             "certificate of " + id));
  }
  for (auto& [id, n] : nodes_) {
    auto tx = must(n->db.begin(), "begin");
    for (const auto& c : certificates) {
      require(
          c.self_signed() ? n->hall.log().add_trust_anchor(c) : n->hall.log().add_certificate(c),
          "certificate");
    }
    require(tx.commit(), "commit");
  }
}

void ScratchCity::deliver_from(Node& from) {
  std::int64_t& after = delivered_[from.region.str()];
  const auto events = must(from.hall.log().read_from(after, 100000), "read_from");
  for (auto& [id, to] : nodes_) {
    if (to.get() == &from || events.empty()) continue;
    auto tx = must(to->db.begin(), "begin");
    for (const auto& e : events) {
      auto decoded = must(sync::decode_envelope(e.envelope), "decode_envelope");
      const auto r = must(to->hall.log().append(std::move(decoded), clock_ms / 1000), "append");
      if (r.outcome == sync::AppendOutcome::kQuarantined) fail("delivery to " + id, r.detail);
    }
    require(tx.commit(), "commit");
  }
  if (!events.empty()) after = events.back().local_seq;
}

void ScratchCity::run(std::string_view id, const std::function<Status(hall::Hall&)>& command,
                      std::string_view what) {
  Node& n = node(id);
  require(command(n.hall), what);
  deliver_from(n);
}

Result<std::vector<Bytes>> ScratchCity::emitted_by(
    std::string_view id, const std::function<Status(hall::Hall&)>& command) {
  Node& n = node(id);
  const auto head = must(n.hall.log().read_from(0, 1000000), "read_from");
  const std::int64_t after = head.empty() ? 0 : head.back().local_seq;
  auto tx = must(n.db.begin(), "begin");
  Status status = command(n.hall);
  std::vector<Bytes> envelopes;
  if (status.ok()) {
    for (auto& e : must(n.hall.log().read_from(after, 1000), "read_from")) {
      envelopes.push_back(std::move(e.envelope));
    }
  }
  require(tx.rollback(), "rollback");
  n.hall.forget_cached_state();
  if (!status.ok()) return status;
  return envelopes;
}

void ScratchCity::build_history() {
  // The city's calendar and the county's dibao item, from the files in config/.
  const auto calendar =
      must(hall::parse_calendar_file(read_source_file("config/calendar-2026.toml"), "calendar"),
           "config/calendar-2026.toml");
  run(
      kCity, [&](hall::Hall& h) { return h.publish_calendar(officer(), calendar); },
      "publish_calendar");
  const auto items = must(
      hall::parse_catalogue_file(read_source_file("config/catalogue.example.toml"), "catalogue"),
      "config/catalogue.example.toml");
  for (const auto& item : items) {
    if (hall::format_item_code(item.code) == kDibao) dibao_ = item;
  }
  if (hall::format_item_code(dibao_.code) != kDibao)
    fail("catalogue", "no dibao item in the example");
  run(
      kCounty, [&](hall::Hall& h) { return h.publish_item(officer(), dibao_).status(); },
      "publish_item");

  // Cases taken at the village, handled by the county.
  hall::Application application;
  application.item_code = kDibao;
  application.applicant = {kApplicantId, "张三", "13800138000", kVillage};
  for (int i = 0; i < static_cast<int>(dibao_.materials.size()); ++i) {
    application.materials.push_back({i, "paper", "", std::nullopt});
  }
  auto submit = [&]() {
    std::string no;
    run(
        kVillage,
        [&](hall::Hall& h) -> Status {
          YIMEN_ASSIGN_OR_RETURN(auto submitted, h.submit(clerk(), application));
          no = submitted.case_no;
          return {};
        },
        "submit");
    return no;
  };
  auto act = [&](const std::string& no, hall::CaseAction action, const char* note) {
    run(
        kCounty,
        [&](hall::Hall& h) {
          return h.act(officer(), no, {action, note, {}, {}});
        },
        hall::case_action_name(action));
  };
  cases_.submitted = submit();
  cases_.accepted = submit();
  cases_.overdue = submit();
  cases_.approved = submit();
  cases_.finished = submit();
  cases_.issued = submit();
  for (const auto* no :
       {&cases_.accepted, &cases_.overdue, &cases_.approved, &cases_.finished, &cases_.issued}) {
    act(*no, hall::CaseAction::kAccept, "");
  }
  for (const auto* no : {&cases_.approved, &cases_.finished, &cases_.issued}) {
    act(*no, hall::CaseAction::kApprove, "准予");
  }
  for (const auto* no : {&cases_.finished, &cases_.issued}) {
    act(*no, hall::CaseAction::kIssueResult, "最低生活保障证");
  }
  run(
      kCounty,
      [&](hall::Hall& h) -> Status {
        YIMEN_ASSIGN_OR_RETURN(auto licence,
                               h.issue_licence(officer(), cases_.approved,
                                               {"最低生活保障证", {{"保障人数", "2"}}, {}}));
        licence_no_ = licence.number;
        return {};
      },
      "issue_licence");
  run(
      kVillage,
      [&](hall::Hall& h) {
        return h.rate(cases_.finished, {2, {}, "等了很久"});
      },
      "rate");

  // A complaint, a question and a notice at the village.
  run(
      kVillage,
      [&](hall::Hall& h) -> Status {
        const hall::ComplaintInput complaint{node(kCounty).region,     "", "complaint", "办理太慢",
                                             "低保审核超过承诺时限。", "", ""};
        YIMEN_ASSIGN_OR_RETURN(auto filed, h.file_complaint(hall::Actor{}, complaint));
        complaint_no_ = filed.complaint_no;
        return {};
      },
      "file_complaint");
  run(
      kVillage,
      [&](hall::Hall& h) -> Status {
        YIMEN_ASSIGN_OR_RETURN(
            auto asked, h.ask_question(hall::Actor{}, {kDibao, "低保需要哪些材料？", "", ""}));
        question_no_ = asked.question_no;
        return {};
      },
      "ask_question");
  run(
      kVillage,
      [&](hall::Hall& h) -> Status {
        YIMEN_ASSIGN_OR_RETURN(
            notice_no_, h.publish_notice(clerk(), {"affairs", "村务公开", "本月低保名单。", {}}));
        return {};
      },
      "publish_notice");
  run(
      kVillage,
      [&](hall::Hall&) -> Status {
        hall::AuditEntry entry{clock_ms / 1000,  "wang.clerk", "case.submit",
                               cases_.submitted, "ok",         "127.0.0.1"};
        return hall::append_audit(node(kVillage).db, entry).status();
      },
      "append_audit");

  // Two months later both accepted cases are overdue; the city orders the county on one.
  clock_ms = morning("2026-05-06");
  run(
      kCity,
      [&](hall::Hall& h) -> Status {
        YIMEN_ASSIGN_OR_RETURN(order_no_,
                               h.order_supervision(supervisor(), cases_.accepted, "请加快办理", 3));
        return {};
      },
      "order_supervision");
  // A booking for the next day.
  run(
      kVillage,
      [&](hall::Hall& h) -> Status {
        const hall::AppointmentInput booking{kDibao,
                                             must(hall::Date::from_string("2026-05-07"), "day"),
                                             "10:00", "张三", "13800138000"};
        YIMEN_ASSIGN_OR_RETURN(
            auto booked, h.book_appointment(hall::Actor{}, booking, config::AppointmentConfig{}));
        booking_no_ = booked.booking_no;
        return {};
      },
      "book_appointment");
  clock_ms += 3600 * 1000;
}

}  // namespace yimen::fuzz
