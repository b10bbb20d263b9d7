-- Up Migration

-- A key for the mail provider's webhook (POST /v1/inbound) that can do nothing else: it lives in
-- a third party's settings, so it must not be an admin key.
ALTER TABLE api_keys DROP CONSTRAINT api_keys_role_check;
ALTER TABLE api_keys ADD CONSTRAINT api_keys_role_check CHECK (role IN ('capture', 'rep', 'manager', 'admin', 'inbound'));

-- Down Migration
DELETE FROM api_keys WHERE role = 'inbound';
ALTER TABLE api_keys DROP CONSTRAINT api_keys_role_check;
ALTER TABLE api_keys ADD CONSTRAINT api_keys_role_check CHECK (role IN ('capture', 'rep', 'manager', 'admin'));
