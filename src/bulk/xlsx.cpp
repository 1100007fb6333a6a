// The XLSX reader: Poco Zip finds and inflates the parts, and expat reads each part as it inflates.
// expat is the parser under Poco's SAX classes; we call it directly because Poco's SAX layer copies
// every name and attribute into new strings, and on a 10,000-row, 147-column sheet it took 3.5 s of
// CPU where expat takes 2 s (inflating included).
// Every inflated byte is counted against the unzipped-size budget, so a zip bomb is refused while
// it inflates, whatever its headers say. Any DTD is refused (no XLSX part has one, and DTDs are
// where entity expansion attacks live). Handlers never throw: they stop the parser and leave an
// error instead.
#include <Poco/MemoryStream.h>
#include <Poco/Zip/ZipArchive.h>
#include <Poco/Zip/ZipStream.h>
#include <expat.h>

#include <algorithm>
#include <charconv>
#include <new>
#include <vector>
#include <istream>

#include "bulk/sheet.h"
#include "bulk/sheet_builder.h"
#include "util/text.h"

namespace core::bulk {

namespace {

constexpr int kMaxSheetRow = 1048576;   // Excel's last row
constexpr int kMaxSheetColumn = 16384;  // Excel's last column, XFD
constexpr size_t kMaxRelationships = 10000;
constexpr size_t kMaxZipEntries = 10000;

std::string unzipped_too_big_message(const Limits& limits) {
  return "The selected file is too big once unzipped. An XLSX file must be " +
         detail::with_commas(limits.max_unzipped_bytes / (1024 * 1024)) +
         "MB or less when uncompressed. Check your file and delete data that does not need to be uploaded";
}

// A name without its namespace prefix: "x:c" -> "c".
std::string_view local_name(const XML_Char* name) {
  std::string_view n(name);
  size_t colon = n.rfind(':');
  return colon == std::string_view::npos ? n : n.substr(colon + 1);
}

// The value of an attribute by local name (prefix ignored), or "".
std::string_view attr(const XML_Char** atts, std::string_view local) {
  for (size_t i = 0; atts[i] && atts[i + 1]; i += 2)
    if (local_name(atts[i]) == local) return atts[i + 1];
  return {};
}

// Decodes OOXML's escapes for characters XML cannot hold: "_x000D_" is a carriage return and
// "_x005F_" an underscore. Escapes of surrogates are left as they are.
std::string decode_escapes(const std::string& s) {
  if (s.find("_x") == std::string::npos) return s;
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size();) {
    if (s[i] == '_' && i + 6 < s.size() && s[i + 1] == 'x' && s[i + 6] == '_') {
      int h0 = util::hex_value(s[i + 2]), h1 = util::hex_value(s[i + 3]), h2 = util::hex_value(s[i + 4]),
          h3 = util::hex_value(s[i + 5]);
      if (h0 >= 0 && h1 >= 0 && h2 >= 0 && h3 >= 0) {
        char32_t cp = static_cast<char32_t>((h0 << 12) | (h1 << 8) | (h2 << 4) | h3);
        if (cp < 0xD800 || cp > 0xDFFF) {
          util::append_utf8(out, cp);
          i += 7;
          continue;
        }
      }
    }
    out += s[i++];
  }
  return out;
}

// Appends XML text to a cell's text, keeping at most `cap` bytes (the cell is refused later anyway
// when it is that long: `cap` bytes always hold more characters than the limit allows).
void append_capped(std::string& s, const XML_Char* text, int length, size_t cap) {
  if (length <= 0 || s.size() >= cap) return;
  s.append(text, std::min(static_cast<size_t>(length), cap - s.size()));
}

// What reads one part. It can stop the parse; `error` says why when the reason is the user's data
// (too many rows, a cell too long) rather than a broken file.
struct Handler {
  XML_Parser parser = nullptr;
  bool stop = false;
  bool dtd = false;
  std::string error;
  virtual ~Handler() = default;
  virtual void start(std::string_view local, const XML_Char** atts) {}
  virtual void end(std::string_view local) {}
  virtual void text(const XML_Char* s, int length) {}
  void halt(std::string message = {}) {
    if (error.empty()) error = std::move(message);
    if (stop) return;
    stop = true;
    XML_StopParser(parser, XML_FALSE);
  }
};

void XMLCALL on_start(void* user, const XML_Char* name, const XML_Char** atts) {
  auto* h = static_cast<Handler*>(user);
  if (!h->stop) h->start(local_name(name), atts);
}
void XMLCALL on_end(void* user, const XML_Char* name) {
  auto* h = static_cast<Handler*>(user);
  if (!h->stop) h->end(local_name(name));
}
void XMLCALL on_text(void* user, const XML_Char* s, int length) {
  auto* h = static_cast<Handler*>(user);
  if (!h->stop) h->text(s, length);
}
void XMLCALL on_doctype(void* user, const XML_Char*, const XML_Char*, const XML_Char*, int) {
  auto* h = static_cast<Handler*>(user);
  h->dtd = true;
  h->halt();
}

struct Relationship {
  std::string id, type, target;
};

struct RelsHandler : Handler {
  std::vector<Relationship> rels;
  void start(std::string_view local, const XML_Char** a) override {
    if (local != "Relationship") return;
    if (attr(a, "TargetMode") == "External") return;
    if (rels.size() >= kMaxRelationships) return halt();
    rels.push_back({std::string(attr(a, "Id")), std::string(attr(a, "Type")), std::string(attr(a, "Target"))});
  }
  const Relationship* find_type(std::string_view suffix) const {
    for (const auto& r : rels)
      if (r.type.size() >= suffix.size() && r.type.compare(r.type.size() - suffix.size(), suffix.size(), suffix) == 0)
        return &r;
    return nullptr;
  }
  const Relationship* find_id(const std::string& id) const {
    for (const auto& r : rels)
      if (r.id == id) return &r;
    return nullptr;
  }
};

struct WorkbookHandler : Handler {
  struct Sheet {
    std::string rel_id;
    bool hidden = false;
  };
  std::vector<Sheet> sheets;
  bool date1904 = false;
  void start(std::string_view local, const XML_Char** a) override {
    if (local == "workbookPr") {
      std::string_view v = attr(a, "date1904");
      date1904 = v == "1" || v == "true";
    } else if (local == "sheet") {
      if (sheets.size() >= kMaxRelationships) return halt();
      std::string_view state = attr(a, "state");
      sheets.push_back({std::string(attr(a, "id")), state == "hidden" || state == "veryHidden"});
    }
  }
};

struct SharedStringsHandler : Handler {
  const Limits& limits;
  size_t cap;
  std::vector<std::string> strings;
  std::string current;
  bool in_si = false, in_t = false;
  int phonetic = 0;  // inside <rPh>: the reading of East Asian text, not part of the cell
  explicit SharedStringsHandler(const Limits& l) : limits(l), cap((l.max_cell_chars + 1) * 4) {}
  void start(std::string_view local, const XML_Char**) override {
    if (local == "si") {
      in_si = true;
      current.clear();
    } else if (local == "rPh") {
      ++phonetic;
    } else if (local == "t" && in_si && phonetic == 0) {
      in_t = true;
    }
  }
  void end(std::string_view local) override {
    if (local == "t") {
      in_t = false;
    } else if (local == "rPh") {
      if (phonetic > 0) --phonetic;
    } else if (local == "si" && in_si) {
      in_si = false;
      if (strings.size() >= limits.max_cells)
        return halt("The file has more than " + detail::with_commas(limits.max_cells) +
                    " cells. Split it into smaller files and upload each one");
      strings.push_back(decode_escapes(current));
    }
  }
  void text(const XML_Char* s, int length) override {
    if (in_t) append_capped(current, s, length, cap);
  }
};

// "B3" -> column 1, row 3; false unless it is 1-3 letters then 1-7 digits, within Excel's grid.
bool parse_ref(std::string_view r, int& column0, int& row1) {
  size_t i = 0;
  int col = 0;
  while (i < r.size() && r[i] >= 'A' && r[i] <= 'Z' && i < 3) col = col * 26 + (r[i++] - 'A' + 1);
  if (i == 0 || col > kMaxSheetColumn) return false;
  std::string_view digits = r.substr(i);
  if (digits.empty() || digits.size() > 7) return false;
  int row = 0;
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), row);
  if (ec != std::errc() || end != digits.data() + digits.size() || row < 1 || row > kMaxSheetRow) return false;
  column0 = col - 1;
  row1 = row;
  return true;
}

