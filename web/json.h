#pragma once

// JSON for the API (Boost.JSON): request bodies are parsed with limits and
// read field by field with errors that name the field; responses are built as
// boost::json values and serialised once.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <boost/json.hpp>

#include "common/status.h"

namespace yimen::web {

namespace json = boost::json;

// Nesting deeper than this is refused (no handler needs more than 4).
inline constexpr unsigned kMaxJsonDepth = 16;

// Parses `body` as one JSON object. InvalidArgument "body: expected a JSON
// object", "body: not valid JSON (…)", "body: nested too deeply", "body: a
// number is out of range" (beyond a double, e.g. 3e321) or, for a key
// repeated within one object, "body: duplicate key \"applicant.name\"" (the
// key's path; "body: a key appears twice in one object" when a key on it is
// not a plain ASCII name of at most 64 bytes, so nothing sent is echoed)
// otherwise. Boost.JSON refuses text that is not UTF-8.
Result<json::object> parse_object(std::string_view body);

// Field readers: `where` is the field's path for messages ("applicant.name").
// A missing or null field is nullopt; a field of the wrong type is
// InvalidArgument "<where>: expected a string" (a number, a boolean, …); a
// string longer than `max_bytes` is InvalidArgument "<where>: at most N bytes".
Result<std::optional<std::string>> optional_string(const json::object& object, std::string_view key,
                                                   const std::string& where, std::size_t max_bytes);
// As optional_string, but a missing field is InvalidArgument "<where>: required".
Result<std::string> required_string(const json::object& object, std::string_view key,
                                    const std::string& where, std::size_t max_bytes);
// An integer in [min, max]; InvalidArgument "<where>: expected an integer from MIN to MAX".
Result<std::optional<std::int64_t>> optional_integer(const json::object& object,
                                                     std::string_view key, const std::string& where,
                                                     std::int64_t min, std::int64_t max);
// A boolean; InvalidArgument "<where>: expected true or false".
Result<std::optional<bool>> optional_bool(const json::object& object, std::string_view key,
                                          const std::string& where);
// The field as an array (nullopt when missing), or InvalidArgument "<where>: expected an array".
Result<const json::array*> optional_array(const json::object& object, std::string_view key,
                                          const std::string& where);
// The field as an object (nullptr when missing), or InvalidArgument "<where>: expected an object".
Result<const json::object*> optional_object(const json::object& object, std::string_view key,
                                            const std::string& where);

// `value` as compact JSON text.
std::string to_json(const json::value& value);

}  // namespace yimen::web
