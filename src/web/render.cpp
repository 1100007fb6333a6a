#include "web/render.h"

#include <fstream>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <unordered_map>

#include <kainjow/mustache.hpp>

namespace core::web {
namespace km = kainjow::mustache;

namespace {

km::data to_data(const nlohmann::json& j) {
  switch (j.type()) {
    case nlohmann::json::value_t::object: {
      km::data d{km::data::type::object};
      for (auto it = j.begin(); it != j.end(); ++it) d.set(it.key(), to_data(it.value()));
      return d;
    }
    case nlohmann::json::value_t::array: {
      km::data d{km::data::type::list};
      for (const auto& v : j) d.push_back(to_data(v));
      return d;
    }
    case nlohmann::json::value_t::string: {
      // An empty string is false, as in other mustache implementations ({{#search}} is skipped
      // when there is no search); {{x}} of a false value renders nothing, so nothing else changes.
      const auto& s = j.get_ref<const std::string&>();
      return s.empty() ? km::data{km::data::type::bool_false} : km::data{s};
    }
    case nlohmann::json::value_t::boolean:
      return km::data{j.get<bool>() ? km::data::type::bool_true : km::data::type::bool_false};
    case nlohmann::json::value_t::number_integer:
    case nlohmann::json::value_t::number_unsigned: return km::data{std::to_string(j.get<int64_t>())};
    case nlohmann::json::value_t::number_float: {
      std::ostringstream s;
      s << j.get<double>();
      return km::data{s.str()};
    }
    default: return km::data{km::data::type::bool_false};
  }
}

}  // namespace

Templates::Templates(const std::filesystem::path& dir) {
  if (!std::filesystem::is_directory(dir)) throw std::runtime_error("templates folder not found: " + dir.string());
  for (auto& e : std::filesystem::recursive_directory_iterator(dir)) {
    if (!e.is_regular_file() || e.path().extension() != ".mustache") continue;
    std::ifstream in(e.path());
    std::stringstream ss;
    ss << in.rdbuf();
    auto rel = std::filesystem::relative(e.path(), dir);
    std::string name = (rel.parent_path() / rel.stem()).generic_string();
    km::mustache check{ss.str()};
    if (!check.is_valid()) throw std::runtime_error("template " + name + ": " + check.error_message());
    sources_[name] = ss.str();
    if (name.rfind("components/", 0) == 0) partials_[name] = ss.str();
  }
  // Partials are written into the templates that use them once, here, so that rendering never
  // parses a partial again (kainjow parses a partial's text on every use).
  for (auto& [name, src] : sources_) {
    for (int depth = 0; depth < 8; ++depth) {
      bool changed = false;
      for (const auto& [pname, psrc] : partials_) {
        std::string tag = "{{> " + pname + "}}";
        for (size_t pos; (pos = src.find(tag)) != std::string::npos; changed = true) src.replace(pos, tag.size(), psrc);
      }
      if (!changed) break;
    }
    if (src.find("{{>") != std::string::npos) throw std::runtime_error("template " + name + " uses an unknown partial");
  }
}

std::string Templates::render(const std::string& name, const nlohmann::json& data) const {
  auto it = sources_.find(name);
  if (it == sources_.end()) throw std::runtime_error("no template named " + name);
  // kainjow's render() is not const, so each thread keeps its own parsed copies.
  thread_local std::unordered_map<const Templates*, std::unordered_map<std::string, std::unique_ptr<km::mustache>>>
      cache;
  auto& mine = cache[this];
  auto& tmpl = mine[name];
  if (!tmpl) tmpl = std::make_unique<km::mustache>(it->second);
  km::data d = to_data(data);
  if (!d.is_object()) d = km::data{km::data::type::object};
  std::string out = tmpl->render(d);
  if (!tmpl->is_valid()) throw std::runtime_error("template " + name + ": " + tmpl->error_message());
  return out;
}

}  // namespace core::web
