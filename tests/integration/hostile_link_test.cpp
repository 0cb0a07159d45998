// Hostile traffic against a running parent (issue: sync): the test speaks the
// link protocol itself over ZeroMQ on 127.0.0.1, as an enrolled child whose
// key it holds, or as a stranger. Each bad input is refused or a no-op and
// counted in the parent's status; valid traffic on the same link still works.

#include <capnp/dynamic.h>
#include <capnp/message.h>
#include <capnp/schema.h>
#include <capnp/serialize.h>
#include <gtest/gtest.h>

#include <cstring>
#include <fstream>

#include <zmq.hpp>

#include "crypto/crypto.h"
#include "node/hall/catalogue_codec.h"
#include "node/hall/catalogue_file.h"
#include "node/node_directory.h"
#include "support/damaged_body.h"
#include "support/node_process.h"
#include "support/process.h"
#include "support/test_city.h"
#include "support/test_dir.h"
#include "sync/event.h"
#include "sync/link_message.h"
#include "sync/link_store.h"
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
  // The next message of kind T within `limit`, skipping the others
  // (heartbeats, the parent's own batches); nullopt when none comes.
  template <typename T>
  std::optional<T> expect(std::chrono::milliseconds limit = std::chrono::seconds(10)) {
    const auto until = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < until) {
      auto m = receive(until);
      if (!m) return std::nullopt;
      if (auto* t = std::get_if<T>(&*m)) return *t;
    }
    return std::nullopt;
  }

  // The next message but heartbeats before `until`; nullopt when none comes.
  std::optional<sync::LinkMessage> receive(
      std::chrono::steady_clock::time_point until = std::chrono::steady_clock::now() +
                                                    std::chrono::seconds(10)) {
    for (;;) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          until - std::chrono::steady_clock::now());
      if (left.count() <= 0) return std::nullopt;
      zmq::pollitem_t item{socket_.handle(), 0, ZMQ_POLLIN, 0};
      zmq::poll(&item, 1, left);
      if (!(item.revents & ZMQ_POLLIN)) continue;
      zmq::message_t m;
      if (!socket_.recv(m, zmq::recv_flags::dontwait)) continue;
      auto decoded =
          sync::decode_link_message(ByteView(static_cast<const std::uint8_t*>(m.data()), m.size()));
      if (!decoded.ok()) return std::nullopt;
      if (std::holds_alternative<sync::Heartbeat>(*decoded)) continue;
      return *decoded;
    }
  }

 private:
  zmq::context_t context_;
  zmq::socket_t socket_;
};

sync::Hello hello_as(const std::string& node, std::uint32_t version = sync::kProtocolVersion,
                     Bytes epoch = Bytes(16, 7), std::int64_t log_head = 0) {
  sync::Hello h;
  h.protocol_version = version;
  h.node = node;
  h.software = "hostile test";
  h.log_epoch = std::move(epoch);
  h.wall_ms = 1793500800000;
  h.log_head = log_head;
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
  link.send(hello_as(kCounty, sync::kProtocolVersion, Bytes(16, 7), 2));
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
  ASSERT_TRUE(city_->alive());
  RawLink again(endpoint(), *county_key_, city_key_);
  again.send(hello_as(kCounty));
  EXPECT_TRUE(again.expect<sync::Hello>().has_value());
}

// ---- a stolen key cannot silence the real node -------------------------------

// What a copy of a node's data directory shows of its log: its epoch and head.
struct CopiedLog {
  Bytes epoch;
  std::int64_t head = 0;
};

CopiedLog copy_of_log(const std::filesystem::path& dir) {
  auto node = node::open_node(dir);
  EXPECT_TRUE(node.ok()) << node.status().message();
  if (!node.ok()) return {};
  auto counts = sync::count_log(node->db);
  return {node->identity.log_epoch, counts.ok() ? counts->last_local_seq : 0};
}

constexpr std::int64_t kFarPosition = std::int64_t{1} << 62;

