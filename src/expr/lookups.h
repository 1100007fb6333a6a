// Lookup tables the rules reach by name: the tables a form declares (rent ranges, income bands,
// sale ranges: read with lookup()), and the local authorities and countries the options come from.
// They are the project's own files under data/; loaded once with the form.
#pragma once
#include <map>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "expr/value.h"

namespace core::expr {

// A table a form declares (`tables`): rows picked by their key columns, cells read by column name.
struct Table {
  std::vector<std::string> keys;     // key columns, in the order lookup() takes them
  std::vector<std::string> columns;  // every column, by the header row
  std::unordered_map<std::string, std::vector<Value>> rows;  // key text (see key_text) -> cells
  // Appends the text a key value is compared as (text as is, a whole number without a decimal
  // point) and the separator; false for a value that cannot be a key (null, a date, a list).
  static bool append_key(std::string& out, const Value& v);
  // The column's position, or -1.
  int column(const std::string& name) const;
};

struct Lookups {
  std::map<std::string, Table> tables;  // by the name the form gives it
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
  // Reads a declared table: `file` in data_dir, a header row, `keys` naming columns that pick one
  // row. Throws std::runtime_error naming the file on a missing column, a short row or a repeated key.
  static Table load_table(const std::string& data_dir, const std::string& file, const std::vector<std::string>& keys,
                          bool required = true);
};

}  // namespace core::expr
