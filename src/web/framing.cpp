#include "web/framing.h"

#include <Poco/Net/NameValueCollection.h>
#include <Poco/String.h>

#include <string>

#include "util/text.h"

namespace core::web {
namespace {

// RFC 9110 §5.6.2 tchar.
bool is_token(const std::string& s) {
  if (s.empty()) return false;
  for (unsigned char c : s) {
    bool ok = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
              std::string_view("!#$%&'*+-.^_`|~").find(static_cast<char>(c)) != std::string_view::npos;
    if (!ok) return false;
  }
  return true;
}

// Field values may hold visible characters, spaces, tabs and obs-text, not NUL or other controls.
bool valid_value(const std::string& v) {
  for (unsigned char c : v)
    if ((c < 0x20 && c != '\t') || c == 0x7f) return false;
  return true;
}

}  // namespace

FramingResult body_framing(const Poco::Net::NameValueCollection& headers) {
  FramingResult r;
  int lengths = 0, encodings = 0;
  std::string length, encoding;
  for (const auto& [name, value] : headers) {
    if (!is_token(name)) return {{}, "a header name is not valid"};
    if (!valid_value(value)) return {{}, "a header value contains control characters"};
    // Poco drops the spaces after the colon, so a value that starts with one was folded onto
    // a continuation line (obs-fold), which RFC 9112 §5.2 lets a server refuse.
    if (!value.empty() && (value[0] == ' ' || value[0] == '\t')) return {{}, "a header is folded over lines"};
    if (Poco::icompare(name, "Content-Length") == 0) {
      ++lengths;
      length = value;
    } else if (Poco::icompare(name, "Transfer-Encoding") == 0) {
      ++encodings;
      encoding = value;
    }
  }
  if (lengths > 0 && encodings > 0) return {{}, "both Content-Length and Transfer-Encoding"};
  if (lengths > 1) return {{}, "more than one Content-Length"};
  if (encodings > 1) return {{}, "more than one Transfer-Encoding"};
  if (lengths == 1) {
    // parse_int64 also takes a leading '-': only digits are a length.
    auto n = length.empty() || length[0] < '0' || length[0] > '9' ? std::nullopt : util::parse_int64(length);
    if (!n) return {{}, "Content-Length is not a number of bytes"};
    r.framing = {BodyFraming::Length, *n};
  } else if (encodings == 1) {
    if (Poco::icompare(encoding, "chunked") != 0) return {{}, "unsupported Transfer-Encoding"};
    r.framing = {BodyFraming::Chunked, 0};
  }
  return r;
}

}  // namespace core::web
