#include "node/hall/users.h"

#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>

#include "crypto/crypto.h"
#include "storage/database.h"
#include "storage/migration.h"
#include "support/status.h"
#include "support/test_dir.h"

namespace yimen::hall {
namespace {

namespace fs = std::filesystem;

using yimen::testing::must;

// Expects `status` to be an error with exactly this code and message.
void expect_error(const Status& status, ErrorCode code, std::string_view message) {
  EXPECT_EQ(status.code(), code) << status.message();
  EXPECT_EQ(status.message(), message);
}

constexpr std::int64_t kNow = 1'767'225'600;  // 2026-01-01T00:00:00Z
constexpr std::string_view kPassword = "correct horse battery";

NewUser clerk(std::string login = "wang.li") {
  return {std::move(login), "王丽", Role::kClerk, "", "0758-1234567"};
}
NewUser officer() { return {"chen.officer", "陈审批", Role::kOfficer, "市场监督管理局", ""}; }

// --- Validation rules (pure functions, no database) ---

TEST(Roles, HaveStableNamesThatParseBack) {
  for (Role role : {Role::kClerk, Role::kOfficer, Role::kAdmin, Role::kSupervisor}) {
    EXPECT_EQ(must(parse_role(role_name(role))), role);
  }
  EXPECT_EQ(role_name(Role::kClerk), "clerk");
  EXPECT_EQ(role_name(Role::kOfficer), "officer");
  EXPECT_EQ(role_name(Role::kAdmin), "admin");
  EXPECT_EQ(role_name(Role::kSupervisor), "supervisor");
  for (std::string_view bad : {"", "Clerk", "administrator", "clerk "}) {
    expect_error(parse_role(bad).status(), ErrorCode::kInvalidArgument,
                 "role must be one of clerk, officer, admin, supervisor");
  }
}

TEST(Login, IsLoweredAndChecked) {
  EXPECT_EQ(must(normalise_login("Wang.Li_2-x")), "wang.li_2-x");
  EXPECT_EQ(must(normalise_login("ab")), "ab");
  EXPECT_EQ(must(normalise_login(std::string(32, 'a'))), std::string(32, 'a'));
  expect_error(normalise_login("a").status(), ErrorCode::kInvalidArgument,
               "login must be 2 to 32 characters, got 1");
  expect_error(normalise_login("").status(), ErrorCode::kInvalidArgument,
               "login must be 2 to 32 characters, got 0");
  expect_error(normalise_login(std::string(33, 'a')).status(), ErrorCode::kInvalidArgument,
               "login must be 2 to 32 characters, got 33");
  for (std::string_view bad : {"1abc", ".abc", "_abc", "-abc", "张三"}) {
    expect_error(normalise_login(bad).status(), ErrorCode::kInvalidArgument,
                 "login must start with a letter");
  }
  for (std::string_view bad : {"wang li", "wang@li", "wang/li", "wang\nli", "wang张"}) {
    expect_error(normalise_login(bad).status(), ErrorCode::kInvalidArgument,
                 "login may contain only letters, digits, '.', '_' and '-'");
  }
}

TEST(NewUserRules, AcceptGoodAccounts) {
  EXPECT_OK(validate_new_user(clerk()));
  EXPECT_OK(validate_new_user(officer()));
  EXPECT_OK(validate_new_user({"admin", "管理员", Role::kAdmin, "", ""}));
  EXPECT_OK(validate_new_user({"du.cha", "督查", Role::kSupervisor, "督查室", "+86 758 1234567"}));
  EXPECT_OK(validate_new_user(
      {"ab", std::string(50, 'x'), Role::kClerk, std::string(100, 'd'), "12345"}));
}

TEST(NewUserRules, CheckTheLoginFirst) {
  NewUser user = clerk("x");
  user.display_name = "";
  expect_error(validate_new_user(user), ErrorCode::kInvalidArgument,
               "login must be 2 to 32 characters, got 1");
}

TEST(NewUserRules, DisplayName) {
  NewUser user = clerk();
  user.display_name = "";
  expect_error(validate_new_user(user), ErrorCode::kInvalidArgument,
               "display name must be 1 to 50 bytes, got 0");
  user.display_name = std::string(51, 'x');
  expect_error(validate_new_user(user), ErrorCode::kInvalidArgument,
               "display name must be 1 to 50 bytes, got 51");
  user.display_name = "王\t丽";
  expect_error(validate_new_user(user), ErrorCode::kInvalidArgument,
               "display name must be UTF-8 text without control characters");
  user.display_name = "\xe7\x8e";  // a cut UTF-8 sequence
  expect_error(validate_new_user(user), ErrorCode::kInvalidArgument,
               "display name must be UTF-8 text without control characters");
}

TEST(NewUserRules, Department) {
  NewUser user = officer();
  user.department = "";
  expect_error(validate_new_user(user), ErrorCode::kInvalidArgument,
               "an officer must have a department");
  user.department = std::string(101, 'd');
  expect_error(validate_new_user(user), ErrorCode::kInvalidArgument,
               "department must be at most 100 bytes, got 101");
  user.department = "民政\x01局";
  expect_error(validate_new_user(user), ErrorCode::kInvalidArgument,
               "department must be UTF-8 text without control characters");
  // Optional, but checked, for the other roles.
  NewUser c = clerk();
  c.department = std::string(101, 'd');
  expect_error(validate_new_user(c), ErrorCode::kInvalidArgument,
               "department must be at most 100 bytes, got 101");
}

TEST(NewUserRules, OfficePhone) {
  NewUser user = clerk();
  for (std::string_view good :
       {"12345", "0758-1234567", "+86 758 1234 5678", "12345678901234567890"}) {
    user.office_phone = good;
    EXPECT_OK(validate_new_user(user));
  }
  user.office_phone = "1234";
  expect_error(validate_new_user(user), ErrorCode::kInvalidArgument,
               "office phone must be 5 to 20 characters, got 4");
  user.office_phone = "123456789012345678901";
  expect_error(validate_new_user(user), ErrorCode::kInvalidArgument,
               "office phone must be 5 to 20 characters, got 21");
  user.office_phone = "0758-123456 ext 1";
  expect_error(validate_new_user(user), ErrorCode::kInvalidArgument,
               "office phone may contain only digits, spaces, '-' and '+'");
  user.office_phone = "１２３４５";  // full-width digits: 5 characters, not ASCII digits
  expect_error(validate_new_user(user), ErrorCode::kInvalidArgument,
               "office phone may contain only digits, spaces, '-' and '+'");
  user.office_phone = "+-- -1234";
  expect_error(validate_new_user(user), ErrorCode::kInvalidArgument,
               "office phone must contain at least 5 digits");
}

TEST(PasswordPolicy, LengthAndLogin) {
  EXPECT_OK(check_password_policy("wang.li", "0123456789"));
  EXPECT_OK(check_password_policy("wang.li", "十个汉字的密码不算短了"));  // 11 characters
  expect_error(check_password_policy("wang.li", "012345678"), ErrorCode::kInvalidArgument,
               "password must be at least 10 characters");
  expect_error(check_password_policy("wang.li", ""), ErrorCode::kInvalidArgument,
               "password must be at least 10 characters");
  // 9 characters, 27 bytes: characters count, not bytes.
  expect_error(check_password_policy("wang.li", "九个汉字的密码太短"), ErrorCode::kInvalidArgument,
               "password must be at least 10 characters");
  EXPECT_OK(check_password_policy("wang.li", std::string(kMaxPasswordBytes, 'p')));
  expect_error(check_password_policy("wang.li", std::string(kMaxPasswordBytes + 1, 'p')),
               ErrorCode::kInvalidArgument, "password must be at most 1024 bytes");
  expect_error(check_password_policy("zhang.san01", "zhang.san01"), ErrorCode::kInvalidArgument,
               "password must not be the login");
  expect_error(check_password_policy("zhang.san01", "Zhang.San01"), ErrorCode::kInvalidArgument,
               "password must not be the login");
  EXPECT_OK(check_password_policy("zhang.san01", "zhang.san01!"));
}

// --- The directory over a real encrypted database ---

class UserDirectoryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    for (std::size_t i = 0; i < key_.size(); ++i) key_[i] = static_cast<std::uint8_t>(7 * i + 3);
    db_.emplace(must(storage::Database::open(db_path(), key_, {.create = true})));
    ASSERT_TRUE(UserDirectory::migrate(*db_).ok());
    users_.emplace(*db_);
  }
  void TearDown() override {
    users_.reset();
    db_.reset();
  }

