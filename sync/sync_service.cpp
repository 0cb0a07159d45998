#include "sync/sync_service.h"

#include <kj/exception.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <map>
#include <mutex>
#include <random>
#include <thread>

#include <zmq.hpp>

#include "common/log.h"
#include "storage/blob_store.h"
#include "sync/inbound.h"
#include "sync/link_store.h"
#include "sync/routing.h"

namespace yimen::sync {
namespace {

using Steady = std::chrono::steady_clock;
using std::chrono::milliseconds;

constexpr const char* kZapEndpoint = "inproc://zeromq.zap.01";
constexpr const char* kZapDomain = "yimen";
constexpr int kLingerMs = 1000;
// What a parent answers to a message from a child it holds no state for.
constexpr std::string_view kNoHello = "no hello on this link; reconnect";
constexpr std::string_view kNotEnrolledKey =
    "this node's key is no longer enrolled here (revoked); enrol its new key";
// How often the children's links are checked against the enrolled keys.
constexpr milliseconds kEnrolmentCheckEvery{1000};
constexpr std::size_t kBlobChunksPerBlob = 4;
constexpr std::size_t kBlobChunksInFlight = 8;
constexpr milliseconds kBlobAskAgain{2000};
// Events after the parent's acknowledged position looked at, at most, to count
// the backlog while the link is down (once per disconnect); the rest count whole.
constexpr std::size_t kBacklogScanLimit = 20000;
constexpr const char* kMonitorEndpoint = "inproc://yimen.sync.monitor";
// Nodes in one status report, at most: a city has about 1,100.
constexpr std::size_t kMaxStatusNodes = 20000;

// One chunk of a blob: its hash in hex and its index.
using BlobChunkId = std::pair<std::string, std::uint32_t>;

// One direction of a link as its sender sees it.
struct Outbound {
  std::int64_t sent = 0;   // position through which batches went out
  std::int64_t acked = 0;  // position the peer durably holds
  std::deque<std::pair<std::int64_t, Steady::time_point>> inflight;  // through, sent at
  bool caught_up = false;  // nothing more to read until the log advances
};

struct Peer {
  Peer(RegionCode peer_id, bool is_parent) : id(std::move(peer_id)), parent(is_parent) {}
  RegionCode id;
  bool parent = false;
  std::string routing_id;        // a child's current ZeroMQ routing id
  bool ready = false;            // hello and welcome exchanged
  bool recovering = false;       // a child recovering its own events
  crypto::PublicKey link_key{};  // a child's CurveZMQ key, as its link was authenticated
  Outbound out;
  Inbound in;
  Steady::time_point last_heard{};
  Steady::time_point last_sent{};
  Steady::time_point last_status{};  // a child's last status report taken
  std::int64_t last_contact_ms = 0;
  std::int64_t clock_offset_ms = 0;
  std::string software;
};

// A batch the writer finished with.
struct Completion {
  std::string peer;
  Bytes epoch;
  std::int64_t through = 0;
  Status status;
};

void set_key(zmq::socket_t& socket, int option, const std::uint8_t* key) {
  if (zmq_setsockopt(socket.handle(), option, key, 32) != 0) throw zmq::error_t();
}

}  // namespace

struct SyncService::Loop {
  Loop(SyncOptions o, const crypto::NodeKey& k, storage::Writer& w, storage::Database& wdb,
       EventLog& l, storage::Database r, ChildLookup c, Recovered rec, WallClock clk)
      : options(std::move(o)),
        key(k),
        writer(w),
        write_db(wdb),
        log(l),
        reader(std::move(r)),
        children_of(std::move(c)),
        recovered(std::move(rec)),
        clock(std::move(clk)),
        recovering(options.recovering),
        rng(std::random_device{}()) {}

  // --- configuration ---
  SyncOptions options;
  const crypto::NodeKey& key;
  storage::Writer& writer;
  storage::Database& write_db;
  EventLog& log;
  storage::Database reader;
  ChildLookup children_of;
  Recovered recovered;
  WallClock clock;

  // --- shared with other threads ---
  mutable std::mutex mu;
  std::vector<Completion> completions;        // guarded by mu
  std::vector<BlobChunkId> blobs_progressed;  // guarded by mu: chunks answered
  std::vector<LinkView> views;                // guarded by mu
  std::atomic<std::int64_t> refused_count{0};
  std::atomic<std::int64_t> conflict_count{0};
  std::atomic<bool> recovering;
  std::atomic<bool> stopping{false};
  int wake_fd = -1;

  // --- the sync thread's own ---
  zmq::context_t context;
  std::optional<zmq::socket_t> router, zap, dealer;
  std::optional<zmq::socket_t> monitor;  // the ROUTER's failed handshakes (NULL, PLAIN, garbage)
  std::optional<Peer> parent;
  std::map<std::string, Peer> children;  // by region code
  Steady::time_point parent_retry_at{};
  milliseconds backoff{0};
  Steady::time_point next_status{};
  Steady::time_point next_enrolment_check{};
  std::int64_t recovery_target = -1;  // the parent's log head when a recovering node connected
  bool recovery_posted = false;
  std::int64_t log_head = 0;  // this log's last position at the last status report
  // The parent link's backlog while it is down: of the events after `acked`
  // through `looked_through`, `upward` go up. Counted once per disconnect:
  // while the link is down every new event goes up (none come from above).
  struct DownBacklog {
    std::int64_t acked = -1;
    std::int64_t looked_through = 0;
    std::int64_t upward = 0;
  };
  DownBacklog down_backlog;
  std::int64_t parent_backlog = 0;  // at the last status report
  Checkpoint acknowledged_saved;    // the parent's acknowledged position as last stored
  std::map<BlobChunkId, Steady::time_point> blob_asked;  // chunk -> when its request went
  Steady::time_point next_blob_round{};
  std::mt19937_64 rng;
  std::thread thread;

  // ---------------------------------------------------------------- setup

