#include "exports/schedule.h"

#include <cstdlib>
#include <iostream>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "exports/cds.h"
#include "exports/store.h"
#include "util/text.h"
#include "util/time.h"

namespace core::exports {

using nlohmann::json;

std::optional<ScheduleConfig> ScheduleConfig::from_env() {
  const char* at = std::getenv("CORE_CDS_EXPORT_AT");
  if (!at || !*at) return std::nullopt;
  ScheduleConfig cfg;
  std::string t = at;
  auto bad = [] { return std::invalid_argument("CORE_CDS_EXPORT_AT must be a time of day as HH:MM, for example 00:00"); };
  if (t.size() != 5 || t[2] != ':') throw bad();
  auto h = util::parse_int64(t.substr(0, 2)), m = util::parse_int64(t.substr(3, 2));
  if (!h || !m || *h < 0 || *h > 23 || *m < 0 || *m > 59) throw bad();
  cfg.hour = int(*h);
  cfg.minute = int(*m);
  const char* dir = std::getenv("CORE_CDS_EXPORT_DIR");
  if (!dir || !*dir) throw std::invalid_argument("CORE_CDS_EXPORT_DIR must name the folder the export is written to");
  cfg.dir = dir;
  const char* full = std::getenv("CORE_CDS_EXPORT_FULL");
  cfg.full = full && std::string(full) == "1";
  if (const char* every = std::getenv("CORE_CDS_EXPORT_CHECK_SECONDS"); every && *every) {
    auto s = util::parse_int64(every);
    if (!s || *s < 1 || *s > 3600) throw std::invalid_argument("CORE_CDS_EXPORT_CHECK_SECONDS must be a number of seconds from 1 to 3600");
    cfg.check_seconds = int(*s);
  }
  return cfg;
}

void register_cds_job(jobs::Worker& w, db::Database& db, const std::string& worker_name) {
  w.handle("cds_export", [&db, worker_name](db::Connection& c, jobs::Run& run) {
    json p = json::parse(run.job.payload, nullptr, false);
    if (!p.is_object() || !p.contains("out") || !p["out"].is_string()) return std::string("bad payload");
    cds::Options o;
    o.out = p["out"].get<std::string>();
    o.full = p.value("full", false);
    o.holder = worker_name + "/job-" + std::to_string(run.job.id);
    auto reader = db.acquire();
    cds::Result r = cds::run(c, o, &*reader);  // Busy (a run by hand) fails the attempt: it is tried again later
    std::cerr << "cds export: " << r.manifest << ", " << r.archives.size() << " archive(s), " << r.records << " records\n";
    return json{{"manifest", r.manifest}, {"archives", r.archives.size()}, {"records", r.records}}.dump();
  });
}

Schedule::Schedule(db::Database& db, ScheduleConfig cfg, std::function<void()> wake) : db_(db), cfg_(std::move(cfg)), wake_(std::move(wake)) {}

Schedule::~Schedule() { stop(); }

std::string Schedule::due_at(int64_t now) const {
  // Today in England, at the configured time, as UTC.
  std::string local = util::london_iso(now);  // 2026-12-03T10:15:00+00:00
  int64_t midnight_utc = util::seconds_from_iso(local.substr(0, 10) + "T00:00:00Z");
  int64_t due = midnight_utc + cfg_.hour * 3600 + cfg_.minute * 60;
  due -= util::london_offset_seconds(due - 3600);
  return util::iso_from_seconds(due);
}

std::optional<int64_t> Schedule::check(int64_t now) {
  std::string due = due_at(now);
  if (util::seconds_from_iso(due) > now) return std::nullopt;
  auto c = db_.acquire();
  std::optional<int64_t> job;
  c->transaction([&] {
    if (!store::claim_schedule_run(*c, "cds_export", due)) return;
    job = jobs::enqueue(*c, "cds_export", json{{"out", cfg_.dir}, {"full", cfg_.full}}.dump(), 3);
    store::set_schedule_job(*c, "cds_export", due, *job);
  });
  if (job) {
    std::cerr << "cds export: queued the run due at " << due << " (job " << *job << ")\n";
    if (wake_) wake_();
  }
  return job;
}

void Schedule::start() {
  thread_ = std::thread([this] {
    std::unique_lock lock(m_);
    while (!stopping_) {
      lock.unlock();
      try {
        check(util::now_seconds());
      } catch (const std::exception& e) {
        std::cerr << "cds export: the schedule could not check for a due run: " << e.what() << "\n";
      }
      lock.lock();
      cv_.wait_for(lock, std::chrono::seconds(cfg_.check_seconds), [this] { return stopping_; });
    }
  });
}

void Schedule::stop() {
  {
    std::lock_guard lock(m_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

}  // namespace core::exports
