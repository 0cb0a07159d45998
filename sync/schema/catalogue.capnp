@0xf49035c23864e765;
# Catalogue events: one version of a service item with its whole guide,
# emitted by the node of the item's implementing region, audience the city.
# Field meanings and limits are node/hall/service_item.h's; enumerations
# travel as their stable lower-case ASCII names.

using Cxx = import "/capnp/c++.capnp";
$Cxx.namespace("yimen::schema");

struct TimeLimit {
  days @0 :UInt16;
  kind @1 :Text;            # "working" | "calendar"
}

struct Attachment {
  name @0 :Text;
  contentHash @1 :Text;     # 64 hex digits
}

struct LegalBasis {
  document @0 :Text;
  article @1 :Text;
}

struct Material {
  name @0 :Text;
  copies @1 :UInt8;
  form @2 :Text;
  kind @3 :Text;
  sharingSource @4 :Text;
  sampleText @5 :Text;
  sample @6 :Attachment;    # absent when there is no sample file
  commonMistakes @7 :List(Text);
  notes @8 :Text;
}

struct ProcessStep {
  name @0 :Text;
  department @1 :Text;
  limit @2 :TimeLimit;
}

# A department reviewing in parallel (并联审批) under the lead department.
struct ParallelDepartment {
  department @0 :Text;
  limit @1 :TimeLimit;      # from acceptance, within the committed limit
}

struct ServiceItem {
  code @0 :Text;            # e.g. "XK-00105-001-441802000000"
  version @1 :UInt32;
  name @2 :Text;
  keywords @3 :List(Text);
  theme @4 :Text;
  target @5 :Text;
  providerKind @6 :Text;
  providerName @7 :Text;
  handlingLevel @8 :Text;   # "village" | "town" | "county" | "city"
  territorialRule @9 :Text;
  sameCityHandling @10 :Bool;
  onlineCapable @11 :Bool;
  visitsRequired @12 :UInt8;
  onTheSpot @13 :Bool;
  legalBasis @14 :List(LegalBasis);
  acceptingUnit @15 :Text;
  steps @16 :List(ProcessStep);
  materials @17 :List(Material);
  noMaterials @18 :Bool;
  forms @19 :List(Attachment);
  feeFree @20 :Bool;
  feeAmountFen @21 :Int64;
  feeBasis @22 :Text;
  legalLimit @23 :TimeLimit;      # absent when the law sets none
  committedLimit @24 :TimeLimit;
  publicNotice @25 :TimeLimit;    # absent when the item has none
  accountability @26 :Text;
  consultationPhone @27 :Text;
  consultationChannels @28 :Text;
  officeHours @29 :Text;
  officeAddress @30 :Text;
  transport @31 :Text;
  statusQuery @32 :Text;
  unverified @33 :List(Text);
  parallelDepartments @34 :List(ParallelDepartment);  # empty: the lead decides alone
}

# The item stops being offered; cases already taken keep their version.
struct ItemWithdrawn {
  code @0 :Text;
  reason @1 :Text;
}
