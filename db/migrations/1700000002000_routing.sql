-- Up Migration

-- R16: reps and the territories they cover. Routing rules are code (domain/routing.ts); who
-- covers what is data, so sales ops can move a territory without a deploy.
CREATE TABLE reps (
  id             text PRIMARY KEY,
  name           text NOT NULL,
  email          text NOT NULL,
  manager_email  text,
  available      boolean NOT NULL DEFAULT true,
  weight         integer NOT NULL DEFAULT 1 CHECK (weight > 0),
  assigned_count integer NOT NULL DEFAULT 0,
  created_at     timestamptz NOT NULL DEFAULT now()
);

-- A territory is a country, optionally narrowed to a region and a city; the most specific match wins.
CREATE TABLE territories (
  id      bigserial PRIMARY KEY,
  rep_id  text NOT NULL REFERENCES reps (id),
  country text NOT NULL,
  region  text,
  city    text
);
CREATE INDEX territories_country_idx ON territories (lower(country));

-- Every assignment with its reason, keyed by the workflow step so a retried activity assigns once.
CREATE TABLE lead_assignments (
  id              bigserial PRIMARY KEY,
  assignment_key  text NOT NULL UNIQUE,
  lead_id         uuid NOT NULL REFERENCES leads (id),
  rep_id          text NOT NULL REFERENCES reps (id),
  previous_rep_id text REFERENCES reps (id),
  rule            text NOT NULL,
  reason          text NOT NULL,
  at              timestamptz NOT NULL
);
CREATE INDEX lead_assignments_lead_id_idx ON lead_assignments (lead_id);

ALTER TABLE leads
  ADD COLUMN region text,
  ADD COLUMN assigned_rep_id text REFERENCES reps (id);
CREATE INDEX leads_assigned_rep_id_idx ON leads (assigned_rep_id);

-- Down Migration
ALTER TABLE leads DROP COLUMN assigned_rep_id, DROP COLUMN region;
DROP TABLE lead_assignments;
DROP TABLE territories;
DROP TABLE reps;
