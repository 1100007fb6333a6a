// Reading an uploaded spreadsheet (CSV or XLSX) into rows of text cells: the first step of every
// bulk upload. Pure: no HTTP, no SQL, no files; bytes in, rows or one file-level message out.
//
// What the readers promise:
// - They never throw and never crash on what a user sends. Anything wrong with the file as a whole
//   (not a CSV or XLSX, a quote left open, too many rows, columns or characters, a zip bomb) comes
//   back as ReadResult::error, a message to show the user as it is, with no rows: nothing is half read.
// - Every size is bounded by Limits, and each bound is checked as the file is read, so a hostile file
//   is refused after reading only as much of it as it takes to see that it breaks a bound.
// - Cell text is UTF-8 as the user typed it (nothing trimmed); a line break inside a cell is "\n"
//   whatever the file used (CRLF, CR, or Excel's _x000D_).
// - Blank rows (every cell empty or only spaces and tabs) are dropped here: the pipeline ignores them.
//   Each kept row carries its own sheet row number, so row numbers in reports still match what the
//   user sees in their spreadsheet ("row 12", cell "K12").
#pragma once
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "util/dates.h"

namespace core::bulk {

struct Cell {
  std::string text;     // as the user typed it, UTF-8
  bool number = false;  // XLSX only: Excel stored the cell as a number; `text` is Excel's own digits
                        // ("3", "0.1", "45748", "1E-3"); see excel_serial_date for dates
};

struct Row {
  int number = 0;           // the row number in the sheet, 1-based, as the spreadsheet shows it
  std::vector<Cell> cells;  // column A first; a gap in an XLSX row is an empty cell
  // The text of a column (0 = A), or "" for a column past the end of this row.
  const std::string& text(size_t column_index0) const;
};

struct Limits {
  size_t max_file_bytes = 10 * 1024 * 1024;  // 10MB, as the upload page says
  size_t max_data_rows = 25000;
  // Rows read may be up to max_data_rows + this many, to leave room for the template's header
  // rows: the reader cannot tell header rows from data rows, so the pipeline checks the exact
  // number of data rows again (with too_many_rows_message) once it has found the header.
  size_t header_rows_allowance = 10;
  size_t max_columns = 1000;
  size_t max_cell_chars = 32767;           // Excel's own limit, in characters (code points)
  size_t max_cells = 5'000'000;            // all cells kept, counting gaps: bounds memory
  uint64_t max_unzipped_bytes = 100ull * 1024 * 1024;  // XLSX: all parts read, once inflated
};

struct ReadResult {
  std::vector<Row> rows;  // non-blank rows in sheet order; empty when error is set
  std::string error;      // a file-level message for the user; empty when the file was read
  std::string format;     // "csv" or "xlsx", once the kind of file is known
  bool date1904 = false;  // XLSX: the workbook uses the 1904 date system (old Mac Excel)
  bool ok() const { return error.empty(); }
};

// Reads XLSX (a zip) or CSV, whichever the bytes are. An empty file reads as no rows and no error
// (the pipeline says "Template is blank").
ReadResult read_sheet(std::string_view bytes, const Limits& limits = {});
// The two readers, for callers that already know the kind of file.
// CSV: UTF-8 with or without a BOM, or Windows-1252 as Excel writes it; comma separated;
// CRLF, LF or CR line ends; RFC 4180 quoting (commas, "" and line breaks inside quotes).
ReadResult read_csv(std::string_view bytes, const Limits& limits = {});
// XLSX: the first visible worksheet of the workbook; shared strings (rich text too), inline
// strings, numbers, booleans, formula results (the cached value), cells placed by their reference.
ReadResult read_xlsx(std::string_view bytes, const Limits& limits = {});

// "A", "Z", "AA" for column indexes 0, 25, 26; "" for a negative index.
std::string column_letters(int column_index0);
// "A1", "Z3", "AA10".
std::string cell_ref(int column_index0, int row1);

// An Excel serial date number as a calendar date, or nullopt if it is not one. The time of day
// (a fraction) is ignored. In the 1900 date system serial 1 is 1 January 1900 and Excel counts a
// 29 February 1900 that never was (serial 60, which gives nullopt), so 61 is 1 March 1900; in the
// 1904 date system serial 0 is 1 January 1904. Dates after 31 December 9999 give nullopt.
std::optional<util::Date> excel_serial_date(std::string_view serial, bool date1904 = false);

// The file-level messages, for callers that check the same bounds themselves.
std::string too_many_rows_message(const Limits& limits);
std::string file_too_big_message();
extern const char* const kNotCsvOrXlsxMessage;
extern const char* const kNotValidXlsxMessage;

}  // namespace core::bulk
