#include "node/hall/licence.h"

#include <capnp/message.h>
#include <capnp/serialize.h>

#include <cstring>

#include "common/text.h"
#include "node/hall/hall.h"
#include "node/hall/hall_projection.h"
#include "sync/schema/licence.capnp.h"
#include "sync/trust_store.h"

namespace yimen::hall {
namespace {

using Admission = sync::EventSink::Admission;
using Body = schema::Body;

constexpr std::string_view kFileHeader = "YIMEN-LICENCE-1";
constexpr std::string_view kQrPrefix = "YML1:";

std::string text(capnp::Text::Reader t) { return {t.cStr(), t.size()}; }
kj::ArrayPtr<const kj::byte> bytes_of(ByteView b) { return kj::arrayPtr(b.data(), b.size()); }

Bytes message_bytes(capnp::MessageBuilder& message) {
  const auto words = capnp::messageToFlatArray(message);
  return Bytes(words.asBytes().begin(), words.asBytes().end());
}

// A Cap'n Proto message from outside, read with limits; InvalidArgument when malformed.
template <typename Reader, typename Fn>
Status read_message(ByteView bytes, const char* what, Fn&& fn) {
  if (bytes.size() % sizeof(capnp::word) != 0 || bytes.empty()) {
    return invalid_argument(std::string(what) + " is not a whole message");
  }
  kj::Array<capnp::word> words = kj::heapArray<capnp::word>(bytes.size() / sizeof(capnp::word));
  std::memcpy(words.begin(), bytes.data(), bytes.size());
  capnp::ReaderOptions options;
  options.traversalLimitInWords = kMaxLicenceDocumentBytes / 8 * 2;
  options.nestingLimit = 16;
  try {
    capnp::FlatArrayMessageReader reader(words, options);
    return fn(reader.getRoot<Reader>());
  } catch (const kj::Exception& e) {
    return invalid_argument(std::string(what) + " is malformed: " + e.getDescription().cStr());
  }
}

Result<Licence> read_licence(schema::Licence::Reader l) {
  Licence out;
  out.number = text(l.getNumber());
  out.type = text(l.getType());
  out.item_code = text(l.getItemCode());
  out.case_no = text(l.getCaseNo());
  out.holder_id = text(l.getHolderId());
  out.holder_name = text(l.getHolderName());
  if (l.getFields().size() > kMaxLicenceFields) return invalid_argument("too many fields");
  for (auto f : l.getFields()) out.fields.push_back({text(f.getName()), text(f.getValue())});
  auto from = Date::from_string(text(l.getValidFrom()));
  if (!from.ok()) return invalid_argument("validFrom is not a date");
  out.valid_from = *from;
  if (l.getValidUntil().size() > 0) {
    auto until = Date::from_string(text(l.getValidUntil()));
    if (!until.ok()) return invalid_argument("validUntil is not a date");
    out.valid_until = *until;
  }
  auto issuer = RegionCode::parse(text(l.getIssuer()));
  if (!issuer.ok()) return invalid_argument("issuer: " + issuer.status().message());
  out.issuer = issuer->str();
  out.issuer_name = text(l.getIssuerName());
  auto domicile = RegionCode::parse(text(l.getHolderDomicile()));
  if (!domicile.ok()) return invalid_argument("holderDomicile: " + domicile.status().message());
  out.holder_domicile = domicile->str();
  if (out.number.size() < 14 || out.number.compare(0, 12, out.issuer) != 0 ||
      out.number[12] != '-' || out.number[13] != 'L') {
    return invalid_argument("licence number " + out.number + " is not numbered by its issuer");
  }
  return out;
}

bool valid_line(const std::string& s, size_t max) {
  return !s.empty() && s.size() <= max && is_display_text(s);
}

constexpr const char* kLicenceColumns =
    "SELECT l.document, r.reason FROM licence l LEFT JOIN licence_revocation r ON "
    "r.number = l.number ";

Result<HeldLicence> read_held(storage::Statement& stmt) {
  HeldLicence h;
  h.document = stmt.column_blob(0);
  auto doc = decode_licence_document(h.document);
  if (!doc.ok()) return corruption("a stored licence document: " + doc.status().message());
  h.licence = std::move(doc->licence);
  h.revoked = !stmt.column_is_null(1);
  if (h.revoked) h.revoked_reason = stmt.column_text(1);
  return h;
}

}  // namespace

Result<LicenceDocument> decode_licence_document(ByteView bytes) {
  if (bytes.size() > kMaxLicenceDocumentBytes) return invalid_argument("the document is too large");
  LicenceDocument out{};
  Status s = read_message<schema::LicenceDocument>(
      bytes, "the licence document", [&](schema::LicenceDocument::Reader d) -> Status {
        out.licence_bytes.assign(d.getLicence().begin(), d.getLicence().end());
        if (d.getSignerKey().size() != out.signer.size()) {
          return invalid_argument("the signer key is not 32 bytes");
        }
        std::copy(d.getSignerKey().begin(), d.getSignerKey().end(), out.signer.begin());
        if (d.getSignature().size() != out.signature.size()) {
          return invalid_argument("the signature is not 64 bytes");
        }
        std::copy(d.getSignature().begin(), d.getSignature().end(), out.signature.begin());
        if (d.getChain().size() > 6) return invalid_argument("the chain is too long");
        for (auto c : d.getChain()) {
          auto cert = crypto::Certificate::decode(ByteView(c.begin(), c.size()));
          if (!cert.ok()) return invalid_argument("a certificate: " + cert.status().message());
          out.chain.push_back(std::move(*cert));
        }
        return {};
      });
  if (!s.ok()) return s;
  s = read_message<schema::Licence>(out.licence_bytes, "the licence",
                                    [&](schema::Licence::Reader l) -> Status {
                                      YIMEN_ASSIGN_OR_RETURN(out.licence, read_licence(l));
                                      return {};
                                    });
  if (!s.ok()) return s;
  return out;
}

Result<Bytes> without_chain(ByteView document) {
  YIMEN_ASSIGN_OR_RETURN(auto doc, decode_licence_document(document));
  capnp::MallocMessageBuilder message;
  auto d = message.initRoot<schema::LicenceDocument>();
  d.setLicence(bytes_of(doc.licence_bytes));
  d.setSignerKey(bytes_of(doc.signer));
  d.setSignature(bytes_of(doc.signature));
  return message_bytes(message);
}

std::string licence_file_text(ByteView document) {
  return std::string(kFileHeader) + "\n" + crypto::to_base64url(document) + "\n";
}

std::string licence_qr_payload(ByteView document) {
  auto bare = without_chain(document);
  return std::string(kQrPrefix) + crypto::to_base64url(bare.ok() ? ByteView(*bare) : document);
}

Result<Bytes> parse_licence_text(std::string_view text) {
  auto trim = [](std::string_view s) {
    while (!s.empty() &&
           (s.front() == ' ' || s.front() == '\n' || s.front() == '\r' || s.front() == '\t')) {
      s.remove_prefix(1);
    }
    while (!s.empty() &&
           (s.back() == ' ' || s.back() == '\n' || s.back() == '\r' || s.back() == '\t')) {
      s.remove_suffix(1);
    }
    return s;
  };
  text = trim(text);
  std::string_view body;
  if (text.starts_with(kQrPrefix)) {
    body = text.substr(kQrPrefix.size());
  } else if (text.starts_with(kFileHeader)) {
    body = trim(text.substr(kFileHeader.size()));
  } else {
    return invalid_argument("not a Yimen licence: expected a file starting " +
                            std::string(kFileHeader) + " or a QR payload starting " +
                            std::string(kQrPrefix));
  }
  if (body.size() > kMaxLicenceDocumentBytes * 2)
    return invalid_argument("the licence is too large");
  auto bytes = crypto::from_base64url(body);
  if (!bytes.ok()) return invalid_argument("the licence's encoding is damaged");
  return bytes;
}

Result<LicenceVerdict> verify_licence(storage::Database& db, ByteView document, Date today,
                                      std::int64_t now) {
  LicenceVerdict v;
  auto doc = decode_licence_document(document);
  if (!doc.ok()) {
    v.reason = "malformed: " + doc.status().message();
    return v;
  }
  v.licence = doc->licence;
  if (!crypto::verify(crypto::kLicenceDomain, doc->signer, doc->licence_bytes, doc->signature)) {
    v.reason = "bad signature: the licence was altered or not signed by the key it names";
    return v;
  }
  std::vector<crypto::Certificate> chain = doc->chain;
  if (chain.empty()) {
    YIMEN_ASSIGN_OR_RETURN(chain, sync::load_certificate_chain(db, doc->signer));
  }
  if (chain.empty()) {
    v.reason = "unknown issuer: this node holds no certificate for the signing key";
    return v;
  }
  if (chain.front().public_key != doc->signer) {
    v.reason = "the certificate chain is not the signer's";
    return v;
  }
  if (chain.front().subject.str() != doc->licence.issuer) {
    v.reason = "the signing key is certified for " + chain.front().subject.str() +
               ", not for the issuer " + doc->licence.issuer;
    return v;
  }
  YIMEN_ASSIGN_OR_RETURN(auto anchor, sync::load_trust_anchor(db));
  if (!anchor) {
    v.reason = "this node has no city root to verify against (not enrolled)";
    return v;
  }
  YIMEN_ASSIGN_OR_RETURN(auto revocations, sync::load_revocations(db));
  // The chain is judged on the day of issue: a licence outlives the node
  // certificate that was current when it was signed.
  const std::int64_t issued_at = doc->licence.valid_from.days_since_epoch() * 86400;
  if (Status chained = crypto::verify_chain(chain, *anchor, std::min(issued_at, now), revocations);
      !chained.ok()) {
    v.reason = "untrusted issuer: " + chained.message();
    return v;
  }
  YIMEN_ASSIGN_OR_RETURN(auto held, load_licence(db, doc->licence.number));
  if (held && held->revoked) {
    v.reason = "revoked: " + held->revoked_reason;
    v.revoked_reason = held->revoked_reason;
    return v;
  }
  if (doc->licence.valid_until && *doc->licence.valid_until < today) {
    v.reason = "expired on " + doc->licence.valid_until->to_string();
    return v;
  }
  v.valid = true;
  return v;
}

// --- commands ---

Result<IssuedLicence> Hall::issue_licence(const Actor& actor, const std::string& case_no,
                                          const LicenceInput& input) {
  if (!valid_line(input.type, 100)) return invalid_argument("type must be 1 to 100 bytes of text");
  if (input.fields.size() > kMaxLicenceFields) return invalid_argument("at most 30 fields");
  for (size_t i = 0; i < input.fields.size(); ++i) {
    if (!valid_line(input.fields[i].name, 50) || input.fields[i].value.size() > 500 ||
        !is_display_text(input.fields[i].value)) {
      return invalid_argument("fields[" + std::to_string(i) +
                              "]: a name of 1 to 50 bytes and a value of at most 500");
    }
  }
  if (input.valid_until && *input.valid_until < today()) {
    return invalid_argument("valid_until " + input.valid_until->to_string() + " is in the past");
  }
  IssuedLicence out;
  Status status = in_transaction([&]() -> Status {
    YIMEN_ASSIGN_OR_RETURN(auto file, load_case(db_, case_no));
    if (!file) return not_found("no case " + case_no + " at this node");
    if (file->handling_node != node_) {
      return permission_denied("case " + case_no + " is handled by " + file->handling_node.str() +
                               ", which issues its licence");
    }
    if (!decided_in_favour(file->state)) {
      return failed_precondition(std::string("a licence is issued on an approved case; case ") +
                                 case_no + " is " + case_state_name(file->state));
    }
    YIMEN_ASSIGN_OR_RETURN(auto existing, db_.prepare("SELECT l.number FROM licence l WHERE "
                                                      "l.case_no = ? AND NOT EXISTS (SELECT 1 "
                                                      "FROM licence_revocation r WHERE "
                                                      "r.number = l.number)"));
    existing.bind(1, case_no);
    YIMEN_ASSIGN_OR_RETURN(bool has, existing.step());
    if (has) {
      return already_exists("case " + case_no + " already has licence " + existing.column_text(0));
    }
    YIMEN_ASSIGN_OR_RETURN(auto chain, sync::load_certificate_chain(db_, key_.public_key()));
    if (chain.empty() || !chain.back().self_signed()) {
      return failed_precondition("this node is not enrolled: it cannot sign licences yet");
    }
    YIMEN_ASSIGN_OR_RETURN(out.number, next_number("licence", "number", node_.str() + "-L"));
    capnp::MallocMessageBuilder licence_message;
    auto l = licence_message.initRoot<schema::Licence>();
    l.setNumber(out.number);
    l.setType(input.type);
    l.setItemCode(file->item_code);
    l.setCaseNo(case_no);
    l.setHolderId(file->applicant_id);
    l.setHolderName(file->applicant_name);
    auto fields = l.initFields(static_cast<unsigned>(input.fields.size()));
    for (unsigned i = 0; i < input.fields.size(); ++i) {
      fields[i].setName(input.fields[i].name);
      fields[i].setValue(input.fields[i].value);
    }
    l.setValidFrom(today().to_string());
    l.setValidUntil(input.valid_until ? input.valid_until->to_string() : "");
    l.setIssuer(node_.str());
    l.setIssuerName(chain.front().name);
    l.setHolderDomicile(file->domicile.str());
    const Bytes licence_bytes = message_bytes(licence_message);
    const auto signature = key_.sign(crypto::kLicenceDomain, licence_bytes);

    std::vector<sync::AudienceEntry> audience = {{sync::AudienceEntry::Kind::kNode, node_}};
    for (const RegionCode& to : {file->intake_node, file->domicile}) {
      if (to != node_) audience.push_back({sync::AudienceEntry::Kind::kNode, to});
    }
    YIMEN_ASSIGN_OR_RETURN(auto r, emit(actor, audience, [&](schema::Body::Builder b) {
                             auto d = b.initLicenceIssued();
                             d.setLicence(bytes_of(licence_bytes));
                             d.setSignerKey(bytes_of(key_.public_key()));
                             d.setSignature(bytes_of(signature));
                             auto c = d.initChain(static_cast<unsigned>(chain.size()));
                             for (unsigned i = 0; i < chain.size(); ++i) {
                               c.set(i, bytes_of(chain[i].bytes));
                             }
                           }));
    (void)r;
    YIMEN_ASSIGN_OR_RETURN(auto held, load_licence(db_, out.number));
    if (!held) return internal_error("an issued licence was not applied");
    out.document = held->document;
    return {};
  });
  if (!status.ok()) return status;
  return out;
}

Status Hall::revoke_licence(const Actor& actor, const std::string& number,
                            const std::string& reason) {
  if (!valid_line(reason, 500)) return invalid_argument("reason must be 1 to 500 bytes of text");
  return in_transaction([&]() -> Status {
    YIMEN_ASSIGN_OR_RETURN(auto held, load_licence(db_, number));
    if (!held) return not_found("no licence " + number + " at this node");
    if (held->licence.issuer != node_.str()) {
      return permission_denied("licence " + number + " is revoked only by its issuer " +
                               held->licence.issuer);
    }
    if (held->revoked) return already_exists("licence " + number + " is already revoked");
    YIMEN_ASSIGN_OR_RETURN(auto r, emit(actor, {{sync::AudienceEntry::Kind::kRegion, node_.city()}},
                                        [&](schema::Body::Builder b) {
                                          auto e = b.initLicenceRevoked();
                                          e.setNumber(number);
                                          e.setReason(reason);
                                        }));
    (void)r;
    return {};
  });
}

// --- received events ---

Result<Admission> admit_licence(storage::Database& db, const sync::DecodedEvent& event) {
  const auto body = event.reader().getBody();
  if (body.which() == Body::LICENCE_ISSUED) {
    const auto d = body.getLicenceIssued();
    capnp::MallocMessageBuilder copy;
    copy.setRoot(d);
    const Bytes document = message_bytes(copy);
    auto doc = decode_licence_document(document);
    if (!doc.ok()) return Admission::reject("licence: " + doc.status().message());
    if (doc->licence.issuer != event.origin().str() || doc->signer != event.signer()) {
      return Admission::reject("a licence is issued only by its issuer, with its own key");
    }
    if (!crypto::verify(crypto::kLicenceDomain, doc->signer, doc->licence_bytes, doc->signature)) {
      return Admission::reject("licence " + doc->licence.number + ": bad signature");
    }
    YIMEN_ASSIGN_OR_RETURN(auto held, load_licence(db, doc->licence.number));
    if (held) return Admission::reject("licence " + doc->licence.number + " was already issued");
    return Admission::accept();
  }
  if (body.which() == Body::LICENCE_REVOKED) {
    const std::string number = text(body.getLicenceRevoked().getNumber());
    if (number.size() < 14 || number.compare(0, 12, event.origin().str()) != 0) {
      return Admission::reject("licence " + number + " is revoked only by its issuer");
    }
  }
  return Admission::accept();
}

Status apply_licence(storage::Database& db, const sync::DecodedEvent& event) {
  const auto body = event.reader().getBody();
  if (body.which() == Body::LICENCE_ISSUED) {
    capnp::MallocMessageBuilder copy;
    copy.setRoot(body.getLicenceIssued());
    const Bytes document = message_bytes(copy);
    YIMEN_ASSIGN_OR_RETURN(auto doc, decode_licence_document(document));
    const Licence& l = doc.licence;
    YIMEN_ASSIGN_OR_RETURN(auto ins,
                           db.prepare("INSERT INTO licence (number, case_no, type, holder_id, "
                                      "holder_domicile, issuer, valid_from, valid_until, document) "
                                      "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"));
    ins.bind(1, l.number);
    ins.bind(2, l.case_no);
    ins.bind(3, l.type);
    ins.bind(4, l.holder_id);
    ins.bind(5, l.holder_domicile);
    ins.bind(6, l.issuer);
    ins.bind(7, l.valid_from.to_string());
    ins.bind(8, l.valid_until ? l.valid_until->to_string() : "");
    ins.bind_blob(9, document);
    return ins.run();
  }
  if (body.which() == Body::LICENCE_REVOKED) {
    const auto r = body.getLicenceRevoked();
    YIMEN_ASSIGN_OR_RETURN(auto ins, db.prepare("INSERT OR IGNORE INTO licence_revocation "
                                                "(number, reason, revoked_on) VALUES (?, ?, ?)"));
    ins.bind(1, text(r.getNumber()));
    ins.bind(2, text(r.getReason()));
    ins.bind(3, cst_date(event.time()).to_string());
    return ins.run();
  }
  return {};
}

// --- queries ---

Result<std::optional<HeldLicence>> load_licence(storage::Database& db, const std::string& number) {
  YIMEN_ASSIGN_OR_RETURN(auto stmt,
                         db.prepare(std::string(kLicenceColumns) + "WHERE l.number = ?"));
  stmt.bind(1, number);
  YIMEN_ASSIGN_OR_RETURN(const bool row, stmt.step());
  if (!row) return std::optional<HeldLicence>();
  YIMEN_ASSIGN_OR_RETURN(auto held, read_held(stmt));
  return std::optional<HeldLicence>(std::move(held));
}

Result<std::vector<HeldLicence>> licences_of(storage::Database& db, const std::string& holder_id) {
  YIMEN_ASSIGN_OR_RETURN(auto stmt, db.prepare(std::string(kLicenceColumns) +
                                               "WHERE l.holder_id = ? ORDER BY l.valid_from DESC, "
                                               "l.number DESC LIMIT 100"));
  stmt.bind(1, holder_id);
  return storage::collect(stmt, read_held);
}

Result<std::vector<HeldLicence>> licences_expiring(storage::Database& db, const RegionCode& region,
                                                   Date today) {
  const std::string prefix = region_prefix(region);
  YIMEN_ASSIGN_OR_RETURN(
      auto stmt, db.prepare(std::string(kLicenceColumns) +
                            "WHERE r.number IS NULL AND l.valid_until != '' AND "
                            "l.valid_until >= ?3 AND l.valid_until <= ?4 AND "
                            "(substr(l.issuer, 1, ?1) = ?2 OR substr(l.holder_domicile, 1, ?1) = "
                            "?2) ORDER BY l.valid_until, l.number LIMIT 500"));
  stmt.bind(1, static_cast<std::int64_t>(prefix.size()));
  stmt.bind(2, prefix);
  stmt.bind(3, today.to_string());
  stmt.bind(4, today.plus_days(kLicenceReminderDays).to_string());
  return storage::collect(stmt, read_held);
}

}  // namespace yimen::hall
