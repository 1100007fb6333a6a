-- Supported-housing schemes, their locations, and dated deactivation periods for both.
-- Dates are ISO 8601 text (YYYY-MM-DD); flags are 0/1.

CREATE TABLE schemes (
  id {{pk}},
  owning_organisation_id BIGINT NOT NULL REFERENCES organisations (id),
  service_name TEXT NOT NULL,
  sensitive INTEGER NOT NULL DEFAULT 0,
  scheme_type TEXT,
  registered_under_care_act TEXT,
  arrangement_type TEXT,
  primary_client_group TEXT,
  has_other_client_group INTEGER,
  secondary_client_group TEXT,
  support_type TEXT,
  intended_stay TEXT,
  startdate TEXT,
  confirmed INTEGER NOT NULL DEFAULT 0,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX schemes_owner ON schemes (owning_organisation_id);

CREATE TABLE locations (
  id {{pk}},
  scheme_id BIGINT NOT NULL REFERENCES schemes (id),
  postcode TEXT,
  location_code TEXT,
  name TEXT,
  units INTEGER,
  type_of_unit TEXT,
  mobility_type TEXT,
  startdate TEXT,
  confirmed INTEGER NOT NULL DEFAULT 0,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX locations_scheme ON locations (scheme_id);

CREATE TABLE scheme_deactivation_periods (
  id {{pk}},
  scheme_id BIGINT NOT NULL REFERENCES schemes (id),
  deactivation_date TEXT NOT NULL,
  reactivation_date TEXT,
  created_at TEXT NOT NULL
);
CREATE INDEX scheme_deactivation_periods_scheme ON scheme_deactivation_periods (scheme_id);

CREATE TABLE location_deactivation_periods (
  id {{pk}},
  location_id BIGINT NOT NULL REFERENCES locations (id),
  deactivation_date TEXT NOT NULL,
  reactivation_date TEXT,
  created_at TEXT NOT NULL
);
CREATE INDEX location_deactivation_periods_location ON location_deactivation_periods (location_id);
