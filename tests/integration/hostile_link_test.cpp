// Hostile traffic against a running parent (issue: sync): the test speaks the
// link protocol itself over ZeroMQ on 127.0.0.1, as an enrolled child whose
// key it holds, or as a stranger. Each bad input is refused or a no-op and
// counted in the parent's status; valid traffic on the same link still works.

#include <gtest/gtest.h>

#include <fstream>

#include <zmq.hpp>

#include "crypto/crypto.h"
#include "node/hall/catalogue_codec.h"
#include "node/hall/catalogue_file.h"
#include "support/node_process.h"
#include "support/process.h"
#include "support/test_dir.h"
#include "sync/event.h"
#include "sync/link_message.h"
#include "sync/schema/event.capnp.h"

namespace yimen::testing {
namespace {

constexpr const char* kCity = "441800000000";
constexpr const char* kCounty = "441802000000";

std::string trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

// A child's end of a link: a CURVE DEALER with the given key.
class RawLink {
 public:
  RawLink(const std::string& endpoint, const crypto::NodeKey& key,
          const crypto::PublicKey& server_ed25519)
      : socket_(context_, zmq::socket_type::dealer) {
    socket_.set(zmq::sockopt::linger, 0);
    socket_.set(zmq::sockopt::rcvtimeo, 3000);
    const auto server = crypto::curve_public_key_of(server_ed25519).value();
    const auto pub = key.curve_public_key();
    const auto secret = key.curve_secret_key();
    zmq_setsockopt(socket_.handle(), ZMQ_CURVE_SERVERKEY, server.data(), 32);
    zmq_setsockopt(socket_.handle(), ZMQ_CURVE_PUBLICKEY, pub.data(), 32);
    zmq_setsockopt(socket_.handle(), ZMQ_CURVE_SECRETKEY, secret.data(), 32);
    socket_.connect(endpoint);
  }
  void send_bytes(const Bytes& frame) { socket_.send(zmq::buffer(frame), zmq::send_flags::none); }
  void send(const sync::LinkMessage& m) { send_bytes(sync::encode_link_message(m)); }
  // The next message of kind T, skipping the others (heartbeats, the
  // parent's own batches); nullopt on timeout.
  template <typename T>
  std::optional<T> expect() {
    for (int i = 0; i < 20; ++i) {
      auto m = receive();
      if (!m) return std::nullopt;
      if (auto* t = std::get_if<T>(&*m)) return *t;
    }
    return std::nullopt;
  }

  // The next message, skipping heartbeats; nullopt on timeout.
  std::optional<sync::LinkMessage> receive() {
    for (int i = 0; i < 20; ++i) {
      zmq::message_t m;
      if (!socket_.recv(m, zmq::recv_flags::none)) return std::nullopt;
      auto decoded =
          sync::decode_link_message(ByteView(static_cast<const std::uint8_t*>(m.data()), m.size()));
      if (!decoded.ok()) return std::nullopt;
      if (std::holds_alternative<sync::Heartbeat>(*decoded)) continue;
      return *decoded;
    }
    return std::nullopt;
  }

 private:
  zmq::context_t context_;
  zmq::socket_t socket_;
};

sync::Hello hello_as(const std::string& node, std::uint32_t version = sync::kProtocolVersion) {
  sync::Hello h;
  h.protocol_version = version;
  h.node = node;
  h.software = "hostile test";
  h.log_epoch = Bytes(16, 7);
  h.wall_ms = 1793500800000;
  return h;
}

// The parent's status row for itself, as JSON text.
std::string status_json(const std::filesystem::path& dir) {
  return run_yimen({"status", "--data", dir.string(), "--json"}).out;
}

std::int64_t json_number(const std::string& json, const std::string& key) {
  const auto at = json.find("\"" + key + "\":");
  if (at == std::string::npos) return -1;
  return std::stoll(json.substr(at + key.size() + 3));
}

class HostileLinkTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(run_yimen({"init", "--data", (dir_ / "city").string(), "--id", kCity, "--name",
                         "city", "--root"})
                  .exit_code,
              0);
    ASSERT_EQ(run_yimen({"init", "--data", (dir_ / "county").string(), "--id", kCounty, "--name",
                         "county"})
                  .exit_code,
              0);
    port_ = free_port();
    const auto toml = dir_ / "city" / "node.toml";
    std::string text = read_file(toml);
    const auto at = text.find("# listen = ");
    text.replace(at, text.find('\n', at) - at,
                 "listen = \"tcp://127.0.0.1:" + std::to_string(port_) + "\"");
    std::ofstream(toml, std::ios::binary | std::ios::trunc) << text;
    const auto request = run_yimen({"enrol", "request", "--data", (dir_ / "county").string()});
    const auto cert =
        run_yimen({"enrol", "approve", "--data", (dir_ / "city").string(), trim(request.out)});
    ASSERT_EQ(cert.exit_code, 0) << cert.err;
    ASSERT_EQ(run_yimen({"enrol", "install", "--data", (dir_ / "county").string(), trim(cert.out)})
                  .exit_code,
              0);
    county_key_ = crypto::NodeKey::load(dir_ / "county" / "node.key").value();
    city_key_ = crypto::NodeKey::load(dir_ / "city" / "node.key").value().public_key();
    city_ = std::make_unique<NodeProcess>(dir_ / "city");
    ASSERT_TRUE(city_->start()) << city_->log();
  }

  std::string endpoint() const { return "tcp://127.0.0.1:" + std::to_string(port_); }