TEST_F(HostileLinkTest, AStolenKeyCannotPoisonTheChildsCheckpoint) {
  ASSERT_EQ(run_yimen({"user", "add", "--data", (dir_ / "county").string(), "--role", "admin",
                       "--login", "boss", "--display", "boss"},
                      {}, "correct horse battery 9\n")
                .exit_code,
            0);
  const CopiedLog copy = copy_of_log(dir_ / "county");
  {
    // A copy of the county's directory and key, while the county is offline.
    RawLink rogue(endpoint(), *county_key_, city_key_);
    rogue.send(hello_as(kCounty, sync::kProtocolVersion, copy.epoch, copy.head));
    auto welcome = rogue.expect<sync::Hello>();
    ASSERT_TRUE(welcome.has_value());
    // A batch claiming positions far beyond the head it announced: dropped, not acknowledged.
    rogue.send(sync::Batch{copy.epoch, welcome->resume_after, kFarPosition, {}});
    EXPECT_FALSE(rogue.expect<sync::Ack>(std::chrono::seconds(3)).has_value());
    EXPECT_TRUE(eventually([&] { return json_number(status_json(dir_ / "city"), "refused") >= 1; }))
        << city_->log();
    // Announcing such a head too moves the checkpoint there...
    rogue.send(hello_as(kCounty, sync::kProtocolVersion, copy.epoch, kFarPosition));
    ASSERT_TRUE(rogue.expect<sync::Hello>().has_value());
    rogue.send(sync::Batch{copy.epoch, welcome->resume_after, kFarPosition, {}});
    auto ack = rogue.expect<sync::Ack>();
    ASSERT_TRUE(ack.has_value());
    EXPECT_EQ(ack->through, kFarPosition);
  }
  // ...but the real county's hello shows it up: its log is taken again from the
  // start, and what it publishes reaches the city.
  NodeProcess county(dir_ / "county");
  ASSERT_TRUE(county.start()) << county.log();
  const auto imported =
      run_yimen({"catalogue", "import", "--data", (dir_ / "county").string(), "--as", "boss",
                 std::string(YIMEN_SOURCE_DIR) + "/config/catalogue.example.toml"});
  ASSERT_EQ(imported.exit_code, 0) << imported.err;
  EXPECT_TRUE(eventually([&] {
    return run_yimen({"catalogue", "list", "--data", (dir_ / "city").string()})
               .out.find("JF-00105-000-441802000000") != std::string::npos;
  })) << city_->log()
      << county.log();
  EXPECT_NE(city_->log().find("is beyond the head"), std::string::npos) << city_->log();
  EXPECT_TRUE(eventually([&] {
    const auto json = status_json(dir_ / "city");
    return json_number(json.substr(json.find("\"nodes\"")), "conflicts") >= 1;
  })) << status_json(dir_ / "city");
  EXPECT_TRUE(city_->alive());
}

TEST_F(HostileLinkTest, ASecondLinkCannotTakeOverALiveChild) {
  ASSERT_EQ(run_yimen({"user", "add", "--data", (dir_ / "county").string(), "--role", "admin",
                       "--login", "boss", "--display", "boss"},
                      {}, "correct horse battery 9\n")
                .exit_code,
            0);
  NodeProcess county(dir_ / "county");
  ASSERT_TRUE(county.start()) << county.log();
  ASSERT_TRUE(eventually([&] {
    return status_json(dir_ / "county").find("\"node\":\"441802000000\",\"link_up\":true") !=
           std::string::npos;
  })) << county.log();

  // Someone else holding the county's key says hello as the county, with a log of its own.
  RawLink rogue(endpoint(), *county_key_, city_key_);
  rogue.send(hello_as(kCounty, sync::kProtocolVersion, Bytes(16, 9), 0));
  auto refused = rogue.expect<sync::Refused>();
  ASSERT_TRUE(refused.has_value()) << city_->log();
  EXPECT_EQ(refused->reason, "441802000000 is linked already on another connection");
  // Its batches are not taken either.
  rogue.send(sync::Batch{Bytes(16, 9), 0, 1, {county_item_event(1, {})}});
  EXPECT_FALSE(rogue.expect<sync::Ack>(std::chrono::seconds(3)).has_value());

  // The real county goes on: what it publishes now reaches the city.
  const auto imported =
      run_yimen({"catalogue", "import", "--data", (dir_ / "county").string(), "--as", "boss",
                 std::string(YIMEN_SOURCE_DIR) + "/config/catalogue.example.toml"});
  ASSERT_EQ(imported.exit_code, 0) << imported.err;
  EXPECT_TRUE(eventually([&] {
    return run_yimen({"catalogue", "list", "--data", (dir_ / "city").string()})
               .out.find("JF-00105-000-441802000000") != std::string::npos;
  })) << city_->log()
      << county.log();
  // Loud at the parent: in its log and in its status.
  EXPECT_NE(city_->log().find("a second connection says it is 441802000000"), std::string::npos);
  EXPECT_TRUE(eventually([&] {
    const auto json = status_json(dir_ / "city");
    return json_number(json.substr(json.find("\"nodes\"")), "conflicts") >= 1;
  })) << status_json(dir_ / "city");
}

