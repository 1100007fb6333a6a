// The nightly export to the data store inside `core serve` (issue 14), off unless configured:
//   CORE_CDS_EXPORT_AT=HH:MM     the time of day, in England, the export is due (the real service: 00:00)
//   CORE_CDS_EXPORT_DIR=DIR      where the archives and master manifests go (required with _AT)
//   CORE_CDS_EXPORT_FULL=1       a full export every time instead of the changes since the last
// Every server that shares the database checks, once a minute (CORE_CDS_EXPORT_CHECK_SECONDS),
// whether today's run is due. Of all the servers that find it due, exactly one records it
// (exports::store::claim_schedule_run: one row per due time) and queues the "cds_export" job in the
// same transaction; the job table then runs it on one worker, and the export's own lease keeps a
// `core export cds` started by hand from running over it.
#pragma once
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "db/database.h"
#include "jobs/jobs.h"

namespace core::exports {

struct ScheduleConfig {
  int hour = 0, minute = 0;
  std::string dir;
  bool full = false;
  int check_seconds = 60;
  // From the environment: nullopt when the schedule is off; throws std::invalid_argument with a
  // message naming the variable when it is set wrongly.
  static std::optional<ScheduleConfig> from_env();
};

// The job the schedule queues: runs the export as its payload says ({"out": DIR, "full": bool}).
void register_cds_job(jobs::Worker& w, db::Database& db, const std::string& worker_name);

class Schedule {
 public:
  Schedule(db::Database& db, ScheduleConfig cfg, std::function<void()> wake_worker);
  ~Schedule();
  void start();
  void stop();
  // Queues the run due at the latest due time at or before `now_seconds` (today's, in England), if
  // no server has yet: returns the job's id when this call queued it.
  std::optional<int64_t> check(int64_t now_seconds);
  // The due time of today's run, as UTC ISO text, for a moment `now_seconds`.
  std::string due_at(int64_t now_seconds) const;

 private:
  db::Database& db_;
  ScheduleConfig cfg_;
  std::function<void()> wake_;
  std::thread thread_;
  std::mutex m_;
  std::condition_variable cv_;
  bool stopping_ = false;
};

}  // namespace core::exports