  fs::path db_path() const { return dir_ / "hall.db"; }
  UserDirectory& users() { return *users_; }

  std::string stored_hash(std::string_view login) {
    auto stmt = must(db_->prepare("SELECT password_hash FROM hall_user WHERE login = ?"));
    stmt.bind(1, login);
    if (!must(stmt.step())) throw std::runtime_error("no such row");
    return stmt.column_text(0);
  }

  testing::TestDir dir_;
  std::array<std::uint8_t, 32> key_{};
  std::optional<storage::Database> db_;
  std::optional<UserDirectory> users_;
};

TEST_F(UserDirectoryTest, MigrateRecordsVersionOneAndIsIdempotent) {
  EXPECT_EQ(must(storage::schema_version(*db_, "users")), 1);
  EXPECT_OK(UserDirectory::migrate(*db_));
  EXPECT_EQ(must(storage::schema_version(*db_, "users")), 1);
}

TEST_F(UserDirectoryTest, AddStoresTheAccountAndFindsItInAnyCase) {
  NewUser input = clerk("Wang.Li");
  const User added = must(users().add(input, kPassword, kNow));
  const User expected{"wang.li", "王丽", Role::kClerk, "", "0758-1234567", true, kNow};
  EXPECT_EQ(added, expected);
  EXPECT_EQ(must(users().find("wang.li")), expected);
  EXPECT_EQ(must(users().find("WANG.LI")), expected);
  EXPECT_EQ(must(users().find("nobody")), std::nullopt);
  EXPECT_EQ(must(users().find("not a login")), std::nullopt);

  const User off = must(users().add(officer(), kPassword, kNow + 1));
  EXPECT_EQ(off.department, "市场监督管理局");
  const auto all = must(users().list());
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].login, "chen.officer");
  EXPECT_EQ(all[1], expected);
}

