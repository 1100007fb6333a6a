// The one way to write a log, whichever channel it comes from (the web pages, the command line, and
// bulk upload and the API when they come). Nothing else writes the logs table, except `core logs
// generate`, which inserts benchmark data in bulk through the same column sync (generate.h).
//
// Given who is acting, a log, the changes and the version they saw, save():
//  1. refuses a log from a year closed for editing, and answers the actor may not give (who a log
//     is assigned to: coordinators and support);
//  2. resolves the context (organisations, users, schemes, locations) for the log as it will be;
//     records that do not exist are errors on their fields;
//  3. refuses any organisation, user, scheme or location the page would not have offered the actor
//     (options.h: refuse_unoffered, asking accounts/permissions);
//  4. merges a save from a stale version field by field, or refuses it where someone else changed
//     the same answer meanwhile;
//  5. runs the gateway;
//  6. writes nothing when nothing changed; otherwise syncs the indexed columns and writes the
//     answers, columns and audit rows in one transaction, if the log is still at the version read;
//     when the answers that find duplicates changed (the duplicate key, or the owner), the sets
//     the log left and joined are worked out again in the same transaction (ADR 0013).
// create() and remove() keep the sets in step too.
// The result says which of these decided, with the gateway's outcome and the context it ran in.
#pragma once
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "accounts/model.h"
#include "db/database.h"
#include "form/gateway.h"
#include "logs/store.h"

