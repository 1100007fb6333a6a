-- Duplicate logs (ADR 0013). `duplicate_key` is a digest of the answers the log's form names in
-- `log.duplicates.match` (NULL when its `when` does not hold, or the log has no owning
-- organisation): logs of one type and owning organisation with the same key are duplicates.
-- `duplicate_set_id` is the lowest id among them when there are two or more (NULL otherwise),
-- kept in step by the log service whenever a key changes or a log is deleted, so that counting and
-- listing sets reads only the logs that are in one.
ALTER TABLE logs ADD COLUMN duplicate_key TEXT;
ALTER TABLE logs ADD COLUMN duplicate_set_id BIGINT;
-- A log's duplicates: one index lookup by (type, owner, key).
CREATE INDEX logs_duplicate_key ON logs (log_type, owning_organisation_id, duplicate_key)
  WHERE deleted_at IS NULL AND duplicate_key IS NOT NULL;
-- The sets an organisation owns or manages logs in (few rows: only logs that are in a set).
CREATE INDEX logs_duplicate_sets_owning ON logs (log_type, owning_organisation_id, duplicate_set_id)
  WHERE deleted_at IS NULL AND duplicate_set_id IS NOT NULL;
CREATE INDEX logs_duplicate_sets_managing ON logs (log_type, managing_organisation_id, duplicate_set_id)
  WHERE deleted_at IS NULL AND duplicate_set_id IS NOT NULL;
