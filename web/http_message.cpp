#include "web/http_message.h"

#include <charconv>
#include <cstdint>
#include <system_error>

namespace yimen::web {
namespace {

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string_view trim_spaces(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; };
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

// The elements of a comma-separated field value (RFC 9110 section 5.6.1),
// without surrounding spaces; empty elements are skipped.
std::vector<std::string_view> list_elements(std::string_view value) {
  std::vector<std::string_view> out;
  while (true) {
    const auto comma = value.find(',');
    const auto element = trim_spaces(value.substr(0, comma));
    if (!element.empty()) out.push_back(element);
    if (comma == std::string_view::npos) return out;
    value.remove_prefix(comma + 1);
  }
}

}  // namespace

std::optional<std::string> percent_decode(std::string_view text, bool plus_is_space) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '%') {
      if (i + 2 >= text.size()) return std::nullopt;
      const int hi = hex_digit(text[i + 1]);
      const int lo = hex_digit(text[i + 2]);
      if (hi < 0 || lo < 0) return std::nullopt;
      out.push_back(static_cast<char>(hi * 16 + lo));
      i += 2;
    } else if (c == '+' && plus_is_space) {
      out.push_back(' ');
    } else {
      out.push_back(c);
    }
  }
  return out;
}

std::optional<Target> parse_target(std::string_view target) {
  if (target.empty() || target.front() != '/') return std::nullopt;
  Target out;
  const auto q = target.find('?');
  auto path = percent_decode(target.substr(0, q), false);
  if (!path || path->find('\0') != std::string::npos) return std::nullopt;
  // No segment may be "..": assets and routes are looked up by exact path.
  for (size_t start = 0; start <= path->size();) {
    const auto end = path->find('/', start);
    const auto segment = std::string_view(*path).substr(
        start, end == std::string::npos ? std::string::npos : end - start);
    if (segment == "..") return std::nullopt;
    if (end == std::string::npos) break;
    start = end + 1;
  }
  out.path = std::move(*path);
  if (q == std::string_view::npos) return out;
  std::string_view rest = target.substr(q + 1);
  while (!rest.empty()) {
    const auto amp = rest.find('&');
    const std::string_view pair = rest.substr(0, amp);
    rest = amp == std::string_view::npos ? std::string_view() : rest.substr(amp + 1);
    if (pair.empty()) continue;
    const auto eq = pair.find('=');
    auto key = percent_decode(pair.substr(0, eq), true);
    auto value = percent_decode(eq == std::string_view::npos ? "" : pair.substr(eq + 1), true);
    if (!key || !value) return std::nullopt;
    out.query[*key] = *value;
  }
  return out;
}

std::string cookie_value(std::string_view cookie_header, std::string_view name) {
  while (!cookie_header.empty()) {
    const auto semi = cookie_header.find(';');
    const std::string_view pair = trim_spaces(cookie_header.substr(0, semi));
    cookie_header =
        semi == std::string_view::npos ? std::string_view() : cookie_header.substr(semi + 1);
    const auto eq = pair.find('=');
    if (eq != std::string_view::npos && trim_spaces(pair.substr(0, eq)) == name) {
      return std::string(trim_spaces(pair.substr(eq + 1)));
    }
  }
  return {};
}

std::optional<FramingError> request_framing_error(
    unsigned version, const std::vector<std::string_view>& transfer_encoding,
    const std::vector<std::string_view>& content_length) {
  if (!transfer_encoding.empty()) {
    if (!content_length.empty()) {
      return FramingError{400, "Transfer-Encoding and Content-Length together"};
    }
    if (version < 11) return FramingError{400, "Transfer-Encoding in an HTTP/1.0 request"};
    // Repeated fields form one list (RFC 9110 section 5.3).
    std::vector<std::string_view> codings;
    for (const auto field : transfer_encoding) {
      for (const auto coding : list_elements(field)) codings.push_back(coding);
    }
    if (codings.empty() || !iequals(codings.back(), "chunked")) {
      return FramingError{400, "Transfer-Encoding: the last coding must be chunked"};
    }
    for (std::size_t i = 0; i + 1 < codings.size(); ++i) {
      if (iequals(codings[i], "chunked")) {
        return FramingError{400, "Transfer-Encoding: chunked more than once"};
      }
    }
    if (codings.size() > 1) {
      return FramingError{501, "Transfer-Encoding: only chunked is supported"};
    }
    return std::nullopt;
  }
  // Content-Length: one number, possibly repeated (RFC 9110 section 8.6).
  std::optional<std::uint64_t> length;
  for (const auto field : content_length) {
    const auto elements = list_elements(field);
    if (elements.empty()) return FramingError{400, "Content-Length: expected one decimal number"};
    for (const auto element : elements) {
      std::uint64_t n = 0;
      const auto [end, error] = std::from_chars(element.data(), element.data() + element.size(), n);
      const bool digits = element.find_first_not_of("0123456789") == std::string_view::npos;
      if (!digits || error != std::errc() || end != element.data() + element.size() ||
          (length && *length != n)) {
        return FramingError{400, "Content-Length: expected one decimal number"};
      }
      length = n;
    }
  }
  return std::nullopt;
}

}  // namespace yimen::web
