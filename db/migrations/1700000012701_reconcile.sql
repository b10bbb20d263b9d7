-- Up Migration

-- Where the reconciliation sweep (activities/reconcile.ts) goes on from: each run checks one batch of
-- leads by id, the next run the next batch, round and round, so a run's cost is bounded.
CREATE TABLE reconcile_cursor (
  name   text PRIMARY KEY,
  after  uuid
);

-- Down Migration
DROP TABLE reconcile_cursor;
