#include "form/registry.h"

#include <filesystem>
#include <functional>
#include <map>
#include <mutex>

#include "util/paths.h"

namespace core::form {

namespace {
// A type names a file under forms/<year>/: lower-case letters and dashes only, so that no type can
// reach outside that folder.
const std::string& checked_type(const std::string& type) {
  bool ok = !type.empty() && type.size() <= 40 && type.front() != '-';
  for (char c : type) ok = ok && ((c >= 'a' && c <= 'z') || c == '-');
  if (!ok) throw std::runtime_error("there is no form of the type '" + type.substr(0, 40) + "'");
  return type;
}
}  // namespace

std::string definition_path(const std::string& type, int year) {
  return (resource_root() / "forms" / std::to_string(year) / (checked_type(type) + ".json")).string();
}

std::string template_spec_path(const std::string& type, int year) {
  return (resource_root() / "forms" / std::to_string(year) / template_spec_file_name(checked_type(type))).string();
}

std::string data_dir() { return (resource_root() / "data").string(); }

namespace {
// What is loaded once per process for each (type, year): `load` runs under this cache's own lock,
// and what it throws is thrown again to the caller, with nothing kept.
template <class T>
std::shared_ptr<const T> loaded_once(const std::string& type, int year, const std::function<std::shared_ptr<const T>()>& load) {
  static std::mutex m;
  static std::map<std::pair<std::string, int>, std::shared_ptr<const T>> cache;
  std::lock_guard<std::mutex> lock(m);
  auto key = std::make_pair(type, year);
  auto it = cache.find(key);
  if (it != cache.end()) return it->second;
  return cache[key] = load();
}
}  // namespace

std::shared_ptr<const Form> get(const std::string& type, int year) {
  return loaded_once<Form>(type, year, [&]() -> std::shared_ptr<const Form> {
    std::string path = definition_path(type, year);
    if (!std::filesystem::exists(path)) throw std::runtime_error("there is no " + type + " form for " + std::to_string(year) + " (" + path + ")");
    return Form::load_checked(path, data_dir());
  });
}

std::shared_ptr<const TemplateSpec> template_spec(const std::string& type, int year) {
  auto form = get(type, year);  // first, outside this cache's lock
  return loaded_once<TemplateSpec>(type, year, [&]() -> std::shared_ptr<const TemplateSpec> {
    std::string path = template_spec_path(type, year);
    if (!std::filesystem::exists(path))
      throw std::runtime_error("there is no " + type + " bulk-upload template spec for " + std::to_string(year) + " (" + path + ")");
    std::string error;
    auto spec = load_template_spec_file(path, error);
    if (!spec) throw std::runtime_error(path + ": " + error);
    auto problems = lint_template_spec(*spec, *form);
    if (!problems.empty()) {
      std::string text = path + ":";
      for (auto& p : problems) text += "\n  " + p;
      throw std::runtime_error(text);
    }
    return std::make_shared<const TemplateSpec>(std::move(*spec));
  });
}

bool is_definition_path(const std::string& path) {
  auto ends = [&](const std::string& suffix) {
    return path.size() >= suffix.size() && path.compare(path.size() - suffix.size(), suffix.size(), suffix) == 0;
  };
  return ends(".json") && !is_template_spec_path(path) && !ends("-download.json") && !ends("-cds.json");
}

}  // namespace core::form
