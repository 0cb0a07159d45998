#include "config/node_config.h"

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

namespace yimen::config {
namespace {

constexpr const char* kValid = R"(
[node]
id = "441802001001"
name = "示范村党群服务中心"

[storage]
busy_timeout_ms = 2000

[sync]
parent = "tcp://127.0.0.1:7403"
)";

std::string error_of(const std::string& text) {
  auto r = parse_node_config(text, "node.toml");
  EXPECT_FALSE(r.ok());
  return r.status().message();
}

TEST(NodeConfig, ParsesAValidFile) {
  auto c = parse_node_config(kValid, "node.toml");
  ASSERT_TRUE(c.ok()) << c.status().message();
  EXPECT_EQ(c->id.str(), "441802001001");
  EXPECT_EQ(c->name, "示范村党群服务中心");
  EXPECT_EQ(c->storage.busy_timeout_ms, 2000);
  EXPECT_FALSE(c->storage.passphrase_env.has_value());
  EXPECT_EQ(c->sync.parent, "tcp://127.0.0.1:7403");
  EXPECT_FALSE(c->sync.listen.has_value());
}

TEST(NodeConfig, MissingKey) {
  EXPECT_EQ(error_of("[node]\nid = \"441802001001\"\n"),
            "node.toml: node.name: required key is missing");
  EXPECT_EQ(error_of("[storage]\n"), "node.toml: node: required table is missing");
}

TEST(NodeConfig, WrongType) {
  EXPECT_EQ(error_of("[node]\nid = 441802001001\nname = \"x\"\n"),
            "node.toml:2: node.id: expected a string, got an integer");
  EXPECT_EQ(
      error_of("[node]\nid = \"441802001001\"\nname = \"x\"\n[storage]\nbusy_timeout_ms = \"5\"\n"),
      "node.toml:5: storage.busy_timeout_ms: expected an integer, got a string");
}

TEST(NodeConfig, UnknownKeyAndTable) {
  EXPECT_EQ(
      error_of("[node]\nid = \"441802001001\"\nname = \"x\"\n[sync]\nparnet = \"tcp://a:1\"\n"),
      "node.toml:5: sync.parnet: unknown key");
  EXPECT_EQ(error_of("[node]\nid = \"441802001001\"\nname = \"x\"\n[synk]\n"),
            "node.toml:4: synk: unknown table");
}

TEST(NodeConfig, BadRegionCode) {
  EXPECT_EQ(error_of("[node]\nid = \"44180200100\"\nname = \"x\"\n"),
            "node.toml:2: node.id: region code must be 12 digits, got 11 characters");
  EXPECT_EQ(error_of("[node]\nid = \"440000000000\"\nname = \"x\"\n"),
            "node.toml:2: node.id: region code 440000000000 names a province; a node is a city, "
            "county, town or village");
}

TEST(NodeConfig, BadEndpoint) {
  const std::string head = "[node]\nid = \"441802001001\"\nname = \"x\"\n\n[sync]\n# the parent\n";
  EXPECT_EQ(error_of(head + "parent = \"127.0.0.1:7400\"\n"),
            "node.toml:7: sync.parent: expected tcp://HOST:PORT");
  EXPECT_EQ(error_of(head + "parent = \"tcp://127.0.0.1:0\"\n"),
            "node.toml:7: sync.parent: expected tcp://HOST:PORT");
  EXPECT_EQ(error_of(head + "parent = \"tcp://*:7400\"\n"),
            "node.toml:7: sync.parent: expected tcp://HOST:PORT");
  EXPECT_EQ(error_of(head + "listen = \"tcp://127.0.0.1:99999\"\n"),
            "node.toml:7: sync.listen: expected tcp://HOST:PORT (HOST may be *)");
}

TEST(NodeConfig, OutOfRangeAndBadNames) {
  EXPECT_EQ(error_of("[node]\nid = \"441802001001\"\nname = \"\"\n"),
            "node.toml:3: node.name: expected 1 to 200 bytes of text");
  EXPECT_EQ(
      error_of("[node]\nid = \"441802001001\"\nname = \"x\"\n[storage]\nbusy_timeout_ms = 5\n"),
      "node.toml:5: storage.busy_timeout_ms: expected 100 to 600000");
  EXPECT_EQ(
      error_of(
          "[node]\nid = \"441802001001\"\nname = \"x\"\n[storage]\npassphrase_env = \"A B\"\n"),
      "node.toml:5: storage.passphrase_env: expected an environment variable name");
  EXPECT_EQ(error_of("[node]\nid = \"441802001001\"\nname = \"x\"\n[hall]\n"
                     "yellow_card_working_days = 21\n"),
            "node.toml:5: hall.yellow_card_working_days: expected 0 to 20 working days");
  EXPECT_EQ(error_of("[node]\nid = \"441802001001\"\nname = \"x\"\n[hall]\n"
                     "supply_within_days = 0\n"),
            "node.toml:5: hall.supply_within_days: expected 1 to 365 days");
}

TEST(NodeConfig, WebSection) {
  const std::string head = "[node]\nid = \"441802001001\"\nname = \"x\"\n[web]\n";
  auto none = parse_node_config(head, "node.toml");
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->web.listen.has_value());  // no web server unless asked for
  EXPECT_EQ(none->web.threads, 2);
  EXPECT_EQ(none->web.max_connections, 512);
  auto v6 = parse_node_config(head + "listen = \"[::1]:8443\"\n", "node.toml");
  ASSERT_TRUE(v6.ok()) << v6.status().message();
  EXPECT_EQ(parse_web_address(*v6->web.listen)->host, "::1");
  EXPECT_EQ(parse_web_address(*v6->web.listen)->port, 8443);
  for (const char* bad : {"localhost:80", "127.0.0.1", "127.0.0.1:0", "127.0.0.1:70000", "1.2.3:80",
                          "256.0.0.1:80", ":80", "tcp://127.0.0.1:80"}) {
    EXPECT_EQ(error_of(head + "listen = \"" + bad + "\"\n"),
              "node.toml:5: web.listen: expected HOST:PORT with an IP address, e.g. 127.0.0.1:8080")
        << bad;
  }
  EXPECT_EQ(error_of(head + "tls_certificate = \"a.crt\"\n"),
            "node.toml:5: web.tls_certificate: tls_certificate and tls_key go together");
  EXPECT_EQ(error_of(head + "threads = 0\n"), "node.toml:5: web.threads: expected 1 to 16");
  EXPECT_EQ(error_of(head + "max_connections = 15\n"),
            "node.toml:5: web.max_connections: expected 16 to 65536");
  EXPECT_EQ(parse_node_config(head + "max_connections = 2000\n", "node.toml")->web.max_connections,
            2000);
  EXPECT_EQ(error_of(head + "port = 80\n"), "node.toml:5: web.port: unknown key");
}

