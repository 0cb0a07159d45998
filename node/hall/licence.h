#pragma once

// Electronic licences (电子证照, plan tasks 6 and 15): issued by the handling
// node on an approved case, signed as a licence document under the licence
// domain (sync/schema/licence.capnp), delivered to the case's intake node and
// the holder's domicile node, exported as a file or a QR payload, verified
// offline by any node, revocable by their issuer. The commands are Hall
// members (hall.h).
//
// File form (what `yimen licence export` writes and `verify` reads):
//   line 1  "YIMEN-LICENCE-1"
//   line 2  the LicenceDocument message (with the issuer's chain), URL-safe
//           base64 without padding
// QR form: "YML1:" followed by the same encoding of the document WITHOUT
// the chain (the verifier uses the chain it holds), so that it fits a QR code.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/region_code.h"
#include "common/status.h"
#include "crypto/certificate.h"
#include "node/hall/calendar.h"
#include "storage/database.h"
#include "sync/event_log.h"

namespace yimen::hall {

inline constexpr size_t kMaxLicenceFields = 30;
inline constexpr size_t kMaxLicenceDocumentBytes = 64 * 1024;
inline constexpr int kLicenceReminderDays = 30;  // expiry reminders this many days ahead

struct LicenceField {
  std::string name;
  std::string value;
  friend bool operator==(const LicenceField&, const LicenceField&) = default;
};

// What the officer fills in when issuing.
struct LicenceInput {
  std::string type;  // e.g. "最低生活保障证"
  std::vector<LicenceField> fields;
  std::optional<Date> valid_until;  // none: no expiry
};

struct Licence {
  std::string number;
  std::string type;
  std::string item_code;
  std::string case_no;
  std::string holder_id;
  std::string holder_name;
  std::vector<LicenceField> fields;
  Date valid_from;
  std::optional<Date> valid_until;
  std::string issuer;  // region code (checked when decoded)
  std::string issuer_name;
  std::string holder_domicile;  // region code (checked when decoded)
};

struct IssuedLicence {
  std::string number;
  Bytes document;  // LicenceDocument bytes, with the chain
};

// The licence document's parts after decoding (signature not yet judged).
struct LicenceDocument {
  Licence licence;
  Bytes licence_bytes;
  crypto::PublicKey signer{};
  crypto::Signature signature{};
  std::vector<crypto::Certificate> chain;
};

// Decodes a LicenceDocument strictly; InvalidArgument naming what is wrong.
Result<LicenceDocument> decode_licence_document(ByteView bytes);
// The document re-encoded without its chain (the QR form's content).
Result<Bytes> without_chain(ByteView document);

std::string licence_file_text(ByteView document);
std::string licence_qr_payload(ByteView document);
// Accepts the file form or the QR form (surrounding whitespace ignored).
Result<Bytes> parse_licence_text(std::string_view text);

struct LicenceVerdict {
  bool valid = false;
  std::string reason;              // why not, or "" when valid
  std::optional<Licence> licence;  // when the document decodes
  std::string revoked_reason;
};

// Verifies a document as the node holding `db` sees it on `today` / `now`:
// decodes; checks the signature; finds the issuer's chain (the document's, or
// the one the node holds), which must lead from a certificate for the
// issuing region to the city root the node trusts, valid and unrevoked; then
// the licence's revocation and expiry. Errors only when the database fails;
// everything about the document is in the verdict.
Result<LicenceVerdict> verify_licence(storage::Database& db, ByteView document, Date today,
                                      std::int64_t now);

Result<sync::EventSink::Admission> admit_licence(storage::Database& db,
                                                 const sync::DecodedEvent& event);
Status apply_licence(storage::Database& db, const sync::DecodedEvent& event);

// Licences the node holds.
struct HeldLicence {
  Licence licence;
  Bytes document;
  bool revoked = false;
  std::string revoked_reason;
};
Result<std::optional<HeldLicence>> load_licence(storage::Database& db, const std::string& number);
// A holder's licences (valid or not), newest first.
Result<std::vector<HeldLicence>> licences_of(storage::Database& db, const std::string& holder_id);
// Unrevoked licences issued within `region` or held for holders whose
// domicile node is in it, expiring from `today` to kLicenceReminderDays later.
Result<std::vector<HeldLicence>> licences_expiring(storage::Database& db, const RegionCode& region,
                                                   Date today);

}  // namespace yimen::hall
