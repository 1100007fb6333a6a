// multipart/form-data bodies (RFC 7578), as a browser sends a form with a file: the text fields and
// the files, by name. Strict and bounded: it never throws and never backtracks; a body that is not
// well formed is refused as a whole.
#pragma once
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace core::web {

struct UploadedFile {
  std::string filename;      // as the browser gave it, without any folder ("C:\x\y.csv" -> "y.csv")
  std::string content_type;  // as the browser gave it ("" when none)
  std::string data;
};

struct Multipart {
  std::multimap<std::string, std::string> fields;
  std::map<std::string, UploadedFile> files;  // a second file of the same name is refused
};

// The boundary of a Content-Type header ("multipart/form-data; boundary=xyz"), or nothing.
std::optional<std::string> multipart_boundary(std::string_view content_type);
// Parses a body; nothing when it is not well formed (a missing boundary, a part without a name,
// more than max_parts parts, a file name given twice).
std::optional<Multipart> parse_multipart(std::string_view body, std::string_view boundary, size_t max_parts = 100);

}  // namespace core::web
