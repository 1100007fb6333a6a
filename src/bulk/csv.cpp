// The CSV reader. One pass over the bytes to check them and settle the encoding, one pass to split
// them into rows and cells; both stop at the first broken bound.
#include <string>

#include "bulk/sheet.h"
#include "bulk/sheet_builder.h"
#include "util/text.h"

namespace core::bulk {

namespace {

const char* const kEncodingMessage =
    "The file could not be read: its text is not in UTF-8 or Windows-1252. Save it as \"CSV UTF-8\" "
    "and upload it again";
const char* const kUtf16Message =
    "The file could not be read: it is saved as Unicode (UTF-16) text. Save it as \"CSV UTF-8\" and "
    "upload it again";

// Windows-1252 bytes 0x80-0x9F as Unicode code points; 0 for the five bytes it leaves undefined.
constexpr char32_t kCp1252High[32] = {
    0x20AC, 0,      0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
    0x2039, 0x0152, 0,      0x017D, 0,      0,      0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
    0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0,      0x017E, 0x0178};

// Control characters a text file does not contain; TAB, LF, CR (and VT, FF, which some exports
// leave in cells) are allowed.
bool binary_byte(unsigned char c) {
  return c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != 0x0B && c != 0x0C;
}

// The file's text as UTF-8, or an error. `body` is the file without its BOM.
bool to_utf8(std::string& body, bool had_bom, std::string& error) {
  bool valid = true, multibyte = false;
  for (size_t i = 0; i < body.size();) {
    unsigned char c = static_cast<unsigned char>(body[i]);
    if (binary_byte(c)) {
      error = kNotCsvOrXlsxMessage;
      return false;
    }
    if (c < 0x80) {
      ++i;
      continue;
    }
    size_t n = util::utf8_sequence(body, i);
    if (n == 0) {
      valid = false;
      ++i;
    } else {
      multibyte = true;
      i += n;
    }
  }
  if (valid) return true;
  // Not UTF-8. Windows-1252, as Excel's plain "CSV" writes it on Windows, never holds well-formed
  // UTF-8 sequences in practice, so a file with both is a mix of encodings we cannot trust; and a
  // file that declared UTF-8 with a BOM is not Windows-1252 either.
  if (had_bom || multibyte) {
    error = kEncodingMessage;
    return false;
  }
  std::string out;
  out.reserve(body.size() + body.size() / 8);
  for (unsigned char c : body) {
    if (c < 0x80) {
      out += static_cast<char>(c);
    } else if (c < 0xA0) {
      char32_t cp = kCp1252High[c - 0x80];
      if (cp == 0) {
        error = kEncodingMessage;
        return false;
      }
      util::append_utf8(out, cp);
    } else {
      util::append_utf8(out, c);  // 0xA0-0xFF are U+00A0-U+00FF
    }
  }
  body.swap(out);
  return true;
}

}  // namespace

ReadResult read_csv(std::string_view bytes, const Limits& limits) {
  ReadResult bad;
  bad.format = "csv";
  if (bytes.size() > limits.max_file_bytes) {
    bad.error = file_too_big_message();
    return bad;
  }
  if (bytes.size() >= 2 && ((bytes[0] == '\xFF' && bytes[1] == '\xFE') || (bytes[0] == '\xFE' && bytes[1] == '\xFF'))) {
    bad.error = kUtf16Message;
    return bad;
  }
  bool bom = bytes.size() >= 3 && bytes.substr(0, 3) == "\xEF\xBB\xBF";
  std::string text(bom ? bytes.substr(3) : bytes);
  if (!to_utf8(text, bom, bad.error)) return bad;

  detail::SheetBuilder sheet(limits);
  const size_t n = text.size();
  int row1 = 1;
  size_t i = 0;
  std::string field;
  while (i < n) {
    // One record: fields separated by commas, ended by CRLF, LF, CR or the end of the file.
    sheet.begin_row(row1);
    size_t column = 0;
    bool record_done = false;
    while (!record_done) {
      field.clear();
      size_t chars = 0;
      bool too_long = false;
      auto add = [&](char c) {
        if (too_long) return;
        if ((static_cast<unsigned char>(c) & 0xC0) != 0x80 && ++chars > limits.max_cell_chars) {
          too_long = true;
          return;
        }
        field += c;
      };
      if (i < n && text[i] == '"') {
        // A quoted field: up to the closing quote, with "" for a quote and line breaks kept.
        ++i;
        bool closed = false;
        while (i < n) {
          char c = text[i];
          if (c == '"') {
            if (i + 1 < n && text[i + 1] == '"') {
              add('"');
              i += 2;
              continue;
            }
            ++i;
            closed = true;
            break;
          }
          if (c == '\r') {
            add('\n');
            i += (i + 1 < n && text[i + 1] == '\n') ? 2 : 1;
            continue;
          }
          add(c);
          ++i;
        }
        if (!closed) {
          bad.error = "The file could not be read: a quoted cell is not closed (row " + std::to_string(row1) + ")";
          return bad;
        }
      }
      // Unquoted text, or what follows a closing quote (kept as Excel keeps it: "ab"c reads abc).
      while (i < n && text[i] != ',' && text[i] != '\n' && text[i] != '\r') add(text[i++]);
      if (too_long) {
        bad.error = detail::cell_too_long_message(limits, static_cast<int>(column), row1);
        return bad;
      }
      if (!sheet.set_cell(column, field)) break;
      if (i < n && text[i] == ',') {
        ++i;
        ++column;
        if (column >= limits.max_columns) {
          sheet.fail(detail::too_many_columns_message(limits, row1));
          break;
        }
        continue;
      }
      // The end of the record: CRLF, CR or LF (or the end of the file).
      if (i < n && text[i] == '\r') {
        ++i;
        if (i < n && text[i] == '\n') ++i;
      } else if (i < n && text[i] == '\n') {
        ++i;
      }
      record_done = true;
    }
    if (sheet.failed()) break;
    sheet.end_row();
    if (sheet.failed()) break;
    ++row1;
  }
  return sheet.finish("csv");
}

}  // namespace core::bulk
