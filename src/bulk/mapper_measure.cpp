#include "bulk/mapper_measure.h"

#include <fstream>
#include <map>
#include <sstream>

namespace core::bulk {

std::vector<std::vector<std::string>> read_csv_rows(const std::string& path, bool* ok, size_t max_bytes) {
  std::vector<std::vector<std::string>> rows;
  std::ifstream in(path, std::ios::binary);
  if (ok) *ok = bool(in);
  if (!in) return rows;
  std::string s(max_bytes, '\0');
  in.read(s.data(), std::streamsize(max_bytes));
  s.resize(size_t(in.gcount()));
  if (s.rfind("\xEF\xBB\xBF", 0) == 0) s.erase(0, 3);
  std::vector<std::string> row;
  std::string cell;
  bool quoted = false, at_start = true, comment = false;
  auto end_row = [&] {
    row.push_back(cell);
    cell.clear();
    if (!comment) rows.push_back(std::move(row));
    row.clear();
    at_start = true;
    comment = false;
  };
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (at_start && !quoted && c == '#') comment = true;
    at_start = false;
    if (quoted) {
      if (c == '"' && i + 1 < s.size() && s[i + 1] == '"') cell += '"', ++i;
      else if (c == '"') quoted = false;
      else cell += c;
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      row.push_back(cell);
      cell.clear();
    } else if (c == '\r' || c == '\n') {
      if (c == '\r' && i + 1 < s.size() && s[i + 1] == '\n') ++i;
      end_row();
    } else {
      cell += c;
    }
  }
  if (!cell.empty() || !row.empty()) end_row();
  return rows;
}

MapperMeasure measure_mapper(const ColumnMapper& mapper, const std::vector<ExpectedColumn>& expected, const MapperOptions& opt) {
  MapperMeasure m;
  std::vector<std::string> headers;
  for (auto& e : expected) headers.push_back(e.header);
  auto proposals = mapper.propose(headers, opt);
  for (size_t i = 0; i < expected.size(); ++i) {
    ColumnResult r;
    r.expected = expected[i];
    r.proposal = proposals[i];
    if (!r.expected.attributes.empty()) ++m.should_map;
    if (!r.proposal.attribute.empty()) {
      ++m.proposed;
      r.correct = r.expected.attributes.count(r.proposal.attribute) > 0;
      if (r.correct) ++m.correct;
    }
    m.columns.push_back(std::move(r));
  }
  m.precision = m.proposed ? double(m.correct) / m.proposed : 1;
  m.recall = m.should_map ? double(m.correct) / m.should_map : 1;
  return m;
}

bool load_alpha_sample(const std::string& dir, std::vector<ExpectedColumn>& out, std::string* error) {
  bool ok1 = false, ok2 = false, ok3 = false;
  auto headers = read_csv_rows(dir + "/sampleCSV-headers.csv", &ok1);
  auto gold = read_csv_rows(dir + "/gold_mapping_sampleCSV.csv", &ok2);
  auto fields = read_csv_rows(dir + "/gold-fields-2026.csv", &ok3);
  if (!ok1 || !ok2 || !ok3 || headers.empty() || gold.size() < 2 || fields.size() < 2) {
    if (error) *error = "cannot read the alpha sample in " + dir;
    return false;
  }
  // gold-fields-2026.csv: core_field -> attributes ("{n}" for persons 1 to 8).
  std::map<std::string, std::set<std::string>> attrs_of;
  for (size_t i = 1; i < fields.size(); ++i) {
    auto& f = fields[i];
    if (f.size() < 2) continue;
    bool templ = f[0].find("{n}") != std::string::npos;
    for (int n = templ ? 1 : 0; n <= (templ ? 8 : 0); ++n) {
      auto sub = [&](std::string s) {
        for (size_t p; (p = s.find("{n}")) != std::string::npos;) s.replace(p, 3, std::to_string(n));
        return s;
      };
      std::set<std::string> a;
      std::istringstream words(sub(f[1]));
      for (std::string w; words >> w;) a.insert(w);
      attrs_of[sub(f[0])] = a;
    }
  }
  // gold_mapping_sampleCSV.csv: core_section, core_field, lambda label, expected header, ...
  std::map<std::string, std::string> field_of_header;
  for (size_t i = 1; i < gold.size(); ++i) {
    auto& g = gold[i];
    if (g.size() < 4) continue;
    if (!attrs_of.count(g[1])) {
      if (error) *error = "gold-fields-2026.csv has no row for " + g[1];
      return false;
    }
    if (!g[3].empty()) field_of_header[g[3]] = g[1];
  }
  for (auto& h : headers[0]) {
    ExpectedColumn e;
    e.header = h;
    auto it = field_of_header.find(h);
    if (it != field_of_header.end()) {
      e.field = it->second;
      e.attributes = attrs_of[it->second];
    }
    out.push_back(std::move(e));
  }
  return true;
}

}  // namespace core::bulk
