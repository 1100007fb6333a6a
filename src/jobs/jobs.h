// The durable job table (ADR 0015): slow work as rows of `jobs`, claimed by workers inside any
// `core serve` that shares the database. A job survives its server: a job whose worker stopped
// (killed, restarted) is claimed again once its lease runs out, and fails for good after
// max_attempts tries. On PostgreSQL a claim takes the next job with FOR UPDATE SKIP LOCKED, so
// several servers never run one job twice at once; SQLite has one writer at a time anyway.
// Features register a handler per kind of job; handlers must be safe to run again after a crash
// (all or nothing in one transaction, or idempotent).
#pragma once
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "db/database.h"

namespace core::jobs {

struct Job {
  int64_t id = 0;
  std::string kind, payload, state;  // state: queued, running, done, failed
  int64_t attempts = 0, max_attempts = 3;
  int64_t progress = 0, progress_total = 0;
  std::optional<std::string> result, error, claimed_by;
  std::string created_at, finished_at;
};

// Adds a job (in the caller's transaction, if one is open: the job exists only if the work that
// asked for it is committed). Returns its id.
int64_t enqueue(db::Connection& c, const std::string& kind, const std::string& payload, int max_attempts = 3);
std::optional<Job> find(db::Connection& c, int64_t id);

// Claims the next job that is due (or whose lease ran out) for `worker`, with a lease of
// `lease_seconds`; counts the attempt. A job out of attempts is marked failed instead.
std::optional<Job> claim(db::Connection& c, const std::string& worker, int lease_seconds);
// While the job runs: its progress, and a longer lease. False when the job is no longer this
// worker's (its lease ran out and another worker took it): the handler should stop.
bool report(db::Connection& c, int64_t id, const std::string& worker, int64_t progress, int64_t total, int lease_seconds);
// The end of a run: done with a result, or failed with a message for the person who asked (a
// failed attempt with attempts left goes back to the queue). False when the job is not this worker's.
bool finish(db::Connection& c, int64_t id, const std::string& worker, const std::string& result);
bool fail(db::Connection& c, int64_t id, const std::string& worker, const std::string& error, bool retry);

// What a handler is given: the job, and a way to say how far it has got (which also keeps its lease).
struct Run {
  const Job& job;
  std::function<bool(int64_t progress, int64_t total)> progress;  // false: stop, the job is not ours any more
};
// A handler returns the job's result (stored as text, often JSON); throwing fails the attempt.
using Handler = std::function<std::string(db::Connection&, Run&)>;

// Runs jobs in a background thread: claims, runs the kind's handler, finishes. One per server.
class Worker {
 public:
  Worker(db::Database& db, std::string name, int lease_seconds = 60, int poll_ms = 500);
  ~Worker();
  void handle(const std::string& kind, Handler h);  // before start()
  void start();
  void stop();
  // Wakes the worker (after this server enqueued a job) instead of waiting for the next poll.
  void wake();
  // Claims and runs jobs until none is due; returns how many ran (tests and the command line).
  int run_due();

 private:
  bool run_one();
  db::Database& db_;
  std::string name_;
  int lease_seconds_, poll_ms_;
  std::map<std::string, Handler> handlers_;
  std::thread thread_;
  std::mutex m_;
  std::condition_variable cv_;
  bool stopping_ = false, woken_ = false;
};

}  // namespace core::jobs
