#pragma once

// Where the nodes of a demo city are (scripts/demo): every subdirectory of
// the city's directory that holds a node.toml with a [web] listen address is
// one node, its region code and name from [node], its web hall at that
// address. Nothing else is read: the databases stay closed (the nodes run).

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "common/region_code.h"
#include "common/status.h"

namespace yimen::node::demo {

struct DemoNode {
  std::string dir_name;  // "v-dongyi"
  RegionCode id;
  std::string name;
  std::string web_host;  // an IP address literal, "127.0.0.1"
  std::uint16_t web_port;
};

// The nodes under `city_dir`, sorted from the city down (by level, then
// region code). Errors: kNotFound when `city_dir` is no directory or holds no
// node with a web address ("... is not a demo city: ..."); kInvalidArgument
// naming the file when a node.toml does not parse.
Result<std::vector<DemoNode>> find_demo_nodes(const std::filesystem::path& city_dir);

}  // namespace yimen::node::demo
