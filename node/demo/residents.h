#pragma once

// Fictitious residents for the demo city's traffic (`yimen demo-traffic`):
// a name, an 18-digit resident ID number that passes every check of
// hall::parse_person_id (region prefix of the domicile's county, a real birth
// date, the MOD 11-2 check character) and a phone number in the demo city's
// placeholder range (0763-33xxxxx, as in config/catalogue.city.toml). The
// people do not exist; a generated number may still happen to be someone's,
// which is why they are used on demo nodes only and never printed.
//
// Pure functions of the random source; not thread-safe per source.

#include <random>
#include <string>

#include "common/region_code.h"
#include "node/hall/calendar.h"

namespace yimen::node::demo {

struct Resident {
  std::string id_number;  // 18 characters
  std::string name;       // two or three Chinese characters
  std::string phone;      // "0763-33xxxxx"
  std::string domicile;   // the 12-digit region code given
};

// A resident domiciled in `domicile`, born between 18 and 85 years before
// `today`; the name matches the sex the ID number encodes.
Resident make_resident(std::mt19937_64& random, const RegionCode& domicile, hall::Date today);

// The ISO 7064 MOD 11-2 check character of the first 17 digits of an ID number.
char id_check_character(const std::string& first17);

}  // namespace yimen::node::demo
