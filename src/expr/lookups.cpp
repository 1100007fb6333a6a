#include "expr/lookups.h"

#include <fstream>
#include <sstream>
#include <stdexcept>

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
  try {
    size_t used = 0;
    double d = std::stod(s, &used);
    if (used != s.size()) throw std::invalid_argument(s);
    return d;
  } catch (const std::exception&) {
    throw std::runtime_error(path + ": '" + s + "' is not a number");
  }
}

}  // namespace

Lookups Lookups::load(const std::string& dir, int year, bool required) {
  Lookups l;
  std::string y = std::to_string(year);
  {
    std::string p = dir + "/rent-ranges-" + y + ".csv";
    for (auto& r : read_csv(p, required)) {
      if (r.size() != 7) throw std::runtime_error(p + ": a row does not have 7 columns");
      l.rent_ranges[{r[0], int(num(r[2], p)), int(num(r[1], p))}] =
          RentRange{num(r[3], p), num(r[4], p), num(r[5], p), num(r[6], p)};
    }
  }
  {
    std::string p = dir + "/income-bands-" + y + ".csv";
    for (auto& r : read_csv(p, required)) {
      if (r.size() != 6) throw std::runtime_error(p + ": a row does not have 6 columns");
      l.income_bands[int(num(r[0], p))] = IncomeBand{num(r[2], p), num(r[3], p), num(r[4], p), num(r[5], p)};
    }
  }
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

}  // namespace core::expr
