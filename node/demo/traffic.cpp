#include "node/demo/traffic.h"

#include <algorithm>
#include <array>
#include <map>
#include <numeric>
#include <optional>
#include <ostream>
#include <random>
#include <thread>

#include "common/log.h"
#include "node/demo/hall_visitor.h"
#include "node/demo/residents.h"
#include "node/hall/hall_projection.h"
#include "node/hall/service_item.h"
#include "node/node_directory.h"

namespace yimen::node::demo {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

constexpr auto kPoll = milliseconds(1000);  // between looks at a case waiting for sync
constexpr auto kIdle = milliseconds(300);   // a loop that did nothing sleeps this long
constexpr auto kRoundEvery = std::chrono::seconds(60);
constexpr auto kNoRoundWithin = std::chrono::seconds(30);  // of the deadline
constexpr auto kMaxRequestTime = milliseconds(5000);
constexpr auto kMinRequestTime = milliseconds(200);
constexpr auto kCatalogueRetry = milliseconds(2000);
// What a resident uploads for a material: a 1×1 PNG, the smallest scan there is.
const std::string kScan(
    "\x89\x50\x4E\x47\x0D\x0A\x1A\x0A\x00\x00\x00\x0D\x49\x48\x44\x52\x00\x00"
    "\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1F\x15\xC4\x89\x00\x00\x00"
    "\x0D\x49\x44\x41\x54\x78\xDA\x63\xFC\xCF\xC0\xF0\x1F\x00\x05\x05\x02\x00"
    "\x5F\xC8\xF1\xD2\x00\x00\x00\x00\x49\x45\x4E\x44\xAE\x42\x60\x82",
    70);
constexpr int kMaxRounds = 60;
constexpr int kMaxLoops = 1'000'000;   // a bound besides the deadline
constexpr int kMaxFailuresInARow = 3;  // then the node counts as down

constexpr const char* kComponent = "demo-traffic";

// ------------------------------------------------------------------ plans

enum class Plan {
  kSubmitted,
  kAccepted,
  kAwaitingMaterials,
  kApproved,
  kRejected,
  kRefused,
  kResultIssued,
  kClosed,
  kSupplemented,
};

// The plans of a round, in the order they are dealt to the intake nodes.
constexpr std::array<Plan, 9> kPlans = {
    Plan::kClosed,      Plan::kResultIssued, Plan::kApproved, Plan::kAwaitingMaterials,
    Plan::kAccepted,    Plan::kSubmitted,    Plan::kRefused,  Plan::kRejected,
    Plan::kSupplemented};

const char* plan_name(Plan plan) {
  switch (plan) {
    case Plan::kSubmitted:
      return "submitted";
    case Plan::kAccepted:
      return "accepted";
    case Plan::kAwaitingMaterials:
      return "awaiting_materials";
    case Plan::kApproved:
      return "approved";
    case Plan::kRejected:
      return "rejected";
    case Plan::kRefused:
      return "refused";
    case Plan::kResultIssued:
      return "result_issued";
    case Plan::kClosed:
      return "closed";
    case Plan::kSupplemented:
      return "supplemented";
  }
  return "?";
}

struct Step {
  const char* action;
  bool at_intake;  // an intake-node action (else the handling node's)
};

std::vector<Step> steps_of(Plan plan) {
  switch (plan) {
    case Plan::kSubmitted:
      return {};
    case Plan::kAccepted:
      return {{"accept", false}};
    case Plan::kAwaitingMaterials:
      return {{"accept", false}, {"request_materials", false}};
    case Plan::kApproved:
      return {{"accept", false}, {"approve", false}};
    case Plan::kRejected:
      return {{"accept", false}, {"reject", false}};
    case Plan::kRefused:
      return {{"refuse", false}};
    case Plan::kResultIssued:
      return {{"accept", false}, {"approve", false}, {"issue_result", false}};
    case Plan::kClosed:
      return {{"accept", false}, {"approve", false}, {"issue_result", false}, {"close", false}};
    case Plan::kSupplemented:
      return {{"accept", false},          {"request_materials", false},
              {"supply_materials", true}, {"accept_supplement", false},
              {"approve", false},         {"issue_result", false}};
  }
  return {};
}

bool needs_approval(Plan plan) {
  for (const Step& s : steps_of(plan)) {
    if (std::string_view(s.action) == "approve") return true;
  }
  return false;
}

bool withholds_a_material(Plan plan) {
  return plan == Plan::kAwaitingMaterials || plan == Plan::kSupplemented;
}

// The applicant's rating of a finished case: score, tags, comment.
struct RatingText {
  int score;
  std::vector<const char*> tags;
  const char* comment;
};

std::optional<RatingText> rating_of(Plan plan, bool cross_region) {
  if (cross_region && plan == Plan::kClosed) {
    return RatingText{5, {"one_visit", "quick"}, "在村里就能办区里的事，不用跑两地，很方便。"};
  }
  switch (plan) {
    case Plan::kClosed:
      return RatingText{5, {"quick", "polite", "one_visit"}, "一次就办好了，窗口工作人员很耐心。"};
    case Plan::kResultIssued:
      return RatingText{4, {"clear_guidance"}, "指引清楚，办理顺利。"};
    case Plan::kSupplemented:
      return RatingText{3, {"extra_materials"}, "补交了一次材料，总体还可以。"};
    case Plan::kRefused:
      return RatingText{
          2, {"unclear_guidance", "many_visits"}, "事先没讲清楚这件事不在这里办，白跑了一趟。"};
    default:
      return std::nullopt;
  }
}

const char* note_of(const std::string& action) {
  static const std::map<std::string, const char*> kNotes = {
      {"accept", "材料齐全，予以受理"},
      {"refuse", "申请事项不属于本机关职权范围，已告知申请人向有权机关申请"},
      {"request_materials", "一次性告知需补正的材料"},
      {"supply_materials", "申请人已补交材料"},
      {"accept_supplement", "补正材料已收齐"},
      {"approve", "经审核，符合条件，准予办理"},
      {"reject", "经审核，不符合申请条件，不予批准"},
      {"issue_result", "已出具办理结果并通知申请人"},
      {"close", "已归档"},
      {"deliver_result", "结果已送达申请人"},
  };
  auto it = kNotes.find(action);
  return it == kNotes.end() ? "" : it->second;
}

// ------------------------------------------------------------ catalogue

// A catalogue entry as the list gives it.
struct CatalogueEntry {
  std::string code;
  RegionLevel level;
  bool same_city;
};

// What a story needs of an item's guide.
struct Guide {
  bool by_domicile = true;
  std::vector<hall::MaterialKind> materials;
  // Parallel departments (并联审批) must agree before the lead may approve;
  // stories that need an approval leave such items alone.
  bool parallel_review = false;
  bool online_capable = false;  // residents may apply online (网上申请)
};

int depth(RegionLevel level) { return static_cast<int>(level); }

// The region competent for the item, as service_item.h competent_region
// decides it; nullopt when `intake` may not take the case.
std::optional<RegionCode> competent_region(const CatalogueEntry& item, const Guide& guide,
                                           const RegionCode& domicile, const RegionCode& intake) {
  const RegionCode& base = guide.by_domicile ? domicile : intake;
  if (depth(base.level()) < depth(item.level)) return std::nullopt;
  RegionCode competent = base;
  while (depth(competent.level()) > depth(item.level)) competent = *competent.parent();
  const bool may_take =
      item.same_city ? intake.city() == competent.city() : competent.contains(intake);
  if (!may_take) return std::nullopt;
  return competent;
}

// The county a region lies in (itself for a county; the city for the city).
RegionCode county_of(const RegionCode& region) {
  RegionCode r = region;
  while (depth(r.level()) > depth(RegionLevel::kCounty)) r = *r.parent();
  return r;
}

// ------------------------------------------------------------------ JSON

// The field `key` of `v`, or nullptr when `v` is no object or has no such field.
const json::value* field_of(const json::value* v, std::string_view key) {
  if (v == nullptr || !v->is_object()) return nullptr;
  return v->get_object().if_contains(key);
}
const json::value* field_of(const json::value& v, std::string_view key) {
  return field_of(&v, key);
}

std::string text_of(const json::value& v, std::string_view key) {
  const json::value* field = field_of(v, key);
  return field != nullptr && field->is_string() ? std::string(field->get_string()) : std::string();
}

std::int64_t number_of(const json::value* v, std::string_view key) {
  const json::value* field = field_of(v, key);
  return field != nullptr && field->is_int64() ? field->get_int64() : 0;
}

const json::array* array_of(const json::value& v, std::string_view key) {
  const json::value* field = field_of(v, key);
  return field != nullptr && field->is_array() ? &field->get_array() : nullptr;
}

bool lists(const json::value& page, std::string_view key, std::string_view name) {
  const json::array* list = array_of(page, key);
  if (list == nullptr) return false;
  return std::any_of(list->begin(), list->end(),
                     [&](const json::value& v) { return v.is_string() && v.get_string() == name; });
}

// Whether the case page's history has a step `action`.
bool history_has(const json::value& page, std::string_view action) {
  const json::array* history = array_of(page, "history");
  if (history == nullptr) return false;
  return std::any_of(history->begin(), history->end(),
                     [&](const json::value& h) { return text_of(h, "action") == action; });
}

// ---------------------------------------------------------------- actors

struct Station {
  explicit Station(const DemoNode& n)
      : node(&n),
        clerk(n.web_host, n.web_port),
        officer(n.web_host, n.web_port),
        supervisor(n.web_host, n.web_port) {}

