-- Up Migration

-- R14: the lead's current score and grade, and every change with its breakdown, so a score is
-- always explainable (R19: is the scoring reliable?).
ALTER TABLE leads
  ADD COLUMN score integer,
  ADD COLUMN grade text CHECK (grade IN ('cold', 'warm', 'hot')),
  ADD COLUMN score_model text;

CREATE TABLE score_changes (
  id             bigserial PRIMARY KEY,
  score_key      text NOT NULL UNIQUE,
  lead_id        uuid NOT NULL REFERENCES leads (id),
  at             timestamptz NOT NULL,
  model          text NOT NULL,
  score          integer NOT NULL,
  previous_score integer,
  grade          text NOT NULL,
  mql            boolean NOT NULL,
  breakdown      jsonb NOT NULL,
  reason         text NOT NULL
);
CREATE INDEX score_changes_lead_id_at_idx ON score_changes (lead_id, at);

-- Down Migration
DROP TABLE score_changes;
ALTER TABLE leads DROP COLUMN score, DROP COLUMN grade, DROP COLUMN score_model;
