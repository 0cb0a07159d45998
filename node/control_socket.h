#pragma once

// The running node's local control socket (DESIGN.md section 5): while
// `yimen run` holds a data directory, a CLI command that writes sends its
// words (and what it read from standard input) here, and the running node
// executes it on its writer thread and answers with the exit code and what
// the command printed.
//
// The socket is a ZeroMQ REQ/REP pair over `ipc://DIR/control.sock`, a Unix
// socket of mode 0600: only the node's own user can talk to it.
//
//   request  "yimen-control/1", then one frame per word, then standard input
//   reply    exit code as decimal text, standard output, standard error

#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "common/status.h"

namespace yimen::node {

struct ControlReply {
  int exit_code = 0;
  std::string out;
  std::string err;
};

class ControlServer {
 public:
  // Runs a command's words with the given standard input; called on the
  // control thread, one request at a time.
  using Handler =
      std::function<ControlReply(const std::vector<std::string>& words, const std::string& input)>;

  // Binds DIR/control.sock (replacing a stale one left by a crash; the data
  // directory's lock says no other node runs) and serves on its own thread.
  static Result<std::unique_ptr<ControlServer>> start(const std::filesystem::path& dir,
                                                      Handler handler);
  ~ControlServer();  // stops
  void stop();

  ControlServer(const ControlServer&) = delete;
  ControlServer& operator=(const ControlServer&) = delete;

 private:
  struct State;
  explicit ControlServer(std::unique_ptr<State> state);
  std::unique_ptr<State> state_;
};

std::filesystem::path control_socket_path(const std::filesystem::path& dir);

// Sends a command to the node running in `dir`. kFailedPrecondition when
// nothing answers within `timeout_ms`.
Result<ControlReply> send_control(const std::filesystem::path& dir,
                                  const std::vector<std::string>& words, const std::string& input,
                                  int timeout_ms);

}  // namespace yimen::node