  std::string where() const { return node->id.str() + " (" + node->dir_name + ")"; }
  bool can_handle() const { return up && (has_officer || has_clerk); }
  HallVisitor& handler() { return has_officer ? officer : clerk; }

  const DemoNode* node;  // borrowed from the caller of play_demo_traffic
  HallVisitor clerk;
  HallVisitor officer;
  HallVisitor supervisor;
  bool has_clerk = false;
  bool has_officer = false;
  bool has_supervisor = false;
  bool up = true;
  int failures_in_a_row = 0;
  std::vector<CatalogueEntry> catalogue;  // items for natural persons
  Clock::time_point catalogue_checked{};
};

enum class Stage { kIntake, kSteps, kRating, kDone, kFailed };

struct Story {
  Story(size_t intake_station, RegionCode home, Plan p, bool cross)
      : intake(intake_station), domicile(std::move(home)), plan(p), cross_region(cross) {}

  size_t intake;  // index into the stations
  RegionCode domicile;
  Plan plan;
  bool cross_region;
  Stage stage = Stage::kIntake;
  std::string item_code;
  Guide guide;
  size_t handler = 0;  // index of the handling station, once taken
  int withheld = -1;   // material left out at intake, then requested
  std::string case_no;
  std::string query_code;
  size_t next = 0;  // the next step
  Clock::time_point not_before{};
  std::string waiting_for;  // what it waited for last
};

class Traffic {
 public:
  Traffic(const std::vector<DemoNode>& nodes, const TrafficOptions& options)
      : options_(options),
        random_(options.seed),
        deadline_(Clock::now() + options.length),
        today_(hall::cst_date(system_clock_ms() / 1000)) {
    stations_.reserve(nodes.size());
    for (const auto& n : nodes) stations_.emplace_back(n);
  }

