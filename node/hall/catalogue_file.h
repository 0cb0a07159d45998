#pragma once

// Catalogue files: service items with their full guides, written by an
// administrator in TOML and loaded with `yimen catalogue import`.
// config/catalogue.example.toml documents every key with three real items.
//
// Format (TOML 1.0, UTF-8). The file holds one or more `[[item]]` tables and
// nothing else. Key names are ServiceItem's member names (service_item.h), so
// a path in a validate() message ("materials[2].copies") is also the path in
// the file; lists of tables are arrays of tables named like the member:
//
//   [[item]]                                 one ServiceItem
//   code = "JF-00105-000-441802000000"       parse_item_code() text form
//   name, accepting_unit, accountability, office_hours, office_address,
//   status_query = "..."                     required strings
//   transport = "..."                        optional string
//   keywords = ["...", ...]                  optional
//   theme, target, handling_level, territorial_rule = "<name>"
//                                            required; the enums' ASCII names
//   provider = { kind = "<name>", name = "..." }        required
//   same_city_handling, online_capable, on_the_spot, no_materials = <bool>
//                                            optional, false when absent
//   visits_required = <int>                  optional, 1 when absent
//   fee = { free = <bool>, amount_fen = <int>, basis = "..." }
//                                            required; free required, the rest optional
//   committed_limit = { days = <int>, kind = "working" | "calendar" }  required
//   legal_limit, public_notice = { days, kind }         optional
//   consultation = { phone = "...", channels = "..." }  required; channels optional
//   unverified = ["<field name>", ...]       optional
//   [[item.legal_basis]]  document (required), article
//   [[item.steps]]        name, department, limit = { days, kind } (all required)
//   [[item.materials]]    name, form, kind (required); copies (1 when absent),
//                         sharing_source, sample_text, sample = { name,
//                         content_hash }, common_mistakes = [...], notes
//   [[item.forms]]        name, content_hash (required)
//
// Sub-tables may be written inline (`fee = { free = true }`) or as
// `[item.fee]` sections. There is no `version` key: publishing assigns
// version numbers, and every parsed item has version 1.
//
// Errors are kInvalidArgument with one line that names the source:
//   a TOML syntax error     "<source>:<line>:<column>: <what toml++ says>"
//   a key or value          "<source>:<line>: <key path>: <what>", e.g.
//     "catalogue.toml:42: item[3].materials[2].kind: expected one of required,
//      data_sharing, commitment_allowed, got 'shared'"
//     The path counts from 0, as validate() does. A missing key is reported
//     at the line of the table that lacks it; unknown keys are errors.
//   an item that does not validate
//                           "<source>: item[<N>] (<code>): <validate() message>"
// The first error in the file is reported (items in order; within an item,
// unknown keys first, then the fields in ServiceItem's order).

#include <filesystem>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "node/hall/service_item.h"

namespace yimen::hall {

// Limits on an input that comes from outside (STYLE.md section 6).
inline constexpr size_t kMaxCatalogueFileBytes = size_t{8} * 1024 * 1024;
inline constexpr size_t kMaxCatalogueItems = 5000;

// Parses and validates the catalogue in `text`; `source` names it in error
// messages (e.g. "catalogue.toml"). Returns the items in file order, each of
// which passes validate(), with distinct codes; or kInvalidArgument as above,
// also when the text is larger than kMaxCatalogueFileBytes, holds more than
// kMaxCatalogueItems items or holds none ("<source>: the file holds no items
// (no [[item]] table)"). Pure and thread-safe.
Result<std::vector<ServiceItem>> parse_catalogue_file(std::string_view text,
                                                      std::string_view source);

// Reads the file at `path` and parses it as above; errors name the path as
// given. kNotFound when the file cannot be opened, kIOError when reading
// fails, kInvalidArgument when it is too large or does not parse.
Result<std::vector<ServiceItem>> load_catalogue_file(const std::filesystem::path& path);

}  // namespace yimen::hall