  Status start() {
    wake_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (wake_fd < 0) return io_error("sync: cannot create an eventfd");
    try {
      if (options.listen) {
        // The ZAP handler is bound before the ROUTER so no connection slips past it.
        zap.emplace(context, zmq::socket_type::rep);
        zap->set(zmq::sockopt::linger, 0);
        zap->bind(kZapEndpoint);
        router.emplace(context, zmq::socket_type::router);
        router->set(zmq::sockopt::linger, kLingerMs);
        router->set(zmq::sockopt::router_mandatory, 1);
        router->set(zmq::sockopt::maxmsgsize, static_cast<std::int64_t>(kMaxFrameBytes));
        router->set(zmq::sockopt::zap_domain, kZapDomain);
        router->set(zmq::sockopt::curve_server, 1);
        const auto secret = key.curve_secret_key();
        set_key(*router, ZMQ_CURVE_SECRETKEY, secret.data());
        // Clients without CURVE never reach the ZAP handler: their failed
        // handshakes are seen through the socket monitor, counted and logged.
        if (zmq_socket_monitor(
                router->handle(), kMonitorEndpoint,
                ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL | ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL) != 0) {
          throw zmq::error_t();
        }
        monitor.emplace(context, zmq::socket_type::pair);
        monitor->set(zmq::sockopt::linger, 0);
        monitor->connect(kMonitorEndpoint);
        router->bind(*options.listen);
      }
    } catch (const zmq::error_t& e) {
      return io_error("sync: cannot listen on " + options.listen.value_or("") + ": " + e.what());
    }
    if (options.parent) {
      parent.emplace(options.parent->id, true);
      // What the parent acknowledged before this start holds until it says again.
      auto acknowledged = load_acknowledged(reader, options.parent->id.str());
      if (!acknowledged.ok()) return acknowledged.status();
      if (acknowledged->epoch == options.log_epoch) {
        parent->out.acked = parent->out.sent = acknowledged->position;
        acknowledged_saved = *acknowledged;
      }
      connect_parent();
    }
    thread = std::thread([this] { run(); });
    return {};
  }

  void stop() {
    if (!thread.joinable()) return;
    stopping = true;
    wake();
    thread.join();
    dealer.reset();
    monitor.reset();
    router.reset();
    zap.reset();
    context.close();
    if (wake_fd >= 0) ::close(wake_fd);
    wake_fd = -1;
  }

  void wake() {
    const std::uint64_t one = 1;
    if (wake_fd >= 0) static_cast<void>(::write(wake_fd, &one, sizeof one));
  }

  // ---------------------------------------------------------------- the loop

  void run() {
    while (!stopping) {
      std::vector<zmq::pollitem_t> items;
      items.push_back({nullptr, wake_fd, ZMQ_POLLIN, 0});
      if (zap) items.push_back({zap->handle(), 0, ZMQ_POLLIN, 0});
      if (router) items.push_back({router->handle(), 0, ZMQ_POLLIN, 0});
      if (dealer) items.push_back({dealer->handle(), 0, ZMQ_POLLIN, 0});
      if (monitor) items.push_back({monitor->handle(), 0, ZMQ_POLLIN, 0});
      try {
        zmq::poll(items, milliseconds(100));
      } catch (const zmq::error_t& e) {
        if (e.num() == EINTR) continue;
        log::error("sync", std::string("poll failed: ") + e.what());
        return;
      }
      if (items[0].revents & ZMQ_POLLIN) {
        std::uint64_t count = 0;
        static_cast<void>(::read(wake_fd, &count, sizeof count));
        for (auto& [_, c] : children) c.out.caught_up = false;
        if (parent) parent->out.caught_up = false;
      }
      size_t i = 1;
      if (zap && (items[i++].revents & ZMQ_POLLIN)) handle_zap();
      if (router && (items[i++].revents & ZMQ_POLLIN)) drain_router();
      if (dealer && (items[i++].revents & ZMQ_POLLIN)) drain_dealer();
      if (monitor && (items[i++].revents & ZMQ_POLLIN)) drain_monitor();
      take_completions();
      on_timers();
      pump();
      publish_views();
    }
  }

  // ---------------------------------------------------------------- ZAP

  void handle_zap() {
    std::vector<zmq::message_t> frames;
    for (;;) {
      zmq::message_t m;
      if (!zap->recv(m, zmq::recv_flags::dontwait)) break;
      const bool more = m.more();
      frames.push_back(std::move(m));
      if (!more) break;
    }
    if (frames.size() < 6) return;
    const std::string request_id = frames[1].to_string();
    const std::string address = frames[3].to_string();
    const std::string mechanism = frames[5].to_string();
    std::string status = "400", text = "not an enrolled child", user;
    if (mechanism == "CURVE" && frames.size() >= 7 && frames[6].size() == 32) {
      crypto::PublicKey curve{};
      std::memcpy(curve.data(), frames[6].data(), 32);
      if (auto child = children_of(curve)) {
        status = "200";
        text = "OK";
        // The key goes with the code, so that a link stays tied to the key it was admitted
        // with: once that key is revoked, the link is refused (check_enrolments).
        user = child->str() + "/" + crypto::to_hex(curve);
      } else {
        ++refused_count;
        log::warn_limited("sync", "sync.refused_key",
                          "refused a connection from " + address + ": CURVE key " +
                              crypto::to_hex(curve).substr(0, 16) + "… is not an enrolled child's");
      }
    } else {
      ++refused_count;
      log::warn_limited("sync", "sync.refused_mechanism",
                        "refused a connection from " + address + " without CURVE");
    }
    const std::string reply[] = {"1.0", request_id, status, text, user, ""};
    for (size_t k = 0; k < 6; ++k) {
      zap->send(zmq::buffer(reply[k]), k < 5 ? zmq::send_flags::sndmore : zmq::send_flags::none);
    }
  }

