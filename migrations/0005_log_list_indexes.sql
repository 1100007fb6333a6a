-- The log list reads a user's logs as two index-ordered runs (owned by, managed by) and counts
-- them from the indexes alone, so the first page does not touch every matching row.
CREATE INDEX logs_list_owning ON logs (log_type, owning_organisation_id, id) WHERE deleted_at IS NULL;
CREATE INDEX logs_list_managing ON logs (log_type, managing_organisation_id, owning_organisation_id, id) WHERE deleted_at IS NULL;
CREATE INDEX logs_list_all ON logs (log_type, id) WHERE deleted_at IS NULL;
