#include "node/data_lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <string>
#include <system_error>
#include <utility>

namespace yimen::node {
namespace {

Status errno_status(int error, const std::string& what) {
  const std::string message = what + ": " + std::system_category().message(error);
  if (error == EACCES || error == EPERM) return permission_denied(message);
  if (error == ENOENT) return not_found(message);
  return io_error(message);
}

// The pid the holder wrote into the lock file, or 0 when it names none (yet).
long read_holder_pid(int fd) {
  char text[32] = {};
  const ssize_t n = ::pread(fd, text, sizeof text - 1, 0);
  if (n <= 0) return 0;
  long pid = 0;
  const auto [end, ec] = std::from_chars(text, text + n, pid);
  if (ec != std::errc() || pid <= 0 || end == text) return 0;
  return pid;
}

// Replaces the file's contents with "<pid>\n".
Status write_pid(int fd, const std::filesystem::path& path) {
  const std::string text = std::to_string(::getpid()) + "\n";
  if (::ftruncate(fd, 0) != 0) return errno_status(errno, "cannot write " + path.string());
  size_t done = 0;
  while (done < text.size()) {
    const ssize_t w =
        ::pwrite(fd, text.data() + done, text.size() - done, static_cast<off_t>(done));
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return errno_status(errno, "cannot write " + path.string());
    done += static_cast<size_t>(w);
  }
  return {};
}

}  // namespace

Result<DataLock> DataLock::acquire(const std::filesystem::path& dir) {
  std::filesystem::path path = dir / kFileName;
  // No O_TRUNC: a process that fails to lock must not erase the holder's pid.
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0) {
    const int error = errno;
    if (error == ENOENT) return not_found(dir.string() + ": no such directory");
    return errno_status(error, "cannot open " + path.string());
  }
  int rc = 0;
  do {
    rc = ::flock(fd, LOCK_EX | LOCK_NB);
  } while (rc != 0 && errno == EINTR);
  if (rc != 0) {
    const int error = errno;
    const long pid = error == EWOULDBLOCK ? read_holder_pid(fd) : 0;
    static_cast<void>(::close(fd));  // not locked: close without touching the holder's file
    if (error != EWOULDBLOCK) return errno_status(error, "cannot lock " + path.string());
    return failed_precondition(
        dir.string() + ": the node is running, or another yimen command is writing to it" +
        (pid > 0 ? " (pid " + std::to_string(pid) + ")" : std::string()) + "; stop it first");
  }
  DataLock lock(fd, std::move(path));  // from here the destructor unlocks
  YIMEN_TRY(write_pid(fd, lock.path_));
  return lock;
}

DataLock::DataLock(DataLock&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)), path_(std::move(other.path_)) {}

DataLock& DataLock::operator=(DataLock&& other) noexcept {
  if (this != &other) {
    release();
    fd_ = std::exchange(other.fd_, -1);
    path_ = std::move(other.path_);
  }
  return *this;
}

DataLock::~DataLock() { release(); }

void DataLock::release() {
  if (fd_ < 0) return;
  // Still the holder here: emptying the file keeps a stale pid out of a later refusal.
  static_cast<void>(::ftruncate(fd_, 0));
  static_cast<void>(::close(fd_));  // releases the flock
  fd_ = -1;
}

}  // namespace yimen::node
