#include "common/region_code.h"

#include <array>

namespace yimen {
namespace {

// Province-level prefixes of the mainland statistical codes.
constexpr std::array<int, 31> kProvinces = {11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33,
                                            34, 35, 36, 37, 41, 42, 43, 44, 45, 46, 50,
                                            51, 52, 53, 54, 61, 62, 63, 64, 65};

// Digit groups after the province: city, county, town, village.
struct Group {
  size_t offset;
  size_t length;
};
constexpr std::array<Group, 4> kGroups = {{{2, 2}, {4, 2}, {6, 3}, {9, 3}}};

bool all_zero(std::string_view s) { return s.find_first_not_of('0') == std::string_view::npos; }

}  // namespace

const char* region_level_name(RegionLevel level) {
  switch (level) {
    case RegionLevel::kCity:
      return "city";
    case RegionLevel::kCounty:
      return "county";
    case RegionLevel::kTown:
      return "town";
    case RegionLevel::kVillage:
      return "village";
  }
  return "unknown";
}

std::optional<RegionLevel> parse_region_level(std::string_view name) {
  for (auto level :
       {RegionLevel::kCity, RegionLevel::kCounty, RegionLevel::kTown, RegionLevel::kVillage}) {
    if (name == region_level_name(level)) return level;
  }
  return std::nullopt;
}

Result<RegionCode> RegionCode::parse(std::string_view text) {
  if (text.size() != 12) {
    return invalid_argument("region code must be 12 digits, got " + std::to_string(text.size()) +
                            " characters");
  }
  for (char c : text) {
    if (c < '0' || c > '9')
      return invalid_argument("region code must be 12 digits, got a non-digit");
  }
  const std::string code(text);
  const int province = (code[0] - '0') * 10 + (code[1] - '0');
  bool known_province = false;
  for (int p : kProvinces) known_province = known_province || p == province;
  if (!known_province) {
    return invalid_argument("region code " + code + ": " + code.substr(0, 2) +
                            " is not a province prefix");
  }
  // The lowest non-zero group gives the level; every group above it must be set.
  int lowest = -1;
  for (int g = 0; g < static_cast<int>(kGroups.size()); ++g) {
    const auto& grp = kGroups[static_cast<size_t>(g)];
    if (!all_zero(std::string_view(code).substr(grp.offset, grp.length))) lowest = g;
  }
  if (lowest < 0) {
    return invalid_argument("region code " + code +
                            " names a province; a node is a city, county, town or village");
  }
  for (int g = 0; g < lowest; ++g) {
    const auto& grp = kGroups[static_cast<size_t>(g)];
    if (all_zero(std::string_view(code).substr(grp.offset, grp.length))) {
      const auto level = static_cast<RegionLevel>(lowest + 1);
      return invalid_argument("region code " + code + ": a " + region_level_name(level) +
                              " code needs non-zero " +
                              region_level_name(static_cast<RegionLevel>(g + 1)) + " digits");
    }
  }
  return RegionCode(code, static_cast<RegionLevel>(lowest + 1));
}

std::optional<RegionCode> RegionCode::parent() const {
  if (level_ == RegionLevel::kCity) return std::nullopt;
  const auto& grp = kGroups[static_cast<size_t>(level_) - 1];
  std::string p = code_;
  p.replace(grp.offset, grp.length, grp.length, '0');
  return RegionCode(p, static_cast<RegionLevel>(static_cast<int>(level_) - 1));
}

std::string_view RegionCode::prefix() const {
  const auto& grp = kGroups[static_cast<size_t>(level_) - 1];
  return std::string_view(code_).substr(0, grp.offset + grp.length);
}

bool RegionCode::contains(const RegionCode& other) const {
  return other.level_ >= level_ && other.code_.starts_with(prefix());
}

bool RegionCode::is_direct_child_of(const RegionCode& other) const {
  auto p = parent();
  return p && *p == other;
}

RegionCode RegionCode::city() const {
  std::string c = code_;
  c.replace(4, 8, 8, '0');
  return RegionCode(c, RegionLevel::kCity);
}

}  // namespace yimen
