@0xd7a3c5e9b1f20864;
# Consultations (咨询, plan task 19): anyone asks a question about a service
# item of the catalogue at the node they use, and the office that publishes
# the item answers it.
#
# A question is emitted by the node where it was asked (the asking node),
# numbered <asking node>-Q<yyyymmdd>-<nnnnnn>, audience `node <asking>` and
# `node <answerer>`, where the answerer is the node of the item's
# implementing region: the one that publishes the item (the region in the
# item code, "JF-00105-001-441802000000" -> 441802000000). The asker is given
# the number and an 8-digit code once; only the code's Argon2id hash travels.
#
# The answerer, and only it, answers once with a questionAnswer event,
# audience `node <answerer>` and `node <asking>`, where the asker reads the
# answer with the number and the code. An answer that arrives before its
# question waits for it ("question:<number>"). Questions are not public: only
# these two nodes and the ancestors that relay them hold them.

using Cxx = import "/capnp/c++.capnp";
$Cxx.namespace("yimen::schema");

struct Question {
  questionNo @0 :Text;    # <asking node>-Q<yyyymmdd>-<nnnnnn>
  itemCode @1 :Text;      # the catalogue item asked about, e.g. JF-00105-001-441802000000
  answerer @2 :Text;      # region code of the node that answers: the item code's region
  text @3 :Text;          # the question, 1..2000 bytes, may span lines
  contactName @4 :Text;   # empty when not given
  contactPhone @5 :Text;  # empty when not given
  codeHash @6 :Text;      # Argon2id string of the asker's 8-digit code
}

struct QuestionAnswer {
  questionNo @0 :Text;
  text @1 :Text;          # the answer, 1..4000 bytes, may span lines
}
