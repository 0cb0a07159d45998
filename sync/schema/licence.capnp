@0xf6f121c16c79309d;
# Electronic licences (电子证照, plan tasks 6 and 15). The licence travels as a
# LicenceDocument, signed by the issuing node under its own domain prefix
# (DESIGN.md section 2):
#
#   signature = Ed25519 by signerKey over ("yimen/licence/v1" ‖ 0x00 ‖ LicenceDocument.licence)
#
# so that it can leave the system as a file or a QR code and still be
# verified offline by any node through the issuer's certificate chain (carried
# in the document, or held by the verifier) up to the city root, and the
# revocations the verifier holds. The licenceIssued event carries the
# document; licenceRevoked events travel to the whole city.

using Cxx = import "/capnp/c++.capnp";
$Cxx.namespace("yimen::schema");

struct LicenceField {
  name @0 :Text;
  value @1 :Text;
}

struct Licence {
  number @0 :Text;        # <issuing node>-L<yyyymmdd>-<nnnnnn>
  type @1 :Text;          # e.g. "最低生活保障证"
  itemCode @2 :Text;
  caseNo @3 :Text;
  holderId @4 :Text;      # resident ID number or unified social credit code
  holderName @5 :Text;
  fields @6 :List(LicenceField);
  validFrom @7 :Text;     # YYYY-MM-DD
  validUntil @8 :Text;    # YYYY-MM-DD; empty: no expiry
  issuer @9 :Text;        # region code of the issuing node
  issuerName @10 :Text;
  holderDomicile @11 :Text;  # region code of the holder's domicile
}

struct LicenceDocument {
  licence @0 :Data;        # a Licence message, exactly as signed
  signerKey @1 :Data;      # the issuing node's Ed25519 public key
  signature @2 :Data;
  chain @3 :List(Data);    # certificates, the issuer's first; may be empty (QR form)
}

struct LicenceRevoked {
  number @0 :Text;
  reason @1 :Text;
}
