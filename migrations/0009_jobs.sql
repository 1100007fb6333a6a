-- The durable job table (ADR 0015): the service's one way to run slow work (bulk-upload checks and
-- imports, large downloads, exports, emails). A job is a row: queued until a worker claims it, then
-- running under a lease (claimed_until) that its worker extends while it works; a job whose lease
-- ran out (its server was killed) is claimed again, until it has been tried max_attempts times.
CREATE TABLE jobs (
  id {{pk}},
  kind TEXT NOT NULL,
  payload TEXT NOT NULL,
  state TEXT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  max_attempts INTEGER NOT NULL DEFAULT 3,
  run_after TEXT NOT NULL,
  claimed_by TEXT,
  claimed_until TEXT,
  progress BIGINT NOT NULL DEFAULT 0,
  progress_total BIGINT NOT NULL DEFAULT 0,
  result TEXT,
  error TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  finished_at TEXT
);
-- What a worker claims next: queued jobs that are due, and running jobs whose lease ran out.
CREATE INDEX jobs_waiting ON jobs (state, run_after) WHERE state IN ('queued', 'running');
