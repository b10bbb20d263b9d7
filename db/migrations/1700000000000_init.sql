-- Up Migration

-- R3: one row per person. Matching uses the normalised e-mail (trimmed, lower-cased) and,
-- for leads without e-mail, the normalised phone number. The first touch is kept forever.
CREATE TABLE leads (
  id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  email            text,
  email_normalized text,
  phone            text,
  phone_normalized text,
  first_name       text,
  last_name        text,
  company          text,
  title            text,
  country          text,
  city             text,
  industry         text,
  company_size     text,
  revenue          numeric,
  message          text,
  buyer_stage      text,
  consent          jsonb,
  stage            text NOT NULL DEFAULT 'new',
  first_touch_at   timestamptz NOT NULL,
  first_source     jsonb NOT NULL,
  last_touch_at    timestamptz NOT NULL,
  created_at       timestamptz NOT NULL DEFAULT now(),
  updated_at       timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT leads_reachable CHECK (email_normalized IS NOT NULL OR phone_normalized IS NOT NULL)
);
CREATE UNIQUE INDEX leads_email_normalized_key ON leads (email_normalized) WHERE email_normalized IS NOT NULL;
CREATE INDEX leads_phone_normalized_idx ON leads (phone_normalized) WHERE phone_normalized IS NOT NULL;
CREATE INDEX leads_stage_idx ON leads (stage);

-- R2, R21: every touch from every source and channel belongs to the lead's one history.
CREATE TABLE touches (
  id         bigserial PRIMARY KEY,
  lead_id    uuid NOT NULL REFERENCES leads (id),
  at         timestamptz NOT NULL DEFAULT now(),
  kind       text NOT NULL,
  channel    text,
  source     jsonb,
  details    jsonb
);
CREATE INDEX touches_lead_id_at_idx ON touches (lead_id, at);

-- Outbox: one row per e-mail the workflows decided to send, keyed by workflow + step, so a
-- retried send activity finds the row and never sends twice.
CREATE TABLE sent_emails (
  send_key    text PRIMARY KEY,
  lead_id     uuid NOT NULL REFERENCES leads (id),
  message_id  text NOT NULL UNIQUE,
  template    text NOT NULL,
  to_address  text NOT NULL,
  subject     text NOT NULL,
  status      text NOT NULL CHECK (status IN ('claimed', 'sent')),
  attempts    integer NOT NULL DEFAULT 0,
  smtp_response text,
  claimed_at  timestamptz NOT NULL DEFAULT now(),
  sent_at     timestamptz
);
CREATE INDEX sent_emails_lead_id_idx ON sent_emails (lead_id);

-- API keys, stored as SHA-256 hashes only.
CREATE TABLE api_keys (
  id         bigserial PRIMARY KEY,
  key_hash   text NOT NULL UNIQUE,
  role       text NOT NULL CHECK (role IN ('capture', 'rep', 'manager', 'admin')),
  rep_id     text,
  label      text,
  created_at timestamptz NOT NULL DEFAULT now(),
  revoked_at timestamptz,
  CONSTRAINT api_keys_rep_has_rep_id CHECK (role <> 'rep' OR rep_id IS NOT NULL)
);

-- Down Migration
DROP TABLE api_keys;
DROP TABLE sent_emails;
DROP TABLE touches;
DROP TABLE leads;
