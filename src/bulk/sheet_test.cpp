// The sheet readers (issue 13): CSV and XLSX as landlords' software writes them, and the files
// a hostile or broken upload sends instead.
#include "bulk/sheet.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>

#include "xlsx_fixture.h"

using core::bulk::Cell;
using core::bulk::Limits;
using core::bulk::read_csv;
using core::bulk::read_sheet;
using core::bulk::read_xlsx;
using core::bulk::ReadResult;
using core::bulk::Row;
using core::test::xlsx_from_rows;
using core::test::xlsx_parts;
using core::test::zip_parts;

using namespace std::literals;

namespace {

using Table = std::vector<std::vector<std::string>>;

// The rows as text (row numbers left out).
Table texts(const ReadResult& r) {
  Table out;
  for (const Row& row : r.rows) {
    std::vector<std::string> cells;
    for (const Cell& c : row.cells) cells.push_back(c.text);
    out.push_back(cells);
  }
  return out;
}

std::vector<int> numbers(const ReadResult& r) {
  std::vector<int> out;
  for (const Row& row : r.rows) out.push_back(row.number);
  return out;
}

const std::string kMain = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";

std::string sheet_xml(const std::string& sheet_data) {
  return "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<worksheet xmlns=\"" + kMain +
         "\"><sheetData>" + sheet_data + "</sheetData></worksheet>";
}

std::string shared_xml(const std::string& items) {
  return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<sst xmlns=\"" + kMain + "\">" + items + "</sst>";
}

std::string xlsx(const std::string& sheet_data, const std::string& shared_items = "") {
  return zip_parts(xlsx_parts(sheet_xml(sheet_data), shared_items.empty() ? "" : shared_xml(shared_items)));
}

// A read that failed must give no rows at all.
void expect_error(const ReadResult& r, const std::string& message) {
  EXPECT_EQ(r.error, message);
  EXPECT_TRUE(r.rows.empty());
}

}  // namespace

// --- cell references and dates

TEST(SheetCellRef, LettersAndNumbers) {
  EXPECT_EQ(core::bulk::cell_ref(0, 1), "A1");
  EXPECT_EQ(core::bulk::cell_ref(25, 3), "Z3");
  EXPECT_EQ(core::bulk::cell_ref(26, 10), "AA10");
  EXPECT_EQ(core::bulk::cell_ref(51, 2), "AZ2");
  EXPECT_EQ(core::bulk::cell_ref(52, 2), "BA2");
  EXPECT_EQ(core::bulk::cell_ref(701, 7), "ZZ7");
  EXPECT_EQ(core::bulk::cell_ref(702, 7), "AAA7");
  EXPECT_EQ(core::bulk::cell_ref(16383, 1048576), "XFD1048576");
  EXPECT_EQ(core::bulk::column_letters(-1), "");
}

TEST(SheetSerialDate, Excel1900System) {
  auto iso = [](std::string_view s, bool d1904 = false) {
    auto d = core::bulk::excel_serial_date(s, d1904);
    return d ? d->iso() : std::string("none");
  };
  EXPECT_EQ(iso("45748"), "2025-04-01");
  EXPECT_EQ(iso("45748.75"), "2025-04-01");  // the time of day is dropped
  EXPECT_EQ(iso("25569"), "1970-01-01");
  EXPECT_EQ(iso("36526"), "2000-01-01");
  EXPECT_EQ(iso("46113"), "2026-04-01");
  EXPECT_EQ(iso("1"), "1900-01-01");
  EXPECT_EQ(iso("59"), "1900-02-28");
  EXPECT_EQ(iso("60"), "none");  // Excel's 29 February 1900, which never was
  EXPECT_EQ(iso("61"), "1900-03-01");
  EXPECT_EQ(iso("0"), "none");
  EXPECT_EQ(iso("2958465"), "9999-12-31");
  EXPECT_EQ(iso("2958466"), "none");
  for (const char* bad : {"", "-1", "abc", "45748x", " 45748", "1e400", "nan", "inf"}) EXPECT_EQ(iso(bad), "none") << bad;
}

TEST(SheetSerialDate, Excel1904System) {
  auto d = core::bulk::excel_serial_date("0", true);
  ASSERT_TRUE(d);
  EXPECT_EQ(d->iso(), "1904-01-01");
  d = core::bulk::excel_serial_date("44286", true);  // 45748 - 1462
  ASSERT_TRUE(d);
  EXPECT_EQ(d->iso(), "2025-04-01");
}

