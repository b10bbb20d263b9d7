/** SMTP provider incidents (db/migrations/1700000012700_smtp_incidents.sql): one row per provider and incident hour. */
import type { Db } from './index';

export interface IncidentRow {
  provider: string;
  started_hour: Date;
  first_at: Date;
  last_at: Date;
  failures: number;
  last_failure: string;
  alerted_at: Date | null;
}

/** Counts a provider failure into the provider's incident of the current hour. */
export async function recordIncident(db: Db, provider: string, failure: string): Promise<void> {
  await db.query(
    `INSERT INTO smtp_incidents (provider, started_hour, last_failure) VALUES ($1, date_trunc('hour', now()), $2)
     ON CONFLICT (provider, started_hour) DO UPDATE
       SET failures = smtp_incidents.failures + 1, last_failure = EXCLUDED.last_failure, last_at = now()`,
    [provider, failure],
  );
}

/**
 * Claims the provider's incidents whose manager alert is still owed (one caller wins each); give one
 * back with releaseIncidentAlert if the alert could not be sent.
 */
export function claimIncidentAlerts(db: Db, provider: string): Promise<IncidentRow[]> {
  return db.query<IncidentRow>(
    `UPDATE smtp_incidents SET alerted_at = now() WHERE provider = $1 AND alerted_at IS NULL
     RETURNING provider, started_hour, first_at, last_at, failures, last_failure, alerted_at`,
    [provider],
  );
}

export async function releaseIncidentAlert(db: Db, incident: IncidentRow): Promise<void> {
  await db.query('UPDATE smtp_incidents SET alerted_at = NULL WHERE provider = $1 AND started_hour = $2', [
    incident.provider,
    incident.started_hour,
  ]);
}

/** Whether the provider has an incident whose alert is owed (a cheap indexed probe made after each successful send). */
export async function incidentAlertOwed(db: Db, provider: string): Promise<boolean> {
  const rows = await db.query('SELECT 1 FROM smtp_incidents WHERE provider = $1 AND alerted_at IS NULL LIMIT 1', [
    provider,
  ]);
  return rows.length > 0;
}

export function listIncidents(db: Db, provider: string): Promise<IncidentRow[]> {
  return db.query<IncidentRow>(
    `SELECT provider, started_hour, first_at, last_at, failures, last_failure, alerted_at
     FROM smtp_incidents WHERE provider = $1 ORDER BY started_hour`,
    [provider],
  );
}
