// How a request's body is delimited, decided strictly from its headers (RFC 9112 §6.3), so that
// the server and any proxy in front of it cannot disagree about where a request ends (request
// smuggling). Refused, with 400 and the connection closed:
//   - a header name that is not a token (e.g. "Content-Length : 3"), a value with control
//     characters, or a value folded onto a continuation line where that shows (Poco joins folded
//     lines: an empty first line leaves a leading space; a folded Content-Length or
//     Transfer-Encoding is never digits or "chunked" alone, so it is refused below anyway);
//   - more than one Content-Length (even with equal values), or one that is not 1-18 digits
//     ("+3", "-1", "3, 3", "0x3", a number too large);
//   - a Transfer-Encoding other than exactly "chunked" ("xchunked", "chunked, gzip", "identity"),
//     or more than one;
//   - Content-Length together with Transfer-Encoding.
#pragma once
#include <cstdint>

namespace Poco::Net {
class NameValueCollection;
}

namespace core::web {

struct BodyFraming {
  enum Kind { None, Length, Chunked } kind = None;
  int64_t length = 0;  // for Length
};

struct FramingResult {
  BodyFraming framing;
  const char* problem = nullptr;  // why the request is refused, or nullptr
};

FramingResult body_framing(const Poco::Net::NameValueCollection& headers);

}  // namespace core::web
