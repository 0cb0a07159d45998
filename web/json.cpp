// The one translation unit that compiles Boost.JSON (header-only use).
#include "web/json.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <optional>
#include <set>
#include <vector>

#include <boost/json/basic_parser_impl.hpp>
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

// A basic_parser handler that finds the first key repeated within one object
// (Boost.JSON keeps the last one; a check reading one copy and a handler
// reading another would disagree about what was sent). It builds nothing but
// the keys seen in each open object and the path to it.
class DuplicateKeyFinder {
 public:
  static constexpr std::size_t max_object_size = std::size_t(-1);
  static constexpr std::size_t max_array_size = std::size_t(-1);
  static constexpr std::size_t max_key_size = std::size_t(-1);
  static constexpr std::size_t max_string_size = std::size_t(-1);

  // The path of the first repeated key ("applicant.name", "materials[].how"),
  // or nullopt; "" when a segment is not a plain name (it is not repeated back).
  const std::optional<std::string>& duplicate() const { return duplicate_; }

  bool on_document_begin(boost::system::error_code&) { return true; }
  bool on_document_end(boost::system::error_code&) { return true; }
  bool on_array_begin(boost::system::error_code&) {
    open_.push_back(Open{false, {}, {}});
    return true;
  }
  bool on_array_end(std::size_t, boost::system::error_code&) {
    open_.pop_back();
    return true;
  }
  bool on_object_begin(boost::system::error_code&) {
    open_.push_back(Open{true, {}, {}});
    return true;
  }
  bool on_object_end(std::size_t, boost::system::error_code&) {
    open_.pop_back();
    return true;
  }
  bool on_string_part(json::string_view, std::size_t, boost::system::error_code&) { return true; }
  bool on_string(json::string_view, std::size_t, boost::system::error_code&) { return true; }
  bool on_key_part(json::string_view s, std::size_t, boost::system::error_code&) {
    key_.append(s.data(), s.size());
    return true;
  }
  bool on_key(json::string_view s, std::size_t, boost::system::error_code& ec) {
    key_.append(s.data(), s.size());
    Open& object = open_.back();
    object.current = std::move(key_);
    key_.clear();
    if (object.keys.insert(object.current).second) return true;
    duplicate_ = path();
    ec = json::error::syntax;  // stops the parse; parse_object reports the duplicate
    return false;
  }
  bool on_number_part(json::string_view, boost::system::error_code&) { return true; }
  bool on_int64(std::int64_t, json::string_view, boost::system::error_code&) { return true; }
  bool on_uint64(std::uint64_t, json::string_view, boost::system::error_code&) { return true; }
  bool on_double(double, json::string_view, boost::system::error_code&) { return true; }
  bool on_bool(bool, boost::system::error_code&) { return true; }
  bool on_null(boost::system::error_code&) { return true; }
  bool on_comment_part(json::string_view, boost::system::error_code&) { return true; }
  bool on_comment(json::string_view, boost::system::error_code&) { return true; }

 private:
  struct Open {
    bool object = false;
    std::set<std::string, std::less<>> keys;  // an object's keys so far
    std::string current;                      // an object's key being read
  };

  static bool plain_name(std::string_view key) {
    return !key.empty() && key.size() <= 64 && std::all_of(key.begin(), key.end(), [](char c) {
      return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
             c == '_' || c == '-';
    });
  }

  std::string path() const {
    std::string out;
    for (const auto& level : open_) {
      if (!level.object) {
        out += "[]";
        continue;
      }
      if (!plain_name(level.current)) return "";
      if (!out.empty()) out += '.';
      out += level.current;
    }
    return out;
  }

  std::vector<Open> open_;
  std::string key_;
  std::optional<std::string> duplicate_;
};

}  // namespace

Result<json::object> parse_object(std::string_view body) {
  json::parse_options options;
  options.max_depth = kMaxJsonDepth;
  boost::system::error_code ec;
  {
    json::basic_parser<DuplicateKeyFinder> finder(options);
    finder.write_some(false, body.data(), body.size(), ec);
    if (const auto& duplicate = finder.handler().duplicate()) {
      if (duplicate->empty()) return invalid_argument("body: a key appears twice in one object");
      return invalid_argument("body: duplicate key \"" + *duplicate + "\"");
    }
    // Any other error is the parse's below to report.
    ec.clear();
  }
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
