-- Organisations, users, sessions, tokens, relationships, data sharing agreements, audit.
-- Times are UTC ISO 8601 text; flags are 0/1 integers (the same on SQLite and PostgreSQL).

CREATE TABLE organisations (
  id {{pk}},
  name TEXT NOT NULL,
  provider_type INTEGER NOT NULL,            -- 1 local authority, 2 private registered provider
  housing_registration_no TEXT,
  address_line1 TEXT,
  address_line2 TEXT,
  postcode TEXT,
  phone TEXT,
  holds_own_stock INTEGER NOT NULL DEFAULT 0,
  stock_general_needs INTEGER,
  stock_supported_housing INTEGER,
  stock_unspecified INTEGER,
  active INTEGER NOT NULL DEFAULT 1,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE UNIQUE INDEX organisations_name_unique ON organisations (lower(name));

CREATE TABLE organisation_rent_periods (
  organisation_id BIGINT NOT NULL REFERENCES organisations (id),
  rent_period INTEGER NOT NULL,
  PRIMARY KEY (organisation_id, rent_period)
);

-- parent = stock owner, child = managing agent
CREATE TABLE organisation_relationships (
  id {{pk}},
  parent_organisation_id BIGINT NOT NULL REFERENCES organisations (id),
  child_organisation_id BIGINT NOT NULL REFERENCES organisations (id),
  created_at TEXT NOT NULL
);
CREATE UNIQUE INDEX organisation_relationships_pair ON organisation_relationships (parent_organisation_id, child_organisation_id);
CREATE INDEX organisation_relationships_child ON organisation_relationships (child_organisation_id);

CREATE TABLE users (
  id {{pk}},
  organisation_id BIGINT NOT NULL REFERENCES organisations (id),
  name TEXT NOT NULL,
  email TEXT NOT NULL,
  phone TEXT,
  role INTEGER NOT NULL,                     -- 1 data provider, 2 data coordinator, 99 support
  is_dpo INTEGER NOT NULL DEFAULT 0,
  is_key_contact INTEGER NOT NULL DEFAULT 0,
  active INTEGER NOT NULL DEFAULT 1,
  confirmed_at TEXT,
  password_hash TEXT,
  failed_attempts INTEGER NOT NULL DEFAULT 0,
  locked_until TEXT,
  last_sign_in_at TEXT,
  sign_in_count INTEGER NOT NULL DEFAULT 0,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE UNIQUE INDEX users_email_unique ON users (lower(email));
CREATE INDEX users_organisation ON users (organisation_id, name);

CREATE TABLE password_history (
  id {{pk}},
  user_id BIGINT NOT NULL REFERENCES users (id),
  password_hash TEXT NOT NULL,
  created_at TEXT NOT NULL
);
CREATE INDEX password_history_user ON password_history (user_id, id);

CREATE TABLE sessions (
  token_hash TEXT PRIMARY KEY,
  user_id BIGINT NOT NULL REFERENCES users (id),
  created_at TEXT NOT NULL,
  last_seen_at TEXT NOT NULL,
  flash TEXT
);
CREATE INDEX sessions_user ON sessions (user_id);

-- single-use links: purpose 'reset' (password reset) or 'invite' (set a first password)
CREATE TABLE user_tokens (
  id {{pk}},
  user_id BIGINT NOT NULL REFERENCES users (id),
  purpose TEXT NOT NULL,
  token_hash TEXT NOT NULL,
  expires_at TEXT NOT NULL,
  used_at TEXT,
  created_at TEXT NOT NULL
);
CREATE UNIQUE INDEX user_tokens_hash ON user_tokens (token_hash);
CREATE INDEX user_tokens_user ON user_tokens (user_id, purpose);

CREATE TABLE rate_limits (
  key TEXT PRIMARY KEY,
  window_start TEXT NOT NULL,
  count INTEGER NOT NULL
);

CREATE TABLE data_protection_confirmations (
  id {{pk}},
  organisation_id BIGINT NOT NULL REFERENCES organisations (id),
  data_protection_officer_id BIGINT NOT NULL REFERENCES users (id),
  confirmed INTEGER NOT NULL DEFAULT 1,
  signed_at TEXT NOT NULL,
  organisation_name TEXT NOT NULL,
  organisation_address TEXT,
  organisation_phone_number TEXT,
  dpo_name TEXT NOT NULL,
  dpo_email TEXT NOT NULL,
  created_at TEXT NOT NULL
);
CREATE UNIQUE INDEX data_protection_confirmations_org ON data_protection_confirmations (organisation_id);

CREATE TABLE audit_events (
  id {{pk}},
  at TEXT NOT NULL,
  actor_user_id BIGINT,
  action TEXT NOT NULL,
  subject_type TEXT NOT NULL,
  subject_id BIGINT,
  organisation_id BIGINT,
  details TEXT
);
CREATE INDEX audit_events_subject ON audit_events (subject_type, subject_id);

CREATE TABLE app_settings (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
