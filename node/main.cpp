#include <exception>
#include <iostream>
#include <string>
#include <vector>

#include "node/cli.h"

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  try {
    return yimen::node::run_cli(args, std::cout, std::cerr);
  } catch (const std::exception& e) {
    // A broken invariant: still one line, and a non-zero exit.
    std::cerr << "yimen: internal error: " << e.what() << "\n";
    return 70;
  }
}
