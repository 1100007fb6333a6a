// The kinds of log the service records (lettings, sales, and any collection added later): each is
// a type with form definitions under forms/<year>/<type>.json, described by the `log` object of its
// newest form (ADR 0012). The log feature's pages, lists, store and channels work from this
// description, so a new kind is one more description plus its form files, not new code.
#pragma once
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "form/definition.h"

namespace core::logs {

struct Kind {
  std::string type;                          // "lettings": logs.log_type, forms/<year>/<type>.json
  std::shared_ptr<const form::Form> newest;  // its newest form
  std::vector<int> years;                    // the collection years it has forms for, newest first
  std::string base;                          // "/lettings-logs"
  std::string name;                          // "lettings log"
  std::string title;                         // "Lettings logs"
  std::string caption;                       // "Lettings log"
  // The list's columns and filters, named by the newest form's questions.
  std::string category_label;                // "Needs type"
  std::vector<std::pair<std::string, std::string>> categories;  // code as text, label
  std::string date_label;                    // "Tenancy start date"
  std::string reference_label;               // "Tenant code" (lower-cased in sentences)
  std::string property_reference_label;      // "Property reference", or "" when the form has none

  std::string category_text(int64_t code) const;  // "General needs"; "" for an unknown code
};

// Every kind with a form definition, in order of type; loaded once (a definition with problems
// stops the process, as it would when its form is first used).
const std::vector<Kind>& kinds();
// The kind of a type, or nullptr.
const Kind* kind_of(const std::string& type);
// Builds the description of a kind from its newest form (exposed for tests).
Kind describe(const std::string& type, std::shared_ptr<const form::Form> newest, std::vector<int> years);

}  // namespace core::logs