namespace core::logs::service {

// Why a log cannot be opened or changed at all. Channels answer it as they answer such things
// (the web: 404, 403, or a read-only page).
struct Refused : std::runtime_error {
  enum class Kind { NotFound, Forbidden, Unreadable };
  Kind kind;
  Refused(Kind k, const std::string& message) : std::runtime_error(message), kind(k) {}
};

// The log, if this user may reach it; Refused{NotFound} otherwise (never Forbidden, so ids reveal nothing).
store::Log find(db::Connection& c, const accounts::User& u, int64_t id);
// The form a log was written with. Refused{Unreadable} when the log names a year with no form.
std::shared_ptr<const form::Form> form_of(const store::Log& log);
// A log's answers. Refused{Unreadable} (and a line in the server's log) when its stored answers are
// not a JSON object: such a log is shown read-only, never overwritten from blank.
form::Values answers_of(const form::Form& f, const store::Log& log);
// Can the log still be changed (its collection year open for editing on `today`)?
bool editable(const form::Form& f, const util::Date& today);

// Creates a log of `type` ("lettings", "sales") for the actor's organisation in the collection year
// of `today`, with the setup answers the actor's organisation implies. Refused{Forbidden} until the
// organisation has accepted the data sharing agreement, or when the year is closed for new logs or
// has no form of that type.
store::Log create(db::Connection& c, const accounts::User& u, const std::string& type, const util::Date& today);

// Many new logs at once, all or none (bulk upload): each is checked exactly as a save of its answers
// would be (the same refusals, the same gateway), then all are written in one transaction, with
// `in_transaction` run inside it (the upload marks itself done in the same commit). Any log refused
// throws Refused{Forbidden} naming it (`names`, else "Log N"), and nothing is written. No audit row
// per answer is written: the log records the upload it came from, whose file is kept.
struct NewLogs {
  std::string type;
  int year = 0;
  std::vector<form::Changes> answers;
  // Answers given once those are in (confirming soft checks: an interruption is asked only once the
  // answers it checks are stored), by log; may be shorter than `answers`.
  std::vector<form::Changes> then;
  std::vector<std::string> names;  // how a refusal names each log ("Row 12")
  std::string creation_method = "bulk upload";
  std::optional<int64_t> bulk_upload_id;
  std::function<void(int done, int total)> progress;              // while checking
  std::function<void(const std::vector<int64_t>& ids)> in_transaction;
  // When given: each log's outcome and the context it was checked in, as written (the API answers with them).
  std::vector<std::pair<form::Outcome, form::Context>>* results = nullptr;
  // Each log starts with the setup the actor's organisation implies (new_log_setup), before its answers
  // (which win where they give the same one), as create() starts one.
  bool with_setup = false;
};
std::vector<int64_t> create_many(db::Connection& c, const accounts::User& u, const NewLogs& batch, const util::Date& today);
// The setup answers a new log of the actor's starts with (create() gives them; a channel that
// creates logs with create_many() puts them before its own): the owning organisation (when the
// actor's holds its own stock) and the managing one (support: none), and the actor as the one the
// log is assigned to (a person only).
form::Changes new_log_setup(db::Connection& c, const accounts::User& u, const form::Form& f);
// The same from the actor's organisation, already read (nullptr: support, or none).
form::Changes new_log_setup(const accounts::User& u, const form::Form& f, const accounts::Organisation* own);

struct Conflict {
  std::string field;      // the attribute someone else changed
  expr::Value theirs, mine;
  std::string who;        // their name ("" when unknown)
};

enum class Status {
  Saved,      // written
  Unchanged,  // accepted, but nothing changed: nothing written, the version stays
  NotAsked,   // the page is not shown for this log now
  Forbidden,  // the actor may not give one of these answers, or the year is closed for editing
  Refused,    // errors: see `errors`
  Conflict,   // someone else changed the same answer since the version seen: see `conflicts`
  Race,       // someone else saved at the same moment: nothing written, try again
};

struct SaveOptions {
  util::Date today;
  // A page submission: the page must be shown for this log, and every required question on it answered.
  std::optional<int> page;
};

struct SaveResult {
  Status status = Status::Refused;
  std::string message;                // for Forbidden and Race
  std::vector<form::Error> errors;    // refused choices, unknown records, the gateway's errors
  std::vector<Conflict> conflicts;
  form::Outcome outcome;              // the gateway's (empty unless it ran)
  form::Context context;              // the context the answers were checked in
  store::Log log;                     // the log afterwards (as it was, unless Saved)
  bool regrouped = false;             // Saved, and its duplicates were looked for again (log.duplicate_set_id)
  bool ok() const { return status == Status::Saved || status == Status::Unchanged; }
};

SaveResult save(db::Connection& c, const accounts::User& u, const store::Log& log, const form::Changes& changes,
                int64_t seen_version, const SaveOptions& opt);

// The same checks without writing anything (the command line's `log check --as`): the result of a
// save of `changes` onto `values`, as `u` would get it.
// `cache` (optional): for checking many new logs as one user in one go (a bulk upload): the context
// and the refusals of logs naming the same records are looked up once. Only for a short run of
// checks, during which the records do not change.
struct CheckCache {
  std::map<std::string, std::pair<form::Context, std::vector<form::Error>>> entries;
};
SaveResult check(db::Connection& c, const accounts::User& u, const form::Form& f, const form::Values& values,
                 const form::Changes& changes, const util::Date& today, CheckCache* cache = nullptr);
// The context a new log with these answers is checked in, as check() works it out (through `cache`).
form::Context new_log_context(db::Connection& c, const accounts::User& u, const form::Form& f, const form::Values& values,
                              const util::Date& today, CheckCache* cache = nullptr);

// Soft-deletes logs (while their collection is open for new logs): Refused{NotFound} for any the user
// cannot reach, Refused{Forbidden} for any they may not delete; nothing is deleted then.
void remove(db::Connection& c, const accounts::User& u, const std::vector<int64_t>& ids, const util::Date& today);
bool can_delete(const accounts::User& u, const store::Log& log, const form::Form& f, const util::Date& today);

// The log's duplicates (ADR 0013) that this user may see, itself first; just itself, or nothing when it
// has no key, when it has none.
std::vector<store::Log> duplicates(db::Connection& c, const accounts::User& u, const store::Log& log);

// Works out every log's duplicate key again from its stored answers and its form's keys, then every
// set (`core logs rekey`): for logs saved before a form had keys, or after a year's keys changed. A
// log saved meanwhile keeps the key its save wrote. Logs whose answers or form cannot be read are
// counted and left as they are.
struct RekeyResult {
  int64_t checked = 0, changed = 0, unreadable = 0, in_sets = 0;
};
RekeyResult rekey_duplicates(db::Connection& c);

}  // namespace core::logs::service