TEST(NodeConfig, SyntaxErrorNamesLineAndColumn) {
  const std::string msg = error_of("[node]\nid = \"441802001001\nname = \"x\"\n");
  EXPECT_EQ(msg.rfind("node.toml:2:", 0), 0u) << msg;
}

TEST(NodeConfig, EndpointsAccepted) {
  EXPECT_TRUE(is_valid_endpoint("tcp://county-hall.example:7400", false));
  EXPECT_TRUE(is_valid_endpoint("tcp://[::1]:7400", false));
  EXPECT_TRUE(is_valid_endpoint("tcp://*:7400", true));
  EXPECT_FALSE(is_valid_endpoint("tcp://-bad.example:7400", false));
  EXPECT_FALSE(is_valid_endpoint("tcp://a..b:7400", false));
  EXPECT_FALSE(is_valid_endpoint("ipc:///tmp/x", false));
}

TEST(NodeConfig, RenderReadsBackEqual) {
  auto c = parse_node_config(kValid, "node.toml").value();
  c.storage.passphrase_env = "YIMEN_DB_PASSPHRASE";
  c.sync.listen = "tcp://*:7400";
  c.name = "带\"引号\\的名字";
  c.hall.yellow_card_working_days = 3;
  c.hall.post_check_working_days = 30;
  c.hall.supply_within_days = 15;
  c.web.listen = "127.0.0.1:8080";
  c.web.tls_certificate = "web.crt";
  c.web.tls_key = "web.key";
  c.web.threads = 4;
  c.web.max_connections = 3000;
  auto back = parse_node_config(render_node_config(c).value(), "node.toml");
  ASSERT_TRUE(back.ok()) << back.status().message();
  EXPECT_EQ(back->id, c.id);
  EXPECT_EQ(back->name, c.name);
  EXPECT_EQ(back->storage.passphrase_env, c.storage.passphrase_env);
  EXPECT_EQ(back->storage.busy_timeout_ms, c.storage.busy_timeout_ms);
  EXPECT_EQ(back->sync.listen, c.sync.listen);
  EXPECT_EQ(back->sync.parent, c.sync.parent);
  EXPECT_EQ(back->hall.yellow_card_working_days, 3);
  EXPECT_EQ(back->hall.post_check_working_days, 30);
  EXPECT_EQ(back->hall.supply_within_days, 15);
  EXPECT_EQ(back->web.listen, c.web.listen);
  EXPECT_EQ(back->web.tls_certificate, c.web.tls_certificate);
  EXPECT_EQ(back->web.tls_key, c.web.tls_key);
  EXPECT_EQ(back->web.threads, 4);
  EXPECT_EQ(back->web.max_connections, 3000);
  EXPECT_FALSE(back->sync.advertise.has_value());
  EXPECT_FALSE(back->sync.endpoint_for_children().has_value());  // "*" is no address to give out
}

