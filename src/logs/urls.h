// The addresses of a log's pages, under its kind's list ("/lettings-logs/12/needs-type").
#pragma once
#include <algorithm>
#include <cstdint>
#include <string>

#include "logs/flow.h"

namespace core::logs {

// Page and subsection ids are written with underscores in the definition, dashes in addresses.
inline std::string dasherize(std::string s) {
  std::replace(s.begin(), s.end(), '_', '-');
  return s;
}
inline std::string underscore(std::string s) {
  std::replace(s.begin(), s.end(), '-', '_');
  return s;
}

struct Urls {
  std::string base;  // "/lettings-logs"
  std::string log(int64_t id) const { return base + "/" + std::to_string(id); }
  std::string page(int64_t id, const std::string& page_id) const { return log(id) + "/" + dasherize(page_id); }
  std::string cya(int64_t id, const std::string& sub_id) const { return log(id) + "/" + dasherize(sub_id) + "/check-answers"; }
  // Where "Save and continue" goes from `page` (flow.h: next_page), and the back link.
  std::string next(const Flow& fl, int64_t id, int page_index, bool from_cya) const {
    int p = next_page(fl, page_index, from_cya);
    if (p < 0) return cya(id, fl.f.subsections[size_t(fl.f.pages[size_t(page_index)].subsection)].id);
    return page(id, fl.f.pages[size_t(p)].id) + (from_cya ? "?referrer=check_answers" : "");
  }
  std::string previous(const Flow& fl, int64_t id, int page_index) const {
    int p = previous_page(fl, page_index);
    return p < 0 ? log(id) : page(id, fl.f.pages[size_t(p)].id);
  }
};

}  // namespace core::logs
