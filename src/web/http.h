// The request and response the web layer hands to handlers, independent of Poco, so that the
// whole pipeline (router, session, CSRF, handlers, rendering) can be driven in tests without sockets.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "web/multipart.h"

namespace core::web {

struct Request {
  std::string method = "GET";
  std::string path = "/";
  std::string query_string;
  std::map<std::string, std::string> headers;  // lower-case names
  std::map<std::string, std::string> cookies;
  std::multimap<std::string, std::string> query;
  std::multimap<std::string, std::string> form;  // application/x-www-form-urlencoded body (or a multipart body's fields)
  std::map<std::string, UploadedFile> files;     // a multipart/form-data body's files, by field name
  std::string body;
  std::string remote_addr = "127.0.0.1";
  std::map<std::string, std::string> params;     // from the route pattern

  std::string header(const std::string& lower_name) const;
  std::string cookie(const std::string& name) const;
  std::string q(const std::string& name) const;          // first query value or ""
  std::string f(const std::string& name) const;          // first form value or ""
  bool has_form(const std::string& name) const { return form.count(name) > 0; }
  std::vector<std::string> f_all(const std::string& name) const;
  std::string param(const std::string& name) const;
  // A route parameter as a positive id; throws NotFound when it is not one.
  int64_t id_param(const std::string& name) const;
};

// A body written as it is produced (a CSV download of many logs): the writer sends it in chunks,
// so the server never holds it whole. It runs after the handler has returned, outside the request's
// database lease: it takes what it needs itself. Once it has started the status cannot change: if
// it throws, the connection is closed without the chunked body's end, which the client sees as a
// failed download.
using BodyWriter = std::function<void(std::string_view)>;
using BodyStream = std::function<void(const BodyWriter& write)>;

struct Response {
  int status = 200;
  std::string content_type = "text/html; charset=utf-8";
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  BodyStream stream;  // when set, the body (`body` is ignored)

  // The whole body: `body`, or what `stream` writes (for tests and small callers).
  std::string collect() const;

  static Response redirect(const std::string& location, int status = 303);
  static Response json(const std::string& body, int status = 200);
  static Response text(const std::string& body, int status = 200, const std::string& type = "text/plain; charset=utf-8");
  void set_header(const std::string& name, const std::string& value);
  std::string header(const std::string& name) const;
};

// Thrown by handlers; the app turns it into the matching GOV.UK error page (or JSON).
struct HttpError : std::runtime_error {
  int status;
  HttpError(int s, const std::string& msg) : std::runtime_error(msg), status(s) {}
};
struct NotFound : HttpError {
  NotFound() : HttpError(404, "Page not found") {}
};
struct Forbidden : HttpError {
  Forbidden() : HttpError(403, "You do not have permission to see this page") {}
};
struct BadRequest : HttpError {
  explicit BadRequest(const std::string& m = "The request could not be understood") : HttpError(400, m) {}
};

std::string url_encode(const std::string& s);
std::string url_decode(const std::string& s);
// Parses a=b&c=d (also used for query strings). Returns false on malformed percent-encoding.
bool parse_urlencoded(const std::string& s, std::multimap<std::string, std::string>& out);
// Whether s is valid UTF-8 without NUL bytes (form values that are not are refused with 400).
bool valid_utf8(const std::string& s);

}  // namespace core::web
