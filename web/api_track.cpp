// /api/v1/track: a resident follows a case with its number and query code.
// The code is a secret: it comes in the body, never in a URL, and failed
// lookups are limited per case number and per address.

#include <array>

#include "crypto/crypto.h"
#include "node/hall/hall_projection.h"
#include "web/api_support.h"

namespace yimen::web {
namespace {

// What the applicant is told the case is waiting for.
const char* step_of(hall::CaseState state) {
  switch (state) {
    case hall::CaseState::kSubmitted:
      return "awaiting_acceptance";
    case hall::CaseState::kAccepted:
      return "under_review";
    case hall::CaseState::kAwaitingMaterials:
      return "awaiting_your_materials";
    case hall::CaseState::kInNotice:
      return "public_notice";
    case hall::CaseState::kApproved:
    case hall::CaseState::kRejected:
      return "awaiting_result";
    case hall::CaseState::kRefused:
    case hall::CaseState::kResultIssued:
    case hall::CaseState::kWithdrawn:
    case hall::CaseState::kClosed:
    case hall::CaseState::kRevoked:
      return "finished";
  }
  return "finished";
}

HttpResponse track(Call& call) {
  auto body = body_object(call);
  if (!body.ok()) return status_response(body.status());
  auto case_no = required_string(*body, "case_no", "case_no", hall::kMaxCaseNumberBytes);
  if (!case_no.ok()) return status_response(case_no.status());
  auto code = required_string(*body, "code", "code", 16);
  if (!code.ok()) return status_response(code.status());

  std::optional<hall::CaseFile> file;
  Status s = call.backend().read([&](storage::Database& db) -> Status {
    YIMEN_ASSIGN_OR_RETURN(file, hall::load_case(db, *case_no));
    return {};
  });
  if (!s.ok()) return status_response(s);
  if (auto refused = check_code(call, *case_no, file ? file->query_code_hash : "", *code)) {
    return *refused;
  }

  json::object out;
  s = call.backend().read([&](storage::Database& db) -> Status {
    YIMEN_ASSIGN_OR_RETURN(auto item, hall::load_item(db, file->item_code, file->item_version));
    YIMEN_ASSIGN_OR_RETURN(auto calendar, hall::load_calendar(db));
    const auto deadline = hall::case_deadline(calendar, *file, hall::cst_date(call.now),
                                              call.backend().yellow_card_working_days());
    YIMEN_ASSIGN_OR_RETURN(auto transitions, hall::load_transitions(db, *case_no));
    json::array history;
    const hall::CaseTransition* handler = nullptr;
    const hall::CaseTransition* request = nullptr;  // the last materials request
    for (const auto& t : transitions) {
      if (!t.findings.empty()) request = &t;
      history.push_back(json::object{{"action", hall::case_action_name(t.action)},
                                     {"on", t.on.to_string()},
                                     {"actor_office", t.actor_office}});
      if (t.half == hall::CaseHalf::kHandling || handler == nullptr) handler = &t;
    }
    out = json::object{
        {"case_no", file->case_no},
        {"item_name", item ? item->name : ""},
        {"state", hall::case_state_name(file->state)},
        {"state_label", hall::case_state_label_zh(file->state)},
        {"step", step_of(file->state)},
        {"handler", handler == nullptr
                        ? json::value(nullptr)
                        : json::value(json::object{{"name", handler->actor_name},
                                                   {"office", handler->actor_office},
                                                   {"phone", handler->actor_phone}})},
        {"submitted_on", file->submitted_on.to_string()},
        {"due", deadline.due ? json::value(deadline.due->to_string()) : nullptr},
        {"card", deadline.card ? json::value(hall::card_name(*deadline.card)) : nullptr},
        {"decision", file->decision},
        {"result", file->result},
        {"history", std::move(history)},
    };
    // While the office waits for materials, the applicant sees what to bring
    // and by when (the one-time notification's list).
    const bool waiting = file->state == hall::CaseState::kAwaitingMaterials ||
                         (file->state == hall::CaseState::kSubmitted && file->returned);
    if (waiting && request != nullptr) {
      out["materials_requested"] =
          json::object{{"on", request->on.to_string()},
                       {"office", request->actor_office},
                       {"supply_by", date_or_null(request->supply_by)},
                       {"findings", findings_json(item ? &*item : nullptr, request->findings)}};
    }
    return {};
  });
  if (!s.ok()) return status_response(s);
  return json_response(out);
}

}  // namespace

// A hash at the query codes' cost of a random secret nobody knows, so that an
// unknown case number costs what a wrong code costs.
const std::string& unknown_code_hash() {
  static const std::string hash = [] {
    std::array<std::uint8_t, 16> secret{};
    crypto::random_fill(secret);
    auto h = crypto::hash_secret_code(crypto::to_hex(secret));
    return h.ok() ? *h : std::string();
  }();
  return hash;
}

std::optional<HttpResponse> check_code(Call& call, const std::string& key, const std::string& hash,
                                       const std::string& code) {
  const std::string& address = call.request.peer;
  const auto blocked = call.state.code_lookups.blocked_for(key, address, call.now);
  if (blocked > 0) return rate_limited(blocked, "too many failed lookups; try later");
  if (crypto::verify_password(hash.empty() ? unknown_code_hash() : hash, code) && !hash.empty()) {
    return std::nullopt;
  }
  call.state.code_lookups.record_failure(key, address, call.now);
  return error_response(404, "not_found", "nothing has this number and code");
}

void add_track_routes(std::vector<Route>& routes) {
  routes.push_back({"POST", "/api/v1/track", anyone(), track});
}

}  // namespace yimen::web