// --- CSV

TEST(SheetCsv, ReadsRowsAndCells) {
  ReadResult r = read_sheet("Name,Age,Town\r\nAda,36,Leeds\r\n");
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(r.format, "csv");
  EXPECT_EQ(texts(r), (Table{{"Name", "Age", "Town"}, {"Ada", "36", "Leeds"}}));
  EXPECT_EQ(numbers(r), (std::vector<int>{1, 2}));
  EXPECT_FALSE(r.rows[1].cells[1].number);  // CSV has no types: everything is text
  EXPECT_EQ(r.rows[1].text(2), "Leeds");
  EXPECT_EQ(r.rows[1].text(3), "");
}

TEST(SheetCsv, EveryLineEndingGivesTheSameRows) {
  Table want{{"a", "b"}, {"c", "d"}, {"e", ""}};
  for (const char* text : {"a,b\r\nc,d\r\ne,\r\n", "a,b\nc,d\ne,\n", "a,b\rc,d\re,\r", "a,b\rc,d\ne,", "a,b\r\nc,d\re,"}) {
    ReadResult r = read_csv(text);
    ASSERT_TRUE(r.ok()) << r.error;
    EXPECT_EQ(texts(r), want) << text;
    EXPECT_EQ(numbers(r), (std::vector<int>{1, 2, 3})) << text;
  }
}

TEST(SheetCsv, Utf8ByteOrderMarkIsDropped) {
  ReadResult r = read_sheet("\xEF\xBB\xBF" "Field number,1,2\n");
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(texts(r), (Table{{"Field number", "1", "2"}}));
  r = read_sheet("\xEF\xBB\xBF");
  EXPECT_TRUE(r.ok());
  EXPECT_TRUE(r.rows.empty());
}

TEST(SheetCsv, Utf8TextIsKept) {
  ReadResult r = read_csv("Rent \xC2\xA3" "100,Caf\xC3\xA9 \xE2\x80\x99" "s\n");
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(texts(r), (Table{{"Rent \xC2\xA3" "100", "Caf\xC3\xA9 \xE2\x80\x99" "s"}}));
}

TEST(SheetCsv, Windows1252IsDecoded) {
  // As Excel's plain "CSV" writes it on Windows: £ is A3, ’ is 92, “ ” are 93 94, – is 96, € is 80.
  ReadResult r = read_csv("\xA3" "100,O\x92" "Brien,\x93quoted\x94,1\x96" "2,\x80" "5,\xE9\n");
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(texts(r), (Table{{"\xC2\xA3" "100", "O\xE2\x80\x99" "Brien", "\xE2\x80\x9Cquoted\xE2\x80\x9D",
                              "1\xE2\x80\x93" "2", "\xE2\x82\xAC" "5", "\xC3\xA9"}}));
  r = read_csv("\x85\x97\x99\x9F");
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(r.rows[0].text(0), "\xE2\x80\xA6\xE2\x80\x94\xE2\x84\xA2\xC5\xB8");  // … — ™ Ÿ
}

TEST(SheetCsv, TextThatIsNeitherUtf8NorWindows1252IsRefused) {
  const std::string message =
      "The file could not be read: its text is not in UTF-8 or Windows-1252. Save it as \"CSV UTF-8\" and upload it again";
  expect_error(read_csv("a,\x81\n"), message);                            // 81 is undefined in Windows-1252
  expect_error(read_csv("Caf\xC3\xA9,\xA3" "5\n"), message);              // UTF-8 and Windows-1252 mixed
  expect_error(read_csv("\xEF\xBB\xBF" "a,\xA3" "5\n"), message);         // says UTF-8 but is not
  expect_error(read_csv("x\x8F\x90\n"), message);                         // so are 8F and 90
  EXPECT_EQ(read_csv("\xFF\xFE" "a\0b\0"sv).error,
            "The file could not be read: it is saved as Unicode (UTF-16) text. Save it as \"CSV UTF-8\" and upload it again");
}

