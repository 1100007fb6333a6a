// A log's answers as stored: one flat JSON object, attribute → value. Read and written here without
// building a JSON document (a save reads and writes a whole log, about 150 answers), with the general
// JSON library as the fallback for anything unexpected.
#include <charconv>
#include <cmath>

#include "form/gateway.h"
#include "util/text.h"

namespace core::form {

using expr::Value;

namespace {

// Reads one flat JSON object. Returns false on anything it does not handle (the caller then uses
// the general parser): nested arrays or objects, bad syntax, trailing text.
class FlatReader {
 public:
  explicit FlatReader(std::string_view s) : s_(s) {}

  template <typename Each>  // each(key, value)
  bool read(Each&& each) {
    ws();
    if (!eat('{')) return false;
    ws();
    if (eat('}')) return end();
    for (;;) {
      ws();
      std::string key;
      if (!string(key)) return false;
      ws();
      if (!eat(':')) return false;
      ws();
      Value v;
      if (!value(v)) return false;
      each(key, std::move(v));
      ws();
      if (eat(',')) continue;
      if (eat('}')) return end();
      return false;
    }
  }

 private:
  std::string_view s_;
  size_t i_ = 0;

  bool end() {
    ws();
    return i_ == s_.size();
  }
  void ws() {
    while (i_ < s_.size() && (s_[i_] == ' ' || s_[i_] == '\t' || s_[i_] == '\n' || s_[i_] == '\r')) ++i_;
  }
  bool eat(char c) {
    if (i_ < s_.size() && s_[i_] == c) {
      ++i_;
      return true;
    }
    return false;
  }
  bool literal(std::string_view word) {
    if (s_.substr(i_, word.size()) != word) return false;
    i_ += word.size();
    return true;
  }
  bool hex4(uint32_t& out) {
    if (i_ + 4 > s_.size()) return false;
    out = 0;
    for (int k = 0; k < 4; ++k) {
      int h = util::hex_value(s_[i_ + size_t(k)]);
      if (h < 0) return false;
      out = out * 16 + uint32_t(h);
    }
    i_ += 4;
    return true;
  }
  bool string(std::string& out) {
    if (!eat('"')) return false;
    size_t start = i_;
    // Most strings have no escapes: taken in one piece.
    while (i_ < s_.size() && s_[i_] != '"' && s_[i_] != '\\' && static_cast<unsigned char>(s_[i_]) >= 0x20) ++i_;
    out.assign(s_.data() + start, i_ - start);
    for (;;) {
      if (i_ >= s_.size()) return false;
      char c = s_[i_];
      if (c == '"') {
        ++i_;
        return true;
      }
      if (static_cast<unsigned char>(c) < 0x20) return false;
      if (c != '\\') {
        out += c;
        ++i_;
        continue;
      }
      if (++i_ >= s_.size()) return false;
      char e = s_[i_++];
      switch (e) {
        case '"': out += '"'; break;
        case '\\': out += '\\'; break;
        case '/': out += '/'; break;
        case 'b': out += '\b'; break;
        case 'f': out += '\f'; break;
        case 'n': out += '\n'; break;
        case 'r': out += '\r'; break;
        case 't': out += '\t'; break;
        case 'u': {
          uint32_t cp;
          if (!hex4(cp)) return false;
          if (cp >= 0xD800 && cp <= 0xDBFF) {  // a surrogate pair
            uint32_t lo;
            if (!eat('\\') || !eat('u') || !hex4(lo) || lo < 0xDC00 || lo > 0xDFFF) return false;
            cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
          } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
            return false;
          }
          util::append_utf8(out, cp);
          break;
        }
        default: return false;
      }
    }
  }
  bool number(Value& v) {
    size_t start = i_;
    eat('-');
    if (i_ >= s_.size() || s_[i_] < '0' || s_[i_] > '9') return false;
    if (s_[i_] == '0') ++i_;
    else
      while (i_ < s_.size() && s_[i_] >= '0' && s_[i_] <= '9') ++i_;
    bool fraction = false;
    if (eat('.')) {
      fraction = true;
      size_t d = i_;
      while (i_ < s_.size() && s_[i_] >= '0' && s_[i_] <= '9') ++i_;
      if (i_ == d) return false;
    }
    if (i_ < s_.size() && (s_[i_] == 'e' || s_[i_] == 'E')) {
      fraction = true;
      ++i_;
      if (!eat('+')) eat('-');
      size_t d = i_;
      while (i_ < s_.size() && s_[i_] >= '0' && s_[i_] <= '9') ++i_;
      if (i_ == d) return false;
    }
    const char* b = s_.data() + start;
    const char* e = s_.data() + i_;
    if (!fraction) {
      int64_t n;
      auto r = std::from_chars(b, e, n);
      if (r.ec == std::errc() && r.ptr == e) {
        v = Value(n);
        return true;
      }
      // Beyond 64 bits: read as a decimal, as the general parser does.
    }
    double d;
    auto r = std::from_chars(b, e, d);
    if (r.ec != std::errc() || r.ptr != e) return false;
    v = expr::number(d);
    return true;
  }
  bool value(Value& v) {
    if (i_ >= s_.size()) return false;
    switch (s_[i_]) {
      case '"': {
        std::string str;
        if (!string(str)) return false;
        v = Value(std::move(str));
        return true;
      }
      case 't': v = Value(true); return literal("true");
      case 'f': v = Value(false); return literal("false");
      case 'n': v = Value(); return literal("null");
      default: return number(v);
    }
  }
};

// Where a stored answer goes: its slot and the value as the form holds it, or a problem.
void place(const Form& f, Values& out, const std::string& key, Value x, std::vector<std::string>* problems, int s) {
  if (s < 0 || f.attributes[size_t(s)].kind == AttrKind::Context) {
    if (problems) problems->push_back(key);
    return;
  }
  if (f.attributes[size_t(s)].type == expr::Type::Date && x.is_string()) {
    auto d = util::parse_iso_date(x.as_string());
    if (!d) {
      if (problems) problems->push_back(key);
      return;
    }
    x = Value(*d);
  }
  out[size_t(s)] = std::move(x);
}

void write_string(std::string& out, const std::string& s) {
  static const char* kHex = "0123456789abcdef";
  out += '"';
  size_t i = 0, n = s.size();
  while (i < n) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\') {
      out += char(c);
      ++i;
      continue;
    }
    if (c < 0x80) {
      switch (c) {
        case '"': out += "\\\""; break;
        case '\\': out += "\\\\"; break;
        case '\b': out += "\\b"; break;
        case '\f': out += "\\f"; break;
        case '\n': out += "\\n"; break;
        case '\r': out += "\\r"; break;
        case '\t': out += "\\t"; break;
        default:
          out += "\\u00";
          out += kHex[c >> 4];
          out += kHex[c & 15];
      }
      ++i;
      continue;
    }
    // A multi-byte UTF-8 sequence, copied when well formed, else U+FFFD for its first byte.
    if (size_t len = util::utf8_sequence(s, i)) {
      out.append(s, i, len);
      i += len;
    } else {
      out += "\xEF\xBF\xBD";
      ++i;
    }
  }
  out += '"';
}