  Result<TrafficSummary> run() {
    YIMEN_TRY(set_up());
    look_at_overdue_cases();
    file_a_complaint();
    int rounds_made = 0;
    Clock::time_point next_round = Clock::now();
    for (int loop = 0; loop < kMaxLoops && Clock::now() < deadline_; ++loop) {
      const bool round_due = rounds_made < kMaxRounds &&
                             (rounds_made == 0 || next_round + kNoRoundWithin <= deadline_);
      if (round_due && Clock::now() >= next_round) {
        add_round(rounds_made++);
        next_round += kRoundEvery;
      }
      bool busy = false;
      bool any_open = false;
      for (auto& story : stories_) {
        if (story.stage == Stage::kDone || story.stage == Stage::kFailed) continue;
        any_open = true;
        if (Clock::now() >= deadline_) break;
        if (Clock::now() < story.not_before) continue;
        busy = advance(story) || busy;
      }
      const bool more_rounds = rounds_made < kMaxRounds && next_round + kNoRoundWithin <= deadline_;
      if (!any_open && !more_rounds) break;
      if (!busy) sleep_a_little(!any_open ? next_round : Clock::now() + kIdle);
    }
    for (const auto& story : stories_) {
      if (story.stage == Stage::kDone || story.stage == Stage::kFailed) continue;
      ++summary_.unfinished;
      log::info(kComponent, (story.case_no.empty() ? std::string("a story not yet taken")
                                                   : "case " + story.case_no) +
                                " unfinished: it waited " + story.waiting_for);
    }
    return summary_;
  }

 private:
  // ------------------------------------------------------------- set-up

  Status set_up() {
    for (auto& s : stations_) {
      HallVisitor probe(s.node->web_host, s.node->web_port);
      probe.set_timeout(milliseconds(3000));
      auto answer = probe.get("/api/v1/node");
      std::string problem;
      if (!answer.ok()) {
        problem = answer.status().message();
      } else if (!answer->ok()) {
        problem = "GET /api/v1/node: " + answer->describe();
      } else if (text_of(answer->body, "id") != s.node->id.str()) {
        problem = "it answers as node " + text_of(answer->body, "id");
      }
      if (!problem.empty()) {
        log::warn(kComponent, s.where() + " skipped: no web hall of it at " + s.node->web_host +
                                  ":" + std::to_string(s.node->web_port) + " (" + problem + ")");
        s.up = false;
        ++summary_.nodes_down;
        continue;
      }
      ++summary_.nodes;
    }
    if (summary_.nodes == 0) {
      return failed_precondition("no node of the demo city answers on its web address (" +
                                 stations_.front().node->web_host + ":" +
                                 std::to_string(stations_.front().node->web_port) +
                                 ", ...): start the city first (make demo)");
    }
    int logged_in = 0;
    for (auto& s : stations_) {
      if (!s.up) continue;
      const RegionLevel level = s.node->id.level();
      struct Account {
        const char* login;
        HallVisitor* visitor;
        bool* has;
        bool wanted;
      };
      for (const Account& a :
           {Account{"clerk", &s.clerk, &s.has_clerk, level != RegionLevel::kCity},
            Account{"officer", &s.officer, &s.has_officer, level == RegionLevel::kCounty},
            Account{"supervisor", &s.supervisor, &s.has_supervisor,
                    level == RegionLevel::kCounty}}) {
        if (!a.wanted || !s.up) continue;
        a.visitor->set_timeout(milliseconds(5000));
        const Status st = a.visitor->log_in(a.login, options_.password);
        if (st.code() == ErrorCode::kPermissionDenied && logged_in == 0) {
          // A wrong password would be tried (and locked out) everywhere: stop at the first.
          return permission_denied(st.message() + " at " + s.where() +
                                   "; is the password the demo's?");
        }
        if (!st.ok()) {
          log::warn(kComponent,
                    s.where() + ": " + st.message() + "; " + a.login + " is not played there");
          if (st.code() != ErrorCode::kPermissionDenied) note_failure(s, st);
          continue;
        }
        *a.has = true;
        ++logged_in;
      }
    }
    log::info(kComponent, std::to_string(summary_.nodes) + " web halls answer, " +
                              std::to_string(logged_in) + " staff logged in");
    return {};
  }

