#include "bulk/flexible.h"

#include <algorithm>
#include <array>
#include <set>

#include "util/dates.h"
#include "util/postcode.h"
#include "util/text.h"

namespace core::bulk {

using nlohmann::json;

namespace {

const form::TemplateField* first_field(const form::TemplateSpec& spec, const std::string& attribute) {
  for (auto& f : spec.fields)
    if (f.attribute == attribute && f.reader && *f.reader != form::Reader::Ignored) return &f;
  return nullptr;
}

// A date as spreadsheets write it: 01/05/2026, 1/5/26, 2026-05-01, 01-05-2026, 01.05.2026, or an
// Excel serial number. Day, month and year as text, or nothing.
std::optional<std::array<std::string, 3>> date_parts(const Cell& c, bool date1904) {
  std::string t = util::trim_blanks(c.text);
  if (c.number) {
    if (auto d = excel_serial_date(t, date1904)) return std::array<std::string, 3>{std::to_string(d->d), std::to_string(d->m), std::to_string(d->y)};
    return std::nullopt;
  }
  std::vector<std::string> parts(1);
  for (char ch : t) {
    if (ch == '/' || ch == '-' || ch == '.') parts.emplace_back();
    else if (ch >= '0' && ch <= '9') parts.back() += ch;
    else if (ch == ' ' || ch == 'T') break;  // a time after the date
    else return std::nullopt;
  }
  if (parts.size() != 3) return std::nullopt;
  for (auto& p : parts)
    if (p.empty() || p.size() > 4) return std::nullopt;
  if (parts[0].size() == 4) return std::array<std::string, 3>{parts[2], parts[1], parts[0]};  // year first
  return std::array<std::string, 3>{parts[0], parts[1], parts[2]};
}

}  // namespace

json Mapping::to_json() const {
  json j = {{"columns", json::array()}, {"values", json::object()}};
  for (auto& [h, a] : columns) j["columns"].push_back({{"header", h}, {"attribute", a}});
  for (auto& [a, vs] : values) j["values"][a] = vs;
  return j;
}

Mapping Mapping::from_json(const json& j) {
  Mapping m;
  if (!j.is_object()) return m;
  if (j.contains("columns") && j["columns"].is_array())
    for (auto& c : j["columns"])
      if (c.is_object() && c.value("header", json()).is_string() && c.value("attribute", json()).is_string())
        m.columns.emplace_back(c["header"].get<std::string>(), c["attribute"].get<std::string>());
  if (j.contains("values") && j["values"].is_object())
    for (auto& [a, vs] : j["values"].items())
      if (vs.is_object())
        for (auto& [v, code] : vs.items())
          if (code.is_string()) m.values[a][v] = code.get<std::string>();
  return m;
}

OwnSheet own_sheet(const ReadResult& sheet, size_t max_values) {
  OwnSheet o;
  if (sheet.rows.empty()) return o;
  for (auto& c : sheet.rows[0].cells) o.headers.push_back(util::trim_blanks(c.text));
  o.values.resize(o.headers.size());
  std::vector<std::set<std::string>> seen(o.headers.size());
  for (size_t r = 1; r < sheet.rows.size(); ++r) {
    ++o.data_rows;
    for (size_t c = 0; c < o.headers.size(); ++c) {
      std::string v = util::trim_blanks(sheet.rows[r].text(c));
      if (v.empty() || o.values[c].size() >= max_values || !seen[c].insert(v).second) continue;
      o.values[c].push_back(v);
    }
  }
  return o;
}

std::vector<std::pair<std::string, std::string>> mappable_attributes(const form::TemplateSpec& spec, const form::Form& form) {
  std::vector<std::pair<std::string, std::string>> out;
  std::set<std::string> seen;
  for (auto& f : spec.fields) {
    if (f.attribute.empty() || !f.reader || *f.reader == form::Reader::Ignored || !seen.insert(f.attribute).second) continue;
    int s = form.slot(f.attribute);
    std::string label = s >= 0 && !form.attributes[size_t(s)].label.empty() ? form.attributes[size_t(s)].label : f.question;
    out.emplace_back(f.attribute, label);
  }
  return out;
}

std::vector<std::pair<std::string, std::string>> attribute_options(const form::Form& form, const std::string& attribute) {
  std::vector<std::pair<std::string, std::string>> out;
  int s = form.slot(attribute);
  if (s < 0) return out;
  for (auto& v : form.attributes[size_t(s)].codes) out.emplace_back(v.text(), form.label(s, v));
  return out;
}

std::map<std::string, std::string> propose_values(const ColumnMapper& mapper, const form::Form& form, const std::string& attribute,
                                                  const std::vector<std::string>& values, const std::optional<Mapping>& saved) {
  std::map<std::string, std::string> out;
  if (attribute_options(form, attribute).empty()) return out;
  for (auto& p : mapper.propose_values(attribute, values))
    if (!p.code.null()) out[p.value] = p.code.text();
  if (saved) {
    auto it = saved->values.find(attribute);
    if (it != saved->values.end())
      for (auto& v : values)
        if (auto s = it->second.find(v); s != it->second.end()) out[v] = s->second;
  }
  return out;
}

Mapping propose_mapping(const ColumnMapper& mapper, const form::TemplateSpec& spec, const form::Form& form, const OwnSheet& own,
                        const std::optional<Mapping>& saved) {
  Mapping m;
  std::set<std::string> mappable;
  for (auto& [a, label] : mappable_attributes(spec, form)) mappable.insert(a);
  auto proposals = mapper.propose(own.headers, {}, &own.values);
  std::set<std::string> used;
  m.columns.resize(own.headers.size());
  // The organisation's own choices first, for the headers it mapped before.
  for (size_t c = 0; c < own.headers.size(); ++c) {
    m.columns[c].first = own.headers[c];
    if (!saved) continue;
    for (auto& [h, a] : saved->columns)
      if (util::ascii_lower(h) == util::ascii_lower(own.headers[c]) && (a.empty() || (mappable.count(a) && !used.count(a)))) {
        m.columns[c].second = a.empty() ? "-" : a;
        if (!a.empty()) used.insert(a);
        break;
      }
  }
  for (size_t c = 0; c < own.headers.size(); ++c) {
    if (!m.columns[c].second.empty()) continue;
    std::string a = c < proposals.size() ? proposals[c].attribute : "";
    if (!a.empty() && mappable.count(a) && !used.count(a)) {
      m.columns[c].second = a;
      used.insert(a);
    }
  }
  for (auto& col : m.columns)
    if (col.second == "-") col.second.clear();
  for (size_t c = 0; c < m.columns.size(); ++c) {
    const std::string& a = m.columns[c].second;
    if (a.empty()) continue;
    auto vs = propose_values(mapper, form, a, own.values[c], saved);
    if (!vs.empty()) m.values[a] = vs;
  }
  return m;
}

Converted to_template(const form::TemplateSpec& spec, const form::Form&, const ReadResult& own, const Mapping& m) {
  Converted out;
  out.sheet.format = own.format;
  out.sheet.date1904 = own.date1904;
  out.sheet.error = own.error;
  size_t n = spec.fields.size();
  out.user_column.assign(n + 1, -1);
  if (!own.ok() || own.rows.empty()) return out;
  // Which template fields each mapped column fills.
  struct Target {
    size_t column;
    std::string attribute;
    std::vector<const form::TemplateField*> fields;
  };
  std::vector<Target> targets;
  for (size_t c = 0; c < m.columns.size(); ++c) {
    const std::string& a = m.columns[c].second;
    if (a.empty()) continue;
    Target t{c, a, {}};
    for (auto& f : spec.fields)
      if (f.attribute == a && f.reader && *f.reader != form::Reader::Ignored) {
        t.fields.push_back(&f);
        out.user_column[size_t(f.number)] = int(c);
      }
    if (!t.fields.empty()) targets.push_back(std::move(t));
  }
  Row header;
  header.number = own.rows[0].number;
  header.cells.resize(n + 1);
  header.cells[0].text = spec.field_number_label.empty() ? "Field number" : spec.field_number_label;
  for (size_t i = 1; i <= n; ++i) header.cells[i].text = std::to_string(i);
  out.sheet.rows.push_back(std::move(header));
  for (size_t r = 1; r < own.rows.size(); ++r) {
    const Row& src = own.rows[r];
    Row row;
    row.number = src.number;
    row.cells.resize(n + 1);
    for (auto& t : targets) {
      Cell cell = t.column < src.cells.size() ? src.cells[t.column] : Cell{};
      std::string text = util::trim_blanks(cell.text);
      if (text.empty()) continue;
      const form::TemplateField& first = *t.fields.front();
      if (*first.reader == form::Reader::DatePart) {
        auto parts = date_parts(cell, own.date1904);
        for (auto* f : t.fields) {
          auto& dst = row.cells[size_t(f->number)];
          dst.text = !parts ? text : f->part == "day" ? (*parts)[0] : f->part == "month" ? (*parts)[1] : (*parts)[2];
        }
        continue;
      }
      if (*first.reader == form::Reader::PostcodeHalf) {
        std::string pc = util::normalise_postcode(text);
        size_t sp = pc.rfind(' ');
        for (auto* f : t.fields)
          row.cells[size_t(f->number)].text = sp == std::string::npos ? (f->part == "outward" ? pc : "")
                                              : f->part == "outward"   ? pc.substr(0, sp)
                                                                       : pc.substr(sp + 1);
        continue;
      }
      // A coded value: the option it was mapped to, then written as the template writes that option.
      std::string code = text;
      if (auto it = m.values.find(t.attribute); it != m.values.end())
        if (auto v = it->second.find(text); v != it->second.end()) code = v->second;
      for (auto* f : t.fields) {
        std::string written = code;
        if (f->reader == form::Reader::YesNo) {
          if (f->yes && f->yes->text() == code) written = "1";
          else if (f->no && f->no->text() == code) written = "2";
        } else if (f->codes_map) {
          for (auto& [tcode, v] : f->codes)
            if (!v.null() && v.text() == code) written = tcode;
        }
        row.cells[size_t(f->number)].text = written;
        row.cells[size_t(f->number)].number = cell.number && written == text;
      }
    }
    out.sheet.rows.push_back(std::move(row));
  }
  return out;
}

void to_user_cells(Report& r, const Converted& c) {
  for (auto& l : r.logs)
    for (auto& e : l.errors) {
      int col = e.field > 0 && size_t(e.field) < c.user_column.size() ? c.user_column[size_t(e.field)] : -1;
      e.cell = col >= 0 ? cell_ref(col, l.row) : "";
    }
}

}  // namespace core::bulk
