#include "web/render.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string_view>

namespace core::web {
namespace {

using nlohmann::json;
using Node = Template::Node;

std::string trim(std::string_view s) {
  size_t b = 0, e = s.size();
  while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
  return std::string(s.substr(b, e - b));
}

// "a.b.c" → {"a", "b", "c"}, as std::getline splits: "a..b" keeps an empty part, a trailing '.'
// adds none.
std::vector<std::string> split_name(const std::string& name) {
  std::vector<std::string> parts;
  if (name.find('.') == std::string::npos) {
    parts.push_back(name);
    return parts;
  }
  size_t i = 0;
  while (i < name.size()) {
    size_t j = name.find('.', i);
    if (j == std::string::npos) j = name.size();
    parts.push_back(name.substr(i, j - i));
    i = j + 1;
  }
  return parts;
}

// Sections are skipped for false, null, "" and [] (and the JSON types that have no mustache meaning).
bool truthy(const json& v) {
  switch (v.type()) {
    case json::value_t::boolean: return v.get<bool>();
    case json::value_t::string: return !v.get_ref<const std::string&>().empty();
    case json::value_t::array: return !v.empty();
    case json::value_t::object:
    case json::value_t::number_integer:
    case json::value_t::number_unsigned:
    case json::value_t::number_float: return true;
    default: return false;
  }
}

void append_escaped(std::string& out, std::string_view s) {
  size_t start = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    std::string_view rep;
    switch (s[i]) {
      case '&': rep = "&amp;"; break;
      case '<': rep = "&lt;"; break;
      case '>': rep = "&gt;"; break;
      case '"': rep = "&quot;"; break;
      case '\'': rep = "&apos;"; break;
      default: continue;
    }
    out.append(s.data() + start, i - start);
    out.append(rep);
    start = i + 1;
  }
  out.append(s.data() + start, s.size() - start);
}

void append_value(std::string& out, const json& v, bool escape) {
  switch (v.type()) {
    case json::value_t::string: {
      const auto& s = v.get_ref<const std::string&>();
      if (escape) append_escaped(out, s);
      else out += s;
      return;
    }
    case json::value_t::number_integer:
    case json::value_t::number_unsigned: {
      char buf[24];
      auto r = std::to_chars(buf, buf + sizeof buf, v.get<int64_t>());
      out.append(buf, r.ptr);
      return;
    }
    case json::value_t::number_float: {
      std::ostringstream s;
      s << v.get<double>();
      if (escape) append_escaped(out, s.str());
      else out += s.str();
      return;
    }
    default: return;  // true, false, null, objects and arrays render nothing
  }
}

const json& empty_object() {
  static const json o = json::object();
  return o;
}

class Renderer {
 public:
  Renderer(const std::vector<Node>& nodes, std::string& out) : nodes_(nodes), out_(out), line_start_(out.size()) {
    stack_.reserve(8);
  }

  void run(const json& root) {
    stack_.push_back(&root);
    walk(0, static_cast<uint32_t>(nodes_.size()));
    end_line(nullptr);
  }

 private:
  // A line ends: it is dropped (with its newline) when a section tag stood on it and it holds
  // only spaces and tabs.
  void end_line(const std::string* newline) {
    bool blank = section_tag_ && std::all_of(out_.begin() + static_cast<std::ptrdiff_t>(line_start_), out_.end(),
                                             [](char c) { return c == ' ' || c == '\t'; });
    if (blank) out_.resize(line_start_);
    else if (newline) out_ += *newline;
    line_start_ = out_.size();
    section_tag_ = false;
  }

  const json* lookup(const Node& n) const {
    if (n.dot) return stack_.back();
    if (n.path.size() == 1) {
      const std::string& key = n.path.front();
      for (auto it = stack_.rbegin(); it != stack_.rend(); ++it) {
        const json& ctx = **it;
        if (!ctx.is_object()) continue;
        auto f = ctx.find(key);
        if (f != ctx.end()) return &*f;
      }
      return nullptr;
    }
    for (auto it = stack_.rbegin(); it != stack_.rend(); ++it) {
      const json* v = *it;
      for (const auto& part : n.path) {
        if (!v->is_object()) {
          v = nullptr;
          break;
        }
        auto f = v->find(part);
        if (f == v->end()) {
          v = nullptr;
          break;
        }
        v = &*f;
      }
      if (v) return v;
    }
    return nullptr;
  }

