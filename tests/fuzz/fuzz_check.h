#pragma once

// What a harness does when a property of the code under test does not hold:
// print the property and where, then abort, which libFuzzer reports as a
// crash with the input that caused it. Unlike assert(), never compiled out.

#include <cstdio>
#include <cstdlib>
#include <string_view>

namespace yimen::fuzz {

[[noreturn]] inline void property_failed(const char* expression, std::string_view detail,
                                         const char* file, int line) {
  std::fprintf(stderr, "%s:%d: fuzz property failed: %s (%.*s)\n", file, line, expression,
               static_cast<int>(detail.size()), detail.data());
  std::abort();
}

}  // namespace yimen::fuzz

// Aborts with `detail` (anything convertible to std::string_view) unless `condition` holds.
#define YIMEN_FUZZ_CHECK(condition, detail)                                     \
  do {                                                                          \
    if (!(condition)) {                                                         \
      ::yimen::fuzz::property_failed(#condition, (detail), __FILE__, __LINE__); \
    }                                                                           \
  } while (false)
