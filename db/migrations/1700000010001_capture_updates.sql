-- Up Migration

-- A re-capture changes a stored field only where it is empty, or with `update: true` from a capture
-- key allowed to (an import the business trusts; a web form's key is not).
ALTER TABLE api_keys ADD COLUMN may_update_leads boolean NOT NULL DEFAULT false;

-- Down Migration
ALTER TABLE api_keys DROP COLUMN may_update_leads;
