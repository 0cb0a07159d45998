#include "node/hall/users.h"

#include <array>
#include <stdexcept>
#include <utility>

#include "common/text.h"
#include "crypto/crypto.h"
#include "storage/migration.h"

namespace yimen::hall {

// A hash of 32 random bytes that were thrown away, made with libsodium's
// crypto_pwhash_str_alg at the interactive cost (what crypto::hash_password uses).
const std::string_view kUnknownLoginHash =
    "$argon2id$v=19$m=65536,t=2,p=1$qn563AUz+c3kFRGdTUzFbQ$"
    "1cbPj2U9//cXZkM3FgSMsj65Z6/luskz8yqk24GwB+Q";

namespace {

constexpr std::array<storage::Migration, 1> kMigrations = {{
    {1, "local user accounts", R"sql(
CREATE TABLE hall_user (
  login          TEXT PRIMARY KEY,
  display_name   TEXT NOT NULL,
  role           TEXT NOT NULL
                 CHECK (role IN ('clerk', 'officer', 'admin', 'supervisor')),
  department     TEXT NOT NULL DEFAULT '',
  office_phone   TEXT NOT NULL DEFAULT '',
  active         INTEGER NOT NULL CHECK (active IN (0, 1)),
  created_at     INTEGER NOT NULL,
  password_hash  TEXT NOT NULL,
  CHECK (role <> 'officer' OR department <> '')
);
)sql"},
}};

constexpr std::array<std::pair<Role, std::string_view>, 4> kRoleNames = {{
    {Role::kClerk, "clerk"},
    {Role::kOfficer, "officer"},
    {Role::kAdmin, "admin"},
    {Role::kSupervisor, "supervisor"},
}};

constexpr std::string_view kUserColumns =
    "login, display_name, role, department, office_phone, active, created_at";

Status wrong_login_or_password() { return permission_denied("wrong login or password"); }

Status no_such_user() { return not_found("no user has this login"); }

bool is_ascii_lower(char c) { return c >= 'a' && c <= 'z'; }
bool is_ascii_digit(char c) { return c >= '0' && c <= '9'; }
char ascii_lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

// The number of UTF-8 code points in `s` (bytes that do not continue one).
std::size_t code_points(std::string_view s) {
  std::size_t n = 0;
  for (const char c : s) {
    if ((static_cast<unsigned char>(c) & 0xc0) != 0x80) ++n;
  }
  return n;
}

Status check_display_field(std::string_view what, std::string_view text) {
  if (!is_display_text(text)) {
    return invalid_argument(std::string(what) + " must be UTF-8 text without control characters");
  }
  return {};
}

Status check_office_phone(std::string_view phone) {
  const std::size_t characters = code_points(phone);
  if (characters < kMinOfficePhoneLength || characters > kMaxOfficePhoneLength) {
    return invalid_argument("office phone must be 5 to 20 characters, got " +
                            std::to_string(characters));
  }
  std::size_t digits = 0;
  for (const char c : phone) {
    if (is_ascii_digit(c)) {
      ++digits;
    } else if (c != ' ' && c != '-' && c != '+') {
      return invalid_argument("office phone may contain only digits, spaces, '-' and '+'");
    }
  }
  if (digits < kMinOfficePhoneLength) {
    return invalid_argument("office phone must contain at least 5 digits");
  }
  return {};
}

// Reads a row selected with kUserColumns.
Result<User> read_user(const storage::Statement& stmt) {
  auto role = parse_role(stmt.column_text(2));
  if (!role.ok()) return corruption("stored user account has an unknown role");
  return User{stmt.column_text(0), stmt.column_text(1), *role,
              stmt.column_text(3), stmt.column_text(4), stmt.column_int64(5) != 0,
              stmt.column_int64(6)};
}

// The account and its password hash, nullopt when there is none.
struct StoredUser {
  User user;
  std::string password_hash;
};

Result<std::optional<StoredUser>> load(storage::Database& db, const std::string& login) {
  YIMEN_ASSIGN_OR_RETURN(auto stmt, db.prepare("SELECT " + std::string(kUserColumns) +
                                               ", password_hash FROM hall_user WHERE login = ?"));
  stmt.bind(1, login);
  YIMEN_ASSIGN_OR_RETURN(const bool row, stmt.step());
  if (!row) return std::optional<StoredUser>();
  YIMEN_ASSIGN_OR_RETURN(User user, read_user(stmt));
  return std::optional<StoredUser>(StoredUser{std::move(user), stmt.column_text(7)});
}

}  // namespace

std::string_view role_name(Role role) {
  for (const auto& [r, name] : kRoleNames) {
    if (r == role) return name;
  }
  throw std::logic_error("role_name: not a Role");
}

Result<Role> parse_role(std::string_view name) {
  for (const auto& [role, n] : kRoleNames) {
    if (n == name) return role;
  }
  return invalid_argument("role must be one of clerk, officer, admin, supervisor");
}

Result<std::string> normalise_login(std::string_view login) {
  const std::size_t characters = code_points(login);
  if (characters < kMinLoginLength || characters > kMaxLoginLength) {
    return invalid_argument("login must be 2 to 32 characters, got " + std::to_string(characters));
  }
  std::string lower;
  lower.reserve(login.size());
  for (const char c : login) lower.push_back(ascii_lower(c));
  if (!is_ascii_lower(lower.front())) return invalid_argument("login must start with a letter");
  for (const char c : lower) {
    if (!is_ascii_lower(c) && !is_ascii_digit(c) && c != '.' && c != '_' && c != '-') {
      return invalid_argument("login may contain only letters, digits, '.', '_' and '-'");
    }
  }
  return lower;
}

Status validate_new_user(const NewUser& user) {
  YIMEN_TRY(normalise_login(user.login).status());
  if (user.display_name.empty() || user.display_name.size() > kMaxDisplayNameBytes) {
    return invalid_argument("display name must be 1 to 50 bytes, got " +
                            std::to_string(user.display_name.size()));
  }
  YIMEN_TRY(check_display_field("display name", user.display_name));
  if (user.role == Role::kOfficer && user.department.empty()) {
    return invalid_argument("an officer must have a department");
  }
  if (user.department.size() > kMaxDepartmentBytes) {
    return invalid_argument("department must be at most 100 bytes, got " +
                            std::to_string(user.department.size()));
  }
  YIMEN_TRY(check_display_field("department", user.department));
  if (!user.office_phone.empty()) YIMEN_TRY(check_office_phone(user.office_phone));
  return {};
}

Status check_password_policy(std::string_view login, std::string_view password) {
  if (password.size() > kMaxPasswordBytes) {
    return invalid_argument("password must be at most 1024 bytes");
  }
  if (code_points(password) < kMinPasswordCharacters) {
    return invalid_argument("password must be at least 10 characters");
  }
  bool same = password.size() == login.size();
  for (std::size_t i = 0; same && i < login.size(); ++i) {
    same = ascii_lower(password[i]) == ascii_lower(login[i]);
  }
  if (same) return invalid_argument("password must not be the login");
  return {};
}

Status UserDirectory::migrate(storage::Database& db) {
  return storage::migrate(db, "users", kMigrations);
}

Result<User> UserDirectory::add(const NewUser& user, std::string_view password, std::int64_t now) {
  YIMEN_TRY(validate_new_user(user));
  YIMEN_ASSIGN_OR_RETURN(std::string login, normalise_login(user.login));
  YIMEN_TRY(check_password_policy(login, password));
  YIMEN_ASSIGN_OR_RETURN(const auto existing, load(db_, login));
  if (existing) return already_exists("this login is already taken");
  YIMEN_ASSIGN_OR_RETURN(const std::string hash, crypto::hash_password(password));

  User stored{std::move(login),
              user.display_name,
              user.role,
              user.department,
              user.office_phone,
              true,
              now};
  YIMEN_ASSIGN_OR_RETURN(auto stmt,
                         db_.prepare("INSERT INTO hall_user (" + std::string(kUserColumns) +
                                     ", password_hash) VALUES (?, ?, ?, ?, ?, 1, ?, ?)"));
  stmt.bind(1, stored.login);
  stmt.bind(2, stored.display_name);
  stmt.bind(3, role_name(stored.role));
  stmt.bind(4, stored.department);
  stmt.bind(5, stored.office_phone);
  stmt.bind(6, stored.created_at);
  stmt.bind(7, hash);
  if (Status s = stmt.run(); !s.ok()) {
    if (s.code() == ErrorCode::kAlreadyExists) return already_exists("this login is already taken");
    return s;
  }
  return stored;
}

Result<LoginCheck> UserDirectory::check_login(std::string_view login, std::string_view password) {
  auto normalised = normalise_login(login);
  std::optional<StoredUser> stored;
  if (normalised.ok() && password.size() <= kMaxPasswordBytes) {
    YIMEN_ASSIGN_OR_RETURN(stored, load(db_, *normalised));
  }
  if (!stored) {
    // Spend what a wrong password costs, so the answer's timing does not tell
    // whether the login exists.
    (void)crypto::verify_password(kUnknownLoginHash, password.substr(0, kMaxPasswordBytes));
    return LoginCheck{LoginOutcome::kWrongLoginOrPassword, std::nullopt};
  }
  // The hash is checked for a disabled account too: the same cost either way.
  if (!crypto::verify_password(stored->password_hash, password)) {
    return LoginCheck{LoginOutcome::kWrongLoginOrPassword, std::nullopt};
  }
  if (!stored->user.active) return LoginCheck{LoginOutcome::kDisabled, std::nullopt};
  return LoginCheck{LoginOutcome::kAccepted, std::move(stored->user)};
}

Result<User> UserDirectory::authenticate(std::string_view login, std::string_view password) {
  YIMEN_ASSIGN_OR_RETURN(auto checked, check_login(login, password));
  if (checked.outcome != LoginOutcome::kAccepted) return wrong_login_or_password();
  return std::move(*checked.user);
}

Result<std::optional<User>> UserDirectory::find(std::string_view login) {
  auto normalised = normalise_login(login);
  if (!normalised.ok()) return std::optional<User>();
  YIMEN_ASSIGN_OR_RETURN(auto stored, load(db_, *normalised));
  if (!stored) return std::optional<User>();
  return std::optional<User>(std::move(stored->user));
}

Result<std::vector<User>> UserDirectory::list() {
  YIMEN_ASSIGN_OR_RETURN(auto stmt, db_.prepare("SELECT " + std::string(kUserColumns) +
                                                " FROM hall_user ORDER BY login"));
  return storage::collect(stmt, read_user);
}

Status UserDirectory::set_active(std::string_view login, bool active) {
  auto normalised = normalise_login(login);
  if (!normalised.ok()) return no_such_user();
  YIMEN_ASSIGN_OR_RETURN(auto stmt, db_.prepare("UPDATE hall_user SET active = ? WHERE login = ?"));
  stmt.bind(1, std::int64_t{active ? 1 : 0});
  stmt.bind(2, *normalised);
  YIMEN_TRY(stmt.run());
  if (db_.changes() == 0) return no_such_user();
  return {};
}

Status UserDirectory::set_password(std::string_view login, std::string_view password) {
  auto normalised = normalise_login(login);
  if (!normalised.ok()) return no_such_user();
  YIMEN_ASSIGN_OR_RETURN(const auto existing, load(db_, *normalised));
  if (!existing) return no_such_user();
  YIMEN_TRY(check_password_policy(*normalised, password));
  YIMEN_ASSIGN_OR_RETURN(const std::string hash, crypto::hash_password(password));
  YIMEN_ASSIGN_OR_RETURN(auto stmt,
                         db_.prepare("UPDATE hall_user SET password_hash = ? WHERE login = ?"));
  stmt.bind(1, hash);
  stmt.bind(2, *normalised);
  YIMEN_TRY(stmt.run());
  if (db_.changes() == 0) return no_such_user();
  return {};
}

}  // namespace yimen::hall
