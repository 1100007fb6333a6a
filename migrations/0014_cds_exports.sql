-- The nightly XML export to the department's Consolidated Data Store (issue 14; docs/exports.md).
-- One row per collection (and year) per run, even when nothing changed (empty_export = 1, no
-- archive): the last row's started_at is where the next incremental export starts from, and
-- base_number/increment_number give the archives their f0001_inc0001 names.
CREATE TABLE cds_exports (
  id {{pk}},
  collection TEXT NOT NULL,          -- lettings, sales, users, organisations
  year INTEGER NOT NULL,             -- the collection year (0 for users and organisations)
  base_number INTEGER NOT NULL,
  increment_number INTEGER NOT NULL,
  full_export INTEGER NOT NULL DEFAULT 0,
  empty_export INTEGER NOT NULL DEFAULT 0,
  records BIGINT NOT NULL DEFAULT 0,
  archive TEXT,                      -- the archive's name, without .zip (null when empty)
  run_started_at TEXT NOT NULL,      -- the run's start: records changed before it are in this export
  created_at TEXT NOT NULL
);
CREATE INDEX cds_exports_collection ON cds_exports (collection, year, run_started_at);
-- Leases that let one server of several do a piece of work (exports::store::take_lease): a row per
-- kind of work, held by one holder until `until`, renewed while the work goes on.
CREATE TABLE leases (
  name TEXT PRIMARY KEY,
  holder TEXT NOT NULL,
  until_at TEXT NOT NULL
);
-- Scheduled work that has been queued: one row per schedule and due time, so that of several
-- servers reaching the same due time, exactly one queues the job.
CREATE TABLE schedule_runs (
  name TEXT NOT NULL,
  due TEXT NOT NULL,
  job_id BIGINT,
  created_at TEXT NOT NULL,
  PRIMARY KEY (name, due)
);
