#pragma once

// The node's log: one line per record on standard error,
//   2026-11-25T22:44:22.123Z WARN sync: refused a connection from ...
// Messages never carry personal data (names, ID numbers, phones, materials):
// name cases by number and nodes by region code.

#include <string_view>

namespace yimen::log {

enum class Level { kInfo, kWarn, kError };

// Thread-safe; records of different threads never interleave within a line.
void write(Level level, std::string_view component, std::string_view message);

inline void info(std::string_view component, std::string_view message) {
  write(Level::kInfo, component, message);
}
inline void warn(std::string_view component, std::string_view message) {
  write(Level::kWarn, component, message);
}
inline void error(std::string_view component, std::string_view message) {
  write(Level::kError, component, message);
}

}  // namespace yimen::log