  // A handshake that failed before ZAP was asked: a client without CURVE
  // (NULL, PLAIN), or bytes that are not ZMTP at all. The monitor names the
  // listening endpoint, not the client.
  void drain_monitor() {
    for (int n = 0; n < 64; ++n) {
      zmq::message_t event;
      if (!monitor->recv(event, zmq::recv_flags::dontwait)) return;
      zmq::message_t endpoint;
      if (event.more() && !monitor->recv(endpoint, zmq::recv_flags::none)) return;
      if (event.size() < 6) continue;
      std::uint16_t kind = 0;
      std::uint32_t detail = 0;
      std::memcpy(&kind, event.data(), sizeof kind);
      std::memcpy(&detail, static_cast<const std::uint8_t*>(event.data()) + 2, sizeof detail);
      ++refused_count;
      log::warn_limited(
          "sync", "sync.refused_handshake",
          std::string("refused a connection that failed the CURVE handshake (a "
                      "client without CURVE, such as NULL or PLAIN, or not ZeroMQ "
                      "at all; ") +
              (kind == ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL ? "ZMTP error " : "errno ") +
              std::to_string(detail) + ")");
    }
  }

  // ---------------------------------------------------------------- receiving

  void drain_router() {
    for (int n = 0; n < 64; ++n) {
      zmq::message_t rid;
      if (!router->recv(rid, zmq::recv_flags::dontwait)) return;
      std::vector<zmq::message_t> parts;
      bool more = rid.more();
      while (more) {
        zmq::message_t m;
        if (!router->recv(m, zmq::recv_flags::none)) break;
        more = m.more();
        parts.push_back(std::move(m));
      }
      if (parts.size() != 1) {
        ++refused_count;
        continue;
      }
      const char* user = zmq_msg_gets(parts[0].handle(), "User-Id");
      const std::string_view user_id = user == nullptr ? std::string_view() : user;
      const auto slash = user_id.find('/');
      auto link_key = crypto::from_hex(slash == std::string_view::npos ? std::string_view()
                                                                       : user_id.substr(slash + 1));
      if (!link_key.ok() || link_key->size() != 32) {
        ++refused_count;
        continue;
      }
      crypto::PublicKey curve{};
      std::copy(link_key->begin(), link_key->end(), curve.begin());
      from_child(rid.to_string(), std::string(user_id.substr(0, slash)), curve, parts[0]);
    }
  }

  void drain_dealer() {
    for (int n = 0; n < 64 && dealer; ++n) {
      zmq::message_t m;
      if (!dealer->recv(m, zmq::recv_flags::dontwait)) return;
      if (m.more()) {  // one frame per message: drop the rest
        ++refused_count;
        while (m.more() && dealer->recv(m, zmq::recv_flags::none)) {
        }
        continue;
      }
      from_parent(m);
    }
  }

  Result<LinkMessage> decode(const zmq::message_t& m, const std::string& from) {
    auto decoded =
        decode_link_message(ByteView(static_cast<const std::uint8_t*>(m.data()), m.size()));
    if (!decoded.ok()) {
      ++refused_count;
      log::warn("sync", "from " + from + ": " + decoded.status().message());
    }
    return decoded;
  }

  void from_child(const std::string& rid, const std::string& user,
                  const crypto::PublicKey& link_key, const zmq::message_t& m) {
    auto decoded = decode(m, user);
    if (!decoded.ok()) return;
    auto it = children.find(user);
    const bool known = it != children.end();
    if (known && it->second.link_key == link_key && linked_elsewhere(it->second, rid)) {
      refuse_second_link(rid, user);
      return;
    }
    if (auto* hello = std::get_if<Hello>(&*decoded)) {
      if (hello->welcome) {
        ++refused_count;
        log::warn_limited("sync", "sync.child_welcome", "the child " + user + " sent a welcome");
        return;
      }
      child_hello(rid, user, link_key, *hello);
      return;
    }
    if (!known) {
      // Not introduced: ask it to say hello again.
      send_to_child_rid(rid, Refused{std::string(kNoHello)});
      return;
    }
    Peer& peer = it->second;
    if (peer.link_key != link_key) {
      // A link of the same node under another key: the one that said hello last holds it.
      ++refused_count;
      send_to_child_rid(rid, Refused{std::string(kNotEnrolledKey)});
      return;
    }
    // ZeroMQ reconnected underneath: the same authenticated child under a new
    // routing id, its old connection gone or silent. Its state holds; what was
    // lost on the way is sent again after the ack timeout.
    peer.routing_id = rid;
    peer.ready = true;
    heard(peer);
    on_message(peer, *decoded);
  }

  // Whether `peer` is still linked on another connection than `rid`: heard
  // lately there, and that connection still open (a probe to it goes out).
  // A child that restarted or reconnected after an outage is not: its old
  // connection is closed or has been silent for several heartbeats.
  bool linked_elsewhere(Peer& peer, const std::string& rid) {
    if (peer.routing_id == rid || !peer.ready) return false;
    if (Steady::now() - peer.last_heard > 3 * options.heartbeat) return false;
    send(peer, Heartbeat{clock()});  // fails, and clears `ready`, when that connection is gone
    return peer.ready;
  }

  // A second connection claims a child that is linked: it is refused, not
  // allowed to take the link over, and said loudly — both may hold the key.
  void refuse_second_link(const std::string& rid, const std::string& user) {
    ++conflict_count;
    log::error_limited(
        "sync", "sync.link_conflict",
        "a second connection says it is " + user + " while " + user +
            " is linked: refused. Unless it just restarted, a copy of its key is in use "
            "elsewhere: revoke the key (yimen key revoke) and enrol the node again");
    send_to_child_rid(rid, Refused{user + " is linked already on another connection"});
  }

  void from_parent(const zmq::message_t& m) {
    if (!parent) return;
    auto decoded = decode(m, parent->id.str());
    if (!decoded.ok()) return;
    Peer& peer = *parent;
    if (auto* refused = std::get_if<Refused>(&*decoded)) {
      if (refused->reason == kNoHello) {  // the parent restarted: introduce this node again
        drop_parent();
        return;
      }
      log::error("sync", "the parent " + peer.id.str() + " refused this link: " + refused->reason);
      drop_parent(options.backoff_max);
      return;
    }
    if (auto* hello = std::get_if<Hello>(&*decoded)) {
      if (!hello->welcome) return;
      parent_welcome(*hello);
      return;
    }
    if (!peer.ready) return;
    heard(peer);
    on_message(peer, *decoded);
  }

  void heard(Peer& peer) {
    peer.last_heard = Steady::now();
    peer.last_contact_ms = clock();
  }

