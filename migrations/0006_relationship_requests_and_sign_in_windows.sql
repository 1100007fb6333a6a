-- Issue 10 (accounts).
-- A relationship between organisations is first a request, which the other organisation's data
-- coordinator (or support) accepts: until then it grants nothing, so requests live in a table of
-- their own, which nothing that decides access reads. requested_by_organisation_id is one of the
-- pair: the other one answers.
CREATE TABLE organisation_relationship_requests (
  id {{pk}},
  parent_organisation_id BIGINT NOT NULL REFERENCES organisations (id),
  child_organisation_id BIGINT NOT NULL REFERENCES organisations (id),
  requested_by_organisation_id BIGINT NOT NULL REFERENCES organisations (id),
  requested_by_user_id BIGINT REFERENCES users (id),
  created_at TEXT NOT NULL
);
CREATE UNIQUE INDEX organisation_relationship_requests_pair
  ON organisation_relationship_requests (parent_organisation_id, child_organisation_id);
CREATE INDEX organisation_relationship_requests_child ON organisation_relationship_requests (child_organisation_id);

-- Failed sign-ins count only within a window that starts at the first of them.
ALTER TABLE users ADD COLUMN first_failed_at TEXT;

-- The same count for email addresses that have no account, so that the replies to them cannot
-- be told apart from a real account's. key is the lower-cased address.
CREATE TABLE sign_in_failures (
  key TEXT PRIMARY KEY,
  failed_attempts INTEGER NOT NULL DEFAULT 0,
  first_failed_at TEXT,
  locked_until TEXT
);
