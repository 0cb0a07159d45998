#include "node/hall/catalogue_codec.h"

namespace yimen::hall {
namespace {

void write_limit(const TimeLimit& limit, schema::TimeLimit::Builder out) {
  out.setDays(static_cast<std::uint16_t>(limit.days));
  out.setKind(day_kind_name(limit.kind));
}

void write_attachment(const Attachment& a, schema::Attachment::Builder out) {
  out.setName(a.name);
  out.setContentHash(a.content_hash);
}

template <typename List>
void write_texts(const std::vector<std::string>& texts, List out) {
  for (unsigned i = 0; i < texts.size(); ++i) out.set(i, texts[i]);
}

// Reading: the first unknown name turns into an error naming the field.
class Reader {
 public:
  template <typename T, typename Parse>
  T name(capnp::Text::Reader text, const char* field, Parse parse) {
    auto v = parse(std::string_view(text.cStr(), text.size()));
    if (!v) {
      fail(std::string(field) + ": unknown value '" + text.cStr() + "'");
      return T{};
    }
    return *v;
  }

  TimeLimit limit(schema::TimeLimit::Reader in, const char* field) {
    return {in.getDays(), name<DayKind>(in.getKind(), field, parse_day_kind)};
  }

  void fail(std::string why) {
    if (status_.ok()) status_ = Status(ErrorCode::kRejected, "service item: " + std::move(why));
  }
  const Status& status() const { return status_; }