  bool child_hello(const std::string& rid, const std::string& user,
                   const crypto::PublicKey& link_key, const Hello& hello) {
    if (hello.protocol_version != kProtocolVersion) {
      ++refused_count;
      const std::string why = "protocol version " + std::to_string(hello.protocol_version) +
                              " is not this node's version " + std::to_string(kProtocolVersion) +
                              "; upgrade the older node";
      log::error("sync", "refused " + user + ": " + why);
      send_to_child_rid(rid, Refused{why});
      return false;
    }
    if (hello.node != user) {
      ++refused_count;
      const std::string why =
          "hello names " + hello.node + " but the link is authenticated as " + user;
      log::error("sync", "refused a hello: " + why);
      send_to_child_rid(rid, Refused{why});
      return false;
    }
    auto id = RegionCode::parse(user);
    if (!id.ok()) return false;
    auto checkpoint = load_checkpoint(reader, user);
    auto counts = count_log(reader);
    if (!checkpoint.ok() || !counts.ok()) {
      log::error("sync", "cannot read the checkpoint of " + user);
      return false;
    }
    Checkpoint resume = *checkpoint;
    if (resume.epoch == hello.log_epoch && resume.position > hello.log_head) {
      // Its log never shrinks within an epoch: a batch it did not send moved
      // the checkpoint. Taking the whole log again is safe (duplicates are no-ops).
      ++conflict_count;
      log::error("sync", "the checkpoint of " + user + " (position " +
                             std::to_string(resume.position) + ") is beyond the head " +
                             std::to_string(hello.log_head) +
                             " it announces: a batch it did not send moved it (a copy of its key "
                             "may be in use elsewhere); taking its log again from the start");
      resume.position = 0;
    }
    Peer peer(*id, false);
    peer.routing_id = rid;
    peer.ready = true;
    peer.recovering = hello.recovering;
    peer.link_key = link_key;
    peer.software = hello.software;
    peer.clock_offset_ms = clock() - hello.wall_ms;
    resume_outbound(peer, hello, counts->last_local_seq);
    resume_inbound(peer, hello.log_epoch, resume);
    peer.in.head_bound = std::max<std::int64_t>(hello.log_head, 0);
    heard(peer);
    const bool known = children.contains(user);
    Peer& stored = children.insert_or_assign(user, std::move(peer)).first->second;
    if (!known || hello.recovering) {
      log::info("sync", "child " + user + " connected (" + hello.software + ")" +
                            (hello.recovering ? ", recovering its own events" : ""));
    }
    Hello welcome = own_hello(true);
    welcome.resume_epoch = stored.in.epoch;
    welcome.resume_after = stored.in.durable;
    welcome.log_head = counts->last_local_seq;
    send(stored, welcome);
    return true;
  }

  void parent_welcome(const Hello& hello) {
    Peer& peer = *parent;
    if (hello.protocol_version != kProtocolVersion || hello.node != peer.id.str()) {
      ++refused_count;
      log::error("sync", "the parent answered with protocol version " +
                             std::to_string(hello.protocol_version) + " as " + hello.node +
                             "; expected version " + std::to_string(kProtocolVersion) + " as " +
                             peer.id.str());
      drop_parent(options.backoff_max);
      return;
    }
    auto counts = count_log(reader);
    if (!counts.ok()) return;
    peer.ready = true;
    peer.software = hello.software;
    peer.clock_offset_ms = clock() - hello.wall_ms;
    if (std::abs(peer.clock_offset_ms) > 5 * 60 * 1000) {
      log::warn("sync", "this node's clock is " + std::to_string(peer.clock_offset_ms / 1000) +
                            " s off its parent's: fix the system clock");
    }
    resume_outbound(peer, hello, counts->last_local_seq);
    if (recovering) recovery_target = hello.log_head;
    heard(peer);
    backoff = milliseconds(0);
    log::info("sync", "linked to the parent " + peer.id.str());
    check_recovered();
  }

  // Where to send from: the peer's checkpoint in this log, when it is of this epoch.
  void resume_outbound(Peer& peer, const Hello& hello, std::int64_t head) {
    std::int64_t from = 0;
    if (hello.resume_epoch == options.log_epoch) from = std::min(hello.resume_after, head);
    peer.out = Outbound{from, from, {}, false};
  }

  void resume_inbound(Peer& peer, const Bytes& epoch, const Checkpoint& checkpoint) {
    const std::int64_t from = checkpoint.epoch == epoch ? checkpoint.position : 0;
    peer.in = Inbound{epoch, from, from, 0};
  }

  void on_message(Peer& peer, LinkMessage& message) {
    if (auto* batch = std::get_if<Batch>(&message)) {
      on_batch(peer, *batch);
    } else if (auto* ack = std::get_if<Ack>(&message)) {
      if (ack->log_epoch != options.log_epoch) return;
      peer.out.acked = std::max(peer.out.acked, std::min(ack->through, peer.out.sent));
      while (!peer.out.inflight.empty() && peer.out.inflight.front().first <= peer.out.acked) {
        peer.out.inflight.pop_front();
      }
    } else if (auto* beat = std::get_if<Heartbeat>(&message)) {
      peer.clock_offset_ms = clock() - beat->wall_ms;
    } else if (auto* report = std::get_if<StatusReport>(&message)) {
      if (peer.parent) return;  // status only flows upward
      // Soft state, stored with a write: taken at most four times a report
      // period and for a city's worth of nodes, so a child cannot make the
      // writer work at its pace. A report left out is followed by the next.
      const auto at = Steady::now();
      if (at - peer.last_status < options.status_every / 4 ||
          report->nodes.size() > kMaxStatusNodes) {
        log::warn_limited("sync", "sync.status_dropped",
                          "dropped a status report of " + std::to_string(report->nodes.size()) +
                              " nodes from " + peer.id.str() + ": too soon or too large");
        return;
      }
      peer.last_status = at;
      std::vector<NodeStatus> nodes;
      for (auto& n : report->nodes) {
        auto code = RegionCode::parse(n.node);
        if (code.ok() && peer.id.contains(*code)) nodes.push_back(std::move(n));
      }
      const std::int64_t now = clock();
      writer.post(
          [this, nodes = std::move(nodes), now] { return save_status(write_db, nodes, now); },
          [](const Status& s) {
            if (!s.ok()) log::warn("sync", "cannot store a status report: " + s.message());
          });
    } else if (auto* refused = std::get_if<Refused>(&message)) {
      log::warn_limited("sync", "sync.peer_refused",
                        peer.id.str() + " refused: " + refused->reason);
    } else if (auto* request = std::get_if<BlobRequest>(&message)) {
      on_blob_request(peer, *request);
    } else if (auto* chunk = std::get_if<BlobChunk>(&message)) {
      on_blob_chunk(peer, *chunk);
    }
  }

