#include "web/security_headers.h"

namespace core::web {

void add_security_headers(Response& res, bool hsts) {
  res.set_header("Content-Security-Policy",
                 "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
                 "connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'");
  res.set_header("X-Content-Type-Options", "nosniff");
  res.set_header("X-Frame-Options", "DENY");
  res.set_header("Referrer-Policy", "same-origin");
  res.set_header("Permissions-Policy", "camera=(), microphone=(), geolocation=()");
  if (hsts) res.set_header("Strict-Transport-Security", "max-age=31536000; includeSubDomains");
  if (res.header("Cache-Control").empty()) res.set_header("Cache-Control", "no-store");
}

}  // namespace core::web
