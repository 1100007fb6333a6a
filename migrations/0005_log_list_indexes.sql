-- The log list reads an organisation's logs as two index-ordered runs (the logs it owns, and the
-- logs it manages for another owner) and counts them from the indexes alone, so the first page does
-- not touch every matching row. The second index holds only logs whose managing agent is not
-- their owner, usually few.
CREATE INDEX logs_list_owning ON logs (log_type, owning_organisation_id, id) WHERE deleted_at IS NULL;
CREATE INDEX logs_list_agent ON logs (log_type, managing_organisation_id, id)
  WHERE deleted_at IS NULL AND (owning_organisation_id IS NULL OR owning_organisation_id <> managing_organisation_id);
CREATE INDEX logs_list_all ON logs (log_type, id) WHERE deleted_at IS NULL;