 private:
  Status status_;
};

std::string text(capnp::Text::Reader t) { return {t.cStr(), t.size()}; }

std::vector<std::string> texts(capnp::List<capnp::Text>::Reader list) {
  std::vector<std::string> out;
  for (auto t : list) out.push_back(text(t));
  return out;
}

Attachment attachment(schema::Attachment::Reader a) {
  return {text(a.getName()), text(a.getContentHash())};
}

std::optional<RegionLevel> parse_level(std::string_view s) { return parse_region_level(s); }

}  // namespace

void write_service_item(const ServiceItem& item, schema::ServiceItem::Builder out) {
  out.setCode(format_item_code(item.code));
  out.setVersion(static_cast<std::uint32_t>(item.version));
  out.setName(item.name);
  write_texts(item.keywords, out.initKeywords(static_cast<unsigned>(item.keywords.size())));
  out.setTheme(theme_name(item.theme));
  out.setTarget(service_target_name(item.target));
  out.setProviderKind(provider_kind_name(item.provider.kind));
  out.setProviderName(item.provider.name);
  out.setHandlingLevel(region_level_name(item.handling_level));
  out.setTerritorialRule(territorial_rule_name(item.territorial_rule));
  out.setSameCityHandling(item.same_city_handling);
  out.setOnlineCapable(item.online_capable);
  out.setVisitsRequired(static_cast<std::uint8_t>(item.visits_required));
  out.setOnTheSpot(item.on_the_spot);
  auto basis = out.initLegalBasis(static_cast<unsigned>(item.legal_basis.size()));
  for (unsigned i = 0; i < item.legal_basis.size(); ++i) {
    basis[i].setDocument(item.legal_basis[i].document);
    basis[i].setArticle(item.legal_basis[i].article);
  }
  out.setAcceptingUnit(item.accepting_unit);
  auto steps = out.initSteps(static_cast<unsigned>(item.steps.size()));
  for (unsigned i = 0; i < item.steps.size(); ++i) {
    steps[i].setName(item.steps[i].name);
    steps[i].setDepartment(item.steps[i].department);
    write_limit(item.steps[i].limit, steps[i].initLimit());
  }
  auto materials = out.initMaterials(static_cast<unsigned>(item.materials.size()));
  for (unsigned i = 0; i < item.materials.size(); ++i) {
    const Material& m = item.materials[i];
    auto o = materials[i];
    o.setName(m.name);
    o.setCopies(static_cast<std::uint8_t>(m.copies));
    o.setForm(material_form_name(m.form));
    o.setKind(material_kind_name(m.kind));
    o.setSharingSource(m.sharing_source);
    o.setSampleText(m.sample_text);
    if (m.sample) write_attachment(*m.sample, o.initSample());
    write_texts(m.common_mistakes,
                o.initCommonMistakes(static_cast<unsigned>(m.common_mistakes.size())));
    o.setNotes(m.notes);
  }
  out.setNoMaterials(item.no_materials);
  auto forms = out.initForms(static_cast<unsigned>(item.forms.size()));
  for (unsigned i = 0; i < item.forms.size(); ++i) write_attachment(item.forms[i], forms[i]);
  out.setFeeFree(item.fee.free);
  out.setFeeAmountFen(item.fee.amount_fen);
  out.setFeeBasis(item.fee.basis);
  if (item.legal_limit) write_limit(*item.legal_limit, out.initLegalLimit());
  write_limit(item.committed_limit, out.initCommittedLimit());
  if (item.public_notice) write_limit(*item.public_notice, out.initPublicNotice());
  out.setAccountability(item.accountability);
  out.setConsultationPhone(item.consultation.phone);
  out.setConsultationChannels(item.consultation.channels);
  out.setOfficeHours(item.office_hours);
  out.setOfficeAddress(item.office_address);
  out.setTransport(item.transport);
  out.setStatusQuery(item.status_query);
  write_texts(item.unverified, out.initUnverified(static_cast<unsigned>(item.unverified.size())));
  auto parallel =
      out.initParallelDepartments(static_cast<unsigned>(item.parallel_departments.size()));
  for (unsigned i = 0; i < item.parallel_departments.size(); ++i) {
    parallel[i].setDepartment(item.parallel_departments[i].department);
    write_limit(item.parallel_departments[i].limit, parallel[i].initLimit());
  }
}

Result<ServiceItem> read_service_item(schema::ServiceItem::Reader in) {
  Reader r;
  ServiceItem item;
  auto code = parse_item_code(text(in.getCode()));
  if (!code.ok()) return Status(ErrorCode::kRejected, code.status().message());
  item.code = *code;
  item.version = static_cast<int>(std::min<std::uint32_t>(in.getVersion(), 1u << 30));
  item.name = text(in.getName());
  item.keywords = texts(in.getKeywords());
  item.theme = r.name<Theme>(in.getTheme(), "theme", parse_theme);
  item.target = r.name<ServiceTarget>(in.getTarget(), "target", parse_service_target);
  item.provider = {r.name<ProviderKind>(in.getProviderKind(), "provider.kind", parse_provider_kind),
                   text(in.getProviderName())};
  item.handling_level = r.name<RegionLevel>(in.getHandlingLevel(), "handling_level", parse_level);
  item.territorial_rule =
      r.name<TerritorialRule>(in.getTerritorialRule(), "territorial_rule", parse_territorial_rule);
  item.same_city_handling = in.getSameCityHandling();
  item.online_capable = in.getOnlineCapable();
  item.visits_required = in.getVisitsRequired();
  item.on_the_spot = in.getOnTheSpot();
  for (auto b : in.getLegalBasis())
    item.legal_basis.push_back({text(b.getDocument()), text(b.getArticle())});
  item.accepting_unit = text(in.getAcceptingUnit());
  for (auto s : in.getSteps()) {
    item.steps.push_back(
        {text(s.getName()), text(s.getDepartment()), r.limit(s.getLimit(), "steps.limit")});
  }
  for (auto m : in.getMaterials()) {
    Material out;
    out.name = text(m.getName());
    out.copies = m.getCopies();
    out.form = r.name<MaterialForm>(m.getForm(), "materials.form", parse_material_form);
    out.kind = r.name<MaterialKind>(m.getKind(), "materials.kind", parse_material_kind);
    out.sharing_source = text(m.getSharingSource());
    out.sample_text = text(m.getSampleText());
    if (m.hasSample()) out.sample = attachment(m.getSample());
    out.common_mistakes = texts(m.getCommonMistakes());
    out.notes = text(m.getNotes());
    item.materials.push_back(std::move(out));
  }
  item.no_materials = in.getNoMaterials();
  for (auto f : in.getForms()) item.forms.push_back(attachment(f));
  item.fee = {in.getFeeFree(), in.getFeeAmountFen(), text(in.getFeeBasis())};
  if (in.hasLegalLimit()) item.legal_limit = r.limit(in.getLegalLimit(), "legal_limit");
  item.committed_limit = r.limit(in.getCommittedLimit(), "committed_limit");
  if (in.hasPublicNotice()) item.public_notice = r.limit(in.getPublicNotice(), "public_notice");
  item.accountability = text(in.getAccountability());
  item.consultation = {text(in.getConsultationPhone()), text(in.getConsultationChannels())};
  item.office_hours = text(in.getOfficeHours());
  item.office_address = text(in.getOfficeAddress());
  item.transport = text(in.getTransport());
  item.status_query = text(in.getStatusQuery());
  item.unverified = texts(in.getUnverified());
  for (auto d : in.getParallelDepartments()) {
    item.parallel_departments.push_back(
        {text(d.getDepartment()), r.limit(d.getLimit(), "parallel_departments.limit")});
  }
  if (!r.status().ok()) return r.status();
  if (Status valid = validate(item); !valid.ok()) {
    return Status(ErrorCode::kRejected, "service item: " + valid.message());
  }
  return item;
}

}  // namespace yimen::hall
