-- Up Migration

-- A note sent again with the same Idempotency-Key is stored once.
ALTER TABLE notes ADD COLUMN request_key text UNIQUE;

-- Down Migration
ALTER TABLE notes DROP COLUMN request_key;