  // ---------------------------------------------------------------- blobs

  // The link toward `origin`: the child whose subtree holds it, else the parent.
  Peer* peer_toward(const std::string& origin) {
    auto code = RegionCode::parse(origin);
    if (!code.ok() || *code == options.self) return nullptr;
    if (options.self.contains(*code)) {
      for (auto& [_, child] : children) {
        if (child.id.contains(*code)) return &child;
      }
      return nullptr;
    }
    return parent ? &*parent : nullptr;
  }

  void on_blob_request(Peer& peer, const BlobRequest& request) {
    auto chunk = storage::read_blob_chunk(reader, request.hash, request.index);
    if (!chunk.ok()) {
      log::warn("sync", "cannot read a blob chunk: " + chunk.status().message());
      return;
    }
    if (*chunk) {
      send(peer, BlobChunk{request.hash, request.index, std::move(**chunk)});
      return;
    }
    // Not held here yet: fetch it toward its origin, answer a later request.
    const storage::BlobRef ref{request.hash, request.size};
    const std::string origin = request.origin;
    if (!RegionCode::parse(origin).ok()) return;
    writer.post([this, ref, origin] { return storage::want_blob(write_db, ref, origin); },
                [](const Status& s) {
                  if (!s.ok()) log::warn("sync", "cannot record a wanted blob: " + s.message());
                });
  }

  void on_blob_chunk(Peer& peer, BlobChunk& chunk) {
    if (chunk.bytes.size() > storage::kBlobChunkBytes) {
      ++refused_count;
      log::warn("sync", "a blob chunk from " + peer.id.str() + " is over 256 KiB");
      return;
    }
    const BlobChunkId answered{crypto::to_hex(chunk.hash), chunk.index};
    auto shared = std::make_shared<BlobChunk>(std::move(chunk));
    writer.post(
        [this, shared, from = peer.id.str()]() -> Status {
          YIMEN_ASSIGN_OR_RETURN(
              auto outcome,
              storage::put_blob_chunk(write_db, shared->hash, shared->index, shared->bytes));
          if (outcome == storage::ChunkOutcome::kDropped) {
            log::error("sync", "a blob fetched through " + from +
                                   " does not match its hash; dropped, fetching it again");
          }
          return Status();
        },
        [this, answered](const Status& s) {
          if (!s.ok()) log::warn("sync", "a blob chunk was not stored: " + s.message());
          {
            std::lock_guard lock(mu);
            blobs_progressed.push_back(answered);
          }
          wake();
        });
  }

  // Asks for the missing chunks of the wanted blobs, oldest blob first: up to
  // kBlobChunksPerBlob of a blob and kBlobChunksInFlight in all unanswered at
  // once (2 MiB), so a large file streams without an unbounded queue. An
  // unanswered request is asked again after kBlobAskAgain.
  void request_blobs() {
    {
      std::lock_guard lock(mu);
      for (const auto& chunk : blobs_progressed) blob_asked.erase(chunk);
      blobs_progressed.clear();
    }
    const auto now = Steady::now();
    std::erase_if(blob_asked,
                  [&](const auto& asked) { return now - asked.second >= kBlobAskAgain; });
    auto wanted = storage::wanted_blobs(reader, 16, kBlobChunksPerBlob);
    if (!wanted.ok()) return;
    for (const auto& w : *wanted) {
      Peer* toward = peer_toward(w.origin);
      if (toward == nullptr || !toward->ready) continue;
      const std::string blob = crypto::to_hex(w.ref.hash);
      for (const std::uint32_t index : w.missing) {
        if (blob_asked.size() >= kBlobChunksInFlight) return;
        BlobChunkId chunk{blob, index};
        if (blob_asked.contains(chunk)) continue;
        if (!send(*toward, BlobRequest{w.ref.hash, w.ref.size, w.origin, index})) break;
        blob_asked.emplace(std::move(chunk), now);
      }
    }
  }

  void on_batch(Peer& peer, Batch& batch) {
    Inbound& in = peer.in;
    const BatchJudgement judged = judge_batch(in, batch, !peer.parent);
    if (judged.verdict == BatchVerdict::kReplay) {  // say again what is durable
      send(peer, Ack{in.epoch, in.durable});
      return;
    }
    if (judged.verdict == BatchVerdict::kDrop) {
      ++refused_count;
      log::warn_limited("sync", "sync.batch_dropped",
                        "dropped a batch from " + peer.id.str() + " (positions " +
                            std::to_string(batch.after) + " to " + std::to_string(batch.through) +
                            "): " + judged.why);
      return;
    }
    // Verify here, while the writer commits the previous batch.
    auto verified = std::make_shared<std::vector<std::pair<Bytes, Result<DecodedEvent>>>>();
    verified->reserve(batch.events.size());
    for (auto& e : batch.events) {
      auto decoded = decode_envelope(e);
      verified->emplace_back(std::move(e), std::move(decoded));
    }
    const std::string peer_id = peer.id.str();
    const Checkpoint checkpoint{in.epoch, batch.through};
    writer.post([this, verified, peer_id,
                 checkpoint] { return apply_batch(*verified, peer_id, checkpoint); },
                [this, peer_id, checkpoint](const Status& s) {
                  {
                    std::lock_guard lock(mu);
                    completions.push_back({peer_id, checkpoint.epoch, checkpoint.position, s});
                  }
                  wake();
                });
  }