TEST(SheetCsv, QuotedCells) {
  ReadResult r = read_csv("\"Smith, Jo\",\"say \"\"hi\"\"\",\"two\nlines\",\"crlf\r\ninside\",\"\"\nnext,row,3\n");
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(texts(r), (Table{{"Smith, Jo", "say \"hi\"", "two\nlines", "crlf\ninside", ""}, {"next", "row", "3"}}));
  // The quoted line break does not make a new row: the record after it is row 2, as in Excel.
  EXPECT_EQ(numbers(r), (std::vector<int>{1, 2}));
  // Text after a closing quote, and a quote inside an unquoted cell, are kept as Excel keeps them.
  r = read_csv("\"ab\"c,d\"e\n");
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(texts(r), (Table{{"abc", "d\"e"}}));
}

TEST(SheetCsv, UnmatchedQuoteIsAFileError) {
  expect_error(read_csv("a,b\nc,\"open\nd,e\n"), "The file could not be read: a quoted cell is not closed (row 2)");
  expect_error(read_csv("\""), "The file could not be read: a quoted cell is not closed (row 1)");
  // Even when the open cell runs past the cell-size limit, the open quote is what is reported.
  expect_error(read_csv("a\n\"" + std::string(100000, 'x')), "The file could not be read: a quoted cell is not closed (row 2)");
}

TEST(SheetCsv, BlankRowsAreDroppedAndRowNumbersKept) {
  ReadResult r = read_csv("a,b\n\n,,\n  ,\t\n\"\",\"\"\nc,d\n");
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(texts(r), (Table{{"a", "b"}, {"c", "d"}}));
  EXPECT_EQ(numbers(r), (std::vector<int>{1, 6}));
}

TEST(SheetCsv, FormulaLookingCellsAreKeptAsText) {
  // The reader never evaluates anything; neutralising formulas is for whatever writes cells out.
  ReadResult r = read_csv("=SUM(A1:A9),+1,-2,@x,\"=HYPERLINK(\"\"http://x\"\")\"\n");
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(texts(r), (Table{{"=SUM(A1:A9)", "+1", "-2", "@x", "=HYPERLINK(\"http://x\")"}}));
}

TEST(SheetCsv, CellsAreNotTrimmed) {
  ReadResult r = read_csv(" a , b\t\n");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(texts(r), (Table{{" a ", " b\t"}}));
}

TEST(SheetCsv, HundredThousandColumnsIsAFileError) {
  std::string line(99999, ',');
  expect_error(read_csv("a,b\n" + line + "\n"),
               "The file has more than 1,000 columns. Check your file and delete columns that do not need to be "
               "uploaded (row 2)");
  // The limit itself is allowed.
  ReadResult r = read_csv(std::string(999, ',') + "x\n");
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(r.rows[0].cells.size(), 1000u);
  EXPECT_EQ(r.rows[0].text(999), "x");
}

TEST(SheetCsv, OneMegabyteCellIsAFileError) {
  const std::string message = "Cell B2 has more than 32,767 characters. Check the cell and upload your file again";
  std::string big(1 << 20, 'x');
  expect_error(read_csv("a,b\nc," + big + "\n"), message);
  expect_error(read_csv("a,b\nc,\"" + big + "\"\n"), message);
  // 32,767 characters is allowed, and characters are counted, not bytes.
  std::string pounds;
  for (int i = 0; i < 32767; ++i) pounds += "\xC2\xA3";
  ReadResult r = read_csv("a," + pounds + "\n");
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(r.rows[0].text(1), pounds);
  expect_error(read_csv("a," + pounds + "x\n"), "Cell B1 has more than 32,767 characters. Check the cell and upload your file again");
}

TEST(SheetCsv, BinaryGarbageIsNotACsv) {
  expect_error(read_sheet(std::string("a,b\n\0\0\0\x01", 8)), "The selected file must be a CSV or XLSX file");
  std::mt19937 rng(13);
  std::string garbage;
  for (int i = 0; i < 4096; ++i) garbage += static_cast<char>(rng() & 0xFF);
  expect_error(read_sheet(garbage), "The selected file must be a CSV or XLSX file");
  // A PDF, a PNG: control bytes give them away.
  expect_error(read_sheet("%PDF-1.7\n\x01\x02\x03"), "The selected file must be a CSV or XLSX file");
  expect_error(read_sheet("\x89PNG\r\n\x1A\n"), "The selected file must be a CSV or XLSX file");
}

TEST(SheetCsv, EmptyFileHasNoRowsAndNoError) {
  ReadResult r = read_sheet("");
  EXPECT_TRUE(r.ok());
  EXPECT_TRUE(r.rows.empty());
}

