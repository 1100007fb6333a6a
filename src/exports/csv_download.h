// CSV downloads of logs (issue 14; ../shared/reference/exports/csv-downloads.md): one collection
// year of one kind of log, the logs a user's list shows under its filters and search, as
//   UTF-8 byte order mark, a row of variable definitions, a row of variable names, one row per log.
// The columns come from the year's form and its download description (forms/<year>/<type>-download.json,
// docs/exports.md): metadata first, then the questions in form order (some expanded into several
// columns), then the scheme and location. Support users see every column and may ask for codes;
// everyone else gets labels and no support-only columns. Every cell is neutralised against formula
// injection (util/csv.h). Rows are read from a database cursor and written as they come, so memory
// stays flat whatever the number of logs.
#pragma once
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "accounts/model.h"
#include "db/database.h"
#include "form/definition.h"
#include "logs/store.h"

namespace core::exports {

struct Column {
  std::string name;        // what the cell holds: an attribute of the form, or a metadata/scheme name
  std::string header;      // the variable name in the second row
  std::string definition;  // the first row's text ("" when the description has none)
};

// A form's companion description forms/<year>/<type>-<kind>.json (kind "download": the CSV
// download; "cds": the export to the data store), its object under the key `kind`, loaded once;
// throws std::runtime_error when the form has none.
const nlohmann::json& companion_spec(const std::string& type, int year, const std::string& kind);
// The download description of a form (forms/<year>/<type>-download.json), loaded once; throws
// std::runtime_error when the form has none.
const nlohmann::json& download_spec(const std::string& type, int year);
// The columns of a download, in order, for a support user or anyone else.
std::vector<Column> csv_columns(const form::Form& f, const nlohmann::json& spec, bool support);

// What is wrong with a download description against its form (`core form lint`): keys that name no
// question, columns that come from nowhere (each column must be metadata, an attribute of the form,
// a scheme or location column, worked out by `columns_from`, `date_parts` or `postcode_parts`, or
// listed as `blank`: a column the real service has and this form does not).
std::vector<std::string> lint_download_spec(const form::Form& f, const nlohmann::json& spec);
bool is_download_spec_path(const std::string& path);

struct CsvRequest {
  std::string type = "lettings";
  int year = 0;
  bool support = false;      // the person downloading is a support user (every column)
  bool codes = false;        // codes instead of labels (support users only)
  bool with_errors = false;  // "logs with errors": a last column with what is missing or wrong on each
  logs::store::Filter filter;  // which logs (its years are replaced by `year`; paging ignored)
  // For "logs with errors": the user the checks are made as (the downloader), and today.
  const accounts::User* user = nullptr;
  util::Date today;
};

using Sink = std::function<void(std::string_view)>;
// Writes the whole file to `write`; returns the number of logs written. Throws std::runtime_error
// when the kind has no form or download description for the year. With `reader` (a second
// connection), the logs are read on it in a thread of their own while this one writes them out
// (`c` then serves the lookups); without, everything runs on `c`.
int64_t write_csv(db::Connection& c, const CsvRequest& r, const Sink& write, db::Connection* reader = nullptr);
// How many logs the request would write (the confirmation page's count).
int64_t count_csv(db::Connection& c, const CsvRequest& r);
// A filter as JSON text (a big download's record keeps the logs it is of), and back: nullopt when the
// text is not one.
std::string filter_json(const logs::store::Filter& f);
std::optional<logs::store::Filter> filter_from_json(const std::string& text);

// The file's name: "lettings-logs-2026-27-2026-12-03T10-15-00Z.csv" (with the organisation's name
// for a support user downloading one organisation's logs), safe in a Content-Disposition header.
std::string csv_filename(const std::string& type, int year, const std::string& organisation_name, const std::string& now_iso);

}  // namespace core::exports
