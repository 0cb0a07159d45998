#include "node/hall/calendar_file.h"

#include <toml++/toml.h>

#include <fstream>
#include <sstream>

namespace yimen::hall {
namespace {

std::string at(std::string_view source, const toml::node& node, const std::string& key) {
  std::string where(source);
  if (node.source().begin.line > 0) where += ":" + std::to_string(node.source().begin.line);
  return where + ": " + key + ": ";
}

Result<std::vector<Date>> dates(const toml::table& t, std::string_view key,
                                std::string_view source) {
  const toml::node* node = t.get(key);
  if (node == nullptr)
    return invalid_argument(std::string(source) + ": " + std::string(key) + ": required");
  const toml::array* list = node->as_array();
  if (list == nullptr)
    return invalid_argument(at(source, *node, std::string(key)) + "expected a list of dates");
  std::vector<Date> out;
  for (size_t i = 0; i < list->size(); ++i) {
    const std::string name = std::string(key) + "[" + std::to_string(i) + "]";
    const auto* s = (*list)[i].as_string();
    auto d = s != nullptr ? Date::from_string(s->get()) : Result<Date>(invalid_argument(""));
    if (!d.ok()) {
      return invalid_argument(at(source, (*list)[i], name) + "not a date (YYYY-MM-DD)" +
                              (s != nullptr ? ": '" + s->get().substr(0, 40) + "'" : ""));
    }
    out.push_back(*d);
  }
  return out;
}

}  // namespace

Result<CalendarYear> parse_calendar_file(std::string_view text, std::string_view source) {
  if (text.size() > kMaxCalendarFileBytes) {
    return invalid_argument(std::string(source) + ": larger than 64 KiB");
  }
  toml::table t;
  try {
    t = toml::parse(text, source);
  } catch (const toml::parse_error& e) {
    return invalid_argument(std::string(source) + ":" + std::to_string(e.source().begin.line) +
                            ":" + std::to_string(e.source().begin.column) + ": " +
                            std::string(e.description()));
  }
  for (const auto& [k, v] : t) {
    if (k != "year" && k != "notice" && k != "holidays" && k != "makeup_working_days" &&
        k != "provisional") {
      return invalid_argument(at(source, v, std::string(k.str())) + "unknown key");
    }
  }
  CalendarYear out;
  const toml::node* year = t.get("year");
  if (year == nullptr || !year->is_integer()) {
    return invalid_argument(std::string(source) + ": year: required, an integer");
  }
  // Checked before it narrows to int: 4294969322 is no way of writing 2026.
  const std::int64_t year_value = year->as_integer()->get();
  if (year_value < Date::kMinYear || year_value > Date::kMaxYear) {
    return invalid_argument(at(source, *year, "year") + "expected " +
                            std::to_string(Date::kMinYear) + " to " +
                            std::to_string(Date::kMaxYear) + ", got " + std::to_string(year_value));
  }
  out.year = static_cast<int>(year_value);
  if (const toml::node* notice = t.get("notice")) {
    if (!notice->is_string())
      return invalid_argument(at(source, *notice, "notice") + "expected a string");
    out.notice = notice->as_string()->get();
  }
  if (const toml::node* provisional = t.get("provisional")) {
    if (!provisional->is_boolean()) {
      return invalid_argument(at(source, *provisional, "provisional") + "expected true or false");
    }
    out.provisional = provisional->as_boolean()->get();
  }
  YIMEN_ASSIGN_OR_RETURN(out.holidays, dates(t, "holidays", source));
  YIMEN_ASSIGN_OR_RETURN(out.makeup_working_days, dates(t, "makeup_working_days", source));
  WorkingDayCalendar check;
  if (Status s = check.publish_year(out.year, out.holidays, out.makeup_working_days); !s.ok()) {
    return invalid_argument(std::string(source) + ": " + s.message());
  }
  return out;
}

Result<CalendarYear> load_calendar_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return not_found("cannot open " + path.string());
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) return io_error("cannot read " + path.string());
  return parse_calendar_file(text.str(), path.string());
}

}  // namespace yimen::hall
