-- Up Migration

-- An engagement touch the API stored while Temporal did not confirm the lead's workflow got its signal
-- (unreachable, or an answer later than the deadline): the reconciliation sweep sends it again and clears
-- the mark; the workflow applies an engagement once however often it comes (activities/reconcile.ts).
ALTER TABLE touches ADD COLUMN unconfirmed_since timestamptz;
CREATE INDEX touches_unconfirmed ON touches (unconfirmed_since) WHERE unconfirmed_since IS NOT NULL;

-- Down Migration
DROP INDEX touches_unconfirmed;
ALTER TABLE touches DROP COLUMN unconfirmed_since;
