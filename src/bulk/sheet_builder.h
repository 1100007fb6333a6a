// Inside the sheet readers (csv.cpp, xlsx.cpp): collects rows and cells and enforces the row,
// column, cell-size and cell-count bounds the same way for both kinds of file.
#pragma once
#include <string>

#include "bulk/sheet.h"

namespace core::bulk::detail {

// "25,000".
std::string with_commas(uint64_t n);
// The number of UTF-8 code points in s (bytes that are not continuation bytes).
size_t utf8_chars(std::string_view s);
// Line breaks inside a cell as "\n": CRLF and lone CR become LF.
void normalise_line_breaks(std::string& s);

std::string too_many_columns_message(const Limits& limits, int row1);
std::string cell_too_long_message(const Limits& limits, int column_index0, int row1);

class SheetBuilder {
 public:
  explicit SheetBuilder(const Limits& limits) : limits_(limits) {}

  // Each returns false once a bound is broken; error() then says which. Calls after that are ignored.
  bool begin_row(int row1);
  // Puts text in a column of the current row (later text in the same column replaces earlier).
  bool set_cell(size_t column_index0, std::string text, bool number = false);
  // Ends the current row; a blank row is dropped.
  bool end_row();
  bool fail(std::string message);

  bool failed() const { return !error_.empty(); }
  const std::string& error() const { return error_; }
  int row_number() const { return row_.number; }
  ReadResult finish(std::string format);

 private:
  const Limits& limits_;
  std::vector<Row> rows_;
  Row row_;
  bool in_row_ = false;
  size_t cells_ = 0;
  std::string error_;
};

}  // namespace core::bulk::detail
