// CSV download records and the files big downloads are written into. All the SQL of exports lives here.
#pragma once
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

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
// How many downloads there are of this user's (tests).
int64_t count_for_user(db::Connection& c, int64_t user_id);

}  // namespace core::exports::store
