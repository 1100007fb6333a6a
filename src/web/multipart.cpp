#include "web/multipart.h"

#include <vector>

namespace core::web {

namespace {

char lower_char(char c) { return c >= 'A' && c <= 'Z' ? char(c - 'A' + 'a') : c; }

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = lower_char(c);
  return out;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// A parameter of a header value (`name="x"`, `filename="y.csv"`, `boundary=z`): quoted or not.
std::optional<std::string> parameter(std::string_view header, std::string_view name) {
  size_t at = 0;
  while (at < header.size()) {
    size_t semi = header.find(';', at);
    if (semi == std::string_view::npos) return std::nullopt;
    at = semi + 1;
    std::string_view rest = trim(header.substr(at));
    size_t eq = rest.find('=');
    if (eq == std::string_view::npos) return std::nullopt;
    if (lower(trim(rest.substr(0, eq))) != name) continue;
    std::string_view v = rest.substr(eq + 1);
    std::string out;
    if (!v.empty() && v[0] == '"') {
      for (size_t i = 1; i < v.size(); ++i) {
        if (v[i] == '\\' && i + 1 < v.size()) {
          out += v[++i];
          continue;
        }
        if (v[i] == '"') return out;
        out += v[i];
      }
      return std::nullopt;  // a quote left open
    }
    size_t end = v.find(';');
    return std::string(trim(v.substr(0, end)));
  }
  return std::nullopt;
}

// "C:\Users\me\file.csv" or "folder/file.csv" -> "file.csv".
std::string base_name(std::string name) {
  size_t slash = name.find_last_of("/\\");
  if (slash != std::string::npos) name = name.substr(slash + 1);
  return name;
}

}  // namespace

std::optional<std::string> multipart_boundary(std::string_view content_type) {
  if (lower(content_type).rfind("multipart/form-data", 0) != 0) return std::nullopt;
  auto b = parameter(content_type, "boundary");
  if (!b || b->empty() || b->size() > 70) return std::nullopt;
  return b;
}

std::optional<Multipart> parse_multipart(std::string_view body, std::string_view boundary, size_t max_parts) {
  Multipart out;
  std::string delim = "--" + std::string(boundary);
  // The body starts with the first delimiter (a preamble before it is allowed and ignored).
  size_t at = body.find(delim);
  if (at == std::string_view::npos) return std::nullopt;
  at += delim.size();
  std::string next = "\r\n" + delim;
  size_t parts = 0;
  for (;;) {
    if (body.substr(at, 2) == "--") return out;  // the closing delimiter
    if (body.substr(at, 2) != "\r\n") return std::nullopt;
    at += 2;
    if (++parts > max_parts) return std::nullopt;
    // Headers, up to an empty line.
    std::string disposition, type;
    for (;;) {
      size_t eol = body.find("\r\n", at);
      if (eol == std::string_view::npos || eol - at > 8192) return std::nullopt;
      std::string_view line = body.substr(at, eol - at);
      at = eol + 2;
      if (line.empty()) break;
      size_t colon = line.find(':');
      if (colon == std::string_view::npos) return std::nullopt;
      std::string name = lower(trim(line.substr(0, colon)));
      std::string_view value = trim(line.substr(colon + 1));
      if (name == "content-disposition") disposition = std::string(value);
      else if (name == "content-type") type = std::string(value);
    }
    size_t end = body.find(next, at);
    if (end == std::string_view::npos) return std::nullopt;
    std::string_view data = body.substr(at, end - at);
    at = end + next.size();
    if (lower(disposition).rfind("form-data", 0) != 0) return std::nullopt;
    auto name = parameter(disposition, "name");
    if (!name || name->empty()) return std::nullopt;
    auto filename = parameter(disposition, "filename");
    if (filename) {
      if (out.files.count(*name)) return std::nullopt;
      out.files[*name] = {base_name(*filename), type, std::string(data)};
    } else {
      out.fields.emplace(*name, std::string(data));
    }
  }
}

}  // namespace core::web
