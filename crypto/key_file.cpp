#include "crypto/detail/key_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace yimen::crypto::detail {
namespace {

std::string mode_text(mode_t mode) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "%04o", static_cast<unsigned>(mode & 07777));
  return buf;
}

// Closes a file descriptor on scope exit.
class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }
  // Closes now and reports the error, if any.
  int close_now() {
    const int rc = ::close(fd_);
    fd_ = -1;
    return rc;
  }

 private:
  int fd_;
};

Status sync_directory(const std::filesystem::path& dir) {
  Fd fd(::open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (fd.get() < 0 || ::fsync(fd.get()) != 0) {
    return io_error("cannot sync directory " + dir.string() + ": " + std::strerror(errno));
  }
  return {};
}

}  // namespace

Status write_key_file(const std::filesystem::path& path, std::string_view magic,
                      const SecretBytes& secret) {
  const std::string name = path.filename().string();
  Fd fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600));
  if (fd.get() < 0) {
    if (errno == EEXIST) return already_exists(name + " already exists; refusing to overwrite it");
    return io_error("cannot create " + name + ": " + std::strerror(errno));
  }
  // The umask can only clear bits; make the mode exact anyway.
  if (::fchmod(fd.get(), 0600) != 0) {
    return io_error("cannot set mode of " + name + ": " + std::strerror(errno));
  }
  auto write_all = [&](const std::uint8_t* p, size_t n) -> bool {
    while (n > 0) {
      const ssize_t w = ::write(fd.get(), p, n);
      if (w < 0 && errno == EINTR) continue;
      if (w <= 0) return false;
      p += w;
      n -= static_cast<size_t>(w);
    }
    return true;
  };
  if (!write_all(reinterpret_cast<const std::uint8_t*>(magic.data()), magic.size()) ||
      !write_all(secret.data(), secret.size()) || ::fsync(fd.get()) != 0 || fd.close_now() != 0) {
    const std::string why = std::strerror(errno);
    std::filesystem::remove(path);
    return io_error("cannot write " + name + ": " + why);
  }
  return sync_directory(path.parent_path());
}

Result<SecretBytes> read_key_file(const std::filesystem::path& path, std::string_view magic,
                                  size_t secret_size) {
  const std::string name = path.filename().string();
  Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW));
  if (fd.get() < 0) {
    if (errno == ENOENT) return not_found(name + " does not exist");
    if (errno == ELOOP) return permission_denied(name + " is a symbolic link; refusing to use it");
    return io_error("cannot open " + name + ": " + std::strerror(errno));
  }
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0)
    return io_error("cannot stat " + name + ": " + std::strerror(errno));
  if (!S_ISREG(st.st_mode)) return corruption(name + " is not a regular file");
  if ((st.st_mode & 077) != 0) {
    return permission_denied(name + " has mode " + mode_text(st.st_mode) +
                             ", open to group or others; run: chmod 600 " + path.string());
  }
  const size_t expected = magic.size() + secret_size;
  if (static_cast<size_t>(st.st_size) != expected) {
    return corruption(name + " is not a Yimen key file of the expected kind (wrong size)");
  }
  SecretBytes buf(expected);
  size_t got = 0;
  while (got < expected) {
    const ssize_t r = ::read(fd.get(), buf.data() + got, expected - got);
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) return io_error("cannot read " + name + ": " + std::strerror(errno));
    if (r == 0) return corruption(name + " is truncated");
    got += static_cast<size_t>(r);
  }
  if (std::memcmp(buf.data(), magic.data(), magic.size()) != 0) {
    return corruption(name + " is not a Yimen key file of the expected kind (wrong header)");
  }
  SecretBytes secret(secret_size);
  std::memcpy(secret.data(), buf.data() + magic.size(), secret_size);
  return secret;
}

}  // namespace yimen::crypto::detail
