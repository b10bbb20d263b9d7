-- Up Migration

-- R7: the rep's notes on a lead, on its timeline.
CREATE TABLE notes (
  id        bigserial PRIMARY KEY,
  lead_id   uuid NOT NULL REFERENCES leads (id),
  author    text NOT NULL,
  body      text NOT NULL,
  at        timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX notes_lead_id_at_idx ON notes (lead_id, at);

-- R22: a rep's board reads their leads by stage and their next open call or meeting.
CREATE INDEX leads_assigned_rep_id_stage_idx ON leads (assigned_rep_id, stage);
CREATE INDEX tasks_open_lead_id_due_at_idx ON tasks (lead_id, due_at) WHERE done_at IS NULL;
CREATE INDEX leads_stalled_since_idx ON leads (stalled_since) WHERE stalled_since IS NOT NULL;

-- R19: the funnel is computed from the audit rows for a cohort of leads by first touch, per rep and per source.
CREATE INDEX leads_first_touch_at_idx ON leads (first_touch_at);
CREATE INDEX leads_first_source_channel_idx ON leads ((first_source->>'channel'));
CREATE INDEX touches_first_outcome_idx ON touches (lead_id, at) WHERE kind = 'outcome';
CREATE INDEX sent_emails_sla_breach_idx ON sent_emails (lead_id) WHERE template = 'manager-sla_breach';

-- Down Migration
DROP INDEX sent_emails_sla_breach_idx;
DROP INDEX touches_first_outcome_idx;
DROP INDEX leads_first_source_channel_idx;
DROP INDEX leads_first_touch_at_idx;
DROP INDEX leads_stalled_since_idx;
DROP INDEX tasks_open_lead_id_due_at_idx;
DROP INDEX leads_assigned_rep_id_stage_idx;
DROP TABLE notes;
