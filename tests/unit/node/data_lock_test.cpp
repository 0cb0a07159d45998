#include "node/data_lock.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <optional>
#include <string>

#include "support/process.h"
#include "support/status.h"
#include "support/test_dir.h"

namespace yimen::node {
namespace {

using testing::must;
using testing::read_file;
using testing::TestDir;

std::string refusal(const TestDir& dir, long pid) {
  return dir.path().string() +
         ": the node is running, or another yimen command is writing to it "
         "(pid " +
         std::to_string(pid) + "); stop it first";
}

TEST(DataLock, ASecondAcquireFailsUntilTheFirstIsReleased) {
  TestDir dir;
  {
    std::optional<DataLock> first = must(DataLock::acquire(dir.path()));
    const auto path = dir / DataLock::kFileName;
    EXPECT_EQ(first->path(), path);
    struct stat st {};
    ASSERT_EQ(stat(path.c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0600u);
    EXPECT_EQ(read_file(path), std::to_string(getpid()) + "\n");

    // flock() belongs to the open file description: a second open in the same process conflicts.
    auto second = DataLock::acquire(dir.path());
    ASSERT_FALSE(second.ok());
    EXPECT_EQ(second.status().code(), ErrorCode::kFailedPrecondition);
    EXPECT_EQ(second.status().message(), refusal(dir, getpid()));
    EXPECT_EQ(read_file(path), std::to_string(getpid()) + "\n");  // the refusal erased nothing

    // A moved lock is still held.
    DataLock moved = std::move(*first);
    first.reset();
    EXPECT_FALSE(DataLock::acquire(dir.path()).ok());
  }
  EXPECT_EQ(read_file(dir / DataLock::kFileName), "");  // emptied on release
  auto again = DataLock::acquire(dir.path());
  EXPECT_TRUE(again.ok()) << again.status().message();
}

TEST(DataLock, HeldByAnotherProcessNamesItsPid) {
  TestDir dir;
  int ready[2];
  int done[2];
  ASSERT_EQ(pipe(ready), 0);
  ASSERT_EQ(pipe(done), 0);
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    auto lock = DataLock::acquire(dir.path());
    char c = lock.ok() ? 'y' : 'n';
    static_cast<void>(write(ready[1], &c, 1));
    static_cast<void>(read(done[0], &c, 1));  // holds the lock until the parent says so
    _exit(0);
  }
  char c = 0;
  ASSERT_EQ(read(ready[0], &c, 1), 1);
  ASSERT_EQ(c, 'y');
  auto refused = DataLock::acquire(dir.path());
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().message(), refusal(dir, child));
  ASSERT_EQ(write(done[1], "x", 1), 1);
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  for (int fd : {ready[0], ready[1], done[0], done[1]}) close(fd);
  EXPECT_TRUE(DataLock::acquire(dir.path()).ok());  // the kernel dropped it with the process
}

TEST(DataLock, AMissingDirectoryIsNotFound) {
  TestDir dir;
  auto r = DataLock::acquire(dir / "nowhere");
  EXPECT_EQ(r.status().code(), ErrorCode::kNotFound);
  EXPECT_EQ(r.status().message(), (dir / "nowhere").string() + ": no such directory");
}

}  // namespace
}  // namespace yimen::node
