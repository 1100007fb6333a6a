// Question-per-page wizards for schemes and locations. Each page is data: its slug, heading and
// fields; a record is read and written as a map of attribute → text so one page template and
// one reader serve every page of both wizards.
#pragma once
#include <functional>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "web/forms.h"
#include "web/http.h"

namespace core::schemes {

using Values = std::map<std::string, std::string>;

struct Field {
  std::string name, label, kind;  // kind: text, number, radios, select, date
  std::string hint;
  std::vector<web::Option> options;
  std::string required_message;   // "" → optional
  bool inline_radios = false;
};

struct Page {
  std::string slug, title;
  std::vector<Field> fields;
  // Shown only when this holds for the record's values (all pages when empty).
  std::function<bool(const Values&)> shown;
};

// Page data for templates/pages/schemes/question: one entry per field, with the partial to use.
nlohmann::json page_fields(const Page& page, const Values& values, const web::FieldErrors& e,
                           const web::Request* posted = nullptr);
// Reads the page's fields from a form post into `values`, returning field errors.
// Extra checks (e.g. date ranges) are the caller's.
web::FieldErrors read_page(const Page& page, const web::Request& req, Values& values);
// The next page after `slug` that is shown for these values, or "check-answers".
std::string next_page(const std::vector<Page>& pages, const std::string& slug, const Values& values);
const Page* find_page(const std::vector<Page>& pages, const std::string& slug);
// Check-answers rows: question, answer (option labels resolved), change link.
nlohmann::json answer_rows(const std::vector<Page>& pages, const Values& values, const std::string& base);

}  // namespace core::schemes
