#pragma once

// The `yimen` command line: parses arguments, runs one command, prints its
// output to `out` and any error as ONE line "yimen: <message>" to `err`.
// Returns the process exit code: 0 success, 1 the command failed, 2 the
// command line itself is wrong.

#include <iosfwd>
#include <string>
#include <vector>

#include "node/control_socket.h"

namespace yimen::node {

int run_cli(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

class NodeRuntime;

// Runs a command the CLI forwarded to the running node over its control
// socket: `words` are the client's working directory, then its arguments.
ControlReply run_forwarded_command(const std::vector<std::string>& words, const std::string& input,
                                   NodeRuntime& runtime);

}  // namespace yimen::node
