#pragma once

// Consultations (咨询, plan task 19): anyone asks a question about a service
// item at the node they use; the node that publishes the item answers it,
// once; the asker reads the answer with the question's number and code. The
// events are in sync/schema/consultation.capnp, which says who emits them and
// for whom. The commands are Hall members (hall.h, defined in
// consultation.cpp); this header has the values, the rules the projection
// applies to received events, and the queries.
//
// Who answers: the node of the item's implementing region (the region in the
// item code), which is the only node that publishes the item. The asking node
// answers only when it is that node; no other node may, whatever its level.

#include <optional>
#include <string>
#include <vector>

#include "common/region_code.h"
#include "common/status.h"
#include "node/hall/calendar.h"
#include "storage/database.h"
#include "sync/event_log.h"

namespace yimen::hall {

inline constexpr size_t kMaxQuestionBytes = 2000;
inline constexpr size_t kMaxAnswerBytes = 4000;
inline constexpr size_t kMaxQuestionNumberBytes = 40;

struct QuestionInput {
  std::string item_code;      // an item of the catalogue, currently offered
  std::string question;       // 1..2000 bytes, may span lines
  std::string contact_name;   // optional, at most 100 bytes
  std::string contact_phone;  // optional: 5 to 20 digits, spaces, '-' or '+'
};

struct AskedQuestion {
  std::string question_no;
  std::string code;  // 8 digits, given to the asker once and stored only as a hash
  RegionCode answering_node;
};

struct QuestionRecord {
  std::string question_no;
  RegionCode asking_node;
  RegionCode answering_node;
  std::string item_code;
  std::string question;
  std::string contact_name;
  std::string contact_phone;
  std::string code_hash;
  Date asked_on;
  std::int64_t asked_at = 0;  // Unix seconds
  std::string answer;         // empty until answered
  std::optional<Date> answered_on;
  std::string answered_by;  // the login of the staff who answered
};

// The node that answers questions about the item `item_code`: its
// implementing region's node. InvalidArgument when the code is malformed.
Result<RegionCode> question_answerer(const std::string& item_code);

// --- what the projection does with received events (hall_projection.cpp calls these) ---
Result<sync::EventSink::Admission> admit_consultation(storage::Database& db,
                                                      const sync::DecodedEvent& event);
Status apply_consultation(storage::Database& db, const sync::DecodedEvent& event);
std::vector<std::string> consultation_provides(const sync::DecodedEvent& event);

// --- queries (any connection) ---

Result<std::optional<QuestionRecord>> load_question(storage::Database& db,
                                                    const std::string& question_no);

enum class QuestionFilter { kOpen, kAnswered, kAll };

// Questions asked or answered within `region` (a node's subtree), at most
// 500: first those `self` must answer, then the others; open ones oldest
// first, answered ones newest first.
Result<std::vector<QuestionRecord>> questions_in(storage::Database& db, const RegionCode& region,
                                                 const RegionCode& self, QuestionFilter filter);

}  // namespace yimen::hall