  void section(uint32_t i, const json* ctx) {
    const Node& n = nodes_[i];
    section_tag_ = true;
    if (ctx) stack_.push_back(ctx);
    walk(i + 1, n.end);
    if (ctx) stack_.pop_back();
    section_tag_ = true;
  }

  void walk(uint32_t from, uint32_t to) {
    for (uint32_t i = from; i < to;) {
      const Node& n = nodes_[i];
      switch (n.kind) {
        case Node::Text: out_ += n.text; ++i; break;
        case Node::Newline: end_line(&n.text); ++i; break;
        case Node::Escaped:
        case Node::Raw:
          if (const json* v = lookup(n)) append_value(out_, *v, n.kind == Node::Escaped);
          ++i;
          break;
        case Node::Section: {
          const json* v = lookup(n);
          if (v && truthy(*v)) {
            if (v->is_array()) {
              for (const auto& item : *v) section(i, &item);
            } else {
              section(i, v);
            }
          }
          i = n.end;
          break;
        }
        case Node::Inverted: {
          const json* v = lookup(n);
          if (!v || !truthy(*v)) section(i, v);
          i = n.end;
          break;
        }
      }
    }
  }

  const std::vector<Node>& nodes_;
  std::string& out_;
  size_t line_start_;
  bool section_tag_ = false;
  std::vector<const json*> stack_;
};

}  // namespace

Template Template::parse(const std::string& input) {
  // The same scan as kainjow's parser: "{{" starts a tag; "\r\n", "\n" and "\r" are line ends;
  // "{{{" opens a tag that ends at "}}}".
  Template t;
  auto& nodes = t.nodes_;
  std::vector<uint32_t> open;  // indexes of the sections not yet closed
  const size_t size = input.size();
  bool extend_text = false;  // the last node is text that may grow (not a section's last child)
  auto add_text = [&](std::string_view s) {
    if (extend_text) nodes.back().text.append(s);
    else {
      Node n;
      n.kind = Node::Text;
      n.text = std::string(s);
      nodes.push_back(std::move(n));
    }
    extend_text = true;
    t.text_size_ += s.size();
  };
  size_t pos = 0;
  while (pos < size) {
    if (input.compare(pos, 2, "{{") != 0) {
      size_t nl = input[pos] == '\r' && pos + 1 < size && input[pos + 1] == '\n' ? 2
                  : (input[pos] == '\n' || input[pos] == '\r')               ? 1
                                                                              : 0;
      if (nl) {
        Node n;
        n.kind = Node::Newline;
        n.text = input.substr(pos, nl);
        nodes.push_back(std::move(n));
        extend_text = false;
        t.text_size_ += nl;
        pos += nl;
        continue;
      }
      size_t next = pos + 1;
      while (next < size && input[next] != '\n' && input[next] != '\r' && input.compare(next, 2, "{{") != 0) ++next;
      add_text(std::string_view(input).substr(pos, next - pos));
      pos = next;
      continue;
    }
    const size_t start = pos;
    extend_text = false;
    size_t contents = start + 2;
    const bool triple = start != size - 2 && input[contents] == '{';
    if (triple) ++contents;
    const char* close = triple ? "}}}" : "}}";
    const size_t close_size = triple ? 3 : 2;
    const size_t end = input.find(close, contents);
    if (end == std::string::npos) throw std::runtime_error("Unclosed tag at " + std::to_string(start));
    std::string tag = trim(std::string_view(input).substr(contents, end - contents));
    pos = end + close_size;
    if (!tag.empty() && tag[0] == '=')
      throw std::runtime_error("set-delimiter tags are not supported (at " + std::to_string(start) + ")");
    Node n;
    if (triple) {
      n.kind = Node::Raw;
      n.text = tag;
    } else {
      char c = tag.empty() ? 0 : tag[0];
      switch (c) {
        case '#': n.kind = Node::Section; break;
        case '^': n.kind = Node::Inverted; break;
        case '&': n.kind = Node::Raw; break;
        case '/': {
          std::string name = trim(std::string_view(tag).substr(1));
          if (open.empty())
            throw std::runtime_error("Unopened section \"" + name + "\" at " + std::to_string(start));
          Node& s = nodes[open.back()];
          if (s.text != name) throw std::runtime_error("Unclosed section \"" + s.text + "\"");
          s.end = static_cast<uint32_t>(nodes.size());
          open.pop_back();
          continue;
        }
        case '!': continue;  // comment
        case '>':
          throw std::runtime_error("unknown partial \"" + trim(std::string_view(tag).substr(1)) + "\" at " +
                                   std::to_string(start));
        default: n.kind = Node::Escaped; break;
      }
      n.text = (n.kind == Node::Escaped) ? tag : trim(std::string_view(tag).substr(1));
    }
    n.dot = n.text == ".";
    n.path = split_name(n.text);
    if (n.kind == Node::Section || n.kind == Node::Inverted) open.push_back(static_cast<uint32_t>(nodes.size()));
    nodes.push_back(std::move(n));
  }
  if (!open.empty()) throw std::runtime_error("Unclosed section \"" + nodes[open.back()].text + "\"");
  t.size_hint_ = std::make_shared<std::atomic<size_t>>(t.text_size_ + 256);
  return t;
}

