#include "xlsx_fixture.h"

#include <Poco/DateTime.h>
#include <Poco/Path.h>
#include <Poco/Zip/Compress.h>

#include <sstream>

#include "bulk/sheet.h"

namespace core::test {

std::string zip_parts(const std::vector<ZipPart>& parts, bool store) {
  std::ostringstream out(std::ios::binary);
  Poco::Zip::Compress zip(out, true);
  for (const auto& p : parts) {
    std::istringstream in(p.content, std::ios::binary);
    zip.addFile(in, Poco::DateTime(2026, 4, 1), Poco::Path(p.name, Poco::Path::PATH_UNIX),
                store ? Poco::Zip::ZipCommon::CM_STORE : Poco::Zip::ZipCommon::CM_DEFLATE,
                Poco::Zip::ZipCommon::CL_SUPERFAST);
  }
  zip.close();
  return out.str();
}

std::string xml_escape(std::string_view text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}

namespace {
const char* const kMain = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
const char* const kRel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
const char* const kPkgRel = "http://schemas.openxmlformats.org/package/2006/relationships";

bool plain_number(const std::string& s) {
  size_t i = s.size() > 1 && s[0] == '-' ? 1 : 0;
  if (s.empty() || s.size() > 15 || s[i] == '.' || s.back() == '.') return false;
  size_t dots = 0;
  for (; i < s.size(); ++i) {
    if (s[i] == '.') ++dots;
    else if (s[i] < '0' || s[i] > '9') return false;
  }
  return dots <= 1;
}
}  // namespace

std::vector<ZipPart> xlsx_parts(const std::string& sheet_xml, const std::string& shared_strings_xml) {
  std::vector<ZipPart> parts;
  std::string types =
      "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
      "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">"
      "<Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>"
      "<Default Extension=\"xml\" ContentType=\"application/xml\"/>"
      "<Override PartName=\"/xl/workbook.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml\"/>"
      "<Override PartName=\"/xl/worksheets/sheet1.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml\"/>";
  if (!shared_strings_xml.empty())
    types += "<Override PartName=\"/xl/sharedStrings.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml\"/>";
  types += "</Types>";
  parts.push_back({"[Content_Types].xml", types});
  parts.push_back({"_rels/.rels",
                   std::string("<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<Relationships xmlns=\"") +
                       kPkgRel + "\"><Relationship Id=\"rId1\" Type=\"" + kRel +
                       "/officeDocument\" Target=\"xl/workbook.xml\"/></Relationships>"});
  parts.push_back({"xl/workbook.xml", std::string("<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<workbook xmlns=\"") +
                                          kMain + "\" xmlns:r=\"" + kRel +
                                          "\"><sheets><sheet name=\"Sheet1\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>"});
  std::string rels = std::string("<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<Relationships xmlns=\"") + kPkgRel +
                     "\"><Relationship Id=\"rId1\" Type=\"" + kRel + "/worksheet\" Target=\"worksheets/sheet1.xml\"/>";
  if (!shared_strings_xml.empty())
    rels += std::string("<Relationship Id=\"rId2\" Type=\"") + kRel + "/sharedStrings\" Target=\"sharedStrings.xml\"/>";
  rels += "</Relationships>";
  parts.push_back({"xl/_rels/workbook.xml.rels", rels});
  parts.push_back({"xl/worksheets/sheet1.xml", sheet_xml});
  if (!shared_strings_xml.empty()) parts.push_back({"xl/sharedStrings.xml", shared_strings_xml});
  return parts;
}

std::string xlsx_from_rows(const std::vector<std::vector<std::string>>& rows, const XlsxOptions& options) {
  std::vector<std::string> strings;
  std::string sheet = std::string("<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<worksheet xmlns=\"") +
                      kMain + "\"><sheetData>";
  for (size_t r = 0; r < rows.size(); ++r) {
    sheet += "<row r=\"" + std::to_string(r + 1) + "\">";
    for (size_t c = 0; c < rows[r].size(); ++c) {
      const std::string& text = rows[r][c];
      if (text.empty()) continue;
      std::string ref = bulk::cell_ref(static_cast<int>(c), static_cast<int>(r + 1));
      if (options.numbers && plain_number(text)) {
        sheet += "<c r=\"" + ref + "\"><v>" + text + "</v></c>";
      } else if (options.inline_strings) {
        sheet += "<c r=\"" + ref + "\" t=\"inlineStr\"><is><t xml:space=\"preserve\">" + xml_escape(text) + "</t></is></c>";
      } else {
        sheet += "<c r=\"" + ref + "\" t=\"s\"><v>" + std::to_string(strings.size()) + "</v></c>";
        strings.push_back(text);
      }
    }
    sheet += "</row>";
  }
  sheet += "</sheetData></worksheet>";
  std::string shared;
  if (!strings.empty()) {
    shared = std::string("<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<sst xmlns=\"") + kMain +
             "\" count=\"" + std::to_string(strings.size()) + "\" uniqueCount=\"" + std::to_string(strings.size()) + "\">";
    for (const auto& s : strings) shared += "<si><t xml:space=\"preserve\">" + xml_escape(s) + "</t></si>";
    shared += "</sst>";
  }
  return zip_parts(xlsx_parts(sheet, shared));
}

}  // namespace core::test
