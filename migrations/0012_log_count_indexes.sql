-- The home page's count tiles and the list's count read a year's logs by status. Without these the
-- counts fetch every matching row from the table (1,000,000 wide rows for a support user); with
-- them PostgreSQL counts from the index alone (SQLite searches it and still checks each row). One index for each part the list and counts are read
-- in (logs it owns, logs it manages for another owner, every log of a type), written with the same
-- conditions as the list's indexes (0005) so both databases use them.
CREATE INDEX logs_counts_owning ON logs (log_type, owning_organisation_id, collection_year, status) WHERE deleted_at IS NULL;
CREATE INDEX logs_counts_agent ON logs (log_type, managing_organisation_id, collection_year, status)
  WHERE deleted_at IS NULL AND (owning_organisation_id IS NULL OR owning_organisation_id <> managing_organisation_id);
CREATE INDEX logs_counts_all ON logs (log_type, collection_year, status) WHERE deleted_at IS NULL;
-- The duplicate sets a support user sees (every organisation's): only logs in a set are indexed, so
-- the count reads those few instead of every log of the year.
CREATE INDEX logs_duplicate_sets_all ON logs (log_type, collection_year, duplicate_set_id)
  WHERE deleted_at IS NULL AND duplicate_set_id IS NOT NULL;