void Template::render(const nlohmann::json& data, std::string& out) const {
  const size_t before = out.size();
  out.reserve(before + size_hint_->load(std::memory_order_relaxed));
  Renderer r(nodes_, out);
  r.run(data.is_object() ? data : empty_object());
  // Remember the largest output, so the next render reserves enough at once.
  size_t made = out.size() - before, hint = size_hint_->load(std::memory_order_relaxed);
  if (made > hint) size_hint_->compare_exchange_strong(hint, made + made / 8, std::memory_order_relaxed);
}

std::string Template::render(const nlohmann::json& data) const {
  std::string out;
  render(data, out);
  return out;
}

std::map<std::string, std::string> read_templates(const std::filesystem::path& dir) {
  if (!std::filesystem::is_directory(dir)) throw std::runtime_error("templates folder not found: " + dir.string());
  std::map<std::string, std::string> sources, partials;
  for (auto& e : std::filesystem::recursive_directory_iterator(dir)) {
    if (!e.is_regular_file() || e.path().extension() != ".mustache") continue;
    std::ifstream in(e.path());
    std::stringstream ss;
    ss << in.rdbuf();
    auto rel = std::filesystem::relative(e.path(), dir);
    std::string name = (rel.parent_path() / rel.stem()).generic_string();
    sources[name] = ss.str();
    if (name.rfind("components/", 0) == 0) partials[name] = ss.str();
  }
  // Partials are written into the templates that use them, here, once.
  for (auto& [name, src] : sources) {
    for (int depth = 0; depth < 8; ++depth) {
      bool changed = false;
      for (const auto& [pname, psrc] : partials) {
        std::string tag = "{{> " + pname + "}}";
        for (size_t pos; (pos = src.find(tag)) != std::string::npos; changed = true) src.replace(pos, tag.size(), psrc);
      }
      if (!changed) break;
    }
    if (src.find("{{>") != std::string::npos) throw std::runtime_error("template " + name + " uses an unknown partial");
  }
  return sources;
}

Templates::Templates(const std::filesystem::path& dir) {
  for (auto& [name, src] : read_templates(dir)) {
    try {
      templates_.emplace(name, Template::parse(src));
    } catch (const std::runtime_error& e) {
      throw std::runtime_error("template " + name + ": " + e.what());
    }
  }
}

std::string Templates::render(const std::string& name, const nlohmann::json& data) const {
  auto it = templates_.find(name);
  if (it == templates_.end()) throw std::runtime_error("no template named " + name);
  return it->second.render(data);
}

}  // namespace core::web
