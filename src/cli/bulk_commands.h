// `core bulk-upload …`: the bulk-upload checks from the command line (for housing-management
// software suppliers testing their exports), and generated files for benchmarks and tests.
#pragma once
#include <string>

namespace core::cli {

// core bulk-upload check --type lettings|sales --year 2026 FILE [--database URL] [--as EMAIL] [--today YYYY-MM-DD]
// Prints the report as JSON (docs/bulk-upload.md); exit code 0 whenever the file could be read.
int bulk_check(const std::string& type, const std::string& year, const std::string& file, const std::string& database_url,
               const std::string& as_email, const std::string& today);

// core bulk-upload generate --type lettings|sales --year 2026 --rows N [--errors-every K] [--organisation ID]
//   [--email EMAIL] --out FILE(.csv|.xlsx)
// A template file of N rows with realistic answers (tests/fixtures/bulk/<type>-<year>-row.json, each
// row with its own references, ages and dates), every Kth row carrying errors.
int bulk_generate(const std::string& type, const std::string& year, const std::string& rows, const std::string& errors_every,
                  const std::string& organisation, const std::string& email, const std::string& out);

// core bulk-upload import --type lettings|sales --year 2026 FILE --as EMAIL [--organisation ID] [--fix-in-service]
//   [--database URL]
// The web's upload as that user, run to the end in this process: stored, checked, and (when nothing
// blocks, and with --fix-in-service also when rows have errors) its logs created. Prints what happened
// and how long the check and the import took.
int bulk_import(const std::string& type, const std::string& year, const std::string& file, const std::string& database_url,
                const std::string& as_email, const std::string& organisation, bool fix_in_service);

// core bulk-upload submit …: stores the upload and queues its check, as the web's upload page does,
// for a running `core serve` to check and import; prints the upload's id.
int bulk_submit(const std::string& type, const std::string& year, const std::string& file, const std::string& database_url,
                const std::string& as_email, const std::string& organisation);
// core bulk-upload status ID: the upload's state and how many logs in the database came from it (JSON).
int bulk_status(const std::string& id, const std::string& database_url);

}  // namespace core::cli
