-- Up Migration

-- Every stage transition, with who or what caused it (the audit trail the funnel is computed from).
CREATE TABLE stage_changes (
  id          bigserial PRIMARY KEY,
  change_key  text NOT NULL UNIQUE,
  lead_id     uuid NOT NULL REFERENCES leads (id),
  from_stage  text,
  to_stage    text NOT NULL,
  reason      text NOT NULL,
  actor       text NOT NULL,
  at          timestamptz NOT NULL
);
CREATE INDEX stage_changes_lead_id_at_idx ON stage_changes (lead_id, at);
CREATE INDEX stage_changes_to_stage_at_idx ON stage_changes (to_stage, at);

-- Touches written by the workflow carry a key derived from the workflow, so a retried activity writes once.
ALTER TABLE touches ADD COLUMN touch_key text UNIQUE;

ALTER TABLE leads
  ADD COLUMN attempts integer NOT NULL DEFAULT 0,
  ADD COLUMN recycle_count integer NOT NULL DEFAULT 0,
  ADD COLUMN sla_deadline timestamptz,
  ADD COLUMN next_activity text,
  ADD COLUMN next_activity_at timestamptz,
  ADD COLUMN stalled_since timestamptz;

-- Tasks for reps: phone attempts (R8), nurture calls (R10), scheduled activities (R7).
CREATE TABLE tasks (
  id          bigserial PRIMARY KEY,
  task_key    text NOT NULL UNIQUE,
  lead_id     uuid NOT NULL REFERENCES leads (id),
  rep_id      text,
  kind        text NOT NULL,
  title       text NOT NULL,
  due_at      timestamptz NOT NULL,
  created_at  timestamptz NOT NULL,
  done_at     timestamptz
);
CREATE INDEX tasks_rep_id_due_at_idx ON tasks (rep_id, due_at) WHERE done_at IS NULL;
CREATE INDEX tasks_lead_id_idx ON tasks (lead_id);

-- R5: "please delete" flags, reviewed by an admin.
CREATE TABLE junk_flags (
  id           bigserial PRIMARY KEY,
  flag_key     text NOT NULL UNIQUE,
  lead_id      uuid NOT NULL REFERENCES leads (id),
  reason       text NOT NULL,
  flagged_by   text NOT NULL,
  flagged_at   timestamptz NOT NULL,
  decision     text CHECK (decision IN ('confirmed', 'cleared')),
  decided_by   text,
  decided_at   timestamptz
);
CREATE UNIQUE INDEX junk_flags_one_open_per_lead ON junk_flags (lead_id) WHERE decision IS NULL;

-- R15: a lead accepted by sales becomes a contact; the sales case is an opportunity.
CREATE TABLE contacts (
  id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  lead_id     uuid NOT NULL UNIQUE REFERENCES leads (id),
  rep_id      text,
  created_at  timestamptz NOT NULL
);
CREATE TABLE opportunities (
  id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  opportunity_key text NOT NULL UNIQUE,
  lead_id      uuid NOT NULL REFERENCES leads (id),
  contact_id   uuid NOT NULL REFERENCES contacts (id),
  rep_id       text,
  status       text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'won', 'lost')),
  opened_at    timestamptz NOT NULL,
  closed_at    timestamptz
);
CREATE INDEX opportunities_lead_id_idx ON opportunities (lead_id);

-- Down Migration
DROP TABLE opportunities;
DROP TABLE contacts;
DROP TABLE junk_flags;
DROP TABLE tasks;
ALTER TABLE leads DROP COLUMN attempts, DROP COLUMN recycle_count, DROP COLUMN sla_deadline,
  DROP COLUMN next_activity, DROP COLUMN next_activity_at, DROP COLUMN stalled_since;
ALTER TABLE touches DROP COLUMN touch_key;
DROP TABLE stage_changes;
