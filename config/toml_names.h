#pragma once

// How TOML values are named in error messages ("expected a string, got an
// integer"), shared by every parser of a TOML file (node.toml, catalogue files).

#include <toml++/toml.h>

namespace yimen::config {

// "a string", "an integer", "a number with a fraction", "a boolean",
// "a table", "an array", "a date or time".
inline const char* toml_type_name(const toml::node& n) {
  switch (n.type()) {
    case toml::node_type::string:
      return "a string";
    case toml::node_type::integer:
      return "an integer";
    case toml::node_type::floating_point:
      return "a number with a fraction";
    case toml::node_type::boolean:
      return "a boolean";
    case toml::node_type::table:
      return "a table";
    case toml::node_type::array:
      return "an array";
    default:
      return "a date or time";
  }
}

}  // namespace yimen::config
