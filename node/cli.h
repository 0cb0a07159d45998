#pragma once

// The `yimen` command line: parses arguments, runs one command, prints its
// output to `out` and any error as ONE line "yimen: <message>" to `err`.
// Returns the process exit code: 0 success, 1 the command failed, 2 the
// command line itself is wrong.

#include <iosfwd>
#include <string>
#include <vector>

namespace yimen::node {

int run_cli(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

}  // namespace yimen::node
