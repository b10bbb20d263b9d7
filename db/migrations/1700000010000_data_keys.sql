-- Up Migration

-- One data key per lead (and one for payloads no lead owns), wrapped by a master key whose id is kept,
-- so `npm run secrets:rotate` can re-wrap under a new one. Erasure deletes the wrapped key and keeps
-- the row as a tombstone, so no process can make a new key for an erased lead. No foreign key: the
-- key is made while the capture's lead row is still uncommitted.
CREATE TABLE data_keys (
  key_id        text PRIMARY KEY,
  lead_id       uuid UNIQUE,
  wrapped_key   bytea,
  master_key_id text,
  created_at    timestamptz NOT NULL DEFAULT now(),
  erased_at     timestamptz,
  CONSTRAINT data_keys_wrapped_or_erased CHECK ((wrapped_key IS NULL) = (erased_at IS NOT NULL))
);

-- Down Migration
DROP TABLE data_keys;
