#pragma once

// A city of `yimen run` processes in one temporary directory, for the
// multi-process sync tests: nodes initialised and enrolled through the real
// CLI, each parent given a free loopback port.

#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <memory>
#include <set>
#include <sstream>
#include <string>

#include "support/node_process.h"
#include "support/process.h"
#include "support/test_dir.h"

namespace yimen::testing {

inline constexpr const char* kPassword = "correct horse battery 9";
inline constexpr const char* kDibao = "JF-00105-000-441802000000";

// A city of nodes in one temporary directory, each a `yimen run` process.
class TestCity {
 public:
  // Initialises a node; `parent` names an added node (empty for the root city).
  void add(const std::string& name, const std::string& id, const std::string& parent) {
    const auto dir = root_ / name;
    std::vector<std::string> args = {"init", "--data", dir.string(), "--id", id, "--name", name};
    if (parent.empty()) args.push_back("--root");
    expect_ok(run_yimen(args), "init " + name);
    ids_[name] = id;
    if (!parent.empty()) {
      give_listen_address(parent);
      const auto request = run_yimen({"enrol", "request", "--data", dir.string()});
      expect_ok(request, "enrol request " + name);
      const auto cert =
          run_yimen({"enrol", "approve", "--data", (root_ / parent).string(), trim(request.out)});
      expect_ok(cert, "enrol approve " + name);
      expect_ok(run_yimen({"enrol", "install", "--data", dir.string(), trim(cert.out)}),
                "enrol install " + name);
    }
  }

  void add_user(const std::string& node, const std::string& role, const std::string& login) {
    std::vector<std::string> args = {"user", "add",     "--data", dir(node).string(), "--role",
                                     role,   "--login", login,    "--display",        login};
    if (role == "officer") {
      args.insert(args.end(), {"--department", "民政局"});
    }
    expect_ok(run_yimen(args, {}, std::string(kPassword) + "\n"), "user add " + login);
  }

  // Publishes config/catalogue.example.toml at `node` as `login` and waits until each of
  // `readers` holds the 低保 item.
  void publish_example_catalogue(const std::string& node, const std::string& login,
                                 const std::vector<std::string>& readers) {
    const auto imported =
        run_yimen({"catalogue", "import", "--data", dir(node).string(), "--as", login,
                   std::string(YIMEN_SOURCE_DIR) + "/config/catalogue.example.toml"});
    ASSERT_EQ(imported.exit_code, 0) << imported.err;
    for (const auto& reader : readers) {
      ASSERT_TRUE(eventually([&] { return catalogue(reader).find(kDibao) != std::string::npos; }))
          << reader << "\n"
          << logs();
    }
  }

  void start_all() {
    for (const auto& [name, _] : ids_) start(name);
  }
  void start(const std::string& name, const std::vector<std::string>& extra = {}) {
    auto& p = processes_[name];
    if (!p) p = std::make_unique<NodeProcess>(dir(name));
    ASSERT_TRUE(p->start(extra)) << name << " did not start:\n" << p->log();
  }
  NodeProcess& process(const std::string& name) { return *processes_.at(name); }

  std::filesystem::path dir(const std::string& name) const { return root_ / name; }
  const std::filesystem::path& root() const { return root_.path(); }

  ProcessResult yimen(std::vector<std::string> args, const std::string& input = {}) {
    return run_yimen(args, {}, input);
  }

  // Case numbers a node holds.
  std::string cases(const std::string& node) {
    return run_yimen({"case", "list", "--data", dir(node).string()}).out;
  }
  std::string catalogue(const std::string& node) {
    return run_yimen({"catalogue", "list", "--data", dir(node).string()}).out;
  }

  std::string logs() {
    std::string out;
    for (auto& [name, p] : processes_) out += "---- " + name + "\n" + p->log();
    return out;
  }

  static void expect_ok(const ProcessResult& r, const std::string& what) {
    ASSERT_EQ(r.exit_code, 0) << what << ": " << r.err << r.out;
  }
  static std::string trim(std::string s) {
    while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
    return s;
  }

  // Gives a node a loopback port to listen for children on (before it starts).
  void give_listen_address(const std::string& name) {
    const auto toml = dir(name) / "node.toml";
    std::string text = read_file(toml);
    if (text.find("\nlisten = ") != std::string::npos) return;
    const std::string line = "listen = \"tcp://127.0.0.1:" + std::to_string(free_port()) + "\"";
    const auto at = text.find("# listen = ");
    ASSERT_NE(at, std::string::npos);
    text.replace(at, text.find('\n', at) - at, line);
    std::ofstream(toml, std::ios::binary | std::ios::trunc) << text;
  }

 private:
  TestDir root_;
  std::map<std::string, std::string> ids_;
  std::map<std::string, std::unique_ptr<NodeProcess>> processes_;
};

inline std::string case_number_in(const std::string& submit_output) {
  std::istringstream in(submit_output);
  std::string word, no;
  in >> word >> no;
  return word == "case" ? no : "";
}

inline std::string state_of(TestCity& city, const std::string& node, const std::string& no) {
  const auto r = city.yimen({"case", "show", "--data", city.dir(node).string(), "--case", no});
  const auto at = r.out.find("\nstate ");
  if (at == std::string::npos) return "";
  return r.out.substr(at + 7, r.out.find('\n', at + 7) - at - 7);
}

inline const std::string kApplicant = "11010519491231002X,张三,13800138000,";

// Lines of `yimen log list` at a node: "origin seq id body-type".
inline std::set<std::string> events_of(TestCity& city, const std::string& node) {
  std::set<std::string> out;
  std::istringstream in(city.yimen({"log", "list", "--data", city.dir(node).string()}).out);
  for (std::string line; std::getline(in, line);) out.insert(line);
  return out;
}

inline size_t line_count(const std::string& text) {
  return static_cast<size_t>(std::count(text.begin(), text.end(), '\n'));
}

}  // namespace yimen::testing