  // Counts the red cards the counties show and orders supervision (督办) of
  // one overdue case at each county that has none ordered yet.
  void look_at_overdue_cases() {
    for (auto& s : stations_) {
      if (!s.up || !s.has_officer || s.node->id.level() != RegionLevel::kCounty) continue;
      auto red = call(s, s.officer, "GET", "/api/v1/cases?card=red");
      if (!red || !red->ok()) continue;
      summary_.overdue += static_cast<int>(number_of(field_of(red->body, "cards"), "red"));
      const json::array* cases = array_of(red->body, "cases");
      if (!s.has_supervisor || cases == nullptr || cases->empty()) continue;
      const std::string case_no = text_of(cases->front(), "case_no");
      auto orders = call(s, s.supervisor, "GET", "/api/v1/supervision");
      if (!orders || !orders->ok()) continue;
      const json::array* open_orders = array_of(orders->body, "orders");
      if (open_orders != nullptr &&
          std::any_of(open_orders->begin(), open_orders->end(),
                      [&](const json::value& o) { return text_of(o, "case_no") == case_no; })) {
        continue;
      }
      auto ordered =
          call(s, s.supervisor, "POST", "/api/v1/supervision",
               {{"case_no", case_no},
                {"instruction", "该件已超过承诺办结时限，请于3个工作日内办结并说明超期原因。"},
                {"respond_within", 3}});
      if (!ordered) continue;
      if (ordered->status != 201) {
        unexpected("supervision of " + case_no + " at " + s.where(), *ordered);
        continue;
      }
      ++summary_.supervision_orders;
      log::info(kComponent, "supervision ordered on overdue case " + case_no + " at " + s.where());
    }
  }

  // A resident files an anonymous complaint at the first village that answers.
  void file_a_complaint() {
    for (auto& s : stations_) {
      if (!s.up || s.node->id.level() != RegionLevel::kVillage) continue;
      HallVisitor resident(s.node->web_host, s.node->web_port);
      if (!open_session(s, resident)) continue;
      auto filed = call(s, resident, "POST", "/api/v1/complaints",
                        {{"about", s.node->id.str()},
                         {"kind", "complaint"},
                         {"subject", "工作日中午窗口无人值守"},
                         {"body",
                          "工作日中午十二点多到服务站办事，窗口没有人，值班电话也无人接听，"
                          "希望安排午间值班或公示午休时间。"}});
      if (!filed) continue;
      if (filed->status != 201) {
        unexpected("complaint at " + s.where(), *filed);
      } else {
        ++summary_.complaints;
        log::info(kComponent,
                  "complaint " + text_of(filed->body, "complaint_no") + " filed at " + s.where());
      }
      return;
    }
  }

  // -------------------------------------------------------------- rounds

  std::optional<size_t> station_of(const RegionCode& id) const {
    for (size_t i = 0; i < stations_.size(); ++i) {
      if (stations_[i].node->id == id) return i;
    }
    return std::nullopt;
  }

  // A village to be domiciled in, within `region`: a node of the city when
  // there is one, else the region's first village code.
  RegionCode village_in(const RegionCode& region) {
    std::vector<RegionCode> villages;
    for (const auto& s : stations_) {
      if (s.node->id.level() == RegionLevel::kVillage && region.contains(s.node->id)) {
        villages.push_back(s.node->id);
      }
    }
    if (!villages.empty()) {
      return villages[std::uniform_int_distribution<size_t>(0, villages.size() - 1)(random_)];
    }
    std::string code = region.str();
    if (region.level() == RegionLevel::kCounty) code = code.substr(0, 6) + "001001";
    if (region.level() == RegionLevel::kTown) code = code.substr(0, 9) + "001";
    auto parsed = RegionCode::parse(code);
    return parsed.ok() ? *parsed : region;
  }

