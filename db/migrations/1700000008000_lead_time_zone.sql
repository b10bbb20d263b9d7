-- The lead's own time zone (IANA name), when the capture gave one: cadences send in its office
-- hours; without it the country decides (cadences/send-window.ts timeZoneFor).
ALTER TABLE leads ADD COLUMN time_zone text;