struct SheetHandler : Handler {
  const Limits& limits;
  const std::vector<std::string>& strings;
  detail::SheetBuilder& sheet;
  size_t cap;
  bool invalid = false;  // the sheet breaks the XLSX format (as opposed to breaking a bound)
  bool in_data = false, in_row = false, in_c = false, in_v = false, in_is = false, in_t = false;
  int phonetic = 0;
  int row = 0, column = -1;
  std::string type, value, inline_text;

  SheetHandler(const Limits& l, const std::vector<std::string>& s, detail::SheetBuilder& b)
      : limits(l), strings(s), sheet(b), cap((l.max_cell_chars + 1) * 4) {}

  void broken() {
    invalid = true;
    halt();
  }
  void check_builder() {
    if (sheet.failed()) halt(sheet.error());
  }

  void start(std::string_view local, const XML_Char** a) override {
    if (local == "sheetData") {
      in_data = true;
    } else if (local == "row" && in_data) {
      if (in_row) return broken();  // a row inside a row
      std::string_view r = attr(a, "r");
      int n = row + 1;
      if (!r.empty()) {
        auto [end, ec] = std::from_chars(r.data(), r.data() + r.size(), n);
        if (ec != std::errc() || end != r.data() + r.size()) return broken();
      }
      if (n <= row || n > kMaxSheetRow) return broken();
      row = n;
      column = -1;
      in_row = true;
      sheet.begin_row(row);
    } else if (local == "c" && in_row) {
      if (in_c) return broken();
      std::string_view r = attr(a, "r");
      int col = column + 1, cell_row = row;
      if (!r.empty() && !parse_ref(r, col, cell_row)) return broken();
      if (col >= kMaxSheetColumn) return broken();
      column = col;
      type = std::string(attr(a, "t"));
      value.clear();
      inline_text.clear();
      in_c = true;
    } else if (in_c && local == "v") {
      in_v = true;
    } else if (in_c && local == "is") {
      in_is = true;
    } else if (in_is && local == "rPh") {
      ++phonetic;
    } else if (in_is && local == "t" && phonetic == 0) {
      in_t = true;
    }
  }

