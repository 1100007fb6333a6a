-- CSV downloads of logs (issue 14): every download is recorded (who, when, which filters, how many
-- rows). A small one is streamed straight to the browser (state "downloaded"); a big one is written
-- by a job (queued, writing, ready, failed) into parts kept in the database, so that any server
-- sharing it can hand the file over, until the link expires 48 hours after it was asked for.
CREATE TABLE csv_downloads (
  id {{pk}},
  user_id BIGINT NOT NULL REFERENCES users (id),
  -- The downloader's organisation when they asked (who else may open a big download's link).
  organisation_id BIGINT NOT NULL REFERENCES organisations (id),
  log_type TEXT NOT NULL,
  year INTEGER NOT NULL,
  codes INTEGER NOT NULL DEFAULT 0,
  with_errors INTEGER NOT NULL DEFAULT 0,
  -- The logs it holds: the list's filter and search, as JSON (exports::filter_json).
  filters TEXT NOT NULL,
  filename TEXT NOT NULL,
  state TEXT NOT NULL,
  rows_count BIGINT NOT NULL DEFAULT 0,
  job_id BIGINT,
  created_at TEXT NOT NULL,
  expires_at TEXT
);
CREATE INDEX csv_downloads_user ON csv_downloads (user_id, id);
CREATE TABLE csv_download_parts (
  download_id BIGINT NOT NULL REFERENCES csv_downloads (id),
  part INTEGER NOT NULL,
  content TEXT NOT NULL,
  PRIMARY KEY (download_id, part)
);
