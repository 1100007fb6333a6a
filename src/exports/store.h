// CSV download records and the files big downloads are written into. All the SQL of exports lives here.
#pragma once
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "db/database.h"

namespace core::exports::store {

struct Download {
  int64_t id = 0, user_id = 0, organisation_id = 0;
  std::string type;
  int year = 0;
  bool codes = false, with_errors = false;
  std::string filters;  // JSON (exports::filter_json)
  std::string filename;
  std::string state;  // downloaded (streamed at once), queued, writing, ready, failed
  int64_t rows = 0;
  std::optional<int64_t> job_id;
  std::string created_at;
  std::optional<std::string> expires_at;
};

int64_t create(db::Connection& c, const Download& d);
std::optional<Download> find(db::Connection& c, int64_t id);
void set_job(db::Connection& c, int64_t id, int64_t job_id);
void set_state(db::Connection& c, int64_t id, const std::string& state, int64_t rows);
// A big download's file, a part at a time: parts are replaced as a whole by a run of its job.
void clear_parts(db::Connection& c, int64_t id);
void add_part(db::Connection& c, int64_t id, int part, std::string_view content);
// Its parts in order, one at a time (the file is never held whole).
void each_part(db::Connection& c, int64_t id, const std::function<void(std::string_view)>& fn);
// The files of big downloads whose links ran out before `now` (ISO): their parts are deleted (the
// record of the download stays). Returns how many downloads lost their file.
int64_t purge_expired_parts(db::Connection& c, const std::string& now);
// How many of this user's big downloads are waiting for, or being written by, their job.
int64_t preparing_for_user(db::Connection& c, int64_t user_id);
// How many downloads there are of this user's (tests).
int64_t count_for_user(db::Connection& c, int64_t user_id);

// The runs of the export to the data store (exports/cds.h; migration 0014).
struct CdsExport {
  int64_t id = 0;
  std::string collection;
  int year = 0;
  int base_number = 1, increment_number = 1;
  bool full = false, empty = false;
  int64_t records = 0;
  std::optional<std::string> archive;
  std::string run_started_at, created_at;
};
void add_cds_export(db::Connection& c, const CdsExport& e);
// The last run of a collection and year (empty or not), by its start.
std::optional<CdsExport> last_cds_export(db::Connection& c, const std::string& collection, int year);
// Of the non-empty runs of a collection and year: the highest base number (nullopt when none), and
// the highest increment of that base.
std::optional<std::pair<int, int>> last_cds_numbers(db::Connection& c, const std::string& collection, int year);
bool any_cds_export(db::Connection& c);
// How many runs (distinct starts) there were since `since` (the start of today).
int64_t cds_runs_since(db::Connection& c, const std::string& since);
std::vector<CdsExport> cds_exports(db::Connection& c);  // every run, oldest first (tests, the command line)

// The users and organisations an export to the data store holds, in id order, as a cursor returns
// them: with `since`, those changed in [since, until) (the record, or for a user their
// organisation, for an organisation its data protection officers); without, all of them.
// User rows: id, email, name, phone, organisation_id, organisation_name, role, is_dpo, is_key_contact,
// active, sign_in_count, last_sign_in_at. Organisation rows: id, name, phone, provider_type,
// address_line1, address_line2, postcode, holds_own_stock, housing_registration_no, active,
// dsa_signed_at, dpo_email.
void each_export_user(db::Connection& c, const std::optional<std::string>& since, const std::string& until,
                      const std::function<void(const db::Row&)>& fn);
void each_export_organisation(db::Connection& c, const std::optional<std::string>& since, const std::string& until,
                              const std::function<void(const db::Row&)>& fn);

// What an export writes of each organisation a log names, by id.
struct OrganisationFacts {
  std::string name, housing_registration_no;
  int provider_type = 0;
};
std::map<int64_t, OrganisationFacts> organisation_facts(db::Connection& c);

// Leases: one holder at a time does a piece of work named `name`, for `seconds` at a time. True
// when the lease is now `holder`'s (it was free, ran out, or was already theirs: then renewed).
bool take_lease(db::Connection& c, const std::string& name, const std::string& holder, int seconds);
void release_lease(db::Connection& c, const std::string& name, const std::string& holder);

// A schedule's run due at `due` (ISO text), claimed once: true for the one caller that recorded it
// (which then queues its job, in the same transaction), false for everyone else.
bool claim_schedule_run(db::Connection& c, const std::string& name, const std::string& due);
void set_schedule_job(db::Connection& c, const std::string& name, const std::string& due, int64_t job_id);

}  // namespace core::exports::store