  void add_round(int round) {
    std::vector<size_t> intake;
    for (size_t i = 0; i < stations_.size(); ++i) {
      const auto& s = stations_[i];
      if (s.up && s.has_clerk && s.node->id.level() != RegionLevel::kCity) intake.push_back(i);
    }
    if (intake.empty()) return;
    const size_t stories = std::max(intake.size(), kPlans.size());
    for (size_t k = 0; k < stories; ++k) {
      const size_t at = intake[(k + static_cast<size_t>(round)) % intake.size()];
      stories_.emplace_back(at, village_in(stations_[at].node->id), kPlans[k % kPlans.size()],
                            false);
    }
    // 同城通办: at most one village per county takes a case for a resident
    // of another county, handled there.
    std::vector<RegionCode> counties;
    for (const auto& s : stations_) {
      if (s.node->id.level() == RegionLevel::kCounty && s.can_handle()) {
        counties.push_back(s.node->id);
      }
    }
    std::vector<RegionCode> served;
    for (size_t i : intake) {
      const RegionCode& village = stations_[i].node->id;
      if (village.level() != RegionLevel::kVillage) continue;
      const RegionCode home = county_of(village);
      if (std::find(served.begin(), served.end(), home) != served.end()) continue;
      const auto other = std::find_if(counties.begin(), counties.end(),
                                      [&](const RegionCode& c) { return !(c == home); });
      if (other == counties.end()) continue;
      served.push_back(home);
      stories_.emplace_back(i, village_in(*other),
                            served.size() % 2 == 1 ? Plan::kClosed : Plan::kResultIssued, true);
    }
  }

  // --------------------------------------------------------------- stories

  bool advance(Story& story) {
    switch (story.stage) {
      case Stage::kIntake:
        return take(story);
      case Stage::kSteps:
        return step(story);
      case Stage::kRating:
        return rate(story);
      default:
        return false;
    }
  }

  // The story looks again in a while; `what` says what it waits for.
  bool wait(Story& story, std::string what) {
    story.not_before = Clock::now() + kPoll;
    story.waiting_for = std::move(what);
    return false;
  }

  bool fail(Story& story) {
    story.stage = Stage::kFailed;
    return true;
  }

  // The node's catalogue (items for natural persons); false while it has none.
  bool load_catalogue(Station& s) {
    if (!s.catalogue.empty()) return true;
    if (Clock::now() - s.catalogue_checked < kCatalogueRetry) return false;
    s.catalogue_checked = Clock::now();
    auto list = call(s, s.clerk, "GET", "/api/v1/catalogue");
    if (!list || !list->ok()) return false;
    const json::array* items = array_of(list->body, "items");
    if (items == nullptr) return false;
    for (const auto& item : *items) {
      const auto level = parse_region_level(text_of(item, "handling_level"));
      if (!level || text_of(item, "target") == "legal_person") continue;
      const json::value* same_city = field_of(item, "same_city_handling");
      s.catalogue.push_back(
          CatalogueEntry{text_of(item, "code"), *level,
                         same_city != nullptr && same_city->is_bool() && same_city->get_bool()});
    }
    return !s.catalogue.empty();
  }

  // The guide of `code` as the node gives it, fetched once per run.
  const Guide* guide_of(Station& s, const std::string& code) {
    if (auto it = guides_.find(code); it != guides_.end()) return &it->second;
    auto page = call(s, s.clerk, "GET", "/api/v1/catalogue/" + code);
    if (!page || !page->ok()) return nullptr;
    Guide guide;
    guide.by_domicile = text_of(page->body, "territorial_rule") != "intake";
    const json::array* parallel = array_of(page->body, "parallel_departments");
    guide.parallel_review = parallel != nullptr && !parallel->empty();
    const json::value* online = field_of(page->body, "online_capable");
    guide.online_capable = online != nullptr && online->is_bool() && online->get_bool();
    if (const json::array* materials = array_of(page->body, "materials")) {
      for (const auto& m : *materials) {
        guide.materials.push_back(
            hall::parse_material_kind(text_of(m, "kind")).value_or(hall::MaterialKind::kRequired));
      }
    }
    return &guides_.emplace(code, std::move(guide)).first->second;
  }

  // Picks an item the intake node may take for the story's applicant, whose
  // handling node answers and which fits the plan. An approval goes on a
  // signed commitment (告知承诺) when some item allows one, so that the
  // handling node has a post-check to do.
  bool choose_item(Story& story) {
    Station& in = stations_[story.intake];
    std::vector<size_t> order(in.catalogue.size());
    std::iota(order.begin(), order.end(), size_t{0});
    std::shuffle(order.begin(), order.end(), random_);
    const bool commitment_wanted = story.plan == Plan::kApproved;
    for (int pass = commitment_wanted ? 0 : 1; pass < 2; ++pass) {
      for (size_t i : order) {
        const CatalogueEntry& item = in.catalogue[i];
        if (story.cross_region && !item.same_city) continue;
        const Guide* guide = guide_of(in, item.code);
        if (guide == nullptr || !in.up) continue;
        if (pass == 0 &&
            std::find(guide->materials.begin(), guide->materials.end(),
                      hall::MaterialKind::kCommitmentAllowed) == guide->materials.end()) {
          continue;
        }
        if (story.cross_region && !guide->by_domicile) continue;
        if (guide->parallel_review && needs_approval(story.plan)) continue;
        const auto competent = competent_region(item, *guide, story.domicile, in.node->id);
        if (!competent) continue;
        if (story.cross_region && county_of(*competent) == county_of(in.node->id)) continue;
        const auto handler = station_of(*competent);
        if (!handler || !stations_[*handler].can_handle()) continue;
        int withheld = -1;
        if (withholds_a_material(story.plan)) {
          for (size_t m = guide->materials.size(); m-- > 0;) {
            if (guide->materials[m] == hall::MaterialKind::kRequired) {
              withheld = static_cast<int>(m);
              break;
            }
          }
          if (withheld < 0) continue;
        }
        story.item_code = item.code;
        story.guide = *guide;
        story.handler = *handler;
        story.withheld = withheld;
        return true;
      }
    }
    return false;
  }