TEST_F(UserDirectoryTest, AddRefusesInvalidInputBeforeStoringAnything) {
  NewUser no_department = officer();
  no_department.department = "";
  expect_error(users().add(no_department, kPassword, kNow).status(), ErrorCode::kInvalidArgument,
               "an officer must have a department");
  expect_error(users().add(clerk(), "short", kNow).status(), ErrorCode::kInvalidArgument,
               "password must be at least 10 characters");
  expect_error(users().add(clerk("wang.li.2026"), "WANG.LI.2026", kNow).status(),
               ErrorCode::kInvalidArgument, "password must not be the login");
  EXPECT_TRUE(must(users().list()).empty());
}

TEST_F(UserDirectoryTest, ADuplicateLoginIsAlreadyExistsInAnyCase) {
  ASSERT_TRUE(users().add(clerk(), kPassword, kNow).ok());
  NewUser again = officer();
  again.login = "WANG.li";
  expect_error(users().add(again, "another password", kNow).status(), ErrorCode::kAlreadyExists,
               "this login is already taken");
  const auto all = must(users().list());
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0].role, Role::kClerk);
}

TEST_F(UserDirectoryTest, AuthenticateAcceptsTheRightPasswordOnly) {
  const User added = must(users().add(clerk(), kPassword, kNow));
  EXPECT_EQ(must(users().authenticate("wang.li", kPassword)), added);
  EXPECT_EQ(must(users().authenticate("Wang.Li", kPassword)), added);
  expect_error(users().authenticate("wang.li", "correct horse battery ").status(),
               ErrorCode::kPermissionDenied, "wrong login or password");
  expect_error(users().authenticate("wang.li", "").status(), ErrorCode::kPermissionDenied,
               "wrong login or password");
}

TEST_F(UserDirectoryTest, UnknownLoginsGetTheSameAnswerAfterADummyVerification) {
  ASSERT_TRUE(users().add(clerk(), kPassword, kNow).ok());
  // Unknown, invalid and over-long inputs all take the dummy path.
  for (std::string_view login : {"li.si", "x", "not a login", "张三"}) {
    expect_error(users().authenticate(login, kPassword).status(), ErrorCode::kPermissionDenied,
                 "wrong login or password");
  }
  expect_error(users().authenticate("wang.li", std::string(kMaxPasswordBytes + 1, 'p')).status(),
               ErrorCode::kPermissionDenied, "wrong login or password");
  // The dummy hash costs what a real one does: the same algorithm and parameters.
  const std::string real = must(crypto::hash_password("some password"));
  const auto params = [](std::string_view h) {
    return h.substr(0, h.rfind('$', h.rfind('$') - 1));
  };
  EXPECT_EQ(params(kUnknownLoginHash), params(real));
  EXPECT_EQ(params(real), "$argon2id$v=19$m=65536,t=2,p=1");
  EXPECT_FALSE(crypto::verify_password(kUnknownLoginHash, kPassword));
}

