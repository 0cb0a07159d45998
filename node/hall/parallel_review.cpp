#include "node/hall/parallel_review.h"

#include <algorithm>

#include "common/text.h"
#include "node/hall/hall.h"

namespace yimen::hall {

Result<std::vector<DepartmentOpinionRecord>> load_opinions(storage::Database& db,
                                                           const std::string& case_no) {
  YIMEN_ASSIGN_OR_RETURN(auto stmt, db.prepare("SELECT department, agreed, note, on_date, "
                                               "by_name, by_office FROM case_opinion "
                                               "WHERE case_no = ?"));
  stmt.bind(1, case_no);
  return storage::collect(stmt, [](storage::Statement& row) -> Result<DepartmentOpinionRecord> {
    YIMEN_ASSIGN_OR_RETURN(const Date on, Date::from_string(row.column_text(3)));
    return DepartmentOpinionRecord{row.column_text(0), row.column_int64(1) != 0,
                                   row.column_text(2), on,
                                   row.column_text(4), row.column_text(5)};
  });
}

std::vector<ParallelTask> parallel_tasks(const WorkingDayCalendar& calendar, const CaseFile& file,
                                         const ServiceItem& item,
                                         const std::vector<DepartmentOpinionRecord>& opinions,
                                         Date today, int yellow_card_working_days) {
  std::vector<ParallelTask> out;
  for (const auto& d : item.parallel_departments) {
    ParallelTask task{d.department, d.limit, std::nullopt, std::nullopt, std::nullopt};
    for (const auto& o : opinions) {
      if (o.department == d.department) task.opinion = o;
    }
    // A department's clock is the case's, with its own limit.
    CaseFile own = file;
    own.committed_limit = d.limit;
    const CaseDeadline deadline = case_deadline(calendar, own, today, yellow_card_working_days);
    task.due = deadline.due;
    if (!task.opinion) task.card = deadline.card;
    out.push_back(std::move(task));
  }
  return out;
}

std::vector<std::string> awaited_departments(const ServiceItem& item,
                                             const std::vector<DepartmentOpinionRecord>& opinions) {
  std::vector<std::string> out;
  for (const auto& d : item.parallel_departments) {
    const bool given = std::any_of(opinions.begin(), opinions.end(),
                                   [&](const auto& o) { return o.department == d.department; });
    if (!given) out.push_back(d.department);
  }
  return out;
}

Status Hall::record_opinion(const Actor& actor, const std::string& case_no,
                            const std::string& department, bool agreed, const std::string& note) {
  if (note.size() > 2000 || !is_display_text(note)) {
    return invalid_argument("note must be at most 2000 bytes of text");
  }
  if (!agreed && note.empty()) {
    return invalid_argument("a disagreeing opinion needs a note (the reason)");
  }
  return in_transaction([&]() -> Status {
    YIMEN_ASSIGN_OR_RETURN(auto file, load_case(db_, case_no));
    if (!file) return not_found("no case " + case_no + " at this node");
    if (file->handling_node != node_) {
      return permission_denied("case " + case_no + " is handled by " + file->handling_node.str() +
                               ", not by this node");
    }
    YIMEN_TRY(next_state(file->state, CaseAction::kDepartmentOpinion).status());
    YIMEN_ASSIGN_OR_RETURN(auto item, load_item(db_, file->item_code, file->item_version));
    if (!item) return internal_error("case " + case_no + " has no item version");
    const bool named =
        std::any_of(item->parallel_departments.begin(), item->parallel_departments.end(),
                    [&](const ParallelDepartment& d) { return d.department == department; });
    if (!named) {
      return invalid_argument("item " + file->item_code + " has no parallel department " +
                              department);
    }
    YIMEN_ASSIGN_OR_RETURN(auto opinions, load_opinions(db_, case_no));
    for (const auto& o : opinions) {
      if (o.department == department) {
        return already_exists(department + " has given its opinion on " + case_no);
      }
    }
    const std::string said = note.empty() ? std::string("同意") : note;
    const auto audience = case_audience(file->intake_node, file->handling_node);
    YIMEN_ASSIGN_OR_RETURN(auto r, emit(actor, audience, [&](schema::Body::Builder b) {
                             auto h = b.initCaseHandling();
                             h.setCaseNo(case_no);
                             fill_actor(actor, h.initActor());
                             auto o = h.initDepartmentOpinion();
                             o.setDepartment(department);
                             o.setAgreed(agreed);
                             o.setNote(said);
                           }));
    (void)r;
    opinions.push_back({department, agreed, said, today(), actor.name, actor.office});
    std::string decision;
    if (!agreed) {
      decision = "并联审批：" + department + "不同意。" + said;
    } else if (awaited_departments(*item, opinions).empty()) {
      decision = "并联审批：";
      for (size_t i = 0; i < item->parallel_departments.size(); ++i) {
        decision += (i ? "、" : "") + item->parallel_departments[i].department;
      }
      decision += "均同意，准予办理。";
    } else {
      return {};
    }
    YIMEN_ASSIGN_OR_RETURN(auto d, emit(actor, audience, [&](schema::Body::Builder b) {
                             auto h = b.initCaseHandling();
                             h.setCaseNo(case_no);
                             fill_actor(actor, h.initActor());
                             if (agreed) {
                               h.setApproved(decision);
                             } else {
                               h.setRejected(decision);
                             }
                           }));
    (void)d;
    return {};
  });
}

}  // namespace yimen::hall
