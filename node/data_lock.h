#pragma once

// The lock on a node's data directory (DESIGN.md section 5): only one process writes a node's
// database. `yimen run` holds it for its whole life; a CLI command that writes the database
// directly takes it for the length of the command. While the node runs, most writing commands
// are sent to it over its local control socket instead (node/cli.cpp, `writes`); the others
// (rebuild, enrol install, restore, recovery end) refuse to run.
//
// Commands that only read (backup, db check, user list, recovery status) do not take it: SQLite
// in WAL mode lets them read beside the writer.
//
// Format: DIR/yimen.lock, mode 0600, holding the holder's pid as decimal text and a newline,
// only for the message another process prints. The file itself is never removed (removing a
// lock file races with a process about to lock it); the lock is flock(LOCK_EX) on it, which
// the kernel drops when the holder exits, however it exits.

#include <filesystem>

#include "common/status.h"

namespace yimen::node {

// An exclusive lock on a data directory, held from acquire() until destruction.
//
// flock() belongs to an open file description, so two acquire() calls in one process conflict
// like two processes do. The descriptor is close-on-exec: child processes do not inherit the
// lock. Movable, not copyable; not thread-safe (use one DataLock from one thread at a time).
class DataLock {
 public:
  // The lock file's name inside the data directory.
  static constexpr const char* kFileName = "yimen.lock";

  // Takes the lock on `dir` without waiting: creates DIR/yimen.lock (mode 0600) if missing,
  // locks it and writes this process's pid into it. Returns the held lock, or:
  //   kFailedPrecondition "<dir>: the node is running, or another yimen command is writing to
  //                       it (pid 1234); stop it first" when another holder has it (the pid
  //                       part is left out when the file does not name one);
  //   kNotFound           `dir` does not exist;
  //   kIOError / kPermissionDenied from the file system.
  static Result<DataLock> acquire(const std::filesystem::path& dir);

  DataLock(DataLock&& other) noexcept;
  DataLock& operator=(DataLock&& other) noexcept;
  DataLock(const DataLock&) = delete;
  DataLock& operator=(const DataLock&) = delete;
  // Empties the file and releases the lock.
  ~DataLock();

  // The lock file's path.
  const std::filesystem::path& path() const { return path_; }

 private:
  DataLock(int fd, std::filesystem::path path) : fd_(fd), path_(std::move(path)) {}
  void release();

  int fd_ = -1;  // owned; -1 once moved from
  std::filesystem::path path_;
};

}  // namespace yimen::node