TEST_F(UserDirectoryTest, ADisabledAccountCannotLogInAndCanBeEnabledAgain) {
  ASSERT_TRUE(users().add(clerk(), kPassword, kNow).ok());
  EXPECT_OK(users().set_active("WANG.LI", false));
  EXPECT_FALSE(must(users().find("wang.li"))->active);
  // With or without the right password, a disabled account looks like any
  // wrong attempt; only check_login() tells which it was.
  expect_error(users().authenticate("wang.li", kPassword).status(), ErrorCode::kPermissionDenied,
               "wrong login or password");
  expect_error(users().authenticate("wang.li", "a wrong password").status(),
               ErrorCode::kPermissionDenied, "wrong login or password");
  EXPECT_EQ(must(users().check_login("wang.li", kPassword)).outcome, LoginOutcome::kDisabled);
  EXPECT_FALSE(must(users().check_login("wang.li", kPassword)).user.has_value());
  EXPECT_EQ(must(users().check_login("wang.li", "a wrong password")).outcome,
            LoginOutcome::kWrongLoginOrPassword);
  EXPECT_EQ(must(users().check_login("nobody", kPassword)).outcome,
            LoginOutcome::kWrongLoginOrPassword);
  EXPECT_OK(users().set_active("wang.li", true));
  EXPECT_TRUE(users().authenticate("wang.li", kPassword).ok());
  EXPECT_EQ(must(users().check_login("wang.li", kPassword)).outcome, LoginOutcome::kAccepted);
  expect_error(users().set_active("nobody", false), ErrorCode::kNotFound, "no user has this login");
  expect_error(users().set_active("x", false), ErrorCode::kNotFound, "no user has this login");
}

TEST_F(UserDirectoryTest, SetPasswordReplacesTheOldOne) {
  ASSERT_TRUE(users().add(clerk(), kPassword, kNow).ok());
  const std::string old_hash = stored_hash("wang.li");
  expect_error(users().set_password("wang.li", "too short"), ErrorCode::kInvalidArgument,
               "password must be at least 10 characters");
  expect_error(users().set_password("wang.li", "Wang.Li"), ErrorCode::kInvalidArgument,
               "password must be at least 10 characters");
  expect_error(users().set_password("nobody", "a new password"), ErrorCode::kNotFound,
               "no user has this login");
  EXPECT_EQ(stored_hash("wang.li"), old_hash);

  EXPECT_OK(users().set_password("Wang.Li", "a new password"));
  EXPECT_NE(stored_hash("wang.li"), old_hash);
  EXPECT_TRUE(users().authenticate("wang.li", "a new password").ok());
  expect_error(users().authenticate("wang.li", kPassword).status(), ErrorCode::kPermissionDenied,
               "wrong login or password");
}

TEST_F(UserDirectoryTest, PasswordsAreStoredOnlyAsArgon2idHashes) {
  const std::string secret = "PlainTextSecret-7f3a9c";
  ASSERT_TRUE(users().add(clerk(), secret, kNow).ok());
  ASSERT_TRUE(users().add(officer(), "Another-Secret-5d1e", kNow).ok());
  EXPECT_OK(users().set_password("chen.officer", "Third-Secret-88b2"));

  const std::string hash = stored_hash("wang.li");
  EXPECT_EQ(hash.rfind("$argon2id$v=19$", 0), 0u) << hash;
  EXPECT_EQ(hash.find(secret), std::string::npos);
  EXPECT_TRUE(crypto::verify_password(hash, secret));

  // No plaintext password in any file of the database: the main file and its
  // WAL, while it is open and after it is closed.
  const auto scan = [&](const char* when) {
    int files = 0;
    for (const auto& entry : fs::directory_iterator(dir_.path())) {
      ++files;
      std::ifstream f(entry.path(), std::ios::binary);
      std::ostringstream bytes;
      bytes << f.rdbuf();
      for (std::string_view pw : {std::string_view(secret), std::string_view("Another-Secret-5d1e"),
                                  std::string_view("Third-Secret-88b2")}) {
        EXPECT_EQ(bytes.str().find(pw), std::string::npos)
            << entry.path().filename() << " " << when;
      }
      EXPECT_EQ(bytes.str().find("$argon2id$"), std::string::npos) << "encrypted too";
    }
    EXPECT_GE(files, 1) << when;
  };
  scan("while open");
  users_.reset();
  db_.reset();
  scan("after close");
}

TEST_F(UserDirectoryTest, AddInACallersTransactionIsRolledBackWithIt) {
  {
    auto tx = must(db_->begin());
    ASSERT_TRUE(users().add(clerk(), kPassword, kNow).ok());
    EXPECT_TRUE(must(users().find("wang.li")).has_value());
  }  // rolled back
  EXPECT_FALSE(must(users().find("wang.li")).has_value());
}

}  // namespace
}  // namespace yimen::hall