void write_value(std::string& out, const Value& v) {
  switch (v.v.index()) {
    case 0: out += "null"; return;
    case 1: out += v.as_bool() ? "true" : "false"; return;
    case 2: {
      char buf[24];
      auto r = std::to_chars(buf, buf + sizeof buf, v.as_int());
      out.append(buf, r.ptr);
      return;
    }
    case 3: {
      double d = std::get<double>(v.v);
      if (!std::isfinite(d)) {
        out += "null";
        return;
      }
      char buf[32];
      auto r = std::to_chars(buf, buf + sizeof buf, d);
      std::string_view t(buf, size_t(r.ptr - buf));
      out += t;
      if (t.find_first_of(".e") == std::string_view::npos) out += ".0";
      return;
    }
    case 4: write_string(out, v.as_string()); return;
    case 5: out += '"' + v.as_date().iso() + '"'; return;
    default: out += expr::to_json(v).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace); return;
  }
}

}  // namespace

Values values_from_json(const Form& f, const nlohmann::json& answers, std::vector<std::string>* problems) {
  Values v(f.size());
  if (!answers.is_object()) return v;
  for (auto& [k, raw] : answers.items()) place(f, v, k, expr::from_json(raw), problems, f.slot(k));
  return v;
}

namespace {
// The fast reader of values_from_text(): false when the text is not the flat object answers_text() writes.
bool read_flat(const Form& f, std::string_view text, std::vector<std::string>* problems, Values& v) {
  std::vector<std::string> found;
  // Stored answers come in the order answers_text() writes them (Form::stored_order): each key is
  // looked for there first, from where the last one was found, and by hash only if it is not there.
  size_t next = 0;
  auto slot_of = [&](const std::string& key) {
    while (next < f.stored_order.size()) {
      int s = f.stored_order[next];
      int c = f.attributes[size_t(s)].id.compare(key);
      if (c == 0) {
        ++next;
        return s;
      }
      if (c > 0) break;
      ++next;
    }
    return f.slot(key);
  };
  bool ok = FlatReader(text).read(
      [&](const std::string& key, Value x) { place(f, v, key, std::move(x), problems ? &found : nullptr, slot_of(key)); });
  if (ok && problems) problems->insert(problems->end(), found.begin(), found.end());
  return ok;
}
}  // namespace

Values values_from_text(const Form& f, std::string_view text, std::vector<std::string>* problems) {
  Values v(f.size());
  if (read_flat(f, text, problems, v)) return v;
  return values_from_json(f, nlohmann::json::parse(text, nullptr, false), problems);
}

std::optional<Values> try_values_from_text(const Form& f, std::string_view text) {
  Values v(f.size());
  if (read_flat(f, text, nullptr, v)) return v;
  auto parsed = nlohmann::json::parse(text, nullptr, false);
  if (!parsed.is_object()) return std::nullopt;
  return values_from_json(f, parsed);
}

std::string answers_text(const Form& f, const Values& values) {
  std::string out;
  out.reserve(4096);
  out += '{';
  bool first = true;
  for (int s : f.stored_order) {
    if (size_t(s) >= values.size() || values[size_t(s)].null()) continue;
    if (!first) out += ',';
    first = false;
    write_string(out, f.attributes[size_t(s)].id);
    out += ':';
    write_value(out, values[size_t(s)]);
  }
  out += '}';
  return out;
}

}  // namespace core::form