  void end(std::string_view local) override {
    if (local == "v") {
      in_v = false;
    } else if (local == "t") {
      in_t = false;
    } else if (local == "rPh") {
      if (phonetic > 0) --phonetic;
    } else if (local == "is") {
      in_is = false;
    } else if (local == "c" && in_c) {
      in_c = false;
      end_cell();
    } else if (local == "row" && in_row) {
      in_row = false;
      sheet.end_row();
      check_builder();
    } else if (local == "sheetData") {
      in_data = false;
    }
  }

  void end_cell() {
    std::string text;
    bool number = false;
    if (type == "s") {
      size_t index = 0;
      auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), index);
      if (value.empty() || ec != std::errc() || end != value.data() + value.size() || index >= strings.size())
        return broken();
      text = strings[index];
    } else if (type == "inlineStr") {
      text = decode_escapes(inline_text.empty() ? value : inline_text);  // some writers put it in <v>
    } else if (type == "b") {
      text = value == "1" ? "TRUE" : value == "0" ? "FALSE" : value;
    } else if (type == "str") {
      text = decode_escapes(value);
    } else if (type == "e" || type == "d") {
      text = value;
    } else {  // "n" or no type: a number, kept as Excel wrote it
      text = value;
      number = !value.empty();
    }
    if (text.empty()) return;  // a formatted but empty cell does not make the row longer
    if (!util::valid_utf8(text)) return broken();
    sheet.set_cell(static_cast<size_t>(column), std::move(text), number);
    check_builder();
  }

  void text(const XML_Char* s, int length) override {
    if (in_v) append_capped(value, s, length, cap);
    else if (in_t) append_capped(inline_text, s, length, cap);
  }
};

