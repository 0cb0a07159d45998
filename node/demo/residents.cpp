#include "node/demo/residents.h"

#include <array>
#include <cstdio>
#include <string_view>

namespace yimen::node::demo {
namespace {

// Common surnames of northern Guangdong and given names, by sex.
constexpr std::array<std::string_view, 20> kSurnames = {"陈", "李", "黄", "张", "梁", "刘", "林",
                                                        "何", "罗", "吴", "郑", "谢", "周", "冯",
                                                        "朱", "邓", "曾", "彭", "苏", "叶"};
constexpr std::array<std::string_view, 12> kMaleNames = {
    "建华", "志强", "国强", "永康", "文杰", "耀祖", "伟明", "家豪", "子轩", "振邦", "瑞麟", "海"};
constexpr std::array<std::string_view, 12> kFemaleNames = {
    "秀英", "桂芳", "丽娟", "海燕", "嘉怡", "美玲", "少芬", "春梅", "淑贞", "思彤", "婉婷", "敏"};

int uniform(std::mt19937_64& random, int low, int high) {
  return std::uniform_int_distribution<int>(low, high)(random);
}

template <size_t N>
std::string_view pick(std::mt19937_64& random, const std::array<std::string_view, N>& from) {
  return from[static_cast<size_t>(uniform(random, 0, static_cast<int>(N) - 1))];
}

}  // namespace

char id_check_character(const std::string& first17) {
  static constexpr std::array<int, 17> kWeights = {7, 9, 10, 5,  8, 4, 2, 1, 6,
                                                   3, 7, 9,  10, 5, 8, 4, 2};
  static constexpr std::string_view kCheck = "10X98765432";
  int sum = 0;
  for (size_t i = 0; i < kWeights.size() && i < first17.size(); ++i) {
    sum += (first17[i] - '0') * kWeights[i];
  }
  return kCheck[static_cast<size_t>(sum % 11)];
}

Resident make_resident(std::mt19937_64& random, const RegionCode& domicile, hall::Date today) {
  // Born 18 to 85 years ago, on any day of that span.
  const std::int64_t oldest = today.plus_days(std::int64_t{-85} * 365).days_since_epoch();
  const std::int64_t youngest = today.plus_days(std::int64_t{-18} * 366).days_since_epoch();
  const hall::Date birth = hall::Date::from_days_since_epoch(
      std::uniform_int_distribution<std::int64_t>(oldest, youngest)(random));
  const int sequence = uniform(random, 1, 999);
  char first17[24];
  std::snprintf(first17, sizeof first17, "%.6s%04d%02d%02d%03d", domicile.str().c_str(),
                birth.year(), birth.month(), birth.day(), sequence);
  Resident r;
  r.id_number = std::string(first17) + id_check_character(first17);
  const bool male = sequence % 2 == 1;
  r.name = std::string(pick(random, kSurnames)) +
           std::string(male ? pick(random, kMaleNames) : pick(random, kFemaleNames));
  char phone[24];
  std::snprintf(phone, sizeof phone, "0763-33%05d", uniform(random, 0, 99999));
  r.phone = phone;
  r.domicile = domicile.str();
  return r;
}

}  // namespace yimen::node::demo
