-- Lettings (and later sales) logs: indexed columns for what lists filter on, and every answer in
-- one JSON document, so a new question needs no migration (DESIGN.md). `version` counts saves,
-- for the concurrent-edit merge; `deleted_at` makes deletion soft.
CREATE TABLE logs (
  id {{pk}},
  log_type TEXT NOT NULL,
  form_year INTEGER NOT NULL,
  collection_year INTEGER,
  status TEXT NOT NULL,
  owning_organisation_id BIGINT REFERENCES organisations (id),
  managing_organisation_id BIGINT REFERENCES organisations (id),
  assigned_to_id BIGINT REFERENCES users (id),
  created_by_id BIGINT REFERENCES users (id),
  needstype INTEGER,
  startdate TEXT,
  tenancycode TEXT,
  propcode TEXT,
  postcode_full TEXT,
  creation_method TEXT NOT NULL,
  answers TEXT NOT NULL,
  version INTEGER NOT NULL DEFAULT 1,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  deleted_at TEXT
);
CREATE INDEX logs_owning ON logs (owning_organisation_id, id);
CREATE INDEX logs_managing ON logs (managing_organisation_id, id);
CREATE INDEX logs_assigned ON logs (assigned_to_id, id);
CREATE INDEX logs_type_year ON logs (log_type, collection_year, id);

-- One row per answer changed by a save: who, when, which field, before and after.
CREATE TABLE log_changes (
  id {{pk}},
  log_id BIGINT NOT NULL REFERENCES logs (id),
  version INTEGER NOT NULL,
  user_id BIGINT REFERENCES users (id),
  changed_at TEXT NOT NULL,
  field TEXT NOT NULL,
  before_value TEXT,
  after_value TEXT
);
CREATE INDEX log_changes_log ON log_changes (log_id, version);

-- The log list's filters are kept for the session.
ALTER TABLE sessions ADD COLUMN log_filters TEXT;