enum class Part { ok, missing, too_big, invalid, stopped };

struct Zip {
  Poco::MemoryInputStream& in;
  Poco::Zip::ZipArchive& archive;
  uint64_t budget;
};

// Inflates one part into a handler, counting every inflated byte against the budget.
Part read_part(Zip& zip, const std::string& name, Handler& handler) {
  auto it = zip.archive.findHeader(name);
  if (it == zip.archive.headerEnd()) return Part::missing;
  const Poco::Zip::ZipLocalFileHeader& header = it->second;
  if (header.isEncrypted()) return Part::invalid;
  if (header.getUncompressedSize() > zip.budget) return Part::too_big;  // what the zip declares
  zip.in.clear();
  Poco::Zip::ZipInputStream inflated(zip.in, header, true);
  XML_Parser parser = XML_ParserCreate(nullptr);
  if (!parser) throw std::bad_alloc();
  struct Free {
    XML_Parser p;
    ~Free() { XML_ParserFree(p); }
  } free_parser{parser};
  handler.parser = parser;
  XML_SetUserData(parser, &handler);
  XML_SetElementHandler(parser, on_start, on_end);
  XML_SetCharacterDataHandler(parser, on_text);
  XML_SetStartDoctypeDeclHandler(parser, on_doctype);
  std::vector<char> buf(64 * 1024);
  for (;;) {
    inflated.read(buf.data(), static_cast<std::streamsize>(buf.size()));
    std::streamsize got = inflated.gcount();
    if (inflated.bad()) return Part::invalid;  // a broken or truncated entry (or a bad checksum)
    if (static_cast<uint64_t>(got) > zip.budget) return Part::too_big;
    zip.budget -= static_cast<uint64_t>(got);
    bool last = inflated.eof();
    if (got == 0 && !last) return Part::invalid;
    if (XML_Parse(parser, buf.data(), static_cast<int>(got), last) != XML_STATUS_OK) {
      if (handler.dtd) return Part::invalid;
      if (handler.stop) return Part::stopped;
      return Part::invalid;
    }
    if (last) break;
  }
  if (!inflated.crcValid()) return Part::invalid;
  return Part::ok;
}

// A relationship target as a zip entry name: relative to the folder of the part that names it,
// or absolute from the root when it starts with "/". ".." steps up a folder.
std::string resolve(const std::string& base_dir, const std::string& target) {
  std::string path = !target.empty() && target[0] == '/' ? target.substr(1) : base_dir + target;
  std::vector<std::string> parts;
  size_t start = 0;
  while (start <= path.size()) {
    size_t slash = path.find('/', start);
    if (slash == std::string::npos) slash = path.size();
    std::string seg = path.substr(start, slash - start);
    if (seg == "..") {
      if (!parts.empty()) parts.pop_back();
    } else if (!seg.empty() && seg != ".") {
      parts.push_back(seg);
    }
    start = slash + 1;
  }
  std::string out;
  for (const auto& p : parts) out += (out.empty() ? "" : "/") + p;
  return out;
}

std::string folder_of(const std::string& path) {
  size_t slash = path.rfind('/');
  return slash == std::string::npos ? "" : path.substr(0, slash + 1);
}

// The message for a part that could not be read, or "" when it was.
std::string part_problem(Part p, const Handler& h, const Limits& limits) {
  switch (p) {
    case Part::ok: return "";
    case Part::too_big: return unzipped_too_big_message(limits);
    case Part::stopped: return h.error.empty() ? kNotValidXlsxMessage : h.error;
    default: return kNotValidXlsxMessage;
  }
}

