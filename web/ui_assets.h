#pragma once

// The web UI's files (web/ui/), embedded in the binary at build time by
// cmake/EmbedFiles.cmake.

#include <string_view>

namespace yimen::web {

struct UiAsset {
  std::string_view path;          // "/index.html"
  std::string_view content_type;  // "text/html; charset=utf-8"
  std::string_view content;
  std::string_view etag;  // 16 hex digits of the content's SHA-256
};

// The asset served at `path`, or nullptr.
const UiAsset* find_ui_asset(std::string_view path);

}  // namespace yimen::web
