-- Up Migration

-- Every lead has a language (BCP 47): the capture's, else its country's (issue 14.2); NULL only on
-- rows captured before this migration, read as the country's. Reps list the languages they work in,
-- and routing prefers one who speaks the lead's (R16).
ALTER TABLE leads ADD COLUMN language text;
ALTER TABLE reps ADD COLUMN languages text[] NOT NULL DEFAULT '{}';

-- Down Migration
ALTER TABLE reps DROP COLUMN languages;
ALTER TABLE leads DROP COLUMN language;