// ---- refused connections are counted, and logged without flooding ------------

std::size_t occurrences(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

TEST_F(HostileLinkTest, NullAndPlainClientsAreRefusedAndCounted) {
  zmq::context_t context;
  zmq::socket_t null_client(context, zmq::socket_type::dealer);
  null_client.set(zmq::sockopt::linger, 0);
  null_client.connect(endpoint());
  null_client.send(zmq::str_buffer("hello"), zmq::send_flags::dontwait);
  zmq::socket_t plain_client(context, zmq::socket_type::dealer);
  plain_client.set(zmq::sockopt::linger, 0);
  plain_client.set(zmq::sockopt::plain_username, "admin");
  plain_client.set(zmq::sockopt::plain_password, "admin");
  plain_client.connect(endpoint());
  plain_client.send(zmq::str_buffer("hello"), zmq::send_flags::dontwait);
  EXPECT_TRUE(eventually([&] { return json_number(status_json(dir_ / "city"), "refused") >= 2; }))
      << status_json(dir_ / "city") << city_->log();
  EXPECT_NE(city_->log().find("refused a connection that failed the CURVE handshake"),
            std::string::npos)
      << city_->log();
  EXPECT_TRUE(city_->alive());
}

TEST_F(HostileLinkTest, ManyRefusalsAreCountedButLoggedAFewTimes) {
  for (int i = 0; i < 20; ++i) {
    const auto stranger = crypto::NodeKey::generate();
    RawLink link(endpoint(), stranger, city_key_);
    link.send(hello_as(kCounty));
    EXPECT_FALSE(link.receive(std::chrono::steady_clock::now() + std::chrono::milliseconds(200))
                     .has_value());
  }
  EXPECT_TRUE(eventually([&] { return json_number(status_json(dir_ / "city"), "refused") >= 20; }))
      << status_json(dir_ / "city");
  const auto lines = occurrences(city_->log(), "is not an enrolled child's");
  EXPECT_GE(lines, 1u);
  EXPECT_LE(lines, 5u) << city_->log();
}

// ---- a validly signed event with a malformed body ------------------------------

constexpr const char* kTown = "441802001000";

// Signs `event_bytes` (an Event message) as `key` into an envelope.
Bytes envelope_of(const Bytes& event_bytes, const crypto::NodeKey& key) {
  const auto signature = key.sign(crypto::kEventDomain, event_bytes);
  capnp::MallocMessageBuilder message;
  auto envelope = message.initRoot<schema::Envelope>();
  envelope.setEvent(kj::arrayPtr(event_bytes.data(), event_bytes.size()));
  envelope.setSignerKey(kj::arrayPtr(key.public_key().data(), key.public_key().size()));
  envelope.setSignature(kj::arrayPtr(signature.data(), signature.size()));
  const auto words = capnp::messageToFlatArray(message);
  return Bytes(words.asBytes().begin(), words.asBytes().end());
}

Bytes event_bytes_of(const Bytes& envelope) {
  std::vector<capnp::word> words(envelope.size() / sizeof(capnp::word));
  std::memcpy(words.data(), envelope.data(), envelope.size());
  capnp::FlatArrayMessageReader reader(kj::arrayPtr(words.data(), words.size()));
  const auto event = reader.getRoot<schema::Envelope>().getEvent();
  return Bytes(event.begin(), event.end());
}

// A hybrid logical clock reading of now, distinct for each seq.
std::uint64_t hlc_now(std::uint64_t seq) {
  const auto now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count();
  return (static_cast<std::uint64_t>(now_ms) << 16) + seq;
}

// An event of the town whose body is the union member `member` with its
// pointer damaged: text where the member's struct should be. Validly signed.
Bytes damaged_event(const capnp::StructSchema::Field& member, std::uint64_t seq, ByteView prev,
                    const crypto::NodeKey& key) {
  capnp::MallocMessageBuilder message;
  auto event = message.initRoot<schema::Event>();
  event.setOrigin(kTown);
  event.setSeq(seq);
  event.setPrev(kj::arrayPtr(prev.data(), prev.size()));
  event.setHlc(hlc_now(seq));
  event.setAuthor("officer");
  event.initAudience(1)[0].setRegion(kCity);
  damage_body(event.initBody(), member);
  const auto words = capnp::messageToFlatArray(message);
  return envelope_of(Bytes(words.asBytes().begin(), words.asBytes().end()), key);
}

// A valid itemPublished event of the town: version `seq` of one item.
Bytes town_item_event(std::uint64_t seq, ByteView prev, const crypto::NodeKey& key) {
  auto items =
      hall::load_catalogue_file(std::string(YIMEN_SOURCE_DIR) + "/config/catalogue.example.toml")
          .value();
  hall::ServiceItem item = items.front();
  item.code.region = kTown;
  item.handling_level = RegionLevel::kTown;
  item.version = static_cast<int>(seq);
  sync::EventDraft draft{
      "officer",
      {{sync::AudienceEntry::Kind::kRegion, RegionCode::parse(kCity).value()}},
      [&](schema::Body::Builder b) { hall::write_service_item(item, b.initItemPublished()); }};
  return sync::sign_event(draft, RegionCode::parse(kTown).value(), seq, prev, hlc_now(seq), key);
}

std::string endpoint_of(const std::filesystem::path& node_dir) {
  const std::string text = read_file(node_dir / "node.toml");
  const auto at = text.find("\nlisten = \"");
  if (at == std::string::npos) return {};
  const auto from = at + 11;
  return text.substr(from, text.find('"', from) - from);
}

TEST(HostileBodies, ADamagedBodyOfEveryTypeIsQuarantinedAndTheRestApplied) {
  TestCity city;
  city.add("city", kCity, "");
  city.add("county", kCounty, "city");
  city.add("town", kTown, "county");
  city.start("city");
  city.start("county");
  const auto town_key = crypto::NodeKey::load(city.dir("town") / "node.key").value();
  const auto county_key = crypto::NodeKey::load(city.dir("county") / "node.key").value();
  RawLink link(endpoint_of(city.dir("county")), town_key, county_key.public_key());
  link.send(hello_as(kTown));
  ASSERT_TRUE(link.expect<sync::Hello>().has_value()) << city.logs();

  // Valid versions of an item, and between each two a damaged event of one
  // body type at the same seq: quarantined, it leaves the seq to the valid one.
  const auto members = capnp::Schema::from<schema::Body>().getUnionFields();
  std::vector<Bytes> events = {town_item_event(1, {}, town_key)};
  crypto::Digest prev = crypto::blake2b_256(event_bytes_of(events.back()));
  std::uint64_t seq = 1;
  for (const auto member : members) {
    ++seq;
    events.push_back(damaged_event(member, seq, prev, town_key));
    events.push_back(town_item_event(seq, prev, town_key));
    prev = crypto::blake2b_256(event_bytes_of(events.back()));
  }
  const auto positions = static_cast<std::int64_t>(events.size());
  link.send(sync::Batch{Bytes(16, 7), 0, positions, events});
  auto ack = link.expect<sync::Ack>(std::chrono::seconds(30));
  ASSERT_TRUE(ack.has_value()) << city.logs();
  EXPECT_EQ(ack->through, positions);

  // The county quarantined every damaged event and applied every valid one;
  // the newest version went on to the city. (The test's end of the link says
  // it is alive meanwhile, as a child does.)
  const auto alive = [&] { link.send(sync::Heartbeat{1793500800000}); };
  EXPECT_TRUE(eventually([&] {
    alive();
    return json_number(status_json(city.dir("county")), "quarantined") ==
           static_cast<std::int64_t>(members.size());
  })) << status_json(city.dir("county"))
      << city.logs();
  EXPECT_TRUE(eventually([&] {
    alive();
    const std::string list = city.catalogue("city");
    return list.find("JF-00105-000-441802001000 v" + std::to_string(seq) + " ") !=
           std::string::npos;
  })) << city.catalogue("city")
      << city.logs();
  EXPECT_TRUE(city.process("county").alive());
  EXPECT_TRUE(city.process("city").alive());

  // The link is still up: the next event is taken at once.
  alive();
  const Bytes next = town_item_event(seq + 1, prev, town_key);
  link.send(sync::Batch{Bytes(16, 7), positions, positions + 1, {next}});
  ack = link.expect<sync::Ack>();
  ASSERT_TRUE(ack.has_value()) << city.logs();
  EXPECT_EQ(ack->through, positions + 1);
}

}  // namespace
}  // namespace yimen::testing