TEST(SheetCsv, RowLimit) {
  // By default: 25,000 data rows plus room for the template's header rows.
  std::string file;
  for (int i = 0; i < 25010; ++i) file += "x\n";
  ReadResult r = read_csv(file);
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(r.rows.size(), 25010u);
  file += "x\n";
  expect_error(read_csv(file), "The file has more than 25,000 rows. Split it into files of 25,000 rows or fewer and upload each one");
  EXPECT_EQ(core::bulk::too_many_rows_message(Limits{}), "The file has more than 25,000 rows. Split it into files of 25,000 rows or fewer and upload each one");
  // Blank rows do not count.
  Limits small;
  small.max_data_rows = 2;
  small.header_rows_allowance = 0;
  EXPECT_TRUE(read_csv("a\n\n\n,\nb\n", small).ok());
  expect_error(read_csv("a\nb\nc\n", small), "The file has more than 2 rows. Split it into files of 2 rows or fewer and upload each one");
}

TEST(SheetCsv, CellCountAndFileSizeLimits) {
  Limits small;
  small.max_cells = 5;
  EXPECT_TRUE(read_csv("a,b\nc,d,e\n", small).ok());
  expect_error(read_csv("a,b\nc,d,e\nf\n", small), "The file has more than 5 cells. Split it into smaller files and upload each one");
  small = Limits{};
  small.max_file_bytes = 10;
  expect_error(read_sheet("0123456789A", small),
               "File must be 10MB or less. Check your file and delete data that does not need to be uploaded.");
}

// --- XLSX

TEST(SheetXlsx, ReadsEveryKindOfCell) {
  std::string shared =
      "<si><t>Tenant code</t></si>"
      "<si><r><rPr><b/></rPr><t>Rich </t></r><r><t xml:space=\"preserve\">text </t></r><rPh sb=\"0\" eb=\"1\"><t>reading</t></rPh></si>"
      "<si><t>line_x000D_\nbreak</t></si>"
      "<si><t>snake_x005F_x0041_case &amp; more</t></si>";
  std::string data =
      "<row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c><c r=\"B1\" t=\"s\"><v>1</v></c><c r=\"D1\" t=\"inlineStr\"><is><t>inline</t></is></c></row>"
      "<row r=\"2\"><c r=\"A2\"><v>3</v></c><c r=\"B2\" t=\"n\"><v>0.1</v></c><c r=\"C2\" s=\"1\"><v>45748</v></c>"
      "<c r=\"E2\" t=\"b\"><v>1</v></c><c r=\"F2\" t=\"str\"><f>A2&amp;\"x\"</f><v>3x</v></c><c r=\"G2\" t=\"e\"><v>#N/A</v></c>"
      "<c r=\"H2\" s=\"2\"/><c r=\"I2\" t=\"s\"><v>2</v></c><c r=\"J2\" t=\"s\"><v>3</v></c></row>"
      "<row r=\"5\"><c r=\"C5\" t=\"inlineStr\"><is><r><t>in</t></r><r><t>line rich</t></r></is></c></row>"
      "<row r=\"6\"><c r=\"A6\" s=\"3\"/><c r=\"B6\" t=\"inlineStr\"><is><t>  </t></is></c></row>";
  ReadResult r = read_sheet(xlsx(data, shared));
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(r.format, "xlsx");
  EXPECT_FALSE(r.date1904);
  EXPECT_EQ(texts(r), (Table{{"Tenant code", "Rich text ", "", "inline"},
                             {"3", "0.1", "45748", "", "TRUE", "3x", "#N/A", "", "line\nbreak", "snake_x0041_case & more"},
                             {"", "", "inline rich"}}));
  EXPECT_EQ(numbers(r), (std::vector<int>{1, 2, 5}));  // row 6 is blank: only formatting and spaces
  const Row& two = r.rows[1];
  EXPECT_TRUE(two.cells[0].number);
  EXPECT_TRUE(two.cells[2].number);
  EXPECT_FALSE(two.cells[4].number);
  EXPECT_FALSE(two.cells[5].number);
  EXPECT_FALSE(r.rows[0].cells[0].number);
  auto date = core::bulk::excel_serial_date(two.cells[2].text, r.date1904);
  ASSERT_TRUE(date);
  EXPECT_EQ(date->iso(), "2025-04-01");
}

