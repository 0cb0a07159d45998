// Fuzzes the JSON reader of the API (web/json.h): parse_object on any body,
// then the field readers on every member of what parses, as the handlers read
// request bodies; what parses must serialise and parse again to the same value
// (doubles to within their last bits, see same()).

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz/fuzz_check.h"
#include "web/json.h"

using namespace yimen;
namespace json = web::json;

namespace {

// Reads every member of `object` with each field reader, as a handler would.
void read_fields(const json::object& object, int depth) {
  for (const auto& member : object) {
    const std::string key(member.key());
    (void)web::optional_string(object, key, key, 64);
    (void)web::required_string(object, key, key, 4000);
    (void)web::optional_integer(object, key, key, -1000, 1000);
    (void)web::optional_integer(object, key, key, INT64_MIN, INT64_MAX);
    (void)web::optional_bool(object, key, key);
    (void)web::optional_array(object, key, key);
    auto inner = web::optional_object(object, key, key);
    if (inner.ok() && *inner != nullptr && depth < 4) read_fields(**inner, depth + 1);
  }
}

// Equal values, doubles within a relative 1e-15: Boost.JSON 1.81 serialises a
// double exactly but parses decimals with a last-bit error (precise number
// parsing came with 1.83), and no handler reads a double.
bool same(const json::value& a, const json::value& b) {
  if (a.is_double() && b.is_double()) {
    const double x = a.get_double(), y = b.get_double();
    return x == y || std::fabs(x - y) <= 1e-15 * std::max(std::fabs(x), std::fabs(y));
  }
  if (a.kind() != b.kind()) return false;
  if (a.is_array()) {
    const auto &x = a.get_array(), &y = b.get_array();
    if (x.size() != y.size()) return false;
    for (std::size_t i = 0; i < x.size(); ++i) {
      if (!same(x[i], y[i])) return false;
    }
    return true;
  }
  if (a.is_object()) {
    const auto &x = a.get_object(), &y = b.get_object();
    if (x.size() != y.size()) return false;
    for (const auto& member : x) {
      const auto* other = y.if_contains(member.key());
      if (other == nullptr || !same(member.value(), *other)) return false;
    }
    return true;
  }
  return a == b;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  auto object = web::parse_object(body);
  if (!object.ok()) return 0;
  read_fields(*object, 0);

  const std::string text = web::to_json(*object);
  auto again = web::parse_object(text);
  YIMEN_FUZZ_CHECK(again.ok(), again.status().message());
  YIMEN_FUZZ_CHECK(same(*again, *object), text);
  return 0;
}
