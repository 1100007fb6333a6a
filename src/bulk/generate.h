// Bulk-upload files with realistic answers, for benchmarks and tests: the template's header rows,
// then rows made from one complete row of the type's fixture (tests/fixtures/bulk/<type>-<year>-row.json),
// each with its own tenant or purchaser code, lead person's age and date, and every `errors_every`th
// row carrying errors of the kinds files really have (text in a number field, an unknown code, a date
// outside the year).
#pragma once
#include <cstdint>
#include <string>

#include "form/template_spec.h"

namespace core::bulk {

struct GenerateOptions {
  int rows = 1000;
  int errors_every = 10;        // 0: no errors
  int64_t organisation_id = 1;  // ORG<id> in the organisation fields
  std::string email;            // the assigned user's email ("" leaves the cell blank: the uploader)
};

// The file as CSV text (UTF-8, CRLF line ends, the header rows first). Throws std::runtime_error when
// the fixture is missing or malformed.
std::string generate_csv(const form::TemplateSpec& spec, const GenerateOptions& o);

}  // namespace core::bulk
