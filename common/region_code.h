#pragma once

// Region codes: the 12-digit statistical region codes (统计用区划代码) that
// identify every Yimen node, in digit groups PP CC XX TTT VVV (province,
// city, county, town, village). DESIGN.md section 1.
//
// A node is a city (XX TTT VVV zero), a county (TTT VVV zero), a town (VVV
// zero) or a village. Its parent is its code with the lowest non-zero group
// zeroed; a city has no parent in the tree.

#include <compare>
#include <optional>
#include <string>
#include <string_view>

#include "common/status.h"

namespace yimen {

enum class RegionLevel { kCity = 1, kCounty = 2, kTown = 3, kVillage = 4 };

// "city", "county", "town", "village".
const char* region_level_name(RegionLevel level);
// Parses a level name as above; nullopt for anything else.
std::optional<RegionLevel> parse_region_level(std::string_view name);

// A validated region code. Value type; thread-safe to share.
class RegionCode {
 public:
  // Validates `text`: 12 ASCII digits, a real province prefix, and a shape
  // that names a city, county, town or village (every group above the lowest
  // non-zero one is non-zero). The error message quotes the code (codes are
  // public) and says what is wrong.
  static Result<RegionCode> parse(std::string_view text);

  const std::string& str() const { return code_; }
  RegionLevel level() const { return level_; }

  // The enclosing region one level up, nullopt for a city.
  std::optional<RegionCode> parent() const;

  // True when `other` is this region or lies below it.
  bool contains(const RegionCode& other) const;

  // The leading digits every code in this region starts with ("441802" for
  // the county 441802000000): contains(x) is x.str().starts_with(prefix()).
  std::string_view prefix() const;

  // True when this code's parent is `other`.
  bool is_direct_child_of(const RegionCode& other) const;

  // The city that contains this region.
  RegionCode city() const;

  friend bool operator==(const RegionCode& a, const RegionCode& b) { return a.code_ == b.code_; }
  friend auto operator<=>(const RegionCode& a, const RegionCode& b) { return a.code_ <=> b.code_; }

 private:
  RegionCode(std::string code, RegionLevel level) : code_(std::move(code)), level_(level) {}

  std::string code_;
  RegionLevel level_;
};

}  // namespace yimen
