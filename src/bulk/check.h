// Checking a bulk-upload file against its year's template spec (form/template_spec.h): the rows of a
// sheet (bulk/sheet.h) in, a report out, with every error in one place. Each row's cells are read into
// answers by the spec's readers, the spec's derivations and bulk-upload-only rules run, and then the
// answers go through the one gateway every log passes through (form/gateway.h), by way of a Runner
// that the caller supplies: with the database it is the log service's check (logs/service.h), as the
// uploading user would get it; without one, the gateway alone. No rule of the form is written here.
//
// What a report holds, as pipeline.md describes the real service's:
// - file_errors: messages about the file as a whole (blank, wrong template, wrong year, too many rows);
//   when there are any, no row is checked;
// - one RowReport per data row (blank rows are left out): its sheet row number, the status its log
//   would have, and its errors, each on a template field and cell ("K12"), in one of three categories:
//   setup (stops every log of the file being created), critical, and soft ("confirmation needed").
#pragma once
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "bulk/sheet.h"
#include "form/gateway.h"
#include "form/template_spec.h"

namespace core::bulk {

struct RowError {
  int field = 0;            // the template's field number (0: an error on no field of the template)
  std::string cell;         // "K12" ("" when field is 0)
  std::string category;     // setup, critical or soft
  std::string message;
  std::string question;     // the field's question, as the report names it
};

struct RowReport {
  int row = 0;              // the row number in the sheet
  std::string status;       // what the log would be: not_started, in_progress, completed
  std::string reference, property_reference;  // tenant code / purchaser code, property reference
  std::vector<RowError> errors;
  bool blocks = false;      // an error here stops logs being created for the whole file
  // The answers its log would be created with (invalid ones left out), in the order they were read.
  form::Changes answers;
  std::optional<std::string> duplicate_text;  // form::duplicate_text of those answers
  std::optional<int64_t> owner;               // the owning organisation they name
};

struct Report {
  std::vector<std::string> file_errors;
  std::string failure;      // "" (the rows were checked), blank_template, wrong_template or file_error
  int rows = 0;             // data rows read (blank rows not counted)
  std::vector<RowReport> logs;

  int64_t error_count() const;
  bool has_category(const std::string& category) const;
  // Could logs be created from the file (no file error, nothing blocks)?
  bool can_create() const;
  // The report as `core bulk-upload check` prints it (docs/bulk-upload.md); `full` adds what the
  // results pages show (each error's question, each row's references, what blocks), for storing.
  nlohmann::json to_json(bool full = false) const;
  // What to_json(true) wrote (a stored report); anything malformed in it is skipped, never thrown.
  static Report from_json(const nlohmann::json& j);
};

// What the checker needs from outside: the records and the log service.
class Runner {
 public:
  virtual ~Runner() = default;
  // Whether organisation, user, scheme and location references are looked up (false: they are only
  // checked for form).
  virtual bool resolves_references() const = 0;
  // The user with this email (any case), or nothing when there is none. Only asked when
  // resolves_references().
  virtual std::optional<int64_t> user_by_email(const std::string& email) = 0;
  // The uploading user's id, for a blank "assigned to" cell (nothing: a support user, who must name one).
  virtual std::optional<int64_t> uploader() const = 0;
  // The context values for answers read so far (the owning organisation's provider type...).
  virtual form::Context context(const form::Form& f, const form::Values& values) = 0;
  // The answers through the log service (or the gateway): the errors it gives and its outcome.
  struct Result {
    std::vector<form::Error> errors;
    form::Outcome outcome;
  };
  virtual Result run(const form::Form& f, const form::Changes& changes) = 0;
  // For each (owning organisation, form::duplicate_text) whether a log already stored has the same
  // (ADR 0013): asked once for the whole file.
  virtual std::vector<bool> existing_duplicates(const form::Form& f, const std::vector<std::pair<int64_t, std::string>>& keys) = 0;
};

// The gateway alone, on `today`: references checked for form only, no existing logs.
class FormOnlyRunner : public Runner {
 public:
  explicit FormOnlyRunner(util::Date today) : today_(today) {}
  bool resolves_references() const override { return false; }
  std::optional<int64_t> user_by_email(const std::string&) override { return std::nullopt; }
  std::optional<int64_t> uploader() const override { return std::nullopt; }
  form::Context context(const form::Form& f, const form::Values& values) override;
  Result run(const form::Form& f, const form::Changes& changes) override;
  std::vector<bool> existing_duplicates(const form::Form&, const std::vector<std::pair<int64_t, std::string>>& keys) override {
    return std::vector<bool>(keys.size(), false);
  }

 private:
  util::Date today_;
};

struct CheckOptions {
  int year = 0;  // the collection year chosen (the file is checked against it)
  // Called after rows with (rows done, rows in all); returning false stops the check.
  std::function<bool(int, int)> progress;
  // Runners for more threads: the rows are shared out among the runner given and these (each used
  // by one thread only). Empty: one thread.
  std::vector<Runner*> more_runners;
};

// Checks a sheet that was read (a sheet with a read error is a file error). Never throws on what a
// file holds.
Report check(const form::TemplateSpec& spec, const form::Form& form, const ReadResult& sheet, Runner& runner,
             const CheckOptions& opt);

}  // namespace core::bulk
