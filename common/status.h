#pragma once

// Expected failures as values (STYLE.md section 2).
//
// `Status` is OK or an error with a category and a one-line message that a
// person can act on. `Result<T>` is a T or an error Status. Broken invariants
// are not Statuses: they throw std::logic_error or assert.
//
// Messages never carry personal data (ID numbers, names, phones, materials).

#include <cassert>
#include <string>
#include <utility>
#include <variant>

namespace yimen {

enum class ErrorCode {
  kOk = 0,
  kInvalidArgument,     // the caller's input is wrong; fix it and retry
  kNotFound,            // the thing asked for does not exist
  kAlreadyExists,       // refusing to overwrite something that exists
  kPermissionDenied,    // file mode, role or trust refuses it
  kWrongKey,            // a database key does not open the database
  kCorruption,          // stored bytes are damaged
  kUnsupported,         // a newer format or version than this program knows
  kFailedPrecondition,  // the system is not in a state that allows it
  kIOError,             // the operating system refused an operation
  kDisconnected,        // sync: the link is down; reconnect
  kOverloaded,          // sync: back off and retry later
  kRejected,            // sync: the input can never become valid; quarantine
  kInternal,            // a library failed in an unexpected way
};

// Returns a stable lower-case name for `code`, e.g. "invalid argument".
const char* error_code_name(ErrorCode code);

class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(ErrorCode code, std::string message) : code_(code), message_(std::move(message)) {
    assert(code != ErrorCode::kOk);
  }

  static Status ok_status() { return {}; }

  bool ok() const { return code_ == ErrorCode::kOk; }
  ErrorCode code() const { return code_; }
  const std::string& message() const { return message_; }

  // Returns a copy whose message is "<context>: <message>".
  Status with_context(const std::string& context) const {
    if (ok()) return *this;
    return Status(code_, context + ": " + message_);
  }

 private:
  ErrorCode code_ = ErrorCode::kOk;
  std::string message_;
};

inline Status invalid_argument(std::string m) {
  return {ErrorCode::kInvalidArgument, std::move(m)};
}
inline Status not_found(std::string m) { return {ErrorCode::kNotFound, std::move(m)}; }
inline Status already_exists(std::string m) { return {ErrorCode::kAlreadyExists, std::move(m)}; }
inline Status permission_denied(std::string m) {
  return {ErrorCode::kPermissionDenied, std::move(m)};
}
inline Status corruption(std::string m) { return {ErrorCode::kCorruption, std::move(m)}; }
inline Status unsupported(std::string m) { return {ErrorCode::kUnsupported, std::move(m)}; }
inline Status failed_precondition(std::string m) {
  return {ErrorCode::kFailedPrecondition, std::move(m)};
}
inline Status io_error(std::string m) { return {ErrorCode::kIOError, std::move(m)}; }
inline Status internal_error(std::string m) { return {ErrorCode::kInternal, std::move(m)}; }

// A value of type T, or the Status that explains why there is none.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}        // NOLINT(google-explicit-constructor)
  Result(Status status) : v_(std::move(status)) {  // NOLINT(google-explicit-constructor)
    assert(!std::get<Status>(v_).ok());
  }

  bool ok() const { return std::holds_alternative<T>(v_); }

  // The error; an OK Status when there is a value.
  Status status() const { return ok() ? Status() : std::get<Status>(v_); }

  // Precondition: ok().
  T& value() & { return std::get<T>(v_); }
  const T& value() const& { return std::get<T>(v_); }
  T&& value() && { return std::get<T>(std::move(v_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

 private:
  std::variant<T, Status> v_;
};

}  // namespace yimen

// Returns the Status of `expr` from the enclosing function when it is an error.
#define YIMEN_TRY(expr)                                    \
  do {                                                     \
    ::yimen::Status yimen_try_status_ = (expr);            \
    if (!yimen_try_status_.ok()) return yimen_try_status_; \
  } while (false)

#define YIMEN_CONCAT_INNER_(a, b) a##b
#define YIMEN_CONCAT_(a, b) YIMEN_CONCAT_INNER_(a, b)

// `YIMEN_ASSIGN_OR_RETURN(auto x, f());` declares x from a Result's value, or
// returns its error Status from the enclosing function.
#define YIMEN_ASSIGN_OR_RETURN(lhs, expr) \
  YIMEN_ASSIGN_OR_RETURN_IMPL_(YIMEN_CONCAT_(yimen_result_, __LINE__), lhs, expr)
#define YIMEN_ASSIGN_OR_RETURN_IMPL_(tmp, lhs, expr) \
  auto tmp = (expr);                                 \
  if (!tmp.ok()) return tmp.status();                \
  lhs = std::move(tmp).value()