  // On the writer thread, inside the group's transaction. The whole batch is
  // appended in one go; should reading some event's body throw all the same
  // (a defect the boundary check missed), that is undone and the batch taken
  // again an event at a time, the one that throws quarantined with the
  // reason, so one bad event never stops the node or its link.
  Status apply_batch(std::vector<std::pair<Bytes, Result<DecodedEvent>>>& events,
                     const std::string& peer, const Checkpoint& checkpoint) {
    const std::int64_t now = clock() / 1000;
    std::string thrown;
    const Status whole = writer.attempt([&]() -> Status {
      for (auto& [bytes, decoded] : events) {
        YIMEN_TRY(append_received(bytes, decoded, peer, now, thrown));
      }
      return {};
    });
    if (thrown.empty()) {
      YIMEN_TRY(whole);
    } else {
      log::error_limited("sync", "sync.event_threw",
                         "an event from " + peer + " could not be read (" + thrown +
                             "); taking its batch again an event at a time");
      // Not a structured binding: clang 14 refuses one captured by the lambda below.
      for (auto& event : events) {
        const Bytes& bytes = event.first;
        Result<DecodedEvent>& decoded = event.second;
        decoded = decode_envelope(bytes);  // the first pass consumed the decoded events
        thrown.clear();
        const Status s =
            writer.attempt([&] { return append_received(bytes, decoded, peer, now, thrown); });
        if (thrown.empty()) {
          YIMEN_TRY(s);
          continue;
        }
        log::warn_limited("sync", "sync.quarantined",
                          "quarantined an event from " + peer + ": " + thrown);
        YIMEN_TRY(log.quarantine_undecodable(bytes, "unreadable: " + thrown, now));
      }
    }
    return save_checkpoint(write_db, peer, checkpoint);
  }

  // Appends one received event. An exception out of the log or the hall (a
  // malformed body) is caught into `thrown` and fails the step.
  Status append_received(const Bytes& bytes, Result<DecodedEvent>& decoded, const std::string& peer,
                         std::int64_t now, std::string& thrown) {
    if (!decoded.ok()) {
      log::warn_limited("sync", "sync.quarantined",
                        "quarantined an event from " + peer + ": " + decoded.status().message());
      return log.quarantine_undecodable(bytes, decoded.status().message(), now);
    }
    const std::string what = decoded->origin().str() + "#" + std::to_string(decoded->seq());
    Result<AppendResult> result = internal_error("not appended");
    try {
      result = log.append(std::move(*decoded), now);
    } catch (const kj::Exception& e) {
      thrown = what + ": " + e.getDescription().cStr();
    } catch (const std::exception& e) {
      thrown = what + ": " + e.what();
    }
    if (!thrown.empty()) return {ErrorCode::kRejected, "event rejected: " + thrown};
    YIMEN_TRY(result.status());
    if (result->outcome == AppendOutcome::kQuarantined) {
      log::warn_limited("sync", "sync.quarantined",
                        "quarantined event " + what + " from " + peer + ": " + result->detail);
    } else if (result->outcome == AppendOutcome::kForkEvidence) {
      log::error("sync", "fork: event " + what + " from " + peer + " conflicts with one held");
    }
    return {};
  }

  void take_completions() {
    std::vector<Completion> done;
    {
      std::lock_guard lock(mu);
      done.swap(completions);
    }
    for (auto& c : done) {
      Peer* peer = find_peer(c.peer);
      if (peer == nullptr || peer->in.epoch != c.epoch) continue;
      if (!c.status.ok()) {
        log::error("sync", "could not store a batch from " + c.peer + ": " + c.status.message());
        peer->in.accepted = peer->in.durable;  // the sender resends after its ack timeout
        continue;
      }
      peer->in.durable = std::max(peer->in.durable, c.through);
      send(*peer, Ack{c.epoch, peer->in.durable});
      if (peer->parent) check_recovered();
      // What the log gained goes on to the other links at once.
      for (auto& [_, child] : children) child.out.caught_up = false;
      if (parent) parent->out.caught_up = false;
    }
  }

  void check_recovered() {
    if (recovering && !recovery_posted && parent && parent->ready && recovery_target >= 0 &&
        parent->in.durable >= recovery_target) {
      recovery_posted = true;
      const std::int64_t through = parent->in.durable;
      writer.post([this] { return recovered(); },
                  [this, through](const Status& s) {
                    if (s.ok()) {
                      recovering = false;
                      log::info("sync", "recovered through position " + std::to_string(through) +
                                            " of the parent's log; writes are accepted again");
                    } else {
                      log::error("sync", "cannot end recovery: " + s.message());
                    }
                  });
    }
  }

  Peer* find_peer(const std::string& id) {
    if (parent && parent->id.str() == id) return &*parent;
    auto it = children.find(id);
    return it == children.end() ? nullptr : &it->second;
  }

  // ---------------------------------------------------------------- sending

  bool wants(const Peer& peer, const EventRoute& route) const {
    return peer.parent ? goes_up(route, options.self) : goes_down(route, peer.id, peer.recovering);
  }

  void pump() {
    if (parent && parent->ready) fill(*parent);
    for (auto& [_, child] : children) {
      if (child.ready) fill(child);
    }
  }

  void fill(Peer& peer) {
    Outbound& out = peer.out;
    if (!out.inflight.empty() &&
        Steady::now() - out.inflight.front().second > options.ack_timeout) {
      log::warn("sync", "no ack from " + peer.id.str() + "; sending again from position " +
                            std::to_string(out.acked));
      out.sent = out.acked;
      out.inflight.clear();
      out.caught_up = false;
    }
    while (!out.caught_up && out.inflight.size() < options.window) {
      // A child never gets back what came from its own subtree (unless it
      // recovers its own events): those envelopes are not even read.
      const RegionCode* except_from = peer.parent || peer.recovering ? nullptr : &peer.id;
      auto stored = EventLog::read(reader, out.sent, options.batch_events, except_from);
      if (!stored.ok()) {
        log::error("sync", "cannot read the log: " + stored.status().message());
        return;
      }
      if (stored->empty()) {
        out.caught_up = true;
        return;
      }
      Batch batch{options.log_epoch, out.sent, out.sent, {}};
      std::size_t bytes = batch_overhead_bytes(0);
      for (auto& e : *stored) {
        if (e.envelope.empty()) {
          batch.through = e.local_seq;
          continue;
        }
        auto route = route_of(e.envelope);
        if (!route.ok()) {
          log::error("sync", "stored event " + std::to_string(e.local_seq) +
                                 " cannot be routed: " + route.status().message());
        } else if (wants(peer, *route)) {
          if (!batch.events.empty() && bytes + e.envelope.size() + 16 > options.batch_bytes) break;
          bytes += e.envelope.size() + 16;
          batch.events.push_back(std::move(e.envelope));
        }
        batch.through = e.local_seq;
      }
      out.sent = batch.through;
      out.inflight.emplace_back(batch.through, Steady::now());
      if (!peer.parent) count_sent_to_child(peer.in, batch);
      if (!send(peer, batch)) return;
    }
  }

