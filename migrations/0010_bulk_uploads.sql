-- Bulk uploads (issue 13): the upload (who, for which organisation, which type and year, the file's
-- name and size) and where its check and import have got to; the file itself, kept apart so that
-- lists of uploads never read it (base64 text: TEXT is the one type both engines store alike); the
-- logs an upload created; and the column mappings organisations saved for their own spreadsheets.
CREATE TABLE bulk_uploads (
  id {{pk}},
  log_type TEXT NOT NULL,
  year INTEGER NOT NULL,
  organisation_id BIGINT NOT NULL REFERENCES organisations (id),
  user_id BIGINT NOT NULL REFERENCES users (id),
  filename TEXT NOT NULL,
  file_bytes BIGINT NOT NULL,
  -- checking, checked (waiting for the user's choice), creating, created, failed
  state TEXT NOT NULL,
  check_job_id BIGINT,
  create_job_id BIGINT,
  -- The check's report (bulk::Report::to_json(true)) and its counts, for the lists.
  report TEXT,
  rows_count INTEGER NOT NULL DEFAULT 0,
  logs_with_errors INTEGER NOT NULL DEFAULT 0,
  errors_count INTEGER NOT NULL DEFAULT 0,
  worst_category TEXT,
  failure TEXT,
  choice TEXT,
  logs_created INTEGER NOT NULL DEFAULT 0,
  -- A landlord's own spreadsheet: the mapping its columns were read with (JSON), else NULL.
  mapping TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX bulk_uploads_organisation ON bulk_uploads (organisation_id, id);
CREATE TABLE bulk_upload_files (
  upload_id BIGINT PRIMARY KEY REFERENCES bulk_uploads (id),
  content TEXT NOT NULL
);
CREATE TABLE column_mappings (
  id {{pk}},
  organisation_id BIGINT NOT NULL REFERENCES organisations (id),
  log_type TEXT NOT NULL,
  year INTEGER NOT NULL,
  mapping TEXT NOT NULL,
  updated_by_id BIGINT REFERENCES users (id),
  updated_at TEXT NOT NULL
);
CREATE UNIQUE INDEX column_mappings_one ON column_mappings (organisation_id, log_type, year);
ALTER TABLE logs ADD COLUMN bulk_upload_id BIGINT REFERENCES bulk_uploads (id);
CREATE INDEX logs_bulk_upload ON logs (bulk_upload_id) WHERE bulk_upload_id IS NOT NULL;
