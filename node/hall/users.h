#pragma once

// Local user accounts of a service-hall node (DESIGN.md sections 6 and 7).
//
// Accounts belong to one node: they are not replicated. They live in the node's
// encrypted database under the schema component "users":
//
//   hall_user(login         TEXT PRIMARY KEY,  -- 2-32 of [a-z0-9._-], starts with a letter
//             display_name  TEXT NOT NULL,     -- 1-50 bytes of display text
//             role          TEXT NOT NULL,     -- "clerk" | "officer" | "admin" | "supervisor"
//             department    TEXT NOT NULL,     -- '' for none; required for an officer
//             office_phone  TEXT NOT NULL,     -- '' for none
//             active        INTEGER NOT NULL,  -- 1 or 0
//             created_at    INTEGER NOT NULL,  -- Unix seconds
//             password_hash TEXT NOT NULL)     -- crypto_pwhash_str Argon2id string
//
// Validation messages say what is wrong and never repeat the value given (logins,
// names and phones are personal data; see common/status.h).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "storage/database.h"

namespace yimen::hall {

enum class Role {
  kClerk,       // 窗口人员: takes in and forwards cases at the window
  kOfficer,     // 部门审批人员: handles cases for one department
  kAdmin,       // 管理员: administers this node
  kSupervisor,  // 督查人员: reads the subtree, issues supervision orders
};

// The stable ASCII name of a role: "clerk", "officer", "admin", "supervisor".
std::string_view role_name(Role role);

// Parses a role's ASCII name (exactly as role_name() writes it). InvalidArgument
// "role must be one of clerk, officer, admin, supervisor" otherwise.
Result<Role> parse_role(std::string_view name);

// Limits on account fields.
constexpr std::size_t kMinLoginLength = 2;
constexpr std::size_t kMaxLoginLength = 32;
constexpr std::size_t kMaxDisplayNameBytes = 50;
constexpr std::size_t kMaxDepartmentBytes = 100;
constexpr std::size_t kMinOfficePhoneLength = 5;
constexpr std::size_t kMaxOfficePhoneLength = 20;
constexpr std::size_t kMinPasswordCharacters = 10;  // UTF-8 code points
constexpr std::size_t kMaxPasswordBytes = 1024;

// An account as the rest of the program sees it. The password hash never leaves
// this module.
struct User {
  std::string login;         // lower case
  std::string display_name;  // shown to colleagues and residents
  Role role = Role::kClerk;
  std::string department;    // empty for none; never empty for an officer
  std::string office_phone;  // empty for none; shown to residents as the handler's phone
  bool active = true;
  std::int64_t created_at = 0;  // Unix seconds

  bool operator==(const User&) const = default;
};

// What it takes to create an account.
struct NewUser {
  std::string login;  // any case; stored lower case
  std::string display_name;
  Role role = Role::kClerk;
  std::string department;    // empty for none
  std::string office_phone;  // empty for none
};

// Returns the login in lower case, or InvalidArgument:
//   "login must be 2 to 32 characters, got N"
//   "login must start with a letter"
//   "login may contain only letters, digits, '.', '_' and '-'"
// ASCII upper-case letters are accepted and lowered.
Result<std::string> normalise_login(std::string_view login);

// Checks every field of `user` except that its login is free. Returns OK or
// InvalidArgument with the first problem found (login first, as
// normalise_login(), then):
//   "display name must be 1 to 50 bytes, got N"
//   "display name must be UTF-8 text without control characters"
//   "an officer must have a department"
//   "department must be at most 100 bytes, got N"
//   "department must be UTF-8 text without control characters"
//   "office phone must be 5 to 20 characters, got N"
//   "office phone may contain only digits, spaces, '-' and '+'"
//   "office phone must contain at least 5 digits"
Status validate_new_user(const NewUser& user);

// The password policy for the account `login` (already normalised). Returns OK or
// InvalidArgument:
//   "password must be at least 10 characters"   (UTF-8 code points)
//   "password must be at most 1024 bytes"
//   "password must not be the login"            (compared ignoring ASCII case)
Status check_password_policy(std::string_view login, std::string_view password);

// The Argon2id hash authenticate() verifies the password against when the login
// is unknown, so that an unknown login costs the same time as a wrong password.
// It has the cost parameters of crypto::hash_password(); nobody knows its
// password. Exposed so tests can check that the parameters still match.
extern const std::string_view kUnknownLoginHash;

// What a login attempt came to (UserDirectory::check_login).
enum class LoginOutcome {
  kAccepted,              // an active account, the right password
  kWrongLoginOrPassword,  // unknown login, or a wrong password
  kDisabled,              // the right password of a disabled account
};

struct LoginCheck {
  LoginOutcome outcome = LoginOutcome::kWrongLoginOrPassword;
  std::optional<User> user;  // the account when kAccepted
};

// The accounts in one node's database.
//
// Borrows `db`, which must outlive the UserDirectory. Not thread-safe: use it
// from one thread at a time, like the Database. Methods do not begin
// transactions: a write is one statement, or runs inside the caller's open
// transaction if there is one.
class UserDirectory {
 public:
  // Brings the "users" schema component up to date. `db` must not be inside a
  // transaction. Errors as storage::migrate().
  static Status migrate(storage::Database& db);

  // Precondition: migrate() has brought `db` up to date.
  explicit UserDirectory(storage::Database& db) : db_(db) {}

  // Creates an active account with an Argon2id hash of `password`, created at
  // `now` (Unix seconds). Returns the stored account, or InvalidArgument from
  // validate_new_user() / check_password_policy(), AlreadyExists "this login is
  // already taken", or a storage error.
  Result<User> add(const NewUser& user, std::string_view password, std::int64_t now);

  // Returns the account when `login` (any case) names an active account whose
  // password is `password`. Otherwise PermissionDenied "wrong login or
  // password", whether the login is unknown, the password wrong or the account
  // disabled: all three take the same time (one Argon2id verification each)
  // and look alike, so a guesser cannot tell a right password on a disabled
  // account. check_login() tells the caller which (for the audit log).
  // Storage errors are returned as they are.
  Result<User> authenticate(std::string_view login, std::string_view password);

  // As authenticate(), but says why a login is refused. Whoever calls it
  // answers every refusal alike and keeps the reason to its audit log.
  Result<LoginCheck> check_login(std::string_view login, std::string_view password);

  // The account with `login` (any case), nullopt when there is none (also when
  // `login` is not a valid login at all), or a storage error.
  Result<std::optional<User>> find(std::string_view login);

  // Every account, ordered by login.
  Result<std::vector<User>> list();

  // Enables or disables an account. NotFound "no user has this login".
  Status set_active(std::string_view login, bool active);

  // Replaces the password of an account. InvalidArgument from
  // check_password_policy(), NotFound "no user has this login".
  Status set_password(std::string_view login, std::string_view password);

 private:
  storage::Database& db_;  // borrowed
};

}  // namespace yimen::hall
