// CSV downloads of logs on the web (issue 14): "Download (CSV)" on each kind's list and on an
// organisation's, a year picker when the list is not filtered to one year, a confirmation with the
// filters and the count, then the file (streamed), or for a big download a job whose file is kept
// for 48 hours behind a link emailed to the person who asked.
#pragma once
#include <functional>
#include <string>

#include "jobs/jobs.h"
#include "mail/mailer.h"
#include "web/app.h"

namespace core::exports {

// Before the log pages, whose <base>/:id would take the download's addresses.
void register_routes(web::App& app);
// The job that writes a big download ("csv_download").
void register_jobs(jobs::Worker& w, db::Database& db, mail::Mailer& mailer, std::string base_url);
// How many logs a download may have and still be streamed at once (CORE_CSV_STREAM_LIMIT, default
// 10,000); beyond it the download runs as a job.
int64_t stream_limit();
// Writes a big download's file (the job's work; exposed for tests): returns the number of logs.
// `c` is the job's connection; the logs are read on another from `db`.
int64_t write_download(db::Database& db, db::Connection& c, int64_t download_id, const std::function<bool(int64_t, int64_t)>& progress);

}  // namespace core::exports