TEST(NodeConfig, TheAnnotatedExampleParses) {
  auto c = load_node_config(std::string(YIMEN_SOURCE_DIR) + "/config/node.example.toml");
  ASSERT_TRUE(c.ok()) << c.status().message();
  EXPECT_EQ(c->storage.busy_timeout_ms, 5000);
}

TEST(NodeConfig, MissingFile) {
  auto c = load_node_config("/nonexistent/node.toml");
  EXPECT_EQ(c.status().code(), ErrorCode::kNotFound);
  EXPECT_EQ(c.status().message(), "/nonexistent/node.toml: cannot read the node configuration");
}

// Every string field, rendered with what a person or a script might put in it,
// reads back as the same value or is refused by name — never as a node.toml
// that no longer parses (the node would not start).
TEST(NodeConfig, HostileValuesRenderToAFileThatParsesOrAreRefusedByName) {
  const std::vector<std::string> hostile = {"plain",
                                            "引号\"与\\反斜杠",
                                            "line\nbreak",
                                            "tab\there",
                                            std::string("nul\0byte", 8),
                                            "\x01\x1f\x7f",
                                            "trailing\\",
                                            "\"\"\"",
                                            "'''",
                                            "# not a comment",
                                            "]\n[node]\nid = \"x\"",
                                            "\xff\xfe",
                                            "\xed\xa0\x80",
                                            std::string(5000, 'a')};
  const auto base = parse_node_config(kValid, "node.toml").value();
  using Setter = void (*)(NodeConfig&, const std::string&);
  const std::vector<std::pair<const char*, Setter>> fields = {
      {"node.name", [](NodeConfig& c, const std::string& v) { c.name = v; }},
      {"storage.passphrase_env",
       [](NodeConfig& c, const std::string& v) { c.storage.passphrase_env = v; }},
      {"sync.listen", [](NodeConfig& c, const std::string& v) { c.sync.listen = v; }},
      {"sync.advertise", [](NodeConfig& c, const std::string& v) { c.sync.advertise = v; }},
      {"sync.parent", [](NodeConfig& c, const std::string& v) { c.sync.parent = v; }},
      {"appointments.hours", [](NodeConfig& c, const std::string& v) { c.appointments.hours = v; }},
      {"web.listen", [](NodeConfig& c, const std::string& v) { c.web.listen = v; }},
      {"web.tls_certificate",
       [](NodeConfig& c, const std::string& v) {
         c.web.tls_certificate = v;
         c.web.tls_key = "web.key";
       }},
      {"web.tls_key",
       [](NodeConfig& c, const std::string& v) {
         c.web.tls_certificate = "web.crt";
         c.web.tls_key = v;
       }},
  };
  for (const auto& [field, set] : fields) {
    for (const auto& value : hostile) {
      NodeConfig c = base;
      set(c, value);
      const auto text = render_node_config(c);
      if (text.ok()) {
        auto back = parse_node_config(*text, "node.toml");
        ASSERT_TRUE(back.ok()) << field << " = " << value << ": " << back.status().message();
        EXPECT_EQ(render_node_config(*back).value(), *text) << field << " = " << value;
        continue;
      }
      // Refused, naming the field: nothing that would not start the node is written.
      EXPECT_NE(text.status().message().find(std::string(field) + ": "), std::string::npos)
          << field << " = " << value << ": " << text.status().message();
    }
  }
}

TEST(NodeConfig, TlsFilesWithControlCharactersAreRefused) {
  EXPECT_EQ(error_of(std::string(kValid) +
                     "[web]\ntls_certificate = \"web\\u0007.crt\"\ntls_key = \"web.key\"\n"),
            "node.toml:12: web.tls_certificate: expected the path of a PEM file: 1 to 4096 bytes "
            "of text without control characters");
}

}  // namespace
}  // namespace yimen::config