  // `online`: the resident applies from a browser (no channel, visits or agent
  // in the body); otherwise a clerk takes the case at the window.
  json::object application(const Story& story, bool online) {
    const Resident applicant = make_resident(random_, story.domicile, today_);
    json::array materials;
    for (size_t m = 0; m < story.guide.materials.size(); ++m) {
      if (static_cast<int>(m) == story.withheld) continue;
      const auto kind = story.guide.materials[m];
      const char* how =
          kind == hall::MaterialKind::kDataSharing ? "shared"
          : kind == hall::MaterialKind::kCommitmentAllowed && story.plan == Plan::kApproved
              ? "commitment"
              : "paper";
      materials.push_back(json::object{{"material", m}, {"how", how}});
    }
    json::object body{{"item_code", story.item_code},
                      {"applicant", json::object{{"id_number", applicant.id_number},
                                                 {"name", applicant.name},
                                                 {"phone", applicant.phone},
                                                 {"domicile", applicant.domicile}}},
                      {"materials", std::move(materials)}};
    if (online) return body;
    body["channel"] = "window";
    body["visits"] = 1;
    // The village often applies on behalf of an elderly resident (代办).
    if (story.plan == Plan::kClosed && !online &&
        stations_[story.intake].node->id.level() == RegionLevel::kVillage) {
      const Resident agent = make_resident(random_, story.domicile, today_);
      body["channel"] = "agent";
      body["agent"] = json::object{
          {"id_number", agent.id_number},
          {"name", agent.name},
          {"phone", agent.phone},
          {"authorisation", "授权委托书（" + today_.to_string() + " 签）及双方身份证原件"}};
    }
    return body;
  }

  // A resident applies online at the intake node: a scan uploaded for every
  // material handed in on paper at a window, then the application.
  std::optional<ApiAnswer> apply_online(Station& in, json::object body) {
    HallVisitor resident(in.node->web_host, in.node->web_port);
    if (!open_session(in, resident)) return std::nullopt;
    resident.set_timeout(request_time());
    for (auto& m : body["materials"].as_array()) {
      auto& material = m.as_object();
      if (text_of(m, "how") != "paper") continue;
      auto uploaded = resident.upload("/api/v1/uploads", "image/png", kScan);
      if (!uploaded.ok()) {
        note_failure(in, uploaded.status());
        return std::nullopt;
      }
      if (!uploaded->ok()) return *uploaded;
      material["how"] = "electronic";
      material["attachment"] = json::object{{"hash", text_of(uploaded->body, "hash")},
                                            {"size", kScan.size()},
                                            {"name", "材料扫描件.png"},
                                            {"media_type", "image/png"}};
    }
    return call(in, resident, "POST", "/api/v1/applications", body);
  }

  bool take(Story& story) {
    Station& in = stations_[story.intake];
    if (!in.up || !in.has_clerk) return fail(story);
    if (!load_catalogue(in)) return wait(story, "for the catalogue at " + in.where());
    if (!choose_item(story)) {
      log::warn(kComponent, std::string("no item of the catalogue at ") + in.where() +
                                " fits a story of plan " + plan_name(story.plan) + "; skipped");
      return fail(story);
    }
    // A third of the stories for items that allow it come in online, and at least the first
    // such story, so that every run shows an online application.
    const bool online =
        story.guide.online_capable &&
        (summary_.online == 0 || std::uniform_int_distribution<int>(0, 2)(random_) == 0);
    auto taken = online ? apply_online(in, application(story, true))
                        : call(in, in.clerk, "POST", "/api/v1/cases", application(story, false));
    if (!taken) return wait(story, "for an answer to its intake at " + in.where());
    if (taken->status != 201) {
      unexpected("intake of " + story.item_code + " at " + in.where(), *taken);
      return fail(story);
    }
    story.case_no = text_of(taken->body, "case_no");
    story.query_code = text_of(taken->body, "query_code");
    if (text_of(taken->body, "identity") == "unverified" && needs_approval(story.plan)) {
      // Nobody has seen an online applicant's ID card: the intake office
      // checks it by video call before the case can be decided (other
      // stories leave it unverified, for the officers' queues to show).
      auto verified =
          call(in, in.clerk, "POST", "/api/v1/cases/" + story.case_no + "/actions",
               {{"action", "verify_identity"}, {"note", "视频核验身份（人脸比对通过）"}});
      if (verified && !verified->ok()) unexpected("verify_identity at " + in.where(), *verified);
    }
    const std::string handling = text_of(taken->body, "handling_node");
    ++summary_.cases;
    if (online) ++summary_.online;
    if (story.cross_region) ++summary_.cross_region;
    log::info(kComponent, "case " + story.case_no + " (" + story.item_code + ") taken at " +
                              in.where() + ", handled by " + handling +
                              (story.cross_region ? " (same-city handling)" : "") +
                              "; plan: " + plan_name(story.plan));
    if (handling != stations_[story.handler].node->id.str()) {
      // The hall decided otherwise than the rules here: leave the case as taken.
      log::warn(kComponent, "case " + story.case_no + " is handled by " + handling + ", not by " +
                                stations_[story.handler].node->id.str() +
                                " as expected; left as submitted");
      story.stage = Stage::kDone;
      return true;
    }
    story.stage = Stage::kSteps;
    if (!rating_of(story.plan, story.cross_region)) {
      // The resident checks the receipt's number and code once.
      track(in, story);
    }
    if (steps_of(story.plan).empty()) story.stage = Stage::kDone;
    return true;
  }

