// What every fuzz target checks of a read, beyond "no crash": the promises in bulk/sheet.h.
#pragma once
#include <cstdlib>

#include "bulk/sheet.h"
#include "util/text.h"

namespace core::fuzz {

inline void check(const bulk::ReadResult& r, const bulk::Limits& limits) {
  if (!r.ok() && !r.rows.empty()) std::abort();  // an error never comes with rows
  if (r.rows.size() > limits.max_data_rows + limits.header_rows_allowance) std::abort();
  int last = 0;
  for (const bulk::Row& row : r.rows) {
    if (row.number <= last) std::abort();  // rows in sheet order, numbered from 1
    last = row.number;
    if (row.cells.size() > limits.max_columns) std::abort();
    bool blank = true;
    for (const bulk::Cell& c : row.cells) {
      if (!util::valid_utf8(c.text)) std::abort();  // every cell is UTF-8
      if (c.text.find('\r') != std::string::npos) std::abort();  // line breaks are "\n"
      if (c.text.find_first_not_of(" \t") != std::string::npos) blank = false;
    }
    if (blank) std::abort();  // blank rows are dropped
  }
}

}  // namespace core::fuzz
