@0xf3595e4e4cc2468b;
# Trust events: certificates and revocations, emitted by the issuing parent
# (DESIGN.md section 4), audience the whole city.

using Cxx = import "/capnp/c++.capnp";
$Cxx.namespace("yimen::schema");

struct CertificateIssued {
  certificate @0 :Data;  # the exact bytes of crypto/certificate.h's format
}

# "Key K revoked after seq N": events signed by K with seq ≤ N stay valid.
struct KeyRevoked {
  key @0 :Data;          # Ed25519 public key, 32 bytes
  subject @1 :Text;      # the region code the key was certified for
  afterSeq @2 :UInt64;
  reason @3 :Text;
}
