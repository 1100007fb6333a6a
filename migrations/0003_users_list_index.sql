-- The organisation's user list is sorted by lower(name): let an index serve the sort, so a page
-- of 20 does not read and sort every user of the organisation.
CREATE INDEX users_organisation_lower_name ON users (organisation_id, lower(name), id);
