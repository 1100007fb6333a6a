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
  // expected-columns.csv: one row per column of the sample, in order: header, the 2026 attributes
  // that are right for it (space-separated; none: it should stay unmapped), the alpha's field, a note.
  bool ok = false;
  auto rows = read_csv_rows(dir + "/expected-columns.csv", &ok);
  if (!ok || rows.size() < 2 || rows[0].size() < 3 || rows[0][0] != "header" || rows[0][1] != "attributes") {
    if (error) *error = "cannot read the alpha sample's expected columns in " + dir + "/expected-columns.csv";
    return false;
  }
  for (size_t i = 1; i < rows.size(); ++i) {
    auto& r = rows[i];
    ExpectedColumn e;
    e.header = r[0];
    if (r.size() > 1) {
      std::istringstream words(r[1]);
      for (std::string w; words >> w;) e.attributes.insert(w);
    }
    if (r.size() > 2) e.field = r[2];
    out.push_back(std::move(e));
  }
  return true;
}

std::vector<std::string> control_headers(const std::string& dir, const std::string& list) {
  bool ok = false;
  std::vector<std::string> out;
  for (auto& r : read_csv_rows(dir + "/control-headers.csv", &ok))
    if (r.size() >= 2 && r[0] == list) out.push_back(r[1]);
  return out;
}

}  // namespace core::bulk
