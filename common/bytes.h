#pragma once

// Big-endian byte writing and bounds-checked reading for the small binary
// formats of Yimen (certificates, enrolment tokens). A reader never reads
// past its input: every read reports failure instead, and `ok()` stays false
// from the first failure on.

#include <algorithm>
#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace yimen {

using Bytes = std::vector<std::uint8_t>;
using ByteView = std::span<const std::uint8_t>;

inline ByteView as_bytes(std::string_view s) {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

// Appends to an owned buffer. Not thread-safe.
class ByteWriter {
 public:
  void u8(std::uint8_t v) { out_.push_back(v); }
  void u16(std::uint16_t v) {
    u8(static_cast<std::uint8_t>(v >> 8));
    u8(static_cast<std::uint8_t>(v));
  }
  void u64(std::uint64_t v) {
    for (int shift = 56; shift >= 0; shift -= 8) u8(static_cast<std::uint8_t>(v >> shift));
  }
  void i64(std::int64_t v) { u64(static_cast<std::uint64_t>(v)); }
  void raw(ByteView b) { out_.insert(out_.end(), b.begin(), b.end()); }
  void raw(std::string_view s) { raw(as_bytes(s)); }
  // A length-prefixed (u16) byte string; precondition: size < 65536.
  void str16(ByteView b) {
    u16(static_cast<std::uint16_t>(b.size()));
    raw(b);
  }
  void str16(std::string_view s) { str16(as_bytes(s)); }

  const Bytes& bytes() const { return out_; }
  Bytes take() { return std::move(out_); }

 private:
  Bytes out_;
};

// Reads from a borrowed buffer, which must outlive the reader. Not thread-safe.
class ByteReader {
 public:
  explicit ByteReader(ByteView in) : in_(in) {}

  std::uint8_t u8() {
    if (!need(1)) return 0;
    return in_[pos_++];
  }
  std::uint16_t u16() {
    const auto hi = u8();
    const auto lo = u8();
    return static_cast<std::uint16_t>((hi << 8) | lo);
  }
  std::uint64_t u64() {
    std::uint64_t v = 0;
    for (int i = 0; i < 8; ++i) v = (v << 8) | u8();
    return v;
  }
  std::int64_t i64() { return static_cast<std::int64_t>(u64()); }
  ByteView raw(size_t n) {
    if (!need(n)) return {};
    auto v = in_.subspan(pos_, n);
    pos_ += n;
    return v;
  }
  std::string text(size_t n) {
    auto v = raw(n);
    return {reinterpret_cast<const char*>(v.data()), v.size()};
  }
  ByteView str16() { return raw(u16()); }
  std::string text16() { return text(u16()); }

  template <size_t N>
  std::array<std::uint8_t, N> fixed() {
    std::array<std::uint8_t, N> a{};
    auto v = raw(N);
    if (v.size() == N) std::copy(v.begin(), v.end(), a.begin());
    return a;
  }

  bool ok() const { return ok_; }
  size_t position() const { return pos_; }
  bool at_end() const { return ok_ && pos_ == in_.size(); }

 private:
  bool need(size_t n) {
    if (!ok_ || in_.size() - pos_ < n) {
      ok_ = false;
      return false;
    }
    return true;
  }

  ByteView in_;
  size_t pos_ = 0;
  bool ok_ = true;
};

}  // namespace yimen
