// The one translation unit that compiles Boost.JSON (header-only use).
#include "web/json.h"

#include <cmath>

#include <boost/json/src.hpp>

namespace yimen::web {
namespace {

const json::value* field(const json::object& object, std::string_view key) {
  auto it = object.find(key);
  if (it == object.end() || it->value().is_null()) return nullptr;
  return &it->value();
}

// Whether every number in `value` is finite. Boost.JSON 1.81 reads a number
// beyond the range of a double (3e321) as infinity, and writes infinity as
// "Infinity", which no JSON reader accepts. Depth is bounded by kMaxJsonDepth.
bool numbers_are_finite(const json::value& value) {
  if (value.is_double()) return std::isfinite(value.get_double());
  if (value.is_array()) {
    for (const auto& element : value.get_array()) {
      if (!numbers_are_finite(element)) return false;
    }
  } else if (value.is_object()) {
    for (const auto& member : value.get_object()) {
      if (!numbers_are_finite(member.value())) return false;
    }
  }
  return true;
}

}  // namespace

Result<json::object> parse_object(std::string_view body) {
  json::parse_options options;
  options.max_depth = kMaxJsonDepth;
  boost::system::error_code ec;
  json::value value = json::parse(body, ec, {}, options);
  if (ec) {
    if (ec == json::error::too_deep) return invalid_argument("body: nested too deeply");
    return invalid_argument("body: not valid JSON (" + ec.message() + ")");
  }
  if (!value.is_object()) return invalid_argument("body: expected a JSON object");
  if (!numbers_are_finite(value)) return invalid_argument("body: a number is out of range");
  return std::move(value.as_object());
}

Result<std::optional<std::string>> optional_string(const json::object& object, std::string_view key,
                                                   const std::string& where,
                                                   std::size_t max_bytes) {
  const json::value* v = field(object, key);
  if (v == nullptr) return std::optional<std::string>();
  if (!v->is_string()) return invalid_argument(where + ": expected a string");
  const auto& s = v->get_string();
  if (s.size() > max_bytes) {
    return invalid_argument(where + ": at most " + std::to_string(max_bytes) + " bytes");
  }
  return std::optional<std::string>(std::string(s.data(), s.size()));
}

Result<std::string> required_string(const json::object& object, std::string_view key,
                                    const std::string& where, std::size_t max_bytes) {
  YIMEN_ASSIGN_OR_RETURN(auto value, optional_string(object, key, where, max_bytes));
  if (!value) return invalid_argument(where + ": required");
  return std::move(*value);
}

Result<std::optional<std::int64_t>> optional_integer(const json::object& object,
                                                     std::string_view key, const std::string& where,
                                                     std::int64_t min, std::int64_t max) {
  const json::value* v = field(object, key);
  if (v == nullptr) return std::optional<std::int64_t>();
  std::optional<std::int64_t> n;
  if (v->is_int64()) n = v->get_int64();
  if (v->is_uint64() && v->get_uint64() <= static_cast<std::uint64_t>(INT64_MAX)) {
    n = static_cast<std::int64_t>(v->get_uint64());
  }
  if (!n || *n < min || *n > max) {
    return invalid_argument(where + ": expected an integer from " + std::to_string(min) + " to " +
                            std::to_string(max));
  }
  return n;
}

Result<std::optional<bool>> optional_bool(const json::object& object, std::string_view key,
                                          const std::string& where) {
  const json::value* v = field(object, key);
  if (v == nullptr) return std::optional<bool>();
  if (!v->is_bool()) return invalid_argument(where + ": expected true or false");
  return std::optional<bool>(v->get_bool());
}

Result<const json::array*> optional_array(const json::object& object, std::string_view key,
                                          const std::string& where) {
  const json::value* v = field(object, key);
  if (v == nullptr) return static_cast<const json::array*>(nullptr);
  if (!v->is_array()) return invalid_argument(where + ": expected an array");
  return &v->get_array();
}

Result<const json::object*> optional_object(const json::object& object, std::string_view key,
                                            const std::string& where) {
  const json::value* v = field(object, key);
  if (v == nullptr) return static_cast<const json::object*>(nullptr);
  if (!v->is_object()) return invalid_argument(where + ": expected an object");
  return &v->get_object();
}

std::string to_json(const json::value& value) { return json::serialize(value); }

}  // namespace yimen::web