  json::object step_body(const Story& story, const Step& s) {
    json::object body{{"action", s.action}, {"note", note_of(s.action)}};
    const std::string action = s.action;
    if (action == "request_materials") {
      body["findings"] = json::array{json::object{
          {"material", story.withheld}, {"problem", "missing"}, {"note", "请补交该材料"}}};
    } else if (action == "supply_materials") {
      body["materials"] = json::array{
          json::object{{"material", story.withheld}, {"how", "paper"}, {"note", "已补交"}}};
    }
    return body;
  }

  void count(const std::string& action) {
    static const std::map<std::string, int TrafficSummary::*> kCounters = {
        {"accept", &TrafficSummary::accepted},
        {"refuse", &TrafficSummary::refused},
        {"request_materials", &TrafficSummary::materials_requested},
        {"supply_materials", &TrafficSummary::materials_supplied},
        {"approve", &TrafficSummary::approved},
        {"reject", &TrafficSummary::rejected},
        {"issue_result", &TrafficSummary::results_issued},
        {"close", &TrafficSummary::closed},
        {"deliver_result", &TrafficSummary::results_delivered},
    };
    if (auto it = kCounters.find(action); it != kCounters.end()) ++(summary_.*(it->second));
  }

  bool step(Story& story) {
    const std::vector<Step> steps = steps_of(story.plan);
    const Step& s = steps[story.next];
    Station& at = stations_[s.at_intake ? story.intake : story.handler];
    if (!at.up) return fail(story);
    HallVisitor& who = s.at_intake ? at.clerk : at.handler();
    const std::string target = "/api/v1/cases/" + story.case_no;
    const std::string to = std::string("to ") + s.action + " at " + at.where();
    auto page = call(at, who, "GET", target);
    if (!page || page->status == 404) return wait(story, to + " (the case is not there yet)");
    if (!page->ok()) {
      unexpected("case " + story.case_no + " at " + at.where(), *page);
      return fail(story);
    }
    // The previous step, taken at the other node, reaches this one first.
    if (story.next > 0 && steps[story.next - 1].at_intake != s.at_intake &&
        !history_has(page->body, steps[story.next - 1].action)) {
      return wait(story, to + " (" + steps[story.next - 1].action + " is not there yet)");
    }
    if (!lists(page->body, "actions", s.action)) {
      return wait(story, to + " (state " + text_of(page->body, "state") + ")");
    }
    auto done = call(at, who, "POST", target + "/actions", step_body(story, s));
    if (!done) return wait(story, to + " (no answer)");
    if (!done->ok()) {
      unexpected(std::string(s.action) + " on case " + story.case_no + " at " + at.where(), *done);
      return fail(story);
    }
    count(s.action);
    if (++story.next == steps.size()) {
      story.stage = rating_of(story.plan, story.cross_region) ? Stage::kRating : Stage::kDone;
      log::info(kComponent, "case " + story.case_no + " is " + text_of(done->body, "state") +
                                " at " + at.where());
    }
    return true;
  }

  // A resident looks the case up with its number and query code.
  void track(Station& s, const Story& story) {
    HallVisitor resident(s.node->web_host, s.node->web_port);
    if (!open_session(s, resident)) return;
    auto found = call(s, resident, "POST", "/api/v1/track",
                      {{"case_no", story.case_no}, {"code", story.query_code}});
    if (!found) return;
    if (!found->ok()) {
      unexpected("tracking case " + story.case_no + " at " + s.where(), *found);
      return;
    }
    ++summary_.tracked;
  }

