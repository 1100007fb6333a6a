// Bulk-upload storage: the uploads, their files and the organisations' saved column mappings. All
// the SQL of bulk upload lives here.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "db/database.h"

namespace core::bulk::store {

struct Upload {
  int64_t id = 0;
  std::string type, filename, state;  // state: checking, checked, creating, created, failed
  int year = 0;
  int64_t organisation_id = 0, user_id = 0, file_bytes = 0;
  std::optional<int64_t> check_job_id, create_job_id;
  std::optional<std::string> report, worst_category, choice, mapping;
  std::optional<std::string> failure;  // the kind of file failure: blank_template, wrong_template, file_error
  std::optional<std::string> message;  // why the import could not be done, for the user
  int64_t rows = 0, logs_with_errors = 0, errors = 0, logs_created = 0;
  std::string created_at, updated_at;
  // For display, read with the upload:
  std::string organisation_name, user_name;
};

// Stores an upload and its file (in the caller's transaction). Returns its id.
int64_t create(db::Connection& c, const Upload& u, const std::string& file);
std::optional<Upload> find(db::Connection& c, int64_t id);
// The file's bytes; nothing when they are not stored (or cannot be read back).
std::optional<std::string> file(db::Connection& c, int64_t id);
void set_check_job(db::Connection& c, int64_t id, int64_t job_id);
// A landlord's own spreadsheet: the mapping its columns are read with; the upload is then checked.
void set_mapping(db::Connection& c, int64_t id, const std::string& mapping);
// The mapping as far as the user has got ("" for none), while the upload waits for it.
void set_mapping_draft(db::Connection& c, int64_t id, const std::string& mapping);
void set_create_job(db::Connection& c, int64_t id, int64_t job_id, const std::string& choice);
// The check's outcome: the report and its counts; `state` is checked or failed.
struct Checked {
  std::string state, report, worst_category, failure;
  int64_t rows = 0, logs_with_errors = 0, errors = 0;
};
void set_checked(db::Connection& c, int64_t id, const Checked& k);
// The logs were created (in the transaction that created them). False when the upload was no longer
// waiting to be created (another worker's run got there first): the caller rolls back.
bool set_created(db::Connection& c, int64_t id, int64_t logs_created);
// Back to waiting for the user's choice, with why the import could not be done.
void set_waiting(db::Connection& c, int64_t id, const std::string& message);
// Failed for good (its check could not run): a file failure of this kind.
void set_failed(db::Connection& c, int64_t id, const std::string& failure);

struct Filter {
  std::string type;
  std::optional<int64_t> organisation_id;  // nothing: every organisation's (support)
  std::optional<int64_t> user_id;
  int limit = 50;
};
std::vector<Upload> list(db::Connection& c, const Filter& f);

// An organisation's saved mapping for its own spreadsheets (JSON), if any.
std::optional<std::string> mapping(db::Connection& c, int64_t organisation_id, const std::string& type, int year);
void save_mapping(db::Connection& c, int64_t organisation_id, const std::string& type, int year, const std::string& mapping,
                  int64_t user_id);

}  // namespace core::bulk::store
