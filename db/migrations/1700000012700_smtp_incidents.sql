-- Up Migration

-- SMTP provider incidents (issue 12.4): failures that are not the recipient's (4xx, timeouts, 5xx at
-- the greeting, AUTH, MAIL FROM or after DATA). One row per provider (host:port) and incident hour,
-- so the manager is told once per incident however many e-mails fail meanwhile. Nothing here names
-- a recipient.
CREATE TABLE smtp_incidents (
  provider       text NOT NULL,
  started_hour   timestamptz NOT NULL,
  first_at       timestamptz NOT NULL DEFAULT now(),
  last_at        timestamptz NOT NULL DEFAULT now(),
  failures       integer NOT NULL DEFAULT 1,
  last_failure   text NOT NULL,
  alerted_at     timestamptz,
  PRIMARY KEY (provider, started_hour)
);
CREATE INDEX smtp_incidents_unalerted_idx ON smtp_incidents (provider) WHERE alerted_at IS NULL;

-- Down Migration
DROP TABLE smtp_incidents;
