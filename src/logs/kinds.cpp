#include "logs/kinds.h"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <map>

#include "form/registry.h"
#include "form/template_spec.h"
#include "util/paths.h"

namespace core::logs {

namespace {

// The label of the question that asks an attribute ("" when none does).
std::string question_label(const form::Form& f, int slot) {
  if (slot < 0 || f.attributes[size_t(slot)].questions.empty()) return "";
  return f.attributes[size_t(slot)].questions.front()->label();
}

}  // namespace

std::string Kind::category_text(int64_t code) const {
  for (auto& [v, l] : categories)
    if (v == std::to_string(code)) return l;
  return "";
}

Kind describe(const std::string& type, std::shared_ptr<const form::Form> newest, std::vector<int> years) {
  Kind k;
  const form::Form& f = *newest;
  const form::LogKind& d = f.log;
  k.type = type;
  k.years = std::move(years);
  k.base = "/" + d.path;
  k.name = d.name;
  k.caption = d.name;
  if (!k.caption.empty()) k.caption[0] = char(std::toupper(static_cast<unsigned char>(k.caption[0])));
  k.title = k.caption + "s";
  k.category_label = question_label(f, d.category_slot);
  if (d.category_slot >= 0 && !f.attributes[size_t(d.category_slot)].questions.empty())
    for (auto& o : f.attributes[size_t(d.category_slot)].questions.front()->options)
      k.categories.emplace_back(o.value.text(), o.label);
  k.date_label = question_label(f, d.date_slot);
  k.reference_label = question_label(f, d.reference_slot);
  k.property_reference_label = question_label(f, d.property_reference_slot);
  k.newest = std::move(newest);
  return k;
}

const std::vector<Kind>& kinds() {
  static const std::vector<Kind> all = [] {
    std::map<std::string, std::vector<int>> years;  // type -> years with a form
    std::error_code ec;
    for (auto& dir : std::filesystem::directory_iterator(resource_root() / "forms", ec)) {
      std::string name = dir.path().filename().string();
      if (!dir.is_directory() || name.size() != 4 || !std::all_of(name.begin(), name.end(), ::isdigit)) continue;
      int year = 0;
      for (char c : name) year = year * 10 + (c - '0');
      for (auto& file : std::filesystem::directory_iterator(dir.path(), ec))
        if (file.is_regular_file() && form::is_definition_path(file.path().string()))
          years[file.path().stem().string()].push_back(year);
    }
    std::vector<Kind> out;
    for (auto& [type, ys] : years) {
      std::sort(ys.rbegin(), ys.rend());
      out.push_back(describe(type, form::get(type, ys.front()), ys));
    }
    return out;
  }();
  return all;
}

const Kind* kind_of(const std::string& type) {
  for (auto& k : kinds())
    if (k.type == type) return &k;
  return nullptr;
}

}  // namespace core::logs
