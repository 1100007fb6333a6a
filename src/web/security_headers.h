// The headers every response of the process carries, whichever path produced it: pages,
// assets, the server's own error pages (400, 413) and answers to requests it could not parse.
// Called by App::finish() and by the server's one response writer, so nothing leaves without them.
#pragma once
#include "web/http.h"

namespace core::web {

// Sets CSP (no inline script), X-Frame-Options, nosniff, Referrer-Policy, Permissions-Policy,
// HSTS when behind TLS (hsts), and Cache-Control: no-store unless the response chose its own.
void add_security_headers(Response& res, bool hsts);

}  // namespace core::web
