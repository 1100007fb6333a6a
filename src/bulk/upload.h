// Bulk upload as a service: an upload is stored first (the file and a bulk_uploads row), then checked
// by a worker from the durable job table (jobs/jobs.h), and its logs are created, all or none, by
// another job once the user chooses to (or at once, when the file has no errors at all). Every row is
// checked by the log service as the uploading user (ServiceRunner), and the logs are written by it
// (logs::service::create_many): bulk upload has no rule of its own beyond its template spec.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <variant>

#include "accounts/model.h"
#include "bulk/check.h"
#include "bulk/flexible.h"
#include "bulk/store.h"
#include "db/database.h"
#include "jobs/jobs.h"
#include "logs/service.h"
#include "mail/mailer.h"

namespace core::bulk {

// The log service as the checker's Runner: every row as `user` would get it when saving, on `today`.
// A support user uploading for an organisation (`for_organisation`) is checked as that organisation's
// coordinator would be: its rows may name only the organisations, users and schemes that organisation
// may (the real service's "not affiliated with" check), though support could name any.
class ServiceRunner : public Runner {
 public:
  ServiceRunner(db::Connection& c, const accounts::User& user, util::Date today, std::optional<int64_t> for_organisation = std::nullopt);
  bool resolves_references() const override { return true; }
  std::optional<int64_t> user_by_email(const std::string& email) override;
  std::optional<int64_t> uploader() const override;
  form::Context context(const form::Form& f, const form::Values& values) override;
  Result run(const form::Form& f, const form::Changes& changes) override;
  std::vector<bool> existing_duplicates(const form::Form& f, const std::vector<std::pair<int64_t, std::string>>& keys) override;

 private:
  db::Connection& c_;
  accounts::User user_;  // as the rows are checked
  bool support_ = false;
  util::Date today_;
  std::map<std::string, std::optional<int64_t>> users_;
  logs::service::CheckCache checks_;
};

// The file read (CSV or XLSX) and checked against the type and year's template spec, as `as` would
// get it. Never throws on what the file holds.
// A landlord's own spreadsheet is read with its mapping (bulk/flexible.h) and its errors' cells are
// its own columns.
Report check_file(db::Connection* c, const accounts::User* as, const std::string& type, int year, const std::string& bytes,
                  const util::Date& today, const std::function<bool(int, int)>& progress = {}, const Mapping* mapping = nullptr,
                  std::optional<int64_t> for_organisation = std::nullopt);

// An upload as a user sends it.
struct Submission {
  std::string type;  // lettings, sales
  int year = 0;
  int64_t organisation_id = 0;
  std::string filename, bytes;
  bool own_spreadsheet = false;  // the landlord's own columns: mapped (set_mapping) before it is checked
};
// Stores the upload and queues its check (one transaction). The upload's id, or the message to show
// on the upload page (no file, too big, not CSV or XLSX, not allowed).
std::variant<int64_t, std::string> submit(db::Connection& c, const accounts::User& u, const Submission& s);

// A landlord's own spreadsheet, once its columns and values are mapped: the mapping is kept on the
// upload and for the organisation (offered again next time), and the check queued. The message when
// it cannot be (not this user's, not waiting for a mapping, a column mapped to something not offered).
std::optional<std::string> set_mapping(db::Connection& c, const accounts::User& u, int64_t upload_id, const Mapping& m);

// The user's choice after the check: create the logs and fix the rest in the service, or confirm
// every soft check at once. Queues the import, or says why it cannot be done now.
enum class Choice { CreateAndFix, ConfirmSoft };
std::optional<std::string> choose(db::Connection& c, const accounts::User& u, int64_t upload_id, Choice choice);

// The job kinds, for `core serve`'s worker: "bulk_upload.check" and "bulk_upload.create".
// `base_url` is for the link in the email sent when the check is done.
void register_jobs(jobs::Worker& w, mail::Mailer& mailer, std::string base_url);
// The handlers themselves (tests run them without a worker). Each is safe to run again after a crash:
// the check writes its report in one statement; the import writes every log and the upload's new
// state in one transaction, and does nothing when the upload is already imported.
std::string run_check(db::Connection& c, int64_t upload_id, mail::Mailer* mailer, const std::string& base_url,
                      const std::function<bool(int64_t, int64_t)>& progress, const util::Date& today);
std::string run_create(db::Connection& c, int64_t upload_id, const util::Date& today,
                       const std::function<bool(int64_t, int64_t)>& progress = {});
// An upload whose job failed for good (out of attempts: its server was killed each time) is shown as
// failed (a check) or back to waiting for a choice (an import, which wrote nothing). Returns the
// upload as it is now.
store::Upload settle_failed_job(db::Connection& c, const store::Upload& up);

// Where an upload's results are on the web (<type>-logs/bulk-upload-results/<id>).
std::string results_path(const store::Upload& u);
// The upload's status as the uploads list shows it ("Checking", "Logs created", "Errors on important
// questions in file"...).
std::string status_label(const store::Upload& u);

}  // namespace core::bulk
