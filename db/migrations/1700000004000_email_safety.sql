-- Up Migration

-- Each e-mail gets an opaque reference for its tokens (open pixel, links, unsubscribe), the links
-- it contained (a click may only redirect to one of these: no open redirect), and its category:
-- personal replies to a request need no marketing consent; marketing e-mail does.
ALTER TABLE sent_emails
  ADD COLUMN ref text UNIQUE,
  ADD COLUMN links jsonb NOT NULL DEFAULT '[]',
  ADD COLUMN category text NOT NULL DEFAULT 'personal' CHECK (category IN ('personal', 'marketing', 'internal'));
ALTER TABLE sent_emails DROP CONSTRAINT sent_emails_status_check;
ALTER TABLE sent_emails ADD CONSTRAINT sent_emails_status_check CHECK (status IN ('claimed', 'sent', 'suppressed', 'no_consent', 'bounced'));

-- Addresses never to mail again, by keyed hash (an erased person leaves no address behind).
CREATE TABLE suppressions (
  address_hash text PRIMARY KEY,
  reason       text NOT NULL CHECK (reason IN ('unsubscribed', 'hard_bounce', 'complaint', 'erased')),
  source       text NOT NULL,
  at           timestamptz NOT NULL DEFAULT now()
);

-- Consent as given, with basis, time and source, one row per capture that stated it.
CREATE TABLE consents (
  id         bigserial PRIMARY KEY,
  lead_id    uuid NOT NULL REFERENCES leads (id),
  marketing  boolean NOT NULL,
  basis      text NOT NULL,
  text       text,
  source     jsonb NOT NULL,
  at         timestamptz NOT NULL
);
CREATE INDEX consents_lead_id_at_idx ON consents (lead_id, at DESC);

-- Erasure (data protection) removes the person's data but keeps the row, so ids in audit rows still resolve.
ALTER TABLE leads ADD COLUMN erased_at timestamptz;
ALTER TABLE leads DROP CONSTRAINT leads_reachable;
ALTER TABLE leads ADD CONSTRAINT leads_reachable CHECK (erased_at IS NOT NULL OR email_normalized IS NOT NULL OR phone_normalized IS NOT NULL);

-- Down Migration
ALTER TABLE leads DROP CONSTRAINT leads_reachable;
ALTER TABLE leads ADD CONSTRAINT leads_reachable CHECK (email_normalized IS NOT NULL OR phone_normalized IS NOT NULL);
ALTER TABLE leads DROP COLUMN erased_at;
DROP TABLE consents;
DROP TABLE suppressions;
ALTER TABLE sent_emails DROP CONSTRAINT sent_emails_status_check;
ALTER TABLE sent_emails ADD CONSTRAINT sent_emails_status_check CHECK (status IN ('claimed', 'sent'));
ALTER TABLE sent_emails DROP COLUMN category, DROP COLUMN links, DROP COLUMN ref;
