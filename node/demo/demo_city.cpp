#include "node/demo/demo_city.h"

#include <algorithm>

#include "config/node_config.h"

namespace yimen::node::demo {

Result<std::vector<DemoNode>> find_demo_nodes(const std::filesystem::path& city_dir) {
  const std::string not_demo = city_dir.string() + " is not a demo city";
  std::error_code ec;
  if (!std::filesystem::is_directory(city_dir, ec)) {
    return not_found(not_demo + ": no such directory");
  }
  std::vector<DemoNode> nodes;
  for (const auto& entry : std::filesystem::directory_iterator(city_dir, ec)) {
    const auto toml = entry.path() / "node.toml";
    if (!entry.is_directory(ec) || !std::filesystem::is_regular_file(toml, ec)) continue;
    YIMEN_ASSIGN_OR_RETURN(auto config, config::load_node_config(toml));
    if (!config.web.listen) continue;
    const auto address = config::parse_web_address(*config.web.listen);
    if (!address) continue;  // load_node_config checked it
    nodes.push_back(DemoNode{entry.path().filename().string(), config.id, config.name,
                             address->host, address->port});
  }
  if (ec) return io_error("cannot list " + city_dir.string() + ": " + ec.message());
  if (nodes.empty()) {
    return not_found(not_demo +
                     ": none of its directories holds a node.toml with a [web] listen address "
                     "(scripts/demo makes one in ./demo)");
  }
  std::sort(nodes.begin(), nodes.end(), [](const DemoNode& a, const DemoNode& b) {
    if (a.id.level() != b.id.level()) return a.id.level() < b.id.level();
    return a.id.str() < b.id.str();
  });
  return nodes;
}

}  // namespace yimen::node::demo