TEST(SheetXlsx, CellsWithoutReferencesFollowOnAndRowsWithoutNumbersCountOn) {
  ReadResult r = read_xlsx(xlsx("<row><c t=\"inlineStr\"><is><t>a</t></is></c><c r=\"C1\"><v>1</v></c><c><v>2</v></c></row>"
                                "<row><c><v>3</v></c></row>"));
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(texts(r), (Table{{"a", "", "1", "2"}, {"3"}}));
  EXPECT_EQ(numbers(r), (std::vector<int>{1, 2}));
}

TEST(SheetXlsx, FixtureRoundTrip) {
  Table rows{{"Field number", "1", "2", "3"}, {"", "ORG1", "", "12"}, {}, {"x", "£5", "“quoted” & <tag>"}};
  for (bool inline_strings : {false, true}) {
    core::test::XlsxOptions options;
    options.inline_strings = inline_strings;
    options.numbers = true;
    ReadResult r = read_sheet(xlsx_from_rows(rows, options));
    ASSERT_TRUE(r.ok()) << r.error;
    EXPECT_EQ(texts(r), (Table{{"Field number", "1", "2", "3"}, {"", "ORG1", "", "12"}, {"x", "£5", "“quoted” & <tag>"}}));
    EXPECT_EQ(numbers(r), (std::vector<int>{1, 2, 4}));
    EXPECT_TRUE(r.rows[0].cells[1].number);
    EXPECT_FALSE(r.rows[1].cells[1].number);
  }
}

TEST(SheetXlsx, FirstVisibleSheetAndDate1904) {
  std::vector<core::test::ZipPart> parts = xlsx_parts(sheet_xml("<row r=\"1\"><c r=\"A1\"><v>1</v></c></row>"));
  for (auto& p : parts) {
    if (p.name == "xl/workbook.xml")
      p.content = "<workbook xmlns=\"" + kMain + "\" xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\">"
                  "<workbookPr date1904=\"1\"/><sheets><sheet name=\"Lists\" sheetId=\"2\" state=\"hidden\" r:id=\"rId9\"/>"
                  "<sheet name=\"Sheet1\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>";
    if (p.name == "xl/_rels/workbook.xml.rels")
      p.content = "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
                  "<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet\" Target=\"/xl/worksheets/sheet1.xml\"/>"
                  "<Relationship Id=\"rId9\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet\" Target=\"worksheets/lists.xml\"/>"
                  "</Relationships>";
  }
  parts.push_back({"xl/worksheets/lists.xml", sheet_xml("<row r=\"1\"><c r=\"A1\"><v>2</v></c></row>")});
  ReadResult r = read_xlsx(zip_parts(parts));
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_TRUE(r.date1904);
  EXPECT_EQ(texts(r), (Table{{"1"}}));
}

TEST(SheetXlsx, AZipOfSomethingElseIsNotAnXlsx) {
  expect_error(read_sheet(zip_parts({{"readme.txt", "hello"}, {"photo.jpg", std::string(1000, '\xFF')}})),
               core::bulk::kNotValidXlsxMessage);
  // An empty zip (just the end record).
  expect_error(read_sheet(std::string("PK\x05\x06", 4) + std::string(18, '\0')), core::bulk::kNotValidXlsxMessage);
  // A workbook that is not XML, and one that names no sheet.
  auto parts = xlsx_parts(sheet_xml(""));
  for (auto& p : parts)
    if (p.name == "xl/workbook.xml") p.content = "not xml at all";
  expect_error(read_sheet(zip_parts(parts)), core::bulk::kNotValidXlsxMessage);
  for (auto& p : parts)
    if (p.name == "xl/workbook.xml") p.content = "<workbook xmlns=\"" + kMain + "\"><sheets/></workbook>";
  expect_error(read_sheet(zip_parts(parts)), core::bulk::kNotValidXlsxMessage);
}

TEST(SheetXlsx, ThousandsOfZipEntriesAreRefused) {
  // Local file headers of empty stored entries, back to back: Poco would read every one into a map.
  std::string zip;
  for (int i = 0; i < 20000; ++i) {
    std::string name = "f" + std::to_string(i);
    zip += std::string("PK\x03\x04\x14\0\0\0\0\0\0\0\0\0", 14) + std::string(12, '\0');
    zip += static_cast<char>(name.size());
    zip += std::string(3, '\0') + name;
  }
  expect_error(read_sheet(zip), core::bulk::kNotValidXlsxMessage);
}

