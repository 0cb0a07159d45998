#pragma once

#include <string_view>

namespace yimen {

// True when `s` is well-formed UTF-8: no overlong forms, no UTF-16
// surrogates, nothing beyond U+10FFFF.
inline bool is_utf8(std::string_view s) {
  for (size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    size_t extra = 0;
    if (c < 0x80) {
      extra = 0;
    } else if (c >= 0xc2 && c <= 0xdf) {
      extra = 1;
    } else if ((c & 0xf0) == 0xe0) {
      extra = 2;
    } else if (c >= 0xf0 && c <= 0xf4) {
      extra = 3;
    } else {
      return false;
    }
    if (s.size() - i - 1 < extra) return false;
    for (size_t k = 1; k <= extra; ++k) {
      if ((static_cast<unsigned char>(s[i + k]) & 0xc0) != 0x80) return false;
    }
    const auto second = extra > 0 ? static_cast<unsigned char>(s[i + 1]) : 0;
    if ((c == 0xe0 && second < 0xa0) || (c == 0xed && second >= 0xa0) ||
        (c == 0xf0 && second < 0x90) || (c == 0xf4 && second >= 0x90)) {
      return false;
    }
    i += extra + 1;
  }
  return true;
}

// True when `s` is well-formed UTF-8 with no ASCII control characters: what a
// display name (of a node, an office, a person) may hold.
inline bool is_display_text(std::string_view s) {
  for (const char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    if (c < 0x20 || c == 0x7f) return false;
  }
  return is_utf8(s);
}

// True when `s` is empty or holds only spaces, tabs, CRs and LFs: a
// "required" text field that says nothing.
inline bool is_blank(std::string_view s) {
  return s.find_first_not_of(" \t\r\n") == std::string_view::npos;
}

// True when every line of `s` (split at '\n') is display text: a long text
// field that may span lines. An empty `s` is one empty line, and so true.
inline bool is_multiline_text(std::string_view s) {
  size_t start = 0;
  while (true) {
    const size_t nl = s.find('\n', start);
    if (!is_display_text(s.substr(start, nl == std::string_view::npos ? nl : nl - start))) {
      return false;
    }
    if (nl == std::string_view::npos) return true;
    start = nl + 1;
  }
}

// Node names: 1 to 200 bytes of display text.
inline bool is_valid_node_name(std::string_view s) {
  return !s.empty() && s.size() <= 200 && is_display_text(s);
}

}  // namespace yimen
