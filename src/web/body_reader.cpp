#include "web/body_reader.h"

#include <algorithm>

namespace core::web {
namespace {

constexpr size_t kMaxLine = 8192;      // chunk-size line or trailer field
constexpr int kMaxTrailerFields = 100;

enum class Line { Ok, Bad, End };

// One line ending in CRLF (a bare CR or LF is refused), without its CRLF.
Line read_line(ByteSource& in, std::string& line) {
  line.clear();
  for (;;) {
    int c = in.get();
    if (c < 0) return Line::End;
    if (c == '\n') return Line::Bad;
    if (c == '\r') {
      int n = in.get();
      return n < 0 ? Line::End : n == '\n' ? Line::Ok : Line::Bad;
    }
    if (line.size() >= kMaxLine) return Line::Bad;
    line += static_cast<char>(c);
  }
}

int hex(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Keeps the body's bytes while it is within the limit, counts them all.
struct Sink {
  std::string& out;
  size_t limit, drain_limit, total = 0;
  // Reads n bytes of body. False when the connection ended first.
  bool take(ByteSource& in, size_t n) {
    char buf[8192];
    while (n > 0) {
      size_t got = in.read(buf, std::min(n, sizeof buf));
      if (got == 0) return false;
      if (total + got <= limit) out.append(buf, got);
      total += got;
      n -= got;
    }
    return true;
  }
  bool over_drain(size_t more) const { return more > drain_limit || total + more > drain_limit; }
};

BodyStatus read_chunked(ByteSource& in, Sink& sink) {
  std::string line;
  for (;;) {
    if (auto l = read_line(in, line); l != Line::Ok) return l == Line::End ? BodyStatus::Incomplete : BodyStatus::Malformed;
    size_t i = 0, size = 0;
    for (; i < line.size() && hex(line[i]) >= 0; ++i) {
      if (i >= 15) return BodyStatus::Malformed;  // 15 hex digits are far beyond any limit
      size = size * 16 + static_cast<size_t>(hex(line[i]));
    }
    if (i == 0) return BodyStatus::Malformed;
    // chunk-ext = *( BWS ";" BWS name [ BWS "=" BWS value ] ): ignored, but it must start with
    // ';' after optional whitespace, and hold no control characters.
    size_t j = line.find_first_not_of(" \t", i);
    if (j != std::string::npos && line[j] != ';') return BodyStatus::Malformed;
    for (size_t k = i; k < line.size(); ++k)
      if ((static_cast<unsigned char>(line[k]) < 0x20 && line[k] != '\t') || line[k] == 0x7f) return BodyStatus::Malformed;
    if (size == 0) break;
    if (sink.over_drain(size)) return BodyStatus::TooLarge;
    if (!sink.take(in, size)) return BodyStatus::Incomplete;
    int cr = in.get(), lf = cr < 0 ? -1 : in.get();
    if (cr < 0 || lf < 0) return BodyStatus::Incomplete;
    if (cr != '\r' || lf != '\n') return BodyStatus::Malformed;
  }
  // The trailer section: header fields (ignored), then an empty line.
  for (int fields = 0;; ++fields) {
    if (auto l = read_line(in, line); l != Line::Ok) return l == Line::End ? BodyStatus::Incomplete : BodyStatus::Malformed;
    if (line.empty()) break;
    if (fields >= kMaxTrailerFields || line.find(':') == std::string::npos || line[0] == ' ' || line[0] == '\t')
      return BodyStatus::Malformed;
  }
  return BodyStatus::Complete;
}

}  // namespace

BodyStatus read_body(ByteSource& in, const BodyFraming& framing, size_t limit, size_t drain_limit, std::string& out) {
  out.clear();
  Sink sink{out, limit, drain_limit};
  BodyStatus status = BodyStatus::Complete;
  if (framing.kind == BodyFraming::Length) {
    size_t n = static_cast<size_t>(framing.length);
    status = sink.over_drain(n) ? BodyStatus::TooLarge : sink.take(in, n) ? BodyStatus::Complete : BodyStatus::Incomplete;
  } else if (framing.kind == BodyFraming::Chunked) {
    status = read_chunked(in, sink);
  }
  if (status == BodyStatus::Complete && sink.total > limit) status = BodyStatus::TooLarge;
  if (status != BodyStatus::Complete) out.clear();  // only a whole body is ever handed on
  return status;
}

}  // namespace core::web
