-- Up Migration

-- Every write a key makes through the API, by its Idempotency-Key (or the id the API gave it):
-- the same key on another route or with another body is refused (422), a repeat gets the first
-- answer, and an answer that was late (202) can be read afterwards.
CREATE TABLE api_requests (
  key_id text NOT NULL,
  request_key text NOT NULL,
  route text NOT NULL,
  lead_id uuid,
  body_hash text NOT NULL,
  status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'done', 'rejected')),
  answer_status int,
  answer jsonb,
  created_at timestamptz NOT NULL DEFAULT now(),
  answered_at timestamptz,
  PRIMARY KEY (key_id, request_key)
);
CREATE INDEX api_requests_created_at ON api_requests (created_at);

-- Down Migration
DROP TABLE api_requests;