  bool send(Peer& peer, const LinkMessage& message) {
    const Bytes frame = encode_link_message(message);
    try {
      if (peer.parent) {
        if (!dealer) return false;
        if (!dealer->send(zmq::buffer(frame), zmq::send_flags::dontwait)) return false;
      } else {
        if (!router) return false;
        if (!router->send(zmq::buffer(peer.routing_id), zmq::send_flags::sndmore)) return false;
        if (!router->send(zmq::buffer(frame), zmq::send_flags::dontwait)) return false;
      }
    } catch (const zmq::error_t& e) {
      if (e.num() == EHOSTUNREACH) {
        // The child's connection is gone; it reconnects and says hello again.
        peer.ready = false;
        return false;
      }
      log::warn("sync", "cannot send to " + peer.id.str() + ": " + e.what());
      return false;
    }
    peer.last_sent = Steady::now();
    return true;
  }

  void send_to_child_rid(const std::string& rid, const LinkMessage& message) {
    const Bytes frame = encode_link_message(message);
    try {
      router->send(zmq::buffer(rid), zmq::send_flags::sndmore);
      router->send(zmq::buffer(frame), zmq::send_flags::dontwait);
    } catch (const zmq::error_t&) {
      // The peer is gone already; nothing to tell it.
    }
  }

  Hello own_hello(bool welcome) {
    Hello h;
    h.welcome = welcome;
    h.node = options.self.str();
    h.software = options.software;
    h.log_epoch = options.log_epoch;
    h.wall_ms = clock();
    h.recovering = recovering;
    return h;
  }

  // ---------------------------------------------------------------- the parent link

  void connect_parent() {
    try {
      open_parent_link();
    } catch (const zmq::error_t& e) {
      log::error("sync", std::string("cannot open the link to the parent: ") + e.what());
      drop_parent();
    }
  }

  void open_parent_link() {
    parent->ready = false;
    parent->in = Inbound{};
    // What the parent acknowledged stays acknowledged (it is durable there):
    // the backlog while it is out of reach counts only what it lacks.
    const std::int64_t acked = parent->out.acked;
    parent->out = Outbound{acked, acked, {}, false};
    dealer.emplace(context, zmq::socket_type::dealer);
    dealer->set(zmq::sockopt::linger, 0);
    dealer->set(zmq::sockopt::maxmsgsize, static_cast<std::int64_t>(kMaxFrameBytes));
    dealer->set(zmq::sockopt::reconnect_ivl, static_cast<int>(options.backoff_min.count()));
    dealer->set(zmq::sockopt::reconnect_ivl_max, static_cast<int>(options.backoff_max.count()));
    auto server = crypto::curve_public_key_of(options.parent->key);
    if (!server.ok()) {
      log::error("sync", "the parent's key has no CurveZMQ form: " + server.status().message());
      return;
    }
    set_key(*dealer, ZMQ_CURVE_SERVERKEY, server->data());
    const auto pub = key.curve_public_key();
    const auto secret = key.curve_secret_key();
    set_key(*dealer, ZMQ_CURVE_PUBLICKEY, pub.data());
    set_key(*dealer, ZMQ_CURVE_SECRETKEY, secret.data());
    try {
      dealer->connect(options.parent->endpoint);
    } catch (const zmq::error_t& e) {
      log::error("sync", "cannot connect to " + options.parent->endpoint + ": " + e.what());
      dealer.reset();
      return;
    }
    auto checkpoint = load_checkpoint(reader, parent->id.str());
    if (!checkpoint.ok()) {
      log::error("sync", "cannot read the parent's checkpoint: " + checkpoint.status().message());
      return;
    }
    parent->in = Inbound{checkpoint->epoch, checkpoint->position, checkpoint->position};
    Hello hello = own_hello(false);
    hello.resume_epoch = checkpoint->epoch;
    hello.resume_after = checkpoint->position;
    auto counts = count_log(reader);
    if (counts.ok()) hello.log_head = counts->last_local_seq;
    const Bytes frame = encode_link_message(hello);
    dealer->send(zmq::buffer(frame), zmq::send_flags::dontwait);
    parent->last_heard = Steady::now();  // the dead timer starts now
    parent->last_sent = Steady::now();
  }

  // Closes the parent link and retries after a capped exponential backoff with jitter.
  void drop_parent(milliseconds at_least = milliseconds(0)) {
    dealer.reset();
    if (!parent) return;
    parent->ready = false;
    backoff = std::clamp(backoff * 2, options.backoff_min, options.backoff_max);
    backoff = std::max(backoff, at_least);
    std::uniform_real_distribution<double> jitter(0.5, 1.5);
    parent_retry_at =
        Steady::now() +
        milliseconds(static_cast<std::int64_t>(static_cast<double>(backoff.count()) * jitter(rng)));
  }

  // ---------------------------------------------------------------- timers

