// The parts of the sheet readers that CSV and XLSX share: detection, bounds, messages, cell
// references and Excel's serial dates.
#include "bulk/sheet.h"

#include <charconv>
#include <cmath>

#include "bulk/sheet_builder.h"

namespace core::bulk {

const char* const kNotCsvOrXlsxMessage = "The selected file must be a CSV or XLSX file";
const char* const kNotValidXlsxMessage =
    "The selected file is not a valid XLSX file. Save it again from your spreadsheet program as an "
    "Excel workbook (.xlsx) or as CSV, and upload it again";

const std::string& Row::text(size_t column_index0) const {
  static const std::string empty;
  return column_index0 < cells.size() ? cells[column_index0].text : empty;
}

std::string too_many_rows_message(const Limits& limits) {
  std::string n = detail::with_commas(limits.max_data_rows);
  return "The file has more than " + n + " rows. Split it into files of " + n +
         " rows or fewer and upload each one";
}

std::string file_too_big_message() {
  return "File must be 10MB or less. Check your file and delete data that does not need to be uploaded.";
}

ReadResult read_sheet(std::string_view bytes, const Limits& limits) {
  ReadResult r;
  if (bytes.size() > limits.max_file_bytes) {
    r.error = file_too_big_message();
    return r;
  }
  if (bytes.size() >= 4 && bytes[0] == 'P' && bytes[1] == 'K' &&
      ((bytes[2] == 3 && bytes[3] == 4) || (bytes[2] == 5 && bytes[3] == 6) || (bytes[2] == 7 && bytes[3] == 8)))
    return read_xlsx(bytes, limits);
  // An OLE2 compound file: an Excel 97-2003 workbook, or an XLSX saved with a password.
  static constexpr std::string_view ole2("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8);
  if (bytes.substr(0, 8) == ole2) {
    r.error = "The selected file is an Excel 97-2003 workbook (.xls) or is protected with a password. "
              "Save it as an Excel workbook (.xlsx) without a password, or as CSV, and upload it again";
    return r;
  }
  return read_csv(bytes, limits);
}

std::string column_letters(int column_index0) {
  if (column_index0 < 0) return "";
  std::string out;
  long n = static_cast<long>(column_index0) + 1;
  while (n > 0) {
    long rem = (n - 1) % 26;
    out.insert(out.begin(), static_cast<char>('A' + rem));
    n = (n - 1) / 26;
  }
  return out;
}

std::string cell_ref(int column_index0, int row1) {
  return column_letters(column_index0) + std::to_string(row1);
}

namespace {
// Days since 1970-01-01 of a civil date, and back (H. Hinnant's algorithms).
int64_t days_from_civil(int64_t y, int m, int d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t yoe = y - era * 400;
  const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}
util::Date civil_from_days(int64_t z) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const int64_t doe = z - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  const int d = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  const int m = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  const int64_t y = yoe + era * 400 + (m <= 2);
  return util::Date{static_cast<int>(y), m, d};
}
}  // namespace

std::optional<util::Date> excel_serial_date(std::string_view serial, bool date1904) {
  if (serial.empty() || serial.size() > 40) return std::nullopt;
  double v = 0;
  auto [end, ec] = std::from_chars(serial.data(), serial.data() + serial.size(), v);
  if (ec != std::errc() || end != serial.data() + serial.size() || !std::isfinite(v)) return std::nullopt;
  if (v < 0 || v >= 3'000'000) return std::nullopt;
  const int64_t days = static_cast<int64_t>(std::floor(v));
  int64_t z;
  if (date1904) {
    z = days_from_civil(1904, 1, 1) + days;
  } else {
    if (days < 1 || days == 60) return std::nullopt;  // 0 is "0 January 1900"; 60 is Excel's 29 February 1900
    z = days_from_civil(1899, 12, days < 60 ? 31 : 30) + days;
  }
  util::Date d = civil_from_days(z);
  if (d.y > 9999) return std::nullopt;
  return d;
}

namespace detail {

std::string with_commas(uint64_t n) {
  std::string digits = std::to_string(n), out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

size_t utf8_chars(std::string_view s) {
  size_t n = 0;
  for (unsigned char c : s)
    if ((c & 0xC0) != 0x80) ++n;
  return n;
}

void normalise_line_breaks(std::string& s) {
  if (s.find('\r') == std::string::npos) return;
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\r') {
      out += '\n';
      if (i + 1 < s.size() && s[i + 1] == '\n') ++i;
    } else {
      out += s[i];
    }
  }
  s.swap(out);
}

std::string too_many_columns_message(const Limits& limits, int row1) {
  return "The file has more than " + with_commas(limits.max_columns) +
         " columns. Check your file and delete columns that do not need to be uploaded (row " +
         std::to_string(row1) + ")";
}

std::string cell_too_long_message(const Limits& limits, int column_index0, int row1) {
  return "Cell " + cell_ref(column_index0, row1) + " has more than " + with_commas(limits.max_cell_chars) +
         " characters. Check the cell and upload your file again";
}

bool SheetBuilder::fail(std::string message) {
  if (error_.empty()) error_ = std::move(message);
  return false;
}

bool SheetBuilder::begin_row(int row1) {
  if (failed()) return false;
  row_.number = row1;
  row_.cells.clear();
  in_row_ = true;
  return true;
}

bool SheetBuilder::set_cell(size_t column_index0, std::string text, bool number) {
  if (failed()) return false;
  if (column_index0 >= limits_.max_columns) return fail(too_many_columns_message(limits_, row_.number));
  if (utf8_chars(text) > limits_.max_cell_chars)
    return fail(cell_too_long_message(limits_, static_cast<int>(column_index0), row_.number));
  if (column_index0 >= row_.cells.size()) {
    cells_ += column_index0 + 1 - row_.cells.size();
    if (cells_ > limits_.max_cells)
      return fail("The file has more than " + with_commas(limits_.max_cells) +
                  " cells. Split it into smaller files and upload each one");
    row_.cells.resize(column_index0 + 1);
  }
  normalise_line_breaks(text);
  row_.cells[column_index0] = Cell{std::move(text), number};
  return true;
}

bool SheetBuilder::end_row() {
  if (failed()) return false;
  in_row_ = false;
  bool blank = true;
  for (const Cell& c : row_.cells) {
    if (c.text.find_first_not_of(" \t") != std::string::npos) {
      blank = false;
      break;
    }
  }
  if (blank) {
    cells_ -= row_.cells.size();
    row_.cells.clear();
    return true;
  }
  if (rows_.size() >= limits_.max_data_rows + limits_.header_rows_allowance)
    return fail(too_many_rows_message(limits_));
  rows_.push_back(std::move(row_));
  row_ = Row{};
  return true;
}

ReadResult SheetBuilder::finish(std::string format) {
  ReadResult r;
  r.format = std::move(format);
  if (in_row_ && !failed()) end_row();
  if (failed()) {
    r.error = error_;
    return r;
  }
  r.rows = std::move(rows_);
  return r;
}

}  // namespace detail
}  // namespace core::bulk