ReadResult read_xlsx_unguarded(std::string_view bytes, const Limits& limits) {
  auto fail = [](std::string message) {
    ReadResult bad;
    bad.format = "xlsx";
    bad.error = std::move(message);
    return bad;
  };
  // Poco reads every entry's header into a map before we can look at any: a workbook has tens of
  // entries, so a file with thousands of them is refused first.
  size_t entries = 0;
  for (size_t at = bytes.find("PK\x03\x04"); at != std::string_view::npos; at = bytes.find("PK\x03\x04", at + 4))
    if (++entries > kMaxZipEntries) return fail(kNotValidXlsxMessage);
  // A ZIP64 end-of-central-directory record says how long it is, and Poco allocates that much before
  // reading it: a record claiming more bytes than the file has is refused first (found by fuzzing).
  for (size_t at = bytes.find("PK\x06\x06"); at != std::string_view::npos; at = bytes.find("PK\x06\x06", at + 4)) {
    if (bytes.size() - at < 12) return fail(kNotValidXlsxMessage);
    uint64_t size = 0;
    for (int i = 7; i >= 0; --i) size = (size << 8) | uint8_t(bytes[at + 4 + size_t(i)]);
    if (size > bytes.size() - at - 12) return fail(kNotValidXlsxMessage);
  }
  Poco::MemoryInputStream in(bytes.data(), bytes.size());
  Poco::Zip::ZipArchive archive(in);
  Zip zip{in, archive, limits.max_unzipped_bytes};

  // The workbook: named by the package's relationships, or in its usual place.
  std::string workbook_path = "xl/workbook.xml";
  {
    RelsHandler rels;
    Part p = read_part(zip, "_rels/.rels", rels);
    if (p == Part::too_big) return fail(unzipped_too_big_message(limits));
    if (p == Part::ok)
      if (const Relationship* r = rels.find_type("/officeDocument")) workbook_path = resolve("", r->target);
  }
  WorkbookHandler workbook;
  Part p = read_part(zip, workbook_path, workbook);
  if (p != Part::ok) return fail(part_problem(p, workbook, limits));
  if (workbook.sheets.empty()) return fail(kNotValidXlsxMessage);

  RelsHandler rels;
  std::string dir = folder_of(workbook_path);
  std::string name = workbook_path.substr(dir.size());
  p = read_part(zip, dir + "_rels/" + name + ".rels", rels);
  if (p != Part::ok) return fail(part_problem(p, rels, limits));

  // The first sheet the user can see (or the first sheet, if every one is hidden).
  const WorkbookHandler::Sheet* chosen = &workbook.sheets.front();
  for (const auto& s : workbook.sheets)
    if (!s.hidden) {
      chosen = &s;
      break;
    }
  const Relationship* sheet_rel = rels.find_id(chosen->rel_id);
  if (!sheet_rel) return fail(kNotValidXlsxMessage);
  std::string sheet_path = resolve(dir, sheet_rel->target);

  SharedStringsHandler shared(limits);
  if (const Relationship* r = rels.find_type("/sharedStrings")) {
    p = read_part(zip, resolve(dir, r->target), shared);
    if (p != Part::ok) return fail(part_problem(p, shared, limits));
  }

  detail::SheetBuilder builder(limits);
  SheetHandler sheet(limits, shared.strings, builder);
  p = read_part(zip, sheet_path, sheet);
  if (p == Part::stopped && sheet.invalid) return fail(kNotValidXlsxMessage);
  if (p != Part::ok) return fail(part_problem(p, sheet, limits));
  ReadResult r = builder.finish("xlsx");
  r.date1904 = workbook.date1904;
  return r;
}

}  // namespace

ReadResult read_xlsx(std::string_view bytes, const Limits& limits) {
  ReadResult bad;
  bad.format = "xlsx";
  if (bytes.size() > limits.max_file_bytes) {
    bad.error = file_too_big_message();
    return bad;
  }
  try {
    return read_xlsx_unguarded(bytes, limits);
  } catch (const std::bad_alloc&) {
    bad.error = unzipped_too_big_message(limits);
  } catch (...) {  // Poco::Exception from the zip reader, or anything else: the file is broken
    bad.error = kNotValidXlsxMessage;
  }
  return bad;
}

}  // namespace core::bulk
