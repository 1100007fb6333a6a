// Log storage: one row per log with indexed columns for the lists, its answers as one JSON document,
// a version number for concurrent edits, and one log_changes row per answer changed by a save.
// All the SQL of logs lives here.
#pragma once
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "db/database.h"

namespace core::logs::store {

struct Log {
  int64_t id = 0;
  std::string type = "lettings";
  int form_year = 0;
  std::optional<int> collection_year;
  std::string status = "not_started";
  std::optional<int64_t> owning_organisation_id, managing_organisation_id, assigned_to_id, created_by_id;
  std::string creation_method = "single log";
  std::optional<int64_t> bulk_upload_id;  // the upload it came from (creation_method "bulk upload")
  // The answers as stored: the JSON text of one flat object (form::values_from_text reads it and
  // form::answers_text writes it, without a JSON document in between).
  std::string answers = "{}";
  // Indexed columns worked out from the answers, for the lists (sync_columns keeps them in step, by
  // the form's `log` description): the category (needs type; sale type), the date that decides the
  // collection year, the landlord's references, the postcode.
  std::optional<int64_t> category;
  std::optional<std::string> log_date, reference, property_reference, postcode_full;
  // Duplicate logs (ADR 0013): the digest of the answers that find its duplicates (null when the
  // log is not considered), and its set (the lowest id of the logs of its type and owner with the
  // same key, when there are two or more), which only regroup_log() writes.
  std::optional<std::string> duplicate_key;
  std::optional<int64_t> duplicate_set_id;
  int64_t version = 1;
  std::string created_at, updated_at;
  // For display, read with the log:
  std::string owning_organisation_name, managing_organisation_name, assigned_to_name;
};

struct FieldChange {
  std::string field;
  nlohmann::json before, after;  // null when blank
};

int64_t create(db::Connection& c, const Log& log, const std::vector<FieldChange>& changes);
// Many logs in one statement, without audit rows: for generated benchmark data only.
void insert_many(db::Connection& c, const std::vector<Log>& logs);
// Many new logs (a bulk upload's), a few hundred a statement: their ids, in order. No audit rows: the
// upload they came from (logs.bulk_upload_id, its stored file) records where their answers came from.
std::vector<int64_t> create_batch(db::Connection& c, const std::vector<Log>& logs);
// Of these (owning organisation, duplicate key) pairs, those two or more stored logs of the type share.
std::set<std::pair<int64_t, std::string>> shared_duplicate_keys(db::Connection& c, const std::string& type,
                                                                const std::vector<std::pair<int64_t, std::string>>& keys);
std::optional<Log> find(db::Connection& c, int64_t id);  // not deleted
// Saves new answers if the log is still at `expected_version`; false when someone saved in between.
// `previous` is the log as read: only the indexed columns that changed are written, so indexes
// whose columns did not change are left alone.
bool save(db::Connection& c, const Log& log, const Log& previous, int64_t expected_version, int64_t user_id,
          const std::vector<FieldChange>& changes);
// Fields changed by saves after `version`, with their latest value and who changed them.
struct LaterChange {
  nlohmann::json after;
  std::string user_name;
};
std::map<std::string, LaterChange> changes_since(db::Connection& c, int64_t log_id, int64_t version);

struct HistoryRow {
  int64_t version = 0;
  std::string changed_at, user_name, field;
  nlohmann::json before, after;
};
std::vector<HistoryRow> history(db::Connection& c, int64_t log_id);

struct Filter {
  std::string type = "lettings";
  bool all_organisations = false;       // support
  int64_t organisation_id = 0;          // otherwise: logs this organisation owns or manages
  std::vector<int> years, categories;
  std::vector<std::string> statuses;
  std::optional<int64_t> assigned_to_id, owned_by, managed_by;
  std::optional<int64_t> bulk_upload_id;  // only the logs of this upload
  bool from_bulk_upload = false;          // only logs created by bulk upload
  std::optional<std::string> updated_since;  // only logs changed at or after this time (UTC ISO text; the API's)
  std::string search;
  int page = 1, per_page = 20;
};
struct ListPage {
  std::vector<Log> logs;
  int64_t total = 0;
};
ListPage list(db::Connection& c, const Filter& f);
// How many logs the filter matches (as the list counts them: the same logs, paging aside), by
// status: {"in_progress": 3, "completed": 1}; a status with no logs is absent.
std::map<std::string, int64_t> count_by_status(db::Connection& c, const Filter& f);
// How the database plans count_by_status's statements, one line per plan step (for tests): each part
// searches its count index (migration 0012), not the table.
std::string count_by_status_plan(db::Connection& c, const Filter& f);
// Every log the filter matches (paging aside), in id order, handed over one at a time as a database
// cursor returns them (db::Connection::each), with the users it names: for downloads and exports.
struct LogWithPeople {
  Log log;
  std::string created_by_email, assigned_to_email, updated_by_email;  // "" when none
  std::optional<int64_t> updated_by_id;  // who saved it last
  bool assigned_is_dpo = false;
  std::optional<std::string> deleted_at;  // (each_export_log: deleted logs too)
};
void each_log(db::Connection& c, const Filter& f, const std::function<void(const LogWithPeople&)>& fn);
// The logs of one collection year an export to the data store holds (exports/cds.h), deleted ones
// included, never a bulk upload's pending logs or a log without its date; in id order (the order
// they were created in). With `changed_since`: only those changed in [changed_since, changed_until)
// (the log, or the users and organisations it names); without, all of them (a record changed as
// the run starts may then be in the next incremental run too: the data store takes the latest).
struct ExportScope {
  std::string type;
  std::string from_date, to_date;  // the log's date in [from_date, to_date): "2026-04-01", "2027-04-01"
  std::optional<std::string> changed_since;
  std::string changed_until;
};
void each_export_log(db::Connection& c, const ExportScope& s, const std::function<void(const LogWithPeople&)>& fn);
// Ids of every log the filter matches (for "delete these logs"), newest first.
std::vector<int64_t> ids(db::Connection& c, const Filter& f, int limit = 10000);
void soft_delete(db::Connection& c, const std::vector<int64_t>& ids, int64_t user_id);

// Duplicate sets (ADR 0013). Whoever writes a log's duplicate_key, or deletes a log, calls
// regroup_log() in the same transaction: it works out again the set the log left (the one left
// behind alone leaves it too) and the set it joins, each by one index lookup of (type, owner, key).
// On PostgreSQL each set is locked for the transaction first, so two logs joining the same set at
// the same moment still find each other. `before` is the log as stored before the write (nullptr
// for a new log); `now` the log as written (nullptr when it was deleted). Returns `now`'s set id.
std::optional<int64_t> regroup_log(db::Connection& c, const Log* before, const Log* now);
// Works out every set again from the keys (after generated logs are inserted in bulk).
void regroup_all(db::Connection& c);
// Up to `limit` logs (not deleted) with ids above `after_id`, in id order: for walking every log.
std::vector<Log> batch_after(db::Connection& c, int64_t after_id, int limit);
// Writes a log's duplicate key, if the log is still at `version` (a save since has written its own).
bool set_duplicate_key(db::Connection& c, int64_t id, int64_t version, const std::optional<std::string>& key);
// Which of these (owning organisation, duplicate key) pairs a stored log (not deleted) of the type
// has: for checking a whole file of new logs at once (bulk upload), in a few queries.
std::set<std::pair<int64_t, std::string>> existing_duplicate_keys(db::Connection& c, const std::string& type,
                                                                  const std::vector<std::pair<int64_t, std::string>>& keys);
// The logs (not deleted) of the log's type and owner with its key, in id order, itself included;
// none when it has no key.
std::vector<Log> duplicates_of(db::Connection& c, const Log& log);
// The statement duplicates_of() and regroup_log() look a set up with, and how the database plans it
// (for bench/duplicates.sh).
std::string duplicate_lookup_plan(db::Connection& c, const Log& log);

// Which sets a user is shown: those with a log of these collection years that the organisation owns
// or manages (or any, when organisation_id is 0), holding at least two such logs; with
// assigned_to_id, only sets in which one of those logs is assigned to that user.
struct SetFilter {
  std::string type = "lettings";
  std::vector<int> years;
  int64_t organisation_id = 0;
  std::optional<int64_t> assigned_to_id;
};
int64_t count_sets(db::Connection& c, const SetFilter& f);
// How the database plans count_sets's statement (for tests): for every organisation's sets, the
// partial index of logs in a set (migration 0012), not the table.
std::string count_sets_plan(db::Connection& c, const SetFilter& f);
struct DuplicateSet {
  int64_t id = 0;
  std::vector<Log> logs;  // those the filter sees, in id order
};
std::vector<DuplicateSet> list_sets(db::Connection& c, const SetFilter& f, int limit = 500);

// The log list's filters, kept for the session (a JSON object), by session token hash.
std::string session_filters(db::Connection& c, const std::string& token_hash);
void set_session_filters(db::Connection& c, const std::string& token_hash, const std::string& filters);

}  // namespace core::logs::store
