-- The submission API (issue 14; docs/api.md): tokens that act as their organisation with a
-- coordinator's rights. Only a hash of each token is kept (the token is shown once, when made).
CREATE TABLE api_tokens (
  id {{pk}},
  organisation_id BIGINT NOT NULL REFERENCES organisations (id),
  name TEXT NOT NULL,
  token_hash TEXT NOT NULL,
  -- The token's first characters, shown in lists so that people can tell their tokens apart.
  prefix TEXT NOT NULL,
  created_by_id BIGINT REFERENCES users (id),
  created_at TEXT NOT NULL,
  last_used_at TEXT,
  revoked_at TEXT,
  revoked_by_id BIGINT REFERENCES users (id)
);
CREATE UNIQUE INDEX api_tokens_hash ON api_tokens (token_hash);
CREATE INDEX api_tokens_organisation ON api_tokens (organisation_id, id);
-- Every request made with a token: when, what, the answer's status and the log it was about; for a
-- request that made a log, its body: the record of the answers the log was made with (a log made
-- through the API, as one from bulk upload, has no audit row per answer).
CREATE TABLE api_requests (
  id {{pk}},
  token_id BIGINT NOT NULL REFERENCES api_tokens (id),
  at TEXT NOT NULL,
  method TEXT NOT NULL,
  path TEXT NOT NULL,
  status INTEGER NOT NULL,
  log_id BIGINT,
  body TEXT
);
CREATE INDEX api_requests_log ON api_requests (log_id) WHERE log_id IS NOT NULL;
CREATE INDEX api_requests_token ON api_requests (token_id, id);
