// Lookup tables the rules reach by name (rent ranges, income bands, local authorities, countries).
// They are the project's own files under data/; loaded once with the form.
#pragma once
#include <map>
#include <optional>
#include <set>
#include <string>
#include <tuple>
#include <vector>

namespace core::expr {

// Soft and hard limits, £ per week (a rent range, or an income band).
struct Range {
  double soft_min = 0, soft_max = 0, hard_min = 0, hard_max = 0;
};
using RentRange = Range;
using IncomeBand = Range;

struct Lookups {
  std::map<std::tuple<std::string, int, int>, RentRange> rent_ranges;  // (la, beds, lettype)
  std::map<int, IncomeBand> income_bands;                              // by ecstat
  std::vector<std::pair<std::string, std::string>> local_authorities_england;  // code, name (display order)
  std::vector<std::pair<std::string, std::string>> local_authorities_all;
  std::vector<std::pair<std::string, std::string>> countries;  // code as text, name
  std::set<std::string> england_codes, all_codes, country_codes;
  struct LaHistory {
    std::string name;
    int first_year = 0, last_year = 0;  // collection start years; last 0 = still valid
  };
  std::map<std::string, LaHistory> la_history;  // every authority CORE has known

  // Reads data/<file> for each table (a missing file is an empty table unless `required`). Throws std::runtime_error naming the file on a bad row.
  static Lookups load(const std::string& data_dir, int year, bool required = true);
};

}  // namespace core::expr