  // Back at the intake node: the clerk hands the result over, and the
  // resident tracks the case and rates it.
  bool rate(Story& story) {
    Station& in = stations_[story.intake];
    if (!in.up) return fail(story);
    const std::string target = "/api/v1/cases/" + story.case_no;
    auto page = call(in, in.clerk, "GET", target);
    const std::string to_rate = "to be rated at " + in.where();
    if (!page || !page->ok()) return wait(story, to_rate + " (the case is not there yet)");
    const std::string state = text_of(page->body, "state");
    if (state != "refused" && state != "result_issued" && state != "closed") {
      return wait(story, to_rate + " (state " + state + ")");
    }
    if (lists(page->body, "actions", "deliver_result")) {
      auto delivered = call(in, in.clerk, "POST", target + "/actions",
                            {{"action", "deliver_result"}, {"note", note_of("deliver_result")}});
      if (delivered && !delivered->ok()) {
        unexpected("deliver_result on case " + story.case_no + " at " + in.where(), *delivered);
      } else if (delivered) {
        count("deliver_result");
      }
    }
    track(in, story);
    const RatingText text = *rating_of(story.plan, story.cross_region);
    HallVisitor resident(in.node->web_host, in.node->web_port);
    if (!open_session(in, resident)) return wait(story, to_rate + " (no session)");
    json::array tags;
    for (const char* t : text.tags) tags.push_back(json::value(t));
    auto rated = call(in, resident, "POST", "/api/v1/ratings",
                      {{"case_no", story.case_no},
                       {"code", story.query_code},
                       {"score", text.score},
                       {"tags", std::move(tags)},
                       {"comment", text.comment}});
    if (!rated) return wait(story, to_rate + " (no answer)");
    story.stage = Stage::kDone;
    if (rated->status != 201) {
      unexpected("rating case " + story.case_no + " at " + in.where(), *rated);
      return true;
    }
    ++summary_.ratings;
    if (text.score <= 2) ++summary_.poor_ratings;
    log::info(kComponent, "case " + story.case_no + " rated " + std::to_string(text.score) +
                              " at " + in.where());
    return true;
  }

  // ---------------------------------------------------------- requests

  milliseconds request_time() const {
    const auto left = std::chrono::duration_cast<milliseconds>(deadline_ - Clock::now());
    return std::clamp(left, kMinRequestTime, kMaxRequestTime);
  }

  // One request of `visitor` at `s`; nullopt when no answer came (the node
  // counts as down after kMaxFailuresInARow of those).
  std::optional<ApiAnswer> call(Station& s, HallVisitor& visitor, const std::string& method,
                                const std::string& target, const json::object& body = {}) {
    if (!s.up) return std::nullopt;
    visitor.set_timeout(request_time());
    auto answer = method == "GET" ? visitor.get(target) : visitor.post(target, body);
    if (!answer.ok()) {
      note_failure(s, answer.status());
      return std::nullopt;
    }
    s.failures_in_a_row = 0;
    return std::move(answer).value();
  }

  bool open_session(Station& s, HallVisitor& visitor) {
    if (!s.up) return false;
    visitor.set_timeout(request_time());
    const Status st = visitor.open_session();
    if (!st.ok()) {
      note_failure(s, st);
      return false;
    }
    s.failures_in_a_row = 0;
    return true;
  }

  void note_failure(Station& s, const Status& why) {
    if (Clock::now() >= deadline_) return;  // cut short by the end of the run
    ++summary_.errors;
    log::warn(kComponent, s.where() + ": " + why.message());
    if (++s.failures_in_a_row >= kMaxFailuresInARow && s.up) {
      s.up = false;
      ++summary_.nodes_down;
      log::warn(kComponent, s.where() + " no longer answers; skipped from now on");
    }
  }

  void unexpected(const std::string& what, const ApiAnswer& answer) {
    ++summary_.errors;
    log::warn(kComponent, what + ": " + answer.describe());
  }

  void sleep_a_little(Clock::time_point until) {
    const auto to = std::min(until, deadline_);
    if (to > Clock::now()) std::this_thread::sleep_until(to);
  }

  TrafficOptions options_;
  std::mt19937_64 random_;
  Clock::time_point deadline_;
  hall::Date today_;
  std::vector<Station> stations_;  // one per node; never resized after construction
  std::vector<Story> stories_;
  std::map<std::string, Guide> guides_;  // by item code
  TrafficSummary summary_;
};

}  // namespace

void TrafficSummary::print(std::ostream& out) const {
  const std::pair<const char*, int> lines[] = {
      {"nodes", nodes},
      {"nodes_down", nodes_down},
      {"cases", cases},
      {"online", online},
      {"cross_region", cross_region},
      {"accepted", accepted},
      {"refused", refused},
      {"materials_requested", materials_requested},
      {"materials_supplied", materials_supplied},
      {"approved", approved},
      {"rejected", rejected},
      {"results_issued", results_issued},
      {"closed", closed},
      {"results_delivered", results_delivered},
      {"tracked", tracked},
      {"ratings", ratings},
      {"poor_ratings", poor_ratings},
      {"complaints", complaints},
      {"supervision_orders", supervision_orders},
      {"overdue", overdue},
      {"unfinished", unfinished},
      {"errors", errors},
  };
  for (const auto& [name, value] : lines) out << name << "=" << value << "\n";
}

Result<TrafficSummary> play_demo_traffic(const std::vector<DemoNode>& nodes,
                                         const TrafficOptions& options) {
  if (nodes.empty()) return invalid_argument("no nodes to play traffic on");
  Traffic traffic(nodes, options);
  return traffic.run();
}

}  // namespace yimen::node::demo
