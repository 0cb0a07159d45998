#include "node/hall/catalogue_index.h"

#include <algorithm>

#include "common/text.h"

namespace yimen::hall {
namespace {

constexpr std::string_view kIdeographicSpace = "\xe3\x80\x80";  // U+3000

bool is_ascii_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

// Length of the white space (ASCII or U+3000) starting at s[i], 0 for none.
size_t space_at(std::string_view s, size_t i) {
  if (is_ascii_space(s[i])) return 1;
  if (s.substr(i, kIdeographicSpace.size()) == kIdeographicSpace) return kIdeographicSpace.size();
  return 0;
}

std::string lower_ascii(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

// Splits `query` at white space; the pieces are never empty.
std::vector<std::string_view> split_terms(std::string_view query) {
  std::vector<std::string_view> terms;
  size_t i = 0;
  while (i < query.size()) {
    size_t n = space_at(query, i);
    if (n > 0) {
      i += n;
      continue;
    }
    const size_t start = i;
    while (i < query.size() && space_at(query, i) == 0) ++i;
    terms.push_back(query.substr(start, i - start));
  }
  return terms;
}

// `s` without leading and trailing white space.
std::string_view trim(std::string_view s) {
  const std::vector<std::string_view> terms = split_terms(s);
  if (terms.empty()) return {};
  const char* begin = terms.front().data();
  const char* end = terms.back().data() + terms.back().size();
  return s.substr(static_cast<size_t>(begin - s.data()), static_cast<size_t>(end - begin));
}

bool contains(const std::string& text, const std::string& term) {
  return text.find(term) != std::string::npos;
}

bool any_contains(const std::vector<std::string>& texts, const std::string& term) {
  return std::any_of(texts.begin(), texts.end(),
                     [&](const std::string& t) { return contains(t, term); });
}

}  // namespace

Status CatalogueIndex::put(ServiceItem item) {
  YIMEN_TRY(validate(item));
  Entry entry;
  entry.name = lower_ascii(item.name);
  for (const std::string& k : item.keywords) entry.keywords.push_back(lower_ascii(k));
  entry.guide.push_back(lower_ascii(item.accepting_unit));
  entry.guide.push_back(lower_ascii(item.provider.name));
  for (const LegalBasis& b : item.legal_basis) entry.guide.push_back(lower_ascii(b.document));
  entry.item = std::move(item);
  std::string key = format_item_code(entry.item.code);
  entries_.insert_or_assign(std::move(key), std::move(entry));
  return Status::ok_status();
}

bool CatalogueIndex::remove(const ItemCode& code) {
  return entries_.erase(format_item_code(code)) > 0;
}

const ServiceItem* CatalogueIndex::find(const ItemCode& code) const {
  const auto it = entries_.find(format_item_code(code));
  return it == entries_.end() ? nullptr : &it->second.item;
}

Result<std::vector<CatalogueHit>> CatalogueIndex::search(
    std::string_view query, std::optional<Theme> theme,
    std::optional<ApplicantKind> applicant) const {
  if (query.size() > kMaxQueryBytes) {
    return invalid_argument("query: at most " + std::to_string(kMaxQueryBytes) + " bytes, got " +
                            std::to_string(query.size()));
  }
  const std::vector<std::string_view> raw_terms = split_terms(query);
  if (raw_terms.size() > kMaxQueryTerms) {
    return invalid_argument("query: at most " + std::to_string(kMaxQueryTerms) + " terms, got " +
                            std::to_string(raw_terms.size()));
  }
  std::vector<std::string> terms;
  for (std::string_view t : raw_terms) {
    if (!is_display_text(t)) {
      return invalid_argument("query: must be UTF-8 text without control characters");
    }
    terms.push_back(lower_ascii(t));
  }
  const std::string whole = lower_ascii(trim(query));

  std::vector<CatalogueHit> hits;
  for (const auto& [key, entry] : entries_) {
    if (theme.has_value() && entry.item.theme != *theme) continue;
    if (applicant.has_value() && !serves(entry.item.target, *applicant)) continue;
    if (terms.empty()) {
      hits.push_back({entry.item.code, MatchTier::kAll});
      continue;
    }
    if (entry.name == whole) {
      hits.push_back({entry.item.code, MatchTier::kExactName});
      continue;
    }
    MatchTier worst = MatchTier::kName;
    bool all_match = true;
    for (const std::string& term : terms) {
      MatchTier tier;
      if (contains(entry.name, term)) {
        tier = MatchTier::kName;
      } else if (any_contains(entry.keywords, term)) {
        tier = MatchTier::kKeyword;
      } else if (any_contains(entry.guide, term)) {
        tier = MatchTier::kGuide;
      } else {
        all_match = false;
        break;
      }
      worst = std::max(worst, tier);
    }
    if (all_match) hits.push_back({entry.item.code, worst});
  }
  // entries_ iterates in code order, so a stable sort by tier breaks ties by code.
  std::stable_sort(hits.begin(), hits.end(),
                   [](const CatalogueHit& a, const CatalogueHit& b) { return a.tier < b.tier; });
  return hits;
}

Result<std::vector<ItemCode>> CatalogueIndex::search_codes(
    std::string_view query, std::optional<Theme> theme,
    std::optional<ApplicantKind> applicant) const {
  YIMEN_ASSIGN_OR_RETURN(std::vector<CatalogueHit> hits, search(query, theme, applicant));
  std::vector<ItemCode> codes;
  codes.reserve(hits.size());
  for (CatalogueHit& hit : hits) codes.push_back(std::move(hit.code));
  return codes;
}

}  // namespace yimen::hall
