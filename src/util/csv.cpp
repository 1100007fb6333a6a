#include "util/csv.h"

namespace core::util {

void append_csv_cell(std::string& out, std::string_view v, bool neutralise) {
  bool lead = neutralise && !v.empty() && (v[0] == '=' || v[0] == '+' || v[0] == '-' || v[0] == '@' || v[0] == '\t' || v[0] == '\r');
  bool quote = v.find_first_of(",\"\r\n") != std::string_view::npos;
  if (!quote) {
    if (lead) out += '\'';
    out.append(v);
    return;
  }
  out += '"';
  if (lead) out += '\'';
  for (char c : v) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
}

std::string csv_cell(const std::string& value, bool neutralise) {
  std::string out;
  append_csv_cell(out, value, neutralise);
  return out;
}

std::string csv_row(const std::vector<std::string>& cells, bool neutralise) {
  std::string out;
  for (size_t i = 0; i < cells.size(); ++i) {
    if (i) out += ',';
    append_csv_cell(out, cells[i], neutralise);
  }
  return out + "\r\n";
}

}  // namespace core::util
