#include "expr/lookups.h"

#include <fstream>
#include <sstream>
#include <stdexcept>

#include "util/text.h"

namespace core::expr {

namespace {

// Minimal CSV: comma separated, double quotes around fields that need them, '#' lines are comments.
std::vector<std::vector<std::string>> read_csv(const std::string& path, bool required) {
  std::ifstream in(path);
  if (!in && !required) return {};
  if (!in) throw std::runtime_error("cannot read lookup table " + path);
  std::vector<std::vector<std::string>> rows;
  std::string line;
  bool header = true;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty() || line[0] == '#') continue;
    if (header) { header = false; continue; }
    std::vector<std::string> f;
    std::string cur;
    bool q = false;
    for (size_t i = 0; i < line.size(); ++i) {
      char c = line[i];
      if (q) {
        if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') { cur += '"'; ++i; }
        else if (c == '"') q = false;
        else cur += c;
      } else if (c == '"') q = true;
      else if (c == ',') { f.push_back(cur); cur.clear(); }
      else cur += c;
    }
    f.push_back(cur);
    rows.push_back(std::move(f));
  }
  return rows;
}

double num(const std::string& s, const std::string& path) {
  auto d = util::parse_decimal(s);
  if (!d) throw std::runtime_error(path + ": '" + s + "' is not a number");
  return *d;
}

std::string header_of(const std::string& path) {
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (!line.empty() && line[0] != '#') return line;
  }
  return "";
}

}  // namespace

Lookups Lookups::load(const std::string& dir, int year, bool required) {
  Lookups l;
  std::string y = std::to_string(year);
  auto pairs = [&](const std::string& p, auto& vec, auto& set) {
    for (auto& r : read_csv(p, required)) {
      if (r.size() < 2) throw std::runtime_error(p + ": a row has fewer than 2 columns");
      vec.emplace_back(r[0], r[1]);
      set.insert(r[0]);
    }
  };
  pairs(dir + "/local-authorities-england-" + y + ".csv", l.local_authorities_england, l.england_codes);
  pairs(dir + "/local-authorities-all-" + y + ".csv", l.local_authorities_all, l.all_codes);
  pairs(dir + "/countries.csv", l.countries, l.country_codes);
  {
    std::string p = dir + "/local-authorities-history.csv";
    for (auto& r : read_csv(p, required)) {
      if (r.size() != 4) throw std::runtime_error(p + ": a row does not have 4 columns");
      l.la_history[r[0]] = LaHistory{r[1], int(num(r[2], p)), r[3].empty() ? 0 : int(num(r[3], p))};
    }
  }
  return l;
}

bool Table::append_key(std::string& out, const Value& v) {
  if (v.is_string()) {
    out += v.as_string();
  } else if (v.is_int()) {
    out += std::to_string(v.as_int());
  } else if (v.is_number()) {
    Value n = number(v.as_number());  // 2.0 is the key 2
    if (n.is_int()) {
      out += std::to_string(n.as_int());
    } else {
      std::ostringstream o;
      o << v.as_number();
      out += o.str();
    }
  } else {
    return false;
  }
  out += '\x1f';
  return true;
}

int Table::column(const std::string& name) const {
  for (size_t i = 0; i < columns.size(); ++i)
    if (columns[i] == name) return int(i);
  return -1;
}

Table Lookups::load_table(const std::string& dir, const std::string& file, const std::vector<std::string>& keys,
                          bool required) {
  Table t;
  t.keys = keys;
  if (file.empty() || file.find('/') != std::string::npos || file.find('\\') != std::string::npos || file[0] == '.')
    throw std::runtime_error("table file '" + file + "' must be a file name in data/");
  std::string p = dir + "/" + file;
  std::string header = header_of(p);
  if (header.empty() && !required) return t;
  if (header.empty()) throw std::runtime_error("cannot read lookup table " + p);
  for (size_t at = 0;;) {
    size_t comma = header.find(',', at);
    t.columns.push_back(header.substr(at, comma == std::string::npos ? std::string::npos : comma - at));
    if (comma == std::string::npos) break;
    at = comma + 1;
  }
  std::vector<int> key_at;
  for (auto& k : keys) {
    int c = t.column(k);
    if (c < 0) throw std::runtime_error(p + ": no column '" + k + "' to use as a key");
    key_at.push_back(c);
  }
  for (auto& r : read_csv(p, true)) {
    if (r.size() != t.columns.size())
      throw std::runtime_error(p + ": a row does not have " + std::to_string(t.columns.size()) + " columns");
    std::string key;
    for (int c : key_at) key += r[size_t(c)] + '\x1f';
    std::vector<Value> cells;
    for (auto& cell : r) {
      if (cell.empty()) cells.emplace_back();
      else if (auto d = util::parse_decimal(cell)) cells.push_back(number(*d));
      else cells.push_back(Value(cell));
    }
    if (!t.rows.emplace(key, std::move(cells)).second) throw std::runtime_error(p + ": two rows have the same keys");
  }
  return t;
}

}  // namespace core::expr
