#include "web/http.h"

#include <cctype>
#include <charconv>

#include "util/text.h"

namespace core::web {

std::string Request::header(const std::string& n) const {
  auto it = headers.find(n);
  return it == headers.end() ? "" : it->second;
}
std::string Request::cookie(const std::string& n) const {
  auto it = cookies.find(n);
  return it == cookies.end() ? "" : it->second;
}
std::string Request::q(const std::string& n) const {
  auto it = query.find(n);
  return it == query.end() ? "" : it->second;
}
std::string Request::f(const std::string& n) const {
  auto it = form.find(n);
  return it == form.end() ? "" : it->second;
}
std::vector<std::string> Request::f_all(const std::string& n) const {
  std::vector<std::string> out;
  auto [a, b] = form.equal_range(n);
  for (auto it = a; it != b; ++it) out.push_back(it->second);
  return out;
}
std::string Request::param(const std::string& n) const {
  auto it = params.find(n);
  return it == params.end() ? "" : it->second;
}
int64_t Request::id_param(const std::string& n) const {
  std::string s = param(n);
  int64_t v = 0;
  if (s.empty() || s.size() > 18) throw NotFound();
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size() || v <= 0) throw NotFound();
  return v;
}

Response Response::redirect(const std::string& location, int status) {
  Response r;
  r.status = status;
  r.set_header("Location", location);
  r.content_type = "text/plain; charset=utf-8";
  return r;
}
Response Response::json(const std::string& body, int status) {
  return text(body, status, "application/json");
}
std::string Response::collect() const {
  if (!stream) return body;
  std::string out;
  stream([&](std::string_view part) { out.append(part); });
  return out;
}

Response Response::text(const std::string& body, int status, const std::string& type) {
  Response r;
  r.status = status;
  r.content_type = type;
  r.body = body;
  return r;
}
void Response::set_header(const std::string& name, const std::string& value) {
  for (auto& [n, v] : headers)
    if (n == name) {
      v = value;
      return;
    }
  headers.emplace_back(name, value);
}
std::string Response::header(const std::string& name) const {
  for (auto& [n, v] : headers)
    if (n == name) return v;
  return "";
}

std::string url_encode(const std::string& s) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') out += static_cast<char>(c);
    else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

static bool decode(const std::string& s, std::string& out) {
  out.clear();
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c == '+') out += ' ';
    else if (c == '%') {
      if (i + 2 >= s.size()) return false;
      int a = util::hex_value(s[i + 1]), b = util::hex_value(s[i + 2]);
      if (a < 0 || b < 0) return false;
      out += static_cast<char>(a * 16 + b);
      i += 2;
    } else out += c;
  }
  return true;
}

std::string url_decode(const std::string& s) {
  std::string out;
  if (!decode(s, out)) return s;
  return out;
}

bool parse_urlencoded(const std::string& s, std::multimap<std::string, std::string>& out) {
  size_t start = 0;
  while (start <= s.size()) {
    size_t amp = s.find('&', start);
    if (amp == std::string::npos) amp = s.size();
    std::string pair = s.substr(start, amp - start);
    if (!pair.empty()) {
      size_t eq = pair.find('=');
      std::string k, v;
      if (!decode(pair.substr(0, eq), k)) return false;
      if (eq != std::string::npos && !decode(pair.substr(eq + 1), v)) return false;
      if (!valid_utf8(k) || !valid_utf8(v)) return false;
      out.emplace(std::move(k), std::move(v));
    }
    start = amp + 1;
  }
  return true;
}

bool valid_utf8(const std::string& s) { return util::valid_utf8(s) && s.find('\0') == std::string::npos; }

}  // namespace core::web