  void on_timers() {
    const auto now = Steady::now();
    if (parent) {
      if (!dealer && now >= parent_retry_at) {
        connect_parent();
      } else if (dealer && now - parent->last_heard > options.dead_after) {
        log::warn("sync", "no word from the parent " + parent->id.str() + " for " +
                              std::to_string(options.dead_after.count()) + " ms; reconnecting");
        drop_parent();
      } else if (dealer && parent->ready && now - parent->last_sent > options.heartbeat) {
        send(*parent, Heartbeat{clock()});
      }
    }
    if (now >= next_enrolment_check) {
      next_enrolment_check = now + kEnrolmentCheckEvery;
      check_enrolments();
    }
    for (auto it = children.begin(); it != children.end();) {
      Peer& child = it->second;
      if (now - child.last_heard > options.dead_after) {
        log::warn("sync", "no word from the child " + it->first + "; link down");
        it = children.erase(it);
        continue;
      }
      if (child.ready && now - child.last_sent > options.heartbeat) {
        send(child, Heartbeat{clock()});
      }
      ++it;
    }
    if (now >= next_status) {
      next_status = now + options.status_every;
      report_status();
    }
    bool progressed = false;
    {
      std::lock_guard lock(mu);
      progressed = !blobs_progressed.empty();
    }
    if (progressed || now >= next_blob_round) {
      next_blob_round = now + milliseconds(500);
      request_blobs();
    }
  }

  // A child whose key was revoked (yimen key revoke) loses its link at once: ZAP refuses new
  // connections, and this ends the one already up.
  void check_enrolments() {
    for (auto it = children.begin(); it != children.end();) {
      const auto enrolled = children_of(it->second.link_key);
      if (enrolled && *enrolled == it->second.id) {
        ++it;
        continue;
      }
      ++refused_count;
      log::warn("sync", "the key of the child " + it->first +
                            " is no longer enrolled (revoked); its link is refused");
      // What it lacks goes first, the revocation among it, so that a node
      // whose key was revoked while it ran learns it and signs nothing more.
      if (it->second.ready) {
        it->second.out.caught_up = false;
        fill(it->second);
      }
      send_to_child_rid(it->second.routing_id, Refused{std::string(kNotEnrolledKey)});
      it = children.erase(it);
    }
  }

  // This node's own status row, and (to the parent) the rows of its subtree.
  void report_status() {
    auto counts = count_log(reader);
    if (!counts.ok()) return;
    log_head = counts->last_local_seq;
    NodeStatus self;
    self.node = options.self.str();
    self.reported_at_ms = clock();
    self.software = options.software;
    self.quarantined = counts->quarantined;
    self.pending = counts->pending;
    self.forks = counts->forks;
    self.refused = refused_count;
    self.conflicts = conflict_count;
    std::optional<Checkpoint> acknowledged;
    if (parent) {
      self.link_up = parent->ready;
      self.last_contact_ms = parent->last_contact_ms;
      parent_backlog = count_parent_backlog(counts->last_local_seq);
      self.backlog = parent_backlog;
      self.clock_offset_ms = parent->clock_offset_ms;
      const Checkpoint now_acked{options.log_epoch, parent->out.acked};
      if (now_acked.position != acknowledged_saved.position ||
          now_acked.epoch != acknowledged_saved.epoch) {
        acknowledged = acknowledged_saved = now_acked;
      }
    }
    const std::int64_t now = clock();
    writer.post(
        [this, self, now, acknowledged,
         parent_id = parent ? parent->id.str() : std::string()]() -> Status {
          YIMEN_TRY(save_status(write_db, {self}, now));
          if (acknowledged) YIMEN_TRY(save_acknowledged(write_db, parent_id, *acknowledged));
          return {};
        },
        [](const Status& s) {
          if (!s.ok()) log::warn("sync", "cannot store this node's status: " + s.message());
        });
    if (parent && parent->ready) {
      StatusReport report{{self}};
      auto stored = load_status(reader);
      if (stored.ok()) {
        for (auto& s : *stored) {
          auto code = RegionCode::parse(s.status.node);
          if (code.ok() && *code != options.self && options.self.contains(*code)) {
            report.nodes.push_back(std::move(s.status));
          }
        }
      }
      send(*parent, report);
    }
  }

  // The events of this log the parent does not hold yet. While the link is
  // up, the positions it has not acknowledged; while it is down, the events
  // after those that go up (the ones that came from above never do).
  std::int64_t count_parent_backlog(std::int64_t head) {
    const std::int64_t acked = parent->out.acked;
    if (parent->ready) {
      down_backlog = DownBacklog{};
      return std::max<std::int64_t>(0, head - acked);
    }
    if (down_backlog.acked != acked) {
      auto counted = count_upward(reader, options.self, acked, kBacklogScanLimit);
      if (!counted.ok()) {
        log::warn("sync", "cannot count the backlog: " + counted.status().message());
        return std::max<std::int64_t>(0, head - acked);
      }
      down_backlog = DownBacklog{acked, counted->looked_through, counted->upward};
    }
    return down_backlog.upward + std::max<std::int64_t>(0, head - down_backlog.looked_through);
  }

  void publish_views() {
    std::vector<LinkView> v;
    auto view_of = [&](const Peer& p) {
      return LinkView{p.id,
                      p.parent,
                      p.ready,
                      p.last_contact_ms,
                      p.parent ? parent_backlog : std::max<std::int64_t>(0, log_head - p.out.acked),
                      p.clock_offset_ms,
                      p.software};
    };
    if (parent) v.push_back(view_of(*parent));
    for (const auto& [_, c] : children) v.push_back(view_of(c));
    std::lock_guard lock(mu);
    views = std::move(v);
  }
};

SyncService::SyncService(SyncOptions options, const crypto::NodeKey& key, storage::Writer& writer,
                         storage::Database& write_db, EventLog& log, storage::Database reader,
                         ChildLookup children, Recovered recovered, WallClock clock)
    : loop_(std::make_unique<Loop>(std::move(options), key, writer, write_db, log,
                                   std::move(reader), std::move(children), std::move(recovered),
                                   std::move(clock))) {}

SyncService::~SyncService() { stop(); }

Status SyncService::start() { return loop_->start(); }
void SyncService::stop() { loop_->stop(); }
void SyncService::log_advanced() { loop_->wake(); }

std::vector<LinkView> SyncService::links() const {
  std::lock_guard lock(loop_->mu);
  return loop_->views;
}
std::int64_t SyncService::refused() const { return loop_->refused_count; }
std::int64_t SyncService::conflicts() const { return loop_->conflict_count; }
bool SyncService::recovering() const { return loop_->recovering; }

}  // namespace yimen::sync
