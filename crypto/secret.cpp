#include <sodium.h>

#include <stdexcept>

#include "crypto/crypto.h"
#include "crypto/detail/sodium.h"

namespace yimen::crypto {

namespace detail {
void ensure_sodium() {
  static const bool ready = sodium_init() >= 0;
  if (!ready) throw std::runtime_error("libsodium failed to initialise");
}
}  // namespace detail

SecretBytes::SecretBytes(size_t size) : size_(size) {
  detail::ensure_sodium();
  data_ = static_cast<std::uint8_t*>(sodium_malloc(size == 0 ? 1 : size));
  if (data_ == nullptr) throw std::bad_alloc();
  sodium_memzero(data_, size == 0 ? 1 : size);
}

SecretBytes::~SecretBytes() {
  if (data_ != nullptr) sodium_free(data_);  // sodium_free wipes before freeing
}

SecretBytes::SecretBytes(SecretBytes&& other) noexcept : data_(other.data_), size_(other.size_) {
  other.data_ = nullptr;
  other.size_ = 0;
}

SecretBytes& SecretBytes::operator=(SecretBytes&& other) noexcept {
  if (this != &other) {
    if (data_ != nullptr) sodium_free(data_);
    data_ = other.data_;
    size_ = other.size_;
    other.data_ = nullptr;
    other.size_ = 0;
  }
  return *this;
}

void random_fill(std::span<std::uint8_t> out) {
  detail::ensure_sodium();
  randombytes_buf(out.data(), out.size());
}

std::uint32_t random_below(std::uint32_t bound) {
  detail::ensure_sodium();
  return randombytes_uniform(bound);
}

}  // namespace yimen::crypto
