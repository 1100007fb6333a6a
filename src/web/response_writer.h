// Writes a Response on a connection. Every response the server sends goes through here,
// so every one gets the security headers (web/security_headers.h). Status line, headers and
// body leave in one sendmsg() where the kernel takes them.
#pragma once
#include <string>

#include "web/http.h"

namespace Poco::Net {
class StreamSocket;
}

namespace core::web {

struct WriteOptions {
  bool head_only = false;   // a HEAD request: headers only (Content-Length still of the body)
  bool keep_alive = false;  // false: "Connection: close"
  bool http10 = false;      // answer in HTTP/1.0
  bool hsts = false;        // behind TLS
};

// Throws Poco::IOException when the connection fails.
void write_response(Poco::Net::StreamSocket& socket, Response res, const WriteOptions& options);

}  // namespace core::web
