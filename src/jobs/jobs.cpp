#include "jobs/jobs.h"

#include <chrono>
#include <iostream>

#include "util/time.h"

namespace core::jobs {

namespace {

constexpr const char* kColumns =
    "id, kind, payload, state, attempts, max_attempts, progress, progress_total, result, error, claimed_by, created_at, finished_at";

Job from_row(const db::Row& r) {
  Job j;
  j.id = r.i64(0);
  j.kind = r.str(1);
  j.payload = r.str(2);
  j.state = r.str(3);
  j.attempts = r.i64(4);
  j.max_attempts = r.i64(5);
  j.progress = r.i64(6);
  j.progress_total = r.i64(7);
  j.result = r.opt_str(8);
  j.error = r.opt_str(9);
  j.claimed_by = r.opt_str(10);
  j.created_at = r.str(11);
  j.finished_at = r.str(12);
  return j;
}

std::string in_seconds(int64_t s) { return util::iso_from_seconds(util::now_seconds() + s); }

}  // namespace

int64_t enqueue(db::Connection& c, const std::string& kind, const std::string& payload, int max_attempts) {
  std::string now = util::now_iso();
  return c.insert("INSERT INTO jobs (kind, payload, state, max_attempts, run_after, created_at, updated_at) VALUES (?, ?, 'queued', ?, ?, ?, ?)",
                  {kind, payload, int64_t(max_attempts < 1 ? 1 : max_attempts), now, now, now});
}

std::optional<Job> find(db::Connection& c, int64_t id) {
  auto r = c.query_one(std::string("SELECT ") + kColumns + " FROM jobs WHERE id = ?", {id});
  if (!r) return std::nullopt;
  return from_row(*r);
}

std::optional<Job> claim(db::Connection& c, const std::string& worker, int lease_seconds) {
  std::optional<Job> out;
  c.transaction([&] {
    std::string now = util::now_iso();
    // A job whose worker stopped after its last attempt: failed, for good.
    c.exec("UPDATE jobs SET state = 'failed', error = COALESCE(error, 'The work stopped before it was finished, too many times.'), "
           "finished_at = ?, updated_at = ?, claimed_until = NULL WHERE state = 'running' AND claimed_until < ? AND attempts >= max_attempts",
           {now, now, now});
    bool pg = c.dialect() == db::Dialect::PostgreSQL;
    auto next = c.query_one(std::string("SELECT id FROM jobs WHERE (state = 'queued' AND run_after <= ?) OR (state = 'running' AND claimed_until < ?) "
                                        "ORDER BY id LIMIT 1") + (pg ? " FOR UPDATE SKIP LOCKED" : ""),
                            {now, now});
    if (!next) return;
    int64_t id = next->i64(0);
    c.exec("UPDATE jobs SET state = 'running', claimed_by = ?, claimed_until = ?, attempts = attempts + 1, updated_at = ? WHERE id = ?",
           {worker, in_seconds(lease_seconds), now, id});
    out = find(c, id);
  });
  return out;
}

bool report(db::Connection& c, int64_t id, const std::string& worker, int64_t progress, int64_t total, int lease_seconds) {
  return c.exec("UPDATE jobs SET progress = ?, progress_total = ?, claimed_until = ?, updated_at = ? WHERE id = ? AND claimed_by = ? AND state = 'running'",
                {progress, total, in_seconds(lease_seconds), util::now_iso(), id, worker}) > 0;
}

bool finish(db::Connection& c, int64_t id, const std::string& worker, const std::string& result) {
  std::string now = util::now_iso();
  return c.exec("UPDATE jobs SET state = 'done', result = ?, error = NULL, finished_at = ?, updated_at = ?, claimed_until = NULL "
                "WHERE id = ? AND claimed_by = ? AND state = 'running'",
                {result, now, now, id, worker}) > 0;
}

bool fail(db::Connection& c, int64_t id, const std::string& worker, const std::string& error, bool retry) {
  std::string now = util::now_iso();
  // Tried again after a pause that grows with each attempt (10 s, 20 s, …), while attempts are left.
  if (retry &&
      c.exec("UPDATE jobs SET state = 'queued', error = ?, run_after = ?, updated_at = ?, claimed_until = NULL "
             "WHERE id = ? AND claimed_by = ? AND state = 'running' AND attempts < max_attempts",
             {error, in_seconds(10), now, id, worker}) > 0)
    return true;
  return c.exec("UPDATE jobs SET state = 'failed', error = ?, finished_at = ?, updated_at = ?, claimed_until = NULL "
                "WHERE id = ? AND claimed_by = ? AND state = 'running'",
                {error, now, now, id, worker}) > 0;
}

Worker::Worker(db::Database& db, std::string name, int lease_seconds, int poll_ms)
    : db_(db), name_(std::move(name)), lease_seconds_(lease_seconds), poll_ms_(poll_ms) {}

Worker::~Worker() { stop(); }

void Worker::handle(const std::string& kind, Handler h) { handlers_[kind] = std::move(h); }

void Worker::start() {
  if (thread_.joinable()) return;
  stopping_ = false;
  thread_ = std::thread([this] {
    for (;;) {
      try {
        while (run_one()) {
          std::lock_guard<std::mutex> g(m_);
          if (stopping_) return;
        }
      } catch (const std::exception& e) {
        // The database is away, say: try again at the next poll.
        std::cerr << "jobs: worker " << name_ << ": " << e.what() << std::endl;
      }
      std::unique_lock<std::mutex> lock(m_);
      cv_.wait_for(lock, std::chrono::milliseconds(poll_ms_), [this] { return stopping_ || woken_; });
      woken_ = false;
      if (stopping_) return;
    }
  });
}

void Worker::stop() {
  {
    std::lock_guard<std::mutex> g(m_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void Worker::wake() {
  {
    std::lock_guard<std::mutex> g(m_);
    woken_ = true;
  }
  cv_.notify_all();
}

int Worker::run_due() {
  int n = 0;
  while (run_one()) ++n;
  return n;
}

bool Worker::run_one() {
  auto c = db_.acquire();
  auto job = claim(*c, name_, lease_seconds_);
  if (!job) return false;
  auto h = handlers_.find(job->kind);
  if (h == handlers_.end()) {
    fail(*c, job->id, name_, "This server cannot do work of the kind '" + job->kind + "'.", false);
    return true;
  }
  Run run{*job, [&](int64_t progress, int64_t total) { return report(*c, job->id, name_, progress, total, lease_seconds_); }};
  std::string result;
  try {
    result = h->second(*c, run);
  } catch (const std::exception& e) {
    std::cerr << "jobs: job " << job->id << " (" << job->kind << ") attempt " << job->attempts << " failed: " << e.what() << std::endl;
    fail(*c, job->id, name_, e.what(), true);
    return true;
  }
  finish(*c, job->id, name_, result);
  return true;
}

}  // namespace core::jobs
