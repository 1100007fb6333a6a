// Reads a request body from the connection exactly as framed (web/framing.h), strictly.
// Poco's own chunked reader is lax: a bad chunk size or a missing CRLF after a chunk simply ends
// the body, and what follows is then read as the next request (request smuggling). This one
// follows RFC 9112 §7.1: chunk-size (hex) [chunk-ext] CRLF data CRLF ... 0 CRLF trailers CRLF,
// and refuses anything else.
#pragma once
#include <cstddef>
#include <string>

#include "web/framing.h"

namespace core::web {

// Where the bytes come from (the HTTP session in the server, a string in tests).
class ByteSource {
 public:
  virtual ~ByteSource() = default;
  virtual int get() = 0;                         // the next byte (0-255), or -1 at the end
  virtual size_t read(char* buf, size_t n) = 0;  // up to n bytes; 0 at the end
};

enum class BodyStatus {
  Complete,    // out holds the body
  TooLarge,    // over `limit` (read and dropped up to `drain_limit`, then given up)
  Malformed,   // not valid chunked encoding
  Incomplete,  // the connection ended before the body did
};

// Reads the body; keeps it in out when it is at most `limit` bytes. A body over the limit but
// within drain_limit is read to its end and dropped, so the client can be answered with 413
// rather than a reset; beyond drain_limit reading stops at once.
BodyStatus read_body(ByteSource& in, const BodyFraming& framing, size_t limit, size_t drain_limit, std::string& out);

}  // namespace core::web
