// Building XLSX files in tests, with Poco::Zip: from rows of strings (the usual case), or from
// hand-written parts when a test needs a particular sheet XML.
#pragma once
#include <string>
#include <string_view>
#include <vector>

namespace core::test {

struct ZipPart {
  std::string name;     // the entry name, e.g. "xl/worksheets/sheet1.xml"
  std::string content;  // the entry's bytes
};
// A zip of the parts, deflated (or stored, when `store`).
std::string zip_parts(const std::vector<ZipPart>& parts, bool store = false);

// XML text with &, <, >, " escaped.
std::string xml_escape(std::string_view text);

// The parts of a one-sheet workbook around the given sheet XML (a whole xl/worksheets/sheet1.xml)
// and, when not empty, shared strings XML (a whole xl/sharedStrings.xml).
std::vector<ZipPart> xlsx_parts(const std::string& sheet_xml, const std::string& shared_strings_xml = "");

struct XlsxOptions {
  bool inline_strings = false;  // write text as inline strings instead of shared strings
  bool numbers = false;         // write cells that are plain decimal numbers as numbers
};
// An XLSX file whose first sheet holds these rows from A1 on; an empty string is no cell at all.
std::string xlsx_from_rows(const std::vector<std::vector<std::string>>& rows, const XlsxOptions& options = {});

}  // namespace core::test
