#include "exports/values.h"

namespace core::exports {

std::optional<util::Date> date_of(const expr::Value& v) {
  if (v.is_date()) return v.as_date();
  if (v.is_string()) return util::parse_iso_date(v.as_string());
  return std::nullopt;
}

DatePart date_part_named(const std::string& name) {
  return name == "day" ? DatePart::Day : name == "month" ? DatePart::Month : name == "year" ? DatePart::Year : DatePart::Whole;
}

std::string date_part_text(const util::Date& d, DatePart part) {
  switch (part) {
    case DatePart::Day: return std::to_string(d.d);
    case DatePart::Month: return std::to_string(d.m);
    case DatePart::Year: return std::to_string(d.y);
    default: return d.iso();
  }
}

const std::string* OptionLabels::find(const expr::Value& v) const {
  for (auto& [value, label] : options)
    if (value.equals(v)) return &label;
  if (auto it = table.find(v.text()); it != table.end()) return &it->second;
  return nullptr;
}

OptionLabels option_labels(const form::Form& f, const form::Attribute& a) {
  OptionLabels out;
  for (const form::Question* q : a.questions) {
    for (auto& o : q->options) out.options.emplace_back(o.value, o.label);
    const std::vector<std::pair<std::string, std::string>>* table = q->options_from == "local_authorities_england" ? &f.lookups.local_authorities_england
                                                                   : q->options_from == "local_authorities_all"   ? &f.lookups.local_authorities_all
                                                                   : q->options_from == "countries"               ? &f.lookups.countries
                                                                                                                  : nullptr;
    if (table)
      for (auto& [code, name] : *table) out.table.emplace(code, name);
    if (!out.options.empty() || !out.table.empty()) break;
  }
  return out;
}

}  // namespace core::exports
