// Web sessions: when the table is full, visitors' anonymous sessions make
// room before any logged-in clerk or officer is logged out; an account's
// sessions end together when it is disabled or given a new password.

#include "web/session_store.h"

#include <gtest/gtest.h>

namespace yimen::web {
namespace {

hall::User user(const std::string& login) {
  hall::User u;
  u.login = login;
  u.display_name = login;
  u.role = hall::Role::kClerk;
  u.active = true;
  return u;
}

TEST(SessionStore, AnonymousSessionsCannotPushTheStaffOut) {
  SessionStore::Limits limits;
  limits.max_sessions = 10;
  SessionStore store(limits);
  const Session clerk = *store.log_in("", user("clerk"), 100, 0);
  const Session officer = *store.log_in("", user("officer"), 101, 0);
  // A flood of visitors, all newer than the staff's sessions.
  for (int i = 0; i < 1000; ++i) store.create_anonymous(200 + i);
  EXPECT_LE(store.size(), 10u);
  EXPECT_TRUE(store.find(clerk.token, 1300).has_value());
  EXPECT_TRUE(store.find(officer.token, 1300).has_value());

  // With only staff left, the least recently seen staff session goes.
  SessionStore staff_only(limits);
  std::vector<Session> all;
  for (int i = 0; i < 10; ++i)
    all.push_back(*staff_only.log_in("", user("u" + std::to_string(i)), i, 0));
  staff_only.create_anonymous(50);
  EXPECT_FALSE(staff_only.find(all[0].token, 60).has_value());
  EXPECT_TRUE(staff_only.find(all[1].token, 60).has_value());
}

TEST(SessionStore, AnAccountsSessionsEndTogether) {
  SessionStore store;
  const Session a = *store.log_in("", user("clerk"), 100, 0);
  const Session b = *store.log_in("", user("clerk"), 101, 0);
  const Session other = *store.log_in("", user("officer"), 102, 0);
  const Session visitor = store.create_anonymous(103);
  EXPECT_EQ(store.end_sessions_of("clerk", b.token), 1);
  EXPECT_FALSE(store.find(a.token, 110).has_value());
  EXPECT_TRUE(store.find(b.token, 110).has_value());
  EXPECT_EQ(store.end_sessions_of("clerk"), 1);
  EXPECT_FALSE(store.find(b.token, 110).has_value());
  EXPECT_TRUE(store.find(other.token, 110).has_value());
  EXPECT_TRUE(store.find(visitor.token, 110).has_value());
}

// A login reads the account's generation before it checks the password; a
// disable or reset that ends the account's sessions meanwhile moves it on, and
// the login then gets no session.
TEST(SessionStore, ALoginThatCheckedAnOldStateGetsNoSession) {
  SessionStore store;
  const std::uint64_t before = store.account_generation("clerk");
  EXPECT_EQ(store.end_sessions_of("clerk"), 0);  // disabled, with no session open yet
  EXPECT_NE(store.account_generation("clerk"), before);
  EXPECT_FALSE(store.log_in("", user("clerk"), 100, before).has_value());
  EXPECT_EQ(store.size(), 0u);
  // A login that read the new generation gets its session; other accounts
  // are not affected.
  EXPECT_TRUE(store.log_in("", user("clerk"), 101, store.account_generation("clerk")).has_value());
  EXPECT_TRUE(store.log_in("", user("officer"), 102, before).has_value());
}

}  // namespace
}  // namespace yimen::web
