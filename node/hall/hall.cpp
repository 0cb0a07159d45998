#include "node/hall/hall.h"

#include <algorithm>
#include <cstdio>
#include <set>

#include "common/text.h"
#include "node/hall/audit_log.h"
#include "node/hall/catalogue_codec.h"
#include "node/hall/identity.h"
#include "node/hall/online_application.h"
#include "node/hall/parallel_review.h"
#include "storage/blob_store.h"

namespace yimen::hall {
namespace {

void fill_supplied(const std::vector<SuppliedMaterial>& supplied,
                   capnp::List<schema::SuppliedMaterial>::Builder out) {
  for (unsigned i = 0; i < supplied.size(); ++i) {
    out[i].setMaterial(static_cast<std::uint16_t>(supplied[i].material));
    out[i].setHow(supplied[i].how);
    out[i].setNote(supplied[i].note);
    if (const auto& a = supplied[i].attachment) {
      auto att = out[i].initAttachment();
      att.setHash(kj::arrayPtr(a->hash.data(), a->hash.size()));
      att.setSize(a->size);
      att.setName(a->name);
      att.setMediaType(a->media_type);
    }
  }
}

void fill_findings(const std::vector<MaterialFinding>& findings,
                   capnp::List<schema::MaterialFinding>::Builder out) {
  for (unsigned i = 0; i < findings.size(); ++i) {
    out[i].setMaterial(static_cast<std::uint16_t>(findings[i].material));
    out[i].setProblem(material_problem_name(findings[i].problem));
    out[i].setNote(findings[i].note);
    out[i].setCopiesReceived(static_cast<std::uint8_t>(findings[i].copies_received));
  }
}

// The supplied materials must name the item's materials once each, in a way
// the item allows.
Status check_supplied(const ServiceItem& item, const std::vector<SuppliedMaterial>& supplied) {
  std::set<int> seen;
  for (size_t i = 0; i < supplied.size(); ++i) {
    const auto& s = supplied[i];
    const std::string where = "materials[" + std::to_string(i) + "]";
    if (s.material < 0 || static_cast<size_t>(s.material) >= item.materials.size()) {
      return invalid_argument(where + ": the item has no material " + std::to_string(s.material));
    }
    if (!seen.insert(s.material).second) {
      return invalid_argument(where + ": material " + std::to_string(s.material) + " given twice");
    }
    const Material& m = item.materials[static_cast<size_t>(s.material)];
    if (s.how == "shared") {
      if (m.kind != MaterialKind::kDataSharing) {
        return invalid_argument(where + ": " + m.name + " cannot be obtained by data sharing");
      }
    } else if (s.how == "commitment") {
      if (m.kind != MaterialKind::kCommitmentAllowed) {
        return invalid_argument(where + ": " + m.name + " cannot be replaced by a commitment");
      }
    } else if (s.how != "paper" && s.how != "electronic") {
      return invalid_argument(where + ": how must be paper, electronic, shared or commitment");
    }
    if (s.note.size() > 1000 || !is_display_text(s.note)) {
      return invalid_argument(where + ": note must be at most 1000 bytes of text");
    }
  }
  return {};
}

}  // namespace

void fill_actor(const Actor& actor, schema::Actor::Builder out) {
  out.setLogin(actor.login);
  out.setName(actor.name);
  out.setOffice(actor.office);
  out.setPhone(actor.phone);
}

std::vector<sync::AudienceEntry> case_audience(const RegionCode& intake,
                                               const RegionCode& handling) {
  std::vector<sync::AudienceEntry> audience = {{sync::AudienceEntry::Kind::kNode, intake}};
  if (handling != intake) audience.push_back({sync::AudienceEntry::Kind::kNode, handling});
  return audience;
}

Hall::Hall(storage::Database& db, RegionCode node, const crypto::NodeKey& key, Clock clock)
    : db_(db),
      node_(std::move(node)),
      key_(key),
      clock_(std::move(clock)),
      projection_(db, node_),
      log_(db, node_, projection_) {}

Status Hall::set_yellow_card_working_days(int days) {
  if (days < 0 || days > 20) {
    return invalid_argument("yellow card threshold must be 0 to 20 working days, got " +
                            std::to_string(days));
  }
  yellow_card_working_days_ = days;
  return Status();
}

Status Hall::set_supply_within_days(int days) {
  if (days < kMinSupplyDays || days > kMaxSupplyDays) {
    return invalid_argument("the days to supply materials must be " +
                            std::to_string(kMinSupplyDays) + " to " +
                            std::to_string(kMaxSupplyDays) + ", got " + std::to_string(days));
  }
  supply_within_days_ = days;
  return Status();
}

Status Hall::migrate(storage::Database& db) {
  YIMEN_TRY(sync::EventLog::migrate(db));
  YIMEN_TRY(storage::migrate_blob_schema(db));
  YIMEN_TRY(migrate_audit_schema(db));
  return HallProjection::migrate(db);
}

Status Hall::in_transaction(const std::function<Status()>& body) {
  YIMEN_ASSIGN_OR_RETURN(auto tx, db_.begin());
  Status s = body();
  if (s.ok()) s = tx.commit();
  if (!s.ok()) {
    static_cast<void>(tx.rollback());  // reported by `s`; the destructor would do the same
    forget_cached_state();             // the caches may have seen what was undone
  }
  return s;
}

Result<sync::AppendResult> Hall::emit(const Actor& actor, std::vector<sync::AudienceEntry> audience,
                                      std::function<void(schema::Body::Builder)> fill) {
  sync::EventDraft draft{actor.login, std::move(audience), std::move(fill)};
  return log_.emit(draft, key_, clock_());
}

Date Hall::today() const { return cst_date(clock_() / 1000); }

Result<std::string> Hall::next_number(const char* table, const char* column,
                                      const std::string& head) {
  const Date on = today();
  char day[16];
  std::snprintf(day, sizeof day, "%04d%02d%02d", on.year(), on.month(), on.day());
  const std::string prefix = head + day + "-";
  YIMEN_ASSIGN_OR_RETURN(auto last, db_.prepare(std::string("SELECT MAX(") + column + ") FROM " +
                                                table + " WHERE " + column + " LIKE ?"));
  last.bind(1, prefix + "%");
  YIMEN_ASSIGN_OR_RETURN(bool row, last.step());
  long next = 1;
  if (row && !last.column_is_null(0)) {
    const std::string newest = last.column_text(0);
    next = std::stol(newest.substr(prefix.size())) + 1;
  }
  if (next > 999999) return failed_precondition("the day's 999999 numbers are used up");
  char seq[24];
  std::snprintf(seq, sizeof seq, "%06ld", next);
  return prefix + seq;
}

Result<int> Hall::publish_item(const Actor& actor, ServiceItem item) {
  if (item.code.region != node_.str()) {
    return permission_denied("this node (" + node_.str() +
                             ") publishes only the items of its "
                             "own region, not those of " +
                             item.code.region);
  }
  const std::string code = format_item_code(item.code);
  Status status = in_transaction([&]() -> Status {
    YIMEN_ASSIGN_OR_RETURN(auto newest, load_item(db_, code));
    item.version = newest ? newest->version + 1 : 1;
    YIMEN_TRY(validate(item));
    const sync::AudienceEntry city{sync::AudienceEntry::Kind::kRegion, node_.city()};
    YIMEN_ASSIGN_OR_RETURN(auto r, emit(actor, {city}, [&](schema::Body::Builder b) {
                             write_service_item(item, b.initItemPublished());
                           }));
    (void)r;
    return {};
  });
  if (!status.ok()) return status;
  return item.version;
}

Status Hall::publish_calendar(const Actor& actor, const CalendarYear& published) {
  const int year = published.year;
  const auto& holidays = published.holidays;
  const auto& makeup_working_days = published.makeup_working_days;
  const auto& notice = published.notice;
  if (node_.level() != RegionLevel::kCity) {
    return permission_denied("only the city node publishes the working-day calendar");
  }
  WorkingDayCalendar check;
  YIMEN_TRY(check.publish_year(year, holidays, makeup_working_days));
  if (notice.size() > 500 || !is_display_text(notice)) {
    return invalid_argument("notice must be at most 500 bytes of text");
  }
  return in_transaction([&]() -> Status {
    const sync::AudienceEntry city{sync::AudienceEntry::Kind::kRegion, node_.city()};
    YIMEN_ASSIGN_OR_RETURN(
        auto r, emit(actor, {city}, [&](schema::Body::Builder b) {
          auto y = b.initCalendarPublished();
          y.setYear(static_cast<std::uint16_t>(year));
          auto h = y.initHolidays(static_cast<unsigned>(holidays.size()));
          for (unsigned i = 0; i < holidays.size(); ++i) {
            h.set(i, holidays[i].to_string());
          }
          auto m = y.initMakeupWorkingDays(static_cast<unsigned>(makeup_working_days.size()));
          for (unsigned i = 0; i < makeup_working_days.size(); ++i) {
            m.set(i, makeup_working_days[i].to_string());
          }
          y.setNotice(notice);
          y.setProvisional(published.provisional);
        }));
    (void)r;
    return {};
  });
}

Result<std::vector<SuppliedMaterial>> Hall::with_sharing_sources(
    const ServiceItem& item, const std::string& applicant_id,
    const std::vector<SuppliedMaterial>& supplied, Date on) {
  std::vector<SuppliedMaterial> out = supplied;
  std::vector<HeldLicence> licences;
  bool loaded = false;
  for (auto& s : out) {
    if (s.how != "shared" || !s.note.empty()) continue;
    if (!loaded) {
      YIMEN_ASSIGN_OR_RETURN(licences, licences_of(db_, applicant_id));
      loaded = true;
    }
    const Material& m = item.materials[static_cast<size_t>(s.material)];
    // A licence this city issued to the applicant, named by the material, is
    // referred to by number instead of being handed in again.
    for (const auto& h : licences) {
      const bool usable = !h.revoked && (!h.licence.valid_until || *h.licence.valid_until >= on);
      if (usable && (m.name.find(h.licence.type) != std::string::npos ||
                     m.sharing_source.find(h.licence.type) != std::string::npos)) {
        s.note = "电子证照 " + h.licence.number;
        break;
      }
    }
    if (s.note.empty()) s.note = "数据共享：" + m.sharing_source;
  }
  return out;
}

Result<SubmittedCase> Hall::submit(const Actor& actor, const Application& app) {
  YIMEN_ASSIGN_OR_RETURN(auto item, load_item(db_, app.item_code));
  if (!item) return not_found("no item " + app.item_code + " in the catalogue");
  {
    YIMEN_ASSIGN_OR_RETURN(auto codes, current_item_codes(db_));
    if (std::find(codes.begin(), codes.end(), app.item_code) == codes.end()) {
      return failed_precondition("item " + app.item_code + " has been withdrawn");
    }
  }
  const Date on = today();
  YIMEN_ASSIGN_OR_RETURN(const auto applicant_id, parse_applicant_id(app.applicant.id_number, on));
  if (!serves(item->target, applicant_id.kind())) {
    return invalid_argument(std::string("this item does not serve a ") +
                            applicant_kind_name(applicant_id.kind()));
  }
  if (app.applicant.name.empty() || app.applicant.name.size() > 100 ||
      !is_display_text(app.applicant.name)) {
    return invalid_argument("applicant name must be 1 to 100 bytes of text");
  }
  if (!valid_phone(app.applicant.phone)) {
    return invalid_argument("applicant phone must be 5 to 20 digits, spaces, '-' or '+'");
  }
  auto domicile = RegionCode::parse(app.applicant.domicile);
  if (!domicile.ok()) return domicile.status().with_context("domicile");
  if (domicile->city() != node_.city()) {
    return failed_precondition("the applicant's domicile " + domicile->str() +
                               " is outside this city");
  }
  static const std::set<std::string> kChannels = {"window", "online",     "mobile",
                                                  "kiosk",  "home_visit", "agent"};
  if (!kChannels.contains(app.channel)) return invalid_argument("unknown channel " + app.channel);
  YIMEN_ASSIGN_OR_RETURN(const RegionCode handling, competent_region(*item, *domicile, node_));
  YIMEN_TRY(check_supplied(*item, app.materials));
  YIMEN_TRY(check_attachments(db_, app.materials));
  const bool remote = app.channel == "online" || app.channel == "mobile";
  if (remote && !item->online_capable) {
    return failed_precondition("item " + app.item_code + " cannot be applied for online");
  }
  // Nobody saw the ID card of a remote applicant: data sharing may vouch for
  // them, or a clerk checks it later (verify_identity).
  std::string identity = kIdentityWindow;
  std::string identity_source;
  if (remote) {
    YIMEN_ASSIGN_OR_RETURN(identity_source,
                           identity_by_sharing(db_, applicant_id.number(), app.applicant.name));
    identity = identity_source.empty() ? kIdentityUnverified : kIdentityShared;
  }
  const int visits =
      app.visits.value_or(app.channel == "online" || app.channel == "mobile" ? 0 : 1);
  if (visits < 0 || visits > 20) return invalid_argument("visits must be 0 to 20");
  if (app.agent) {
    const Agent& agent = *app.agent;
    auto agent_id = parse_applicant_id(agent.id_number, on);
    if (!agent_id.ok()) return agent_id.status().with_context("agent");
    if (agent_id->kind() != ApplicantKind::kNaturalPerson) {
      return invalid_argument("agent: an agent is a person with a resident ID number");
    }
    if (agent.name.empty() || agent.name.size() > 100 || !is_display_text(agent.name)) {
      return invalid_argument("agent name must be 1 to 100 bytes of text");
    }
    if (!valid_phone(agent.phone)) {
      return invalid_argument("agent phone must be 5 to 20 digits, spaces, '-' or '+'");
    }
    if (agent.authorisation.empty() || agent.authorisation.size() > 500 ||
        !is_display_text(agent.authorisation)) {
      return invalid_argument(
          "agent authorisation must say what authorises the agent (1 to 500 bytes of text)");
    }
  }
  if (std::any_of(app.materials.begin(), app.materials.end(),
                  [](const SuppliedMaterial& m) { return m.how == "commitment"; })) {
    YIMEN_ASSIGN_OR_RETURN(const std::string flagged,
                           false_commitment_of(db_, applicant_id.number()));
    if (!flagged.empty()) {
      return failed_precondition("the applicant made a false commitment on case " + flagged +
                                 ": commitment is not available; the materials must be handed in");
    }
  }

  YIMEN_ASSIGN_OR_RETURN(const auto materials,
                         with_sharing_sources(*item, applicant_id.number(), app.materials, on));

  YIMEN_ASSIGN_OR_RETURN(const crypto::SecretCode code, crypto::new_secret_code());
  const std::string& query_code = code.code;

  SubmittedCase out{"", query_code, handling, "", identity};
  Status status = in_transaction([&]() -> Status {
    YIMEN_ASSIGN_OR_RETURN(out.case_no, next_number("case_file", "case_no", node_.str() + "-"));

    YIMEN_ASSIGN_OR_RETURN(
        auto r, emit(actor, case_audience(node_, handling), [&](schema::Body::Builder b) {
          auto intake = b.initCaseIntake();
          intake.setCaseNo(out.case_no);
          fill_actor(actor, intake.initActor());
          auto sub = intake.initSubmitted();
          sub.setItemCode(app.item_code);
          sub.setItemVersion(static_cast<std::uint32_t>(item->version));
          sub.setHandlingNode(handling.str());
          auto a = sub.initApplicant();
          a.setIdNumber(applicant_id.number());
          a.setName(app.applicant.name);
          a.setPhone(app.applicant.phone);
          a.setDomicile(domicile->str());
          sub.setChannel(app.channel);
          fill_supplied(materials, sub.initMaterials(static_cast<unsigned>(materials.size())));
          sub.setQueryCodeHash(code.hash);
          sub.setVisits(static_cast<std::uint8_t>(visits));
          sub.setIdentity(identity);
          sub.setIdentitySource(identity_source);
          if (app.agent) {
            auto agent = sub.initAgent();
            agent.setIdNumber(app.agent->id_number);
            agent.setName(app.agent->name);
            agent.setPhone(app.agent->phone);
            agent.setAuthorisation(app.agent->authorisation);
          }
        }));
    (void)r;
    YIMEN_ASSIGN_OR_RETURN(auto file, load_case(db_, out.case_no));
    if (file) out.repeat_of = file->repeat_of;
    return {};
  });
  if (!status.ok()) return status;
  return out;
}

Status Hall::act(const Actor& actor, const std::string& case_no, const CaseCommand& command) {
  return in_transaction([&]() -> Status {
    YIMEN_ASSIGN_OR_RETURN(auto file, load_case(db_, case_no));
    if (!file) return not_found("no case " + case_no + " at this node");
    const CaseHalf half = case_half(command.action);
    if (command.action == CaseAction::kSubmit) {
      return invalid_argument("a case is submitted with submit, not as an action");
    }
    if (half == CaseHalf::kHandling) {
      if (file->handling_node != node_) {
        return permission_denied("case " + case_no + " is handled by " + file->handling_node.str() +
                                 ", not by this node");
      }
      YIMEN_TRY(next_state(file->state, command.action).status());
    } else {
      if (file->intake_node != node_) {
        return permission_denied("case " + case_no + " was taken by " + file->intake_node.str() +
                                 ", not by this node");
      }
      YIMEN_TRY(check_intake_action(file->state, command.action, file->returned));
    }
    const bool post_check = command.action == CaseAction::kConfirmCommitment ||
                            command.action == CaseAction::kFalseCommitment;
    if (post_check && !file->commitment) {
      return failed_precondition("case " + case_no +
                                 " has no commitment (告知承诺) to check after approval");
    }
    if (post_check && !file->post_check.empty()) {
      return failed_precondition("the commitment of case " + case_no + " was already checked (" +
                                 file->post_check + ")");
    }
    if (command.action == CaseAction::kApprove && file->identity == kIdentityUnverified) {
      return failed_precondition("case " + case_no +
                                 ": the applicant's identity is not verified yet (an online "
                                 "application); it is checked at a window of " +
                                 file->intake_node.str() + " before approval");
    }
    if (command.action == CaseAction::kVerifyIdentity && file->identity != kIdentityUnverified) {
      return failed_precondition("the identity of the applicant of " + case_no +
                                 " was already established (" + file->identity + ")");
    }
    if (command.action == CaseAction::kApprove) {
      YIMEN_ASSIGN_OR_RETURN(auto item, load_item(db_, file->item_code, file->item_version));
      YIMEN_ASSIGN_OR_RETURN(auto opinions, load_opinions(db_, case_no));
      if (const auto awaited =
              item ? awaited_departments(*item, opinions) : std::vector<std::string>();
          !awaited.empty()) {
        std::string names;
        for (const auto& d : awaited) names += (names.empty() ? "" : ", ") + d;
        return failed_precondition("case " + case_no + " awaits the opinion of " + names +
                                   " (并联审批)");
      }
    }
    const bool needs_findings = command.action == CaseAction::kRequestMaterials ||
                                command.action == CaseAction::kReturnIncomplete;
    if (needs_findings) YIMEN_TRY(one_time_notice(case_no, command.findings).status());
    const bool needs_note =
        command.action == CaseAction::kRefuse || command.action == CaseAction::kReject ||
        command.action == CaseAction::kApprove || command.action == CaseAction::kIssueResult ||
        command.action == CaseAction::kWithdraw ||
        command.action == CaseAction::kRequestWithdrawal ||
        command.action == CaseAction::kVerifyIdentity || post_check;
    if (needs_note && command.note.empty()) {
      return invalid_argument(std::string(case_action_name(command.action)) +
                              " needs a note (the decision, reason or result)");
    }
    if (command.note.size() > 2000 || !is_display_text(command.note)) {
      return invalid_argument("note must be at most 2000 bytes of text");
    }
    if (command.action == CaseAction::kSupplyMaterials) {
      YIMEN_ASSIGN_OR_RETURN(auto item, load_item(db_, file->item_code, file->item_version));
      if (!item) return internal_error("case " + case_no + " has no item version");
      if (command.supplied.empty()) return invalid_argument("supply_materials needs materials");
      YIMEN_TRY(check_supplied(*item, command.supplied));
      YIMEN_TRY(check_attachments(db_, command.supplied));
    }
    const auto audience = case_audience(file->intake_node, file->handling_node);
    const std::string supply_by = today().plus_days(supply_within_days_).to_string();
    YIMEN_ASSIGN_OR_RETURN(
        auto r, emit(actor, audience, [&](schema::Body::Builder b) {
          if (half == CaseHalf::kIntake) {
            auto intake = b.initCaseIntake();
            intake.setCaseNo(case_no);
            fill_actor(actor, intake.initActor());
            switch (command.action) {
              case CaseAction::kReturnIncomplete:
                fill_findings(
                    command.findings,
                    intake.initReturnedIncomplete(static_cast<unsigned>(command.findings.size())));
                intake.setSupplyBy(supply_by);
                break;
              case CaseAction::kSupplyMaterials:
                fill_supplied(
                    command.supplied,
                    intake.initMaterialsSupplied(static_cast<unsigned>(command.supplied.size())));
                break;
              case CaseAction::kRequestWithdrawal:
                intake.setWithdrawalRequested(command.note);
                break;
              case CaseAction::kVerifyIdentity:
                intake.setIdentityVerified(command.note);
                break;
              default:
                intake.setResultDelivered(command.note);
                break;
            }
            return;
          }
          auto h = b.initCaseHandling();
          h.setCaseNo(case_no);
          fill_actor(actor, h.initActor());
          switch (command.action) {
            case CaseAction::kAccept:
              h.setAccepted();
              break;
            case CaseAction::kRefuse:
              h.setRefused(command.note);
              break;
            case CaseAction::kRequestMaterials:
              fill_findings(command.findings, h.initMaterialsRequested(
                                                  static_cast<unsigned>(command.findings.size())));
              h.setSupplyBy(supply_by);
              break;
            case CaseAction::kAcceptSupplement:
              h.setSupplementAccepted();
              break;
            case CaseAction::kStartNotice:
              h.setNoticeStarted(command.note);
              break;
            case CaseAction::kEndNotice:
              h.setNoticeEnded(command.note);
              break;
            case CaseAction::kApprove:
              h.setApproved(command.note);
              break;
            case CaseAction::kReject:
              h.setRejected(command.note);
              break;
            case CaseAction::kIssueResult:
              h.setResultIssued(command.note);
              break;
            case CaseAction::kClose:
              h.setClosed();
              break;
            case CaseAction::kConfirmCommitment:
              h.setCommitmentConfirmed(command.note);
              break;
            case CaseAction::kFalseCommitment:
              h.setCommitmentFalse(command.note);
              break;
            default:
              h.setWithdrawn(command.note);
              break;
          }
        }));
    (void)r;
    return {};
  });
}

Result<bool> Hall::anchor_audit(const std::vector<AuditEpoch>& epochs) {
  bool emitted = false;
  Status status = in_transaction([&]() -> Status {
    YIMEN_ASSIGN_OR_RETURN(const AuditHead head, audit_head(db_));
    if (head.seq == 0) return {};
    YIMEN_ASSIGN_OR_RETURN(const auto newest, newest_received_anchor(db_, node_));
    const AuditAnchor* last = newest ? &*newest : nullptr;
    // Plain variables, not a structured binding: clang 14 refuses a nested
    // lambda that captures a binding (P1091/P1381 came with clang 16).
    const std::pair<std::int64_t, std::int64_t> next = next_anchor_epoch(epochs, last);
    const std::int64_t epoch = next.first;
    const std::int64_t kept_rows = next.second;
    if (last != nullptr && last->seq == head.seq && last->hash == head.hash &&
        last->epoch == epoch) {
      return {};
    }
    // The event log's table of certified keys (sync/event_log.cpp): an uncertified key's own
    // events would wait for a certificate instead of being applied.
    YIMEN_ASSIGN_OR_RETURN(auto certified,
                           db_.prepare("SELECT 1 FROM certified_key WHERE public_key = ?"));
    certified.bind_blob(1, key_.public_key());
    YIMEN_ASSIGN_OR_RETURN(const bool enrolled, certified.step());
    if (!enrolled) {
      return failed_precondition(
          "this node is not enrolled yet: its audit log is anchored once it is");
    }
    const RegionCode upward = node_.parent().value_or(node_);
    YIMEN_ASSIGN_OR_RETURN(
        auto r,
        emit(Actor{}, {{sync::AudienceEntry::Kind::kNode, upward}}, [&](schema::Body::Builder b) {
          auto anchor = b.initAuditAnchor();
          anchor.setSeq(static_cast<std::uint64_t>(head.seq));
          anchor.setHash(kj::arrayPtr(head.hash.data(), head.hash.size()));
          anchor.setEpoch(static_cast<std::uint32_t>(epoch));
          anchor.setKeptRows(static_cast<std::uint64_t>(std::min(kept_rows, head.seq)));
        }));
    (void)r;
    emitted = true;
    return {};
  });
  if (!status.ok()) return status;
  return emitted;
}

Status Hall::rebuild() {
  return in_transaction([&] { return log_.rebuild(); });
}

Result<OneTimeNotice> Hall::one_time_notice(const std::string& case_no,
                                            const std::vector<MaterialFinding>& findings) {
  YIMEN_ASSIGN_OR_RETURN(auto file, load_case(db_, case_no));
  if (!file) return not_found("no case " + case_no + " at this node");
  YIMEN_ASSIGN_OR_RETURN(auto item, load_item(db_, file->item_code, file->item_version));
  if (!item) return internal_error("case " + case_no + " has no item version");
  return make_one_time_notice(*item, case_no, file->applicant_name, today(), findings);
}

CaseDeadline case_deadline(const WorkingDayCalendar& calendar, const CaseFile& file, Date today,
                           int yellow_card_working_days) {
  CaseDeadline out;
  if (!file.accepted_on) {
    out.unknown_reason = "not accepted yet";
    return out;
  }
  auto due = calendar.deadline(*file.accepted_on, file.committed_limit.days,
                               file.committed_limit.kind, file.pauses);
  if (!due.ok()) {
    out.unknown_reason = due.status().message();
    return out;
  }
  out.due = *due;
  if (file.state == CaseState::kAccepted) {
    auto card = calendar.card(today, *due, yellow_card_working_days);
    if (card.ok()) {
      out.card = *card;
    } else {
      out.unknown_reason = card.status().message();
    }
  }
  return out;
}

Result<CaseDeadline> Hall::deadline(const CaseFile& file) {
  YIMEN_ASSIGN_OR_RETURN(auto calendar, load_calendar(db_));
  return case_deadline(calendar, file, today(), yellow_card_working_days_);
}

Result<std::vector<std::string>> Hall::cases_with_card(Card card) {
  YIMEN_ASSIGN_OR_RETURN(auto numbers, case_numbers(db_, node_, CaseState::kAccepted));
  std::vector<std::string> out;
  for (const auto& no : numbers) {
    YIMEN_ASSIGN_OR_RETURN(auto file, load_case(db_, no));
    if (!file) continue;
    YIMEN_ASSIGN_OR_RETURN(auto d, deadline(*file));
    if (d.card == card) out.push_back(no);
  }
  return out;
}

}  // namespace yimen::hall
