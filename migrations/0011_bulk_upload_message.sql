-- Bulk uploads: why an import could not be done, for the user (`failure` keeps only the kind of
-- file failure: blank_template, wrong_template, file_error), so one column never holds both.
ALTER TABLE bulk_uploads ADD COLUMN message TEXT;
