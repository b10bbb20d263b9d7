-- Up Migration

-- Rep administration without SQL (issue 14.1): a rep is deactivated, never deleted (assignments and
-- the audit keep naming them); away windows make routing skip them for a while; every change an
-- admin makes is audited: who (the API key's id), when, what.
ALTER TABLE reps
  ADD COLUMN active boolean NOT NULL DEFAULT true,
  ADD COLUMN deactivated_at timestamptz,
  ADD COLUMN updated_at timestamptz NOT NULL DEFAULT now();

CREATE TABLE rep_away (
  id       bigserial PRIMARY KEY,
  rep_id   text NOT NULL REFERENCES reps (id),
  starts_at timestamptz NOT NULL,
  ends_at  timestamptz NOT NULL,
  CHECK (ends_at > starts_at)
);
CREATE INDEX rep_away_rep_id_idx ON rep_away (rep_id);
CREATE INDEX territories_rep_id_idx ON territories (rep_id);

CREATE TABLE rep_audit (
  id      bigserial PRIMARY KEY,
  rep_id  text NOT NULL REFERENCES reps (id),
  at      timestamptz NOT NULL DEFAULT now(),
  actor   text NOT NULL,
  action  text NOT NULL CHECK (action IN ('created', 'updated', 'deactivated')),
  changes jsonb NOT NULL
);
CREATE INDEX rep_audit_rep_id_idx ON rep_audit (rep_id, id);

-- Down Migration
DROP TABLE rep_audit;
DROP INDEX territories_rep_id_idx;
DROP TABLE rep_away;
ALTER TABLE reps DROP COLUMN updated_at, DROP COLUMN deactivated_at, DROP COLUMN active;
