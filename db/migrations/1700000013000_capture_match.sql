-- Up Migration

-- R3 on the capture path in one round trip (db/leads.ts captureLead; it was three: the erasure check,
-- the identity locks, the match). Refuses an erased person (SQLSTATE RPERA), takes a transaction-scoped
-- advisory lock on each identity key in the order given (callers sort them, so concurrent captures cannot
-- deadlock), then matches by e-mail, else by phone: a phone matches only a lead without e-mail, or a
-- capture without e-mail (a shared office phone is not one person). The match runs after the locks with a
-- snapshot of its own (each statement of a volatile function takes one), so it sees the lead a capture that
-- held the same lock committed.
CREATE FUNCTION capture_match(lock_keys text[], erased_hashes text[], match_email text, match_phone text)
RETURNS SETOF leads
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
  lock_key text;
BEGIN
  IF EXISTS (SELECT 1 FROM suppressions WHERE address_hash = ANY (erased_hashes) AND reason = 'erased') THEN
    RAISE EXCEPTION 'this person asked for their data to be erased' USING ERRCODE = 'RPERA';
  END IF;
  FOREACH lock_key IN ARRAY lock_keys LOOP
    PERFORM pg_advisory_xact_lock(hashtextextended(lock_key, 0));
  END LOOP;
  RETURN QUERY
    SELECT * FROM leads
     WHERE email_normalized = match_email
        OR (phone_normalized = match_phone AND (email_normalized IS NULL OR match_email IS NULL))
     ORDER BY (email_normalized = match_email) IS TRUE DESC, created_at
     LIMIT 1;
END
$$;

-- Down Migration
DROP FUNCTION capture_match(text[], text[], text, text);
