#include "node/control_socket.h"

#include <sys/stat.h>

#include <atomic>
#include <thread>

#include <zmq.hpp>

#include "common/log.h"

namespace yimen::node {
namespace {

constexpr const char* kTag = "yimen-control/1";
// A command's words and input are small; anything bigger is not a CLI request.
constexpr std::int64_t kMaxRequestBytes = 1 << 20;

std::string endpoint(const std::filesystem::path& dir) {
  return "ipc://" + control_socket_path(dir).string();
}

}  // namespace

std::filesystem::path control_socket_path(const std::filesystem::path& dir) {
  return dir / "control.sock";
}

struct ControlServer::State {
  zmq::context_t context;
  std::optional<zmq::socket_t> socket;
  Handler handler;
  std::atomic<bool> stopping{false};
  std::thread thread;
  std::filesystem::path path;

  void serve() {
    while (!stopping) {
      zmq::pollitem_t item{socket->handle(), 0, ZMQ_POLLIN, 0};
      try {
        zmq::poll(&item, 1, std::chrono::milliseconds(100));
        if (!(item.revents & ZMQ_POLLIN)) continue;
        std::vector<zmq::message_t> frames;
        for (;;) {
          zmq::message_t m;
          if (!socket->recv(m, zmq::recv_flags::none)) break;
          const bool more = m.more();
          frames.push_back(std::move(m));
          if (!more) break;
        }
        ControlReply reply;
        if (frames.size() < 2 || frames[0].to_string() != kTag) {
          reply = {2, "", "yimen: not a control request of this version\n"};
        } else {
          std::vector<std::string> words;
          for (size_t i = 1; i + 1 < frames.size(); ++i) words.push_back(frames[i].to_string());
          reply = handler(words, frames.back().to_string());
        }
        const std::string code = std::to_string(reply.exit_code);
        socket->send(zmq::buffer(code), zmq::send_flags::sndmore);
        socket->send(zmq::buffer(reply.out), zmq::send_flags::sndmore);
        socket->send(zmq::buffer(reply.err), zmq::send_flags::none);
      } catch (const zmq::error_t& e) {
        if (e.num() == ETERM || stopping) return;
        log::warn("control", std::string("control socket: ") + e.what());
      }
    }
  }
};

ControlServer::ControlServer(std::unique_ptr<State> state) : state_(std::move(state)) {}

ControlServer::~ControlServer() { stop(); }

void ControlServer::stop() {
  if (!state_ || !state_->thread.joinable()) return;
  state_->stopping = true;
  state_->thread.join();
  state_->socket.reset();
  state_->context.close();
  std::error_code ec;
  std::filesystem::remove(state_->path, ec);
}

Result<std::unique_ptr<ControlServer>> ControlServer::start(const std::filesystem::path& dir,
                                                            Handler handler) {
  auto state = std::make_unique<State>();
  state->handler = std::move(handler);
  state->path = control_socket_path(dir);
  std::error_code ec;
  std::filesystem::remove(state->path, ec);  // stale: we hold the directory's lock
  try {
    state->socket.emplace(state->context, zmq::socket_type::rep);
    state->socket->set(zmq::sockopt::linger, 0);
    state->socket->set(zmq::sockopt::maxmsgsize, kMaxRequestBytes);
    // Created private: no moment where another user could connect.
    const mode_t old = ::umask(077);
    try {
      state->socket->bind(endpoint(dir));
    } catch (...) {
      ::umask(old);
      throw;
    }
    ::umask(old);
  } catch (const zmq::error_t& e) {
    return io_error("cannot create the control socket " + state->path.string() + ": " + e.what());
  }
  if (::chmod(state->path.c_str(), 0600) != 0) {
    return io_error("cannot restrict the control socket " + state->path.string());
  }
  State* raw = state.get();
  raw->thread = std::thread([raw] { raw->serve(); });
  return std::unique_ptr<ControlServer>(new ControlServer(std::move(state)));
}

Result<ControlReply> send_control(const std::filesystem::path& dir,
                                  const std::vector<std::string>& words, const std::string& input,
                                  int timeout_ms) {
  try {
    zmq::context_t context;
    zmq::socket_t socket(context, zmq::socket_type::req);
    socket.set(zmq::sockopt::linger, 0);
    socket.set(zmq::sockopt::rcvtimeo, timeout_ms);
    socket.set(zmq::sockopt::sndtimeo, timeout_ms);
    socket.connect(endpoint(dir));
    socket.send(zmq::buffer(std::string(kTag)), zmq::send_flags::sndmore);
    for (const auto& w : words) socket.send(zmq::buffer(w), zmq::send_flags::sndmore);
    socket.send(zmq::buffer(input), zmq::send_flags::none);
    std::vector<std::string> frames;
    for (;;) {
      zmq::message_t m;
      if (!socket.recv(m, zmq::recv_flags::none)) {
        return Status(ErrorCode::kFailedPrecondition, "the node running in " + dir.string() +
                                                          " did not answer within " +
                                                          std::to_string(timeout_ms / 1000) + " s");
      }
      frames.push_back(m.to_string());
      if (!m.more()) break;
    }
    if (frames.size() != 3) return internal_error("malformed answer from the running node");
    return ControlReply{std::atoi(frames[0].c_str()), frames[1], frames[2]};
  } catch (const zmq::error_t& e) {
    return io_error("cannot reach the running node's control socket: " + std::string(e.what()));
  }
}

}  // namespace yimen::node
