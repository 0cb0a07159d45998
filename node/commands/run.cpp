// yimen run: the node as a long-running process, until SIGTERM or SIGINT.

#include <pthread.h>
#include <signal.h>

#include <ostream>

#include "common/log.h"
#include "node/commands/command.h"
#include "node/node_runtime.h"

namespace yimen::node {

Status run_run(const CommandArgs& args, CommandContext& ctx) {
  YIMEN_ASSIGN_OR_RETURN(const std::string dir, args.required("--data", "DIR"));
  // Block the stop signals before any thread starts, so every thread inherits
  // the mask and this one takes them with sigwait.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  RunOptions options;
  options.web_listen = args.option("--web");
  auto runtime = NodeRuntime::start(dir, options);
  if (!runtime.ok()) {
    pthread_sigmask(SIG_UNBLOCK, &stop_signals, nullptr);
    return runtime.status();
  }
  log::info("node", "running: " + (*runtime)->describe());
  ctx.out << "yimen: " << (*runtime)->describe() << "; stop with Ctrl-C or SIGTERM\n" << std::flush;
  int signal_number = 0;
  sigwait(&stop_signals, &signal_number);
  log::info("node",
            std::string("stopping on ") + (signal_number == SIGTERM ? "SIGTERM" : "SIGINT"));
  (*runtime)->stop();
  runtime->reset();
  log::info("node", "stopped");
  pthread_sigmask(SIG_UNBLOCK, &stop_signals, nullptr);
  return {};
}

}  // namespace yimen::node
