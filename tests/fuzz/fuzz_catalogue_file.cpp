// Fuzzes catalogue files (node/hall/catalogue_file.h), what an administrator
// imports with `yimen catalogue import`. Every item that parses must validate,
// codes must be distinct, and the item must survive the catalogue codec that
// publishing uses (node/hall/catalogue_codec.h) unchanged.

#include <capnp/message.h>

#include <cstddef>
#include <cstdint>
#include <set>
#include <string>
#include <string_view>

#include "fuzz/fuzz_check.h"
#include "node/hall/catalogue_codec.h"
#include "node/hall/catalogue_file.h"

using namespace yimen;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto items = hall::parse_catalogue_file(text, "catalogue.toml");
  if (!items.ok()) {
    YIMEN_FUZZ_CHECK(!items.status().message().empty(), "an error without a message");
    return 0;
  }
  YIMEN_FUZZ_CHECK(!items->empty(), "a catalogue without items parsed");
  std::set<std::string> codes;
  for (const auto& item : *items) {
    const std::string code = hall::format_item_code(item.code);
    YIMEN_FUZZ_CHECK(hall::validate(item).ok(), code);
    YIMEN_FUZZ_CHECK(codes.insert(code).second, code);

    capnp::MallocMessageBuilder message;
    hall::write_service_item(item, message.initRoot<schema::ServiceItem>());
    auto back = hall::read_service_item(message.getRoot<schema::ServiceItem>().asReader());
    YIMEN_FUZZ_CHECK(back.ok(), back.status().message());
    YIMEN_FUZZ_CHECK(*back == item, code);
  }
  return 0;
}