  // A signed itemPublished event of the county, seq `seq`.
  Bytes county_item_event(std::uint64_t seq, ByteView prev) {
    auto items =
        hall::load_catalogue_file(std::string(YIMEN_SOURCE_DIR) + "/config/catalogue.example.toml")
            .value();
    hall::ServiceItem item = items.front();
    item.version = static_cast<int>(seq);
    sync::EventDraft draft{
        "officer",
        {{sync::AudienceEntry::Kind::kRegion, RegionCode::parse(kCity).value()}},
        [&](schema::Body::Builder b) { hall::write_service_item(item, b.initItemPublished()); }};
    const auto now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                            std::chrono::system_clock::now().time_since_epoch())
                            .count();
    return sync::sign_event(
        draft, RegionCode::parse(kCounty).value(), seq, prev,
        static_cast<std::uint64_t>(now_ms + static_cast<std::int64_t>(seq)) << 16, *county_key_);
  }

  TestDir dir_;
  int port_ = 0;
  std::optional<crypto::NodeKey> county_key_;
  crypto::PublicKey city_key_{};
  std::unique_ptr<NodeProcess> city_;
};

TEST_F(HostileLinkTest, AStrangersCurveKeyIsRefusedAndCounted) {
  const auto stranger = crypto::NodeKey::generate();
  RawLink link(endpoint(), stranger, city_key_);
  link.send(hello_as(kCounty));
  EXPECT_FALSE(link.receive().has_value()) << "a stranger got an answer";
  EXPECT_TRUE(eventually([&] { return json_number(status_json(dir_ / "city"), "refused") >= 1; }))
      << status_json(dir_ / "city") << city_->log();
  EXPECT_NE(city_->log().find("is not an enrolled child's"), std::string::npos);
}

TEST_F(HostileLinkTest, AWrongProtocolVersionIsRefusedWithAClearReason) {
  RawLink link(endpoint(), *county_key_, city_key_);
  link.send(hello_as(kCounty, 99));
  auto reply = link.expect<sync::Refused>();
  ASSERT_TRUE(reply.has_value());
  EXPECT_EQ(reply->reason,
            "protocol version 99 is not this node's version 1; upgrade the older node");
  EXPECT_NE(city_->log().find("protocol version 99"), std::string::npos);
}

TEST_F(HostileLinkTest, AHelloInAnotherNodesNameIsRefused) {
  RawLink link(endpoint(), *county_key_, city_key_);
  link.send(hello_as("441803000000"));
  auto reply = link.expect<sync::Refused>();
  ASSERT_TRUE(reply.has_value());
  EXPECT_EQ(reply->reason,
            "hello names 441803000000 but the link is authenticated as 441802000000");
}

TEST_F(HostileLinkTest, BadFramesForgedAndReplayedEventsLeaveValidTrafficWorking) {
  RawLink link(endpoint(), *county_key_, city_key_);
  // A truncated frame and a garbage frame first: ignored, counted.
  link.send_bytes(Bytes{1, 2, 3, 4, 5, 6, 7});
  link.send_bytes(Bytes(64, 0xff));
  link.send(hello_as(kCounty));
  auto welcome = link.expect<sync::Hello>();
  ASSERT_TRUE(welcome.has_value());
  EXPECT_TRUE(welcome->welcome);

  // A batch with a valid event and one whose signature is forged.
  const Bytes valid = county_item_event(1, {});
  Bytes forged = county_item_event(2, crypto::blake2b_256(valid));
  forged[forged.size() - 10] ^= 0x01;  // inside the signature, the envelope's last 64 bytes
  sync::Batch batch{Bytes(16, 7), 0, 2, {valid, forged}};
  link.send(batch);
  auto ack = link.expect<sync::Ack>();
  ASSERT_TRUE(ack.has_value());
  EXPECT_EQ(ack->through, 2);

  // The valid event is held and applied: the item is in the city's catalogue.
  EXPECT_TRUE(eventually([&] {
    return run_yimen({"catalogue", "list", "--data", (dir_ / "city").string()})
               .out.find("JF-00105-000-441802000000") != std::string::npos;
  }));
  // The forged one is quarantined, the frames are counted as refused.
  EXPECT_TRUE(eventually([&] {
    const auto json = status_json(dir_ / "city");
    return json_number(json, "quarantined") == 1 && json_number(json, "refused") >= 2;
  })) << status_json(dir_ / "city");
  const auto events_before = json_number(status_json(dir_ / "city"), "events");

  // The same batch again, after a reconnect: acknowledged, nothing added.
  link.send(hello_as(kCounty));
  welcome = link.expect<sync::Hello>();
  ASSERT_TRUE(welcome.has_value());
  EXPECT_EQ(welcome->resume_after, 2);
  link.send(batch);
  ack = link.expect<sync::Ack>();
  ASSERT_TRUE(ack.has_value());
  EXPECT_EQ(ack->through, 2);
  EXPECT_EQ(json_number(status_json(dir_ / "city"), "events"), events_before);
  EXPECT_EQ(json_number(status_json(dir_ / "city"), "quarantined"), 1);
}

TEST_F(HostileLinkTest, AnOversizedFrameDropsOnlyThatConnection) {
  {
    // ZeroMQ drops the connection that sends it (ZMQ_MAXMSGSIZE); nothing is read.
    RawLink link(endpoint(), *county_key_, city_key_);
    link.send_bytes(Bytes(sync::kMaxFrameBytes + 4096, 0));
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
  }
  ASSERT_TRUE(city_->running());
  RawLink again(endpoint(), *county_key_, city_key_);
  again.send(hello_as(kCounty));
  EXPECT_TRUE(again.expect<sync::Hello>().has_value());
}

}  // namespace
}  // namespace yimen::testing