TEST(SheetXlsx, OldExcelFilesAreNamed) {
  expect_error(read_sheet(std::string("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8) + std::string(600, '\0')),
               "The selected file is an Excel 97-2003 workbook (.xls) or is protected with a password. Save it as an "
               "Excel workbook (.xlsx) without a password, or as CSV, and upload it again");
}

TEST(SheetXlsx, TruncatedFilesNeverHalfRead) {
  Table rows;
  for (int i = 0; i < 50; ++i) rows.push_back({"row " + std::to_string(i), std::to_string(i), "text"});
  std::string whole = xlsx_from_rows(rows);
  ReadResult full = read_sheet(whole);
  ASSERT_TRUE(full.ok()) << full.error;
  ASSERT_EQ(full.rows.size(), 50u);
  int errors = 0;
  for (size_t n = 4; n < whole.size(); n += 7) {
    ReadResult r = read_sheet(std::string_view(whole).substr(0, n));
    if (r.ok()) {
      EXPECT_EQ(texts(r), texts(full)) << n;  // only once everything that matters is there
    } else {
      ++errors;
      EXPECT_TRUE(r.rows.empty()) << n;
    }
  }
  EXPECT_GT(errors, 0);
  expect_error(read_sheet(std::string_view(whole).substr(0, whole.size() / 2)), core::bulk::kNotValidXlsxMessage);
}

TEST(SheetXlsx, CorruptedBytesNeverHalfRead) {
  std::string whole = xlsx_from_rows({{"a", "b"}, {"c", "d"}});
  // Flip bytes one at a time through the file: every result is a clean read or a clean error.
  int errors = 0;
  for (size_t i = 0; i < whole.size(); ++i) {
    std::string bad = whole;
    bad[i] = static_cast<char>(bad[i] ^ 0x5A);
    ReadResult r = read_sheet(bad);
    if (!r.ok()) {
      ++errors;
      EXPECT_TRUE(r.rows.empty());
    }
  }
  EXPECT_GT(errors, 0);
}

TEST(SheetXlsx, ZipBombIsRefusedWhileInflating) {
  Limits limits;
  limits.max_unzipped_bytes = 1024 * 1024;
  // 8MB of valid XML (spaces between elements) deflates to a few kilobytes.
  std::string sheet = sheet_xml("<row r=\"1\"><c r=\"A1\"><v>1</v></c></row>" + std::string(8 * 1024 * 1024, ' '));
  std::string zip = zip_parts(xlsx_parts(sheet));
  EXPECT_LT(zip.size(), 100u * 1024);
  const std::string message =
      "The selected file is too big once unzipped. An XLSX file must be 1MB or less when uncompressed. Check your "
      "file and delete data that does not need to be uploaded";
  expect_error(read_sheet(zip, limits), message);
  // With the default limit of 100MB the same file is fine.
  EXPECT_TRUE(read_sheet(zip).ok());
}

namespace {
// The offset of the local file header of `name` in a zip made by zip_parts.
size_t local_header(const std::string& zip, const std::string& name) {
  for (size_t at = zip.find("PK\x03\x04"); at != std::string::npos; at = zip.find("PK\x03\x04", at + 1)) {
    size_t name_len = static_cast<unsigned char>(zip[at + 26]) | (static_cast<unsigned char>(zip[at + 27]) << 8);
    if (zip.compare(at + 30, name_len, name) == 0 && name_len == name.size()) return at;
  }
  return std::string::npos;
}
void put32(std::string& s, size_t at, uint32_t v) {
  for (int i = 0; i < 4; ++i) s[at + i] = static_cast<char>((v >> (8 * i)) & 0xFF);
}
}  // namespace

TEST(SheetXlsx, ZipBombHeadersAreNotTrusted) {
  Limits limits;
  limits.max_unzipped_bytes = 1024 * 1024;
  std::string sheet = sheet_xml("<row r=\"1\"><c r=\"A1\"><v>1</v></c></row>" + std::string(4 * 1024 * 1024, ' '));
  std::string zip = zip_parts(xlsx_parts(sheet));
  size_t at = local_header(zip, "xl/worksheets/sheet1.xml");
  ASSERT_NE(at, std::string::npos);
  // A header that claims 100 bytes is refused all the same, because the bytes are counted as they
  // come out of the inflater; one that claims more than the limit is refused before inflating.
  std::string lying = zip;
  put32(lying, at + 22, 100);
  expect_error(read_sheet(lying, limits),
               "The selected file is too big once unzipped. An XLSX file must be 1MB or less when uncompressed. "
               "Check your file and delete data that does not need to be uploaded");
  std::string huge = zip_parts(xlsx_parts(sheet_xml("<row r=\"1\"><c r=\"A1\"><v>1</v></c></row>")));
  ASSERT_TRUE(read_sheet(huge).ok());
  at = local_header(huge, "xl/worksheets/sheet1.xml");
  put32(huge, at + 22, 200u * 1024 * 1024);
  expect_error(read_sheet(huge),
               "The selected file is too big once unzipped. An XLSX file must be 100MB or less when uncompressed. "
               "Check your file and delete data that does not need to be uploaded");
}

TEST(SheetXlsx, DoctypeIsRefused) {
  // The "billion laughs": entities that expand to gigabytes. No XLSX part has a DTD.
  std::string bomb =
      "<?xml version=\"1.0\"?><!DOCTYPE lolz [<!ENTITY lol \"lol\"><!ENTITY lol2 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">"
      "<!ENTITY lol3 \"&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;\">]>"
      "<worksheet xmlns=\"" + kMain + "\"><sheetData><row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>&lol3;</t></is></c></row></sheetData></worksheet>";
  expect_error(read_sheet(zip_parts(xlsx_parts(bomb))), core::bulk::kNotValidXlsxMessage);
  // Comments and CDATA are fine.
  ReadResult r = read_sheet(xlsx("<!-- a comment --><row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t><![CDATA[a<b]]></t></is></c></row>"));
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(texts(r), (Table{{"a<b"}}));
}

TEST(SheetXlsx, TooManyColumnsIsAFileError) {
  const std::string message =
      "The file has more than 1,000 columns. Check your file and delete columns that do not need to be uploaded (row 3)";
  expect_error(read_sheet(xlsx("<row r=\"3\"><c r=\"A3\"><v>1</v></c><c r=\"XFD3\"><v>1</v></c></row>")), message);
  std::string data = "<row r=\"3\">";
  for (int c = 0; c < 16384; ++c) data += "<c><v>1</v></c>";
  data += "</row>";
  expect_error(read_sheet(xlsx(data)), message);
  // Beyond Excel's last column the file is broken, not just too wide.
  expect_error(read_sheet(xlsx("<row r=\"3\"><c r=\"XFE3\"><v>1</v></c></row>")), core::bulk::kNotValidXlsxMessage);
  // Formatted empty cells far to the right do not count.
  ReadResult r = read_sheet(xlsx("<row r=\"1\"><c r=\"A1\"><v>1</v></c><c r=\"XFD1\" s=\"1\"/></row>"));
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(r.rows[0].cells.size(), 1u);
}

TEST(SheetXlsx, LongCellsAreAFileError) {
  std::string big(1 << 20, 'x');
  expect_error(read_sheet(xlsx("<row r=\"2\"><c r=\"B2\" t=\"s\"><v>0</v></c></row>", "<si><t>" + big + "</t></si>")),
               "Cell B2 has more than 32,767 characters. Check the cell and upload your file again");
  expect_error(read_sheet(xlsx("<row r=\"4\"><c r=\"K4\" t=\"inlineStr\"><is><t>" + big + "</t></is></c></row>")),
               "Cell K4 has more than 32,767 characters. Check the cell and upload your file again");
  ReadResult r = read_sheet(xlsx("<row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>" + std::string(32767, 'y') + "</t></is></c></row>"));
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(r.rows[0].text(0).size(), 32767u);
}

TEST(SheetXlsx, RowLimit) {
  Limits small;
  small.max_data_rows = 3;
  small.header_rows_allowance = 1;
  Table rows(4, std::vector<std::string>{"x"});
  EXPECT_TRUE(read_sheet(xlsx_from_rows(rows), small).ok());
  rows.push_back({"y"});
  expect_error(read_sheet(xlsx_from_rows(rows), small), "The file has more than 3 rows. Split it into files of 3 rows or fewer and upload each one");
}

TEST(SheetXlsx, BrokenSheetsAreRefused) {
  const std::string invalid = core::bulk::kNotValidXlsxMessage;
  expect_error(read_sheet(xlsx("<row r=\"1\"><c r=\"A1\" t=\"s\"><v>5</v></c></row>", "<si><t>only one</t></si>")), invalid);
  expect_error(read_sheet(xlsx("<row r=\"1\"><c r=\"A1\" t=\"s\"><v>x</v></c></row>", "<si><t>a</t></si>")), invalid);
  expect_error(read_sheet(xlsx("<row r=\"2\"><c><v>1</v></c></row><row r=\"1\"><c><v>1</v></c></row>")), invalid);
  expect_error(read_sheet(xlsx("<row r=\"0\"><c><v>1</v></c></row>")), invalid);
  expect_error(read_sheet(xlsx("<row r=\"1048577\"><c><v>1</v></c></row>")), invalid);
  expect_error(read_sheet(xlsx("<row r=\"1\"><c r=\"1A\"><v>1</v></c></row>")), invalid);
  expect_error(read_sheet(xlsx("<row r=\"1\"><c r=\"A1\"><v>1</v></c>")), invalid);  // not well-formed
  // A sheet the workbook names but the zip lacks.
  auto parts = xlsx_parts(sheet_xml(""));
  parts.erase(std::remove_if(parts.begin(), parts.end(), [](const auto& p) { return p.name == "xl/worksheets/sheet1.xml"; }), parts.end());
  expect_error(read_sheet(zip_parts(parts)), invalid);
}

TEST(SheetXlsx, StoredEntriesAreReadToo) {
  ReadResult r = read_sheet(zip_parts(xlsx_parts(sheet_xml("<row r=\"1\"><c r=\"A1\"><v>7</v></c></row>")), true));
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(texts(r), (Table{{"7"}}));
}

// Found by fuzzing (scripts/fuzz.sh): a ZIP64 end-of-central-directory record claiming to be
// hundreds of terabytes long made Poco allocate that much before reading it.
TEST(SheetReaders, Zip64RecordLongerThanTheFileIsRefusedBeforePocoReadsIt) {
  std::string z = std::string("PK\x03\x04", 4) + std::string(26, '\0') + std::string("PK\x06\x06", 4) + std::string(48, '\x06');
  auto r = core::bulk::read_sheet(z);
  EXPECT_EQ(r.error, core::bulk::kNotValidXlsxMessage);
  EXPECT_TRUE(r.rows.empty());
}

// --- the fuzzers' corpus, replayed on every test run

TEST(SheetFuzzCorpus, EveryFileReadsCleanly) {
  namespace fs = std::filesystem;
  size_t files = 0;
  for (const char* kind : {"csv", "xlsx"}) {
    fs::path dir = fs::path(CORE_SOURCE_DIR) / "tests/fuzz/corpus" / kind;
    ASSERT_TRUE(fs::is_directory(dir)) << dir;
    for (const auto& entry : fs::directory_iterator(dir)) {
      if (!entry.is_regular_file()) continue;
      std::ifstream in(entry.path(), std::ios::binary);
      std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
      ReadResult r = read_sheet(bytes);
      if (!r.ok()) {
        EXPECT_TRUE(r.rows.empty()) << entry.path();
      }
      for (const Row& row : r.rows) EXPECT_GE(row.number, 1) << entry.path();
      ++files;
    }
  }
  // The worksheet XML corpus of sheet_xml_fuzz: each file is a sheet (then, after a NUL, the
  // shared strings) zipped into a workbook, as the fuzzer does.
  fs::path dir = fs::path(CORE_SOURCE_DIR) / "tests/fuzz/corpus/sheet_xml";
  ASSERT_TRUE(fs::is_directory(dir)) << dir;
  for (const auto& entry : fs::directory_iterator(dir)) {
    std::ifstream in(entry.path(), std::ios::binary);
    std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    size_t nul = bytes.find('\0');
    std::string shared = nul == std::string::npos ? "" : bytes.substr(nul + 1);
    ReadResult r = read_sheet(zip_parts(xlsx_parts(bytes.substr(0, nul), shared), true));
    if (!r.ok()) {
      EXPECT_TRUE(r.rows.empty()) << entry.path();
    }
    ++files;
  }
  EXPECT_GE(files, 10u);
}
