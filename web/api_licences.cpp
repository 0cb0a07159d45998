// /api/v1/licences: e-licences (电子证照) — issued by the handling node's
// officers on an approved case, looked up by number where held, revoked by
// their issuer, verified by anyone from the file or QR payload; and
// /api/v1/applicants/lookup, what the node already holds for an applicant
// (licences, past cases) so that materials come by data sharing and a past
// application can be made again.

#include "node/hall/hall_projection.h"
#include "node/hall/identity.h"
#include "node/hall/licence.h"
#include "web/api_support.h"

namespace yimen::web {
namespace {

json::object licence_json(const hall::Licence& l) {
  json::array fields;
  for (const auto& f : l.fields)
    fields.push_back(json::object{{"name", f.name}, {"value", f.value}});
  return json::object{
      {"number", l.number},
      {"type", l.type},
      {"item_code", l.item_code},
      {"case_no", l.case_no},
      {"holder_name", l.holder_name},
      {"holder_id_masked", hall::masked_id_number(l.holder_id)},
      {"fields", std::move(fields)},
      {"valid_from", l.valid_from.to_string()},
      {"valid_until", l.valid_until ? json::value(l.valid_until->to_string()) : nullptr},
      {"issuer", l.issuer},
      {"issuer_name", l.issuer_name}};
}

json::object held_json(const hall::HeldLicence& h) {
  json::object o = licence_json(h.licence);
  o["revoked"] = h.revoked;
  o["revoked_reason"] = h.revoked_reason;
  o["file"] = hall::licence_file_text(h.document);
  o["qr"] = hall::licence_qr_payload(h.document);
  return o;
}

HttpResponse issue_licence(Call& call) {
  const std::string& case_no = call.params.at("no");
  auto body = body_object(call);
  if (!body.ok()) return status_response(body.status());
  hall::LicenceInput input;
  auto type = required_string(*body, "type", "type", 100);
  if (!type.ok()) return status_response(type.status());
  input.type = *type;
  auto fields = optional_array(*body, "fields", "fields");
  if (!fields.ok()) return status_response(fields.status());
  if (*fields != nullptr) {
    if ((*fields)->size() > hall::kMaxLicenceFields) {
      return error_response(400, "bad_request", "fields: at most 30");
    }
    for (size_t i = 0; i < (*fields)->size(); ++i) {
      const std::string where = "fields[" + std::to_string(i) + "]";
      if (!(**fields)[i].is_object())
        return error_response(400, "bad_request", where + ": expected an object");
      const auto& f = (**fields)[i].get_object();
      auto name = required_string(f, "name", where + ".name", 50);
      auto value = required_string(f, "value", where + ".value", 500);
      if (!name.ok()) return status_response(name.status());
      if (!value.ok()) return status_response(value.status());
      input.fields.push_back({*name, *value});
    }
  }
  auto until = optional_string(*body, "valid_until", "valid_until", 10);
  if (!until.ok()) return status_response(until.status());
  if (until->has_value() && !(*until)->empty()) {
    auto d = hall::Date::from_string(**until);
    if (!d.ok()) return status_response(d.status().with_context("valid_until"));
    input.valid_until = *d;
  }
  std::optional<hall::IssuedLicence> issued;
  const Status s = call.backend().write([&](hall::Hall& hall, storage::Database& db) -> Status {
    YIMEN_ASSIGN_OR_RETURN(auto result, hall.issue_licence(call.actor(), case_no, input));
    issued = std::move(result);
    return audit(db, call, "licence.issue", issued->number, "ok");
  });
  if (!s.ok()) return status_response(s);
  return json_response(json::object{{"number", issued->number},
                                    {"file", hall::licence_file_text(issued->document)},
                                    {"qr", hall::licence_qr_payload(issued->document)}},
                       201);
}

HttpResponse show_licence(Call& call) {
  const std::string& number = call.params.at("number");
  json::object out;
  const Status s = call.backend().read([&](storage::Database& db) -> Status {
    YIMEN_ASSIGN_OR_RETURN(auto held, hall::load_licence(db, number));
    if (!held) return not_found("no licence has this number here");
    out = held_json(*held);
    return {};
  });
  if (!s.ok()) return status_response(s);
  return json_response(out);
}

HttpResponse verify(Call& call) {
  auto body = body_object(call);
  if (!body.ok()) return status_response(body.status());
  auto text = required_string(*body, "document", "document", hall::kMaxLicenceDocumentBytes * 2);
  if (!text.ok()) return status_response(text.status());
  auto document = hall::parse_licence_text(*text);
  if (!document.ok()) {
    return json_response(json::object{{"valid", false}, {"reason", document.status().message()}});
  }
  json::object out;
  const Status s = call.backend().read([&](storage::Database& db) -> Status {
    YIMEN_ASSIGN_OR_RETURN(auto verdict,
                           hall::verify_licence(db, *document, hall::cst_date(call.now), call.now));
    out = json::object{{"valid", verdict.valid}, {"reason", verdict.reason}};
    out["licence"] = verdict.licence ? json::value(licence_json(*verdict.licence)) : nullptr;
    return {};
  });
  if (!s.ok()) return status_response(s);
  return json_response(out);
}

HttpResponse revoke(Call& call) {
  const std::string& number = call.params.at("number");
  auto body = body_object(call);
  if (!body.ok()) return status_response(body.status());
  auto reason = required_string(*body, "reason", "reason", 500);
  if (!reason.ok()) return status_response(reason.status());
  const Status s = call.backend().write([&](hall::Hall& hall, storage::Database& db) -> Status {
    YIMEN_TRY(hall.revoke_licence(call.actor(), number, *reason));
    return audit(db, call, "licence.revoke", number, "ok");
  });
  if (!s.ok()) return status_response(s);
  return json_response(json::object{{"number", number}, {"revoked", true}});
}

HttpResponse expiring(Call& call) {
  json::array list;
  const Status s = call.backend().read([&](storage::Database& db) -> Status {
    YIMEN_ASSIGN_OR_RETURN(
        auto held, hall::licences_expiring(db, call.backend().node_id(), hall::cst_date(call.now)));
    for (const auto& h : held) list.push_back(licence_json(h.licence));
    return {};
  });
  if (!s.ok()) return status_response(s);
  return json_response(json::object{{"licences", std::move(list)}});
}

// What the node holds for an applicant: the ID number comes in the body,
// never in a URL.
HttpResponse lookup_applicant(Call& call) {
  auto body = body_object(call);
  if (!body.ok()) return status_response(body.status());
  auto id = required_string(*body, "id_number", "id_number", 18);
  if (!id.ok()) return status_response(id.status());
  auto parsed = hall::parse_applicant_id(*id, hall::cst_date(call.now));
  if (!parsed.ok()) return status_response(parsed.status());
  json::object out;
  const Status s = call.backend().read([&](storage::Database& db) -> Status {
    json::array licences;
    YIMEN_ASSIGN_OR_RETURN(auto held, hall::licences_of(db, parsed->number()));
    const hall::Date today = hall::cst_date(call.now);
    for (const auto& h : held) {
      json::object o = licence_json(h.licence);
      o["revoked"] = h.revoked;
      o["usable"] = !h.revoked && (!h.licence.valid_until || *h.licence.valid_until >= today);
      licences.push_back(std::move(o));
    }
    YIMEN_ASSIGN_OR_RETURN(auto cases, hall::cases_of_applicant(db, parsed->number()));
    json::array previous;
    for (const auto& f : cases) {
      YIMEN_ASSIGN_OR_RETURN(auto item, hall::load_item(db, f.item_code));
      previous.push_back(json::object{{"case_no", f.case_no},
                                      {"item_code", f.item_code},
                                      {"item_name", item ? item->name : ""},
                                      {"state", hall::case_state_name(f.state)},
                                      {"submitted_on", f.submitted_on.to_string()},
                                      {"applicant_name", f.applicant_name},
                                      {"applicant_phone", f.applicant_phone},
                                      {"domicile", f.domicile.str()}});
    }
    YIMEN_ASSIGN_OR_RETURN(auto flagged, hall::false_commitment_of(db, parsed->number()));
    out = json::object{{"licences", std::move(licences)},
                       {"cases", std::move(previous)},
                       {"false_commitment_case", flagged}};
    return {};
  });
  if (!s.ok()) return status_response(s);
  return json_response(out);
}

}  // namespace

void add_licence_routes(std::vector<Route>& routes) {
  using hall::Role;
  routes.push_back(
      {"POST", "/api/v1/cases/{no}/licence", roles({Role::kOfficer, Role::kAdmin}), issue_licence});
  routes.push_back({"POST", "/api/v1/licences/verify", anyone(), verify});
  routes.push_back({"GET", "/api/v1/licences/expiring", staff(), expiring});
  routes.push_back({"GET", "/api/v1/licences/{number}", staff(), show_licence});
  routes.push_back(
      {"POST", "/api/v1/licences/{number}/revoke", roles({Role::kOfficer, Role::kAdmin}), revoke});
  routes.push_back({"POST", "/api/v1/applicants/lookup", staff(), lookup_applicant});
}

}  // namespace yimen::web
