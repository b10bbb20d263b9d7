-- Up Migration

-- R14: several scoring models coexist; every score names the model and the version that gave it,
-- so a stored breakdown can be explained again after the model has moved on.
ALTER TABLE score_changes ADD COLUMN model_version integer;
ALTER TABLE leads ADD COLUMN score_model_version integer;

-- Down Migration
ALTER TABLE leads DROP COLUMN score_model_version;
ALTER TABLE score_changes DROP COLUMN model_version;
