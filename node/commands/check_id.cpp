// yimen check-id NUMBER: what a resident ID number or credit code is, or
// exactly what is wrong with it.

#include <ostream>

#include "node/commands/command.h"
#include "node/hall/identity.h"

namespace yimen::node {

Status run_check_id(const CommandArgs& args, CommandContext& ctx) {
  // "Today" is the civil date in China Standard Time (UTC+8).
  constexpr std::int64_t kCst = 8 * 3600;
  const auto today = hall::Date::from_days_since_epoch((ctx.now() + kCst) / 86400);
  YIMEN_ASSIGN_OR_RETURN(const auto id, hall::parse_applicant_id(args.positionals[0], today));
  if (const auto* person = std::get_if<hall::PersonId>(&id.id)) {
    ctx.out << "resident ID number (natural person)\n"
            << "region      " << person->region << "\n"
            << "birth date  " << person->birth_date.to_string() << "\n"
            << "sex         " << (person->sex == hall::Sex::kMale ? "male" : "female") << "\n";
  } else {
    const auto& code = std::get<hall::CreditCode>(id.id);
    ctx.out << "unified social credit code (legal person)\n"
            << "registration authority  " << code.registration_authority << "\n"
            << "entity type             " << code.entity_type << "\n"
            << "region                  " << code.region << "\n"
            << "organisation code       " << code.organisation_code << "\n";
  }
  return {};
}

}  // namespace yimen::node
