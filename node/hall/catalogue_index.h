#pragma once

// An in-memory search index over the current version of each catalogue item
// (plan tasks 1 and 3: the public finds an item by what it is called).
//
// Matching: a query is split into terms at ASCII white space and the
// ideographic space U+3000 (what a Chinese IME types). An item matches when
// EVERY term occurs, as a byte substring after ASCII lower-casing, in one of
// its texts. Because UTF-8 is self-synchronising, a substring of valid UTF-8
// always matches whole characters. There is no segmentation, pinyin or
// synonym matching: "低保" finds "最低生活保障" only if a keyword says "低保".
//
// Ranking, best first (ties by the code's text form, ascending):
//   0. exact name: the whole trimmed query equals the item name;
//   1. name: every term occurs in the name;
//   2. keyword: every term occurs in the name or a keyword, at least one only
//      in a keyword;
//   3. guide: otherwise, some term occurs only in the guide texts — the
//      accepting unit, the provider's name, legal basis documents.
// That is, an item's rank is the worst tier any of its terms needed.

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "node/hall/identity.h"
#include "node/hall/service_item.h"

namespace yimen::hall {

// Why an item matched, best first.
// kAll: the query was empty, every item (that passes the filters) is listed.
enum class MatchTier { kExactName = 0, kName = 1, kKeyword = 2, kGuide = 3, kAll = 4 };

// One search result.
struct CatalogueHit {
  ItemCode code;
  MatchTier tier = MatchTier::kExactName;

  friend bool operator==(const CatalogueHit&, const CatalogueHit&) = default;
};

// The current version of each item, searchable. Owns copies of the items.
//
// Thread safety: const member functions may run concurrently with each other;
// put() and remove() must not run concurrently with any other call (callers
// serialise writes, e.g. under a std::shared_mutex).
class CatalogueIndex {
 public:
  // Longest query accepted, in bytes, and most terms in one query.
  static constexpr size_t kMaxQueryBytes = 200;
  static constexpr size_t kMaxQueryTerms = 8;

  // Adds `item`, or replaces the indexed item with the same code whatever its
  // version (the caller decides which version is current). Returns the
  // validate() error, and leaves the index unchanged, for an invalid item.
  Status put(ServiceItem item);

  // Removes the item with `code`. Returns false when there was none.
  bool remove(const ItemCode& code);

  // The indexed item with `code`, or nullptr. The pointer is valid until the
  // next put() or remove().
  const ServiceItem* find(const ItemCode& code) const;

  size_t size() const { return entries_.size(); }

  // Items matching `query` (see the file comment), filtered by `theme` and
  // by applicants of kind `applicant` (an item for both kinds serves
  // either), ranked. The query is trimmed; an empty or blank query lists
  // every item that passes the filters, ordered by code, tier kAll.
  // kInvalidArgument when the query is longer than kMaxQueryBytes, has more
  // than kMaxQueryTerms terms, or is not UTF-8 text without control
  // characters (tabs and line breaks are white space).
  Result<std::vector<CatalogueHit>> search(
      std::string_view query, std::optional<Theme> theme = std::nullopt,
      std::optional<ApplicantKind> applicant = std::nullopt) const;

  // As search(), the codes only.
  Result<std::vector<ItemCode>> search_codes(
      std::string_view query, std::optional<Theme> theme = std::nullopt,
      std::optional<ApplicantKind> applicant = std::nullopt) const;

 private:
  struct Entry {
    ServiceItem item;
    std::string name;                   // lower-cased (ASCII)
    std::vector<std::string> keywords;  // lower-cased
    std::vector<std::string> guide;     // lower-cased guide texts
  };

  // Keyed by format_item_code(), so iteration is in code order.
  std::map<std::string, Entry> entries_;
};

}  // namespace yimen::hall
