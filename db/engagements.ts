/**
 * What the API records of a lead's engagement (R12, R21): opens, clicks, site events and inbound
 * mail, as touches in the lead's one timeline. Each touch carries a key, so a repeated request or
 * a retried webhook records once.
 */
import type { EngagementEvent } from '../workflows/contracts';
import type { Db, Tx } from './index';

export interface EngagementTouch {
  touchKey: string;
  leadId: string;
  at: string;
  /** `engagement` counts in the score (domain/scoring.ts); `auto_reply`, `bounce`, `complaint` are kept for the record only. */
  kind: 'engagement' | 'auto_reply' | 'bounce' | 'complaint';
  channel: 'email' | 'web';
  details: Record<string, unknown>;
}

/**
 * Inserts the touches in one statement and moves each lead's last touch; answers the keys that
 * were new (a key already stored is a repeat). Updating the lead row locks it until commit, so a
 * re-score started by the signal sent in the same transaction waits for these rows.
 */
export async function recordTouches(tx: Tx, touches: EngagementTouch[]): Promise<Set<string>> {
  if (touches.length === 0) return new Set();
  const inserted = await tx.query<{ touch_key: string; lead_id: string; at: Date }>(
    `INSERT INTO touches (touch_key, lead_id, at, kind, channel, details)
     SELECT k, l, a, kd, c, d::jsonb FROM unnest($1::text[], $2::uuid[], $3::timestamptz[], $4::text[], $5::text[], $6::text[]) AS t(k, l, a, kd, c, d)
     ON CONFLICT (touch_key) DO NOTHING RETURNING touch_key, lead_id, at`,
    [
      touches.map((t) => t.touchKey),
      touches.map((t) => t.leadId),
      touches.map((t) => t.at),
      touches.map((t) => t.kind),
      touches.map((t) => t.channel),
      touches.map((t) => JSON.stringify(t.details)),
    ],
  );
  if (inserted.length > 0) {
    // Lock the leads in id order, so two batches naming the same leads cannot deadlock.
    await tx.query('SELECT 1 FROM leads WHERE id = ANY($1::uuid[]) ORDER BY id FOR NO KEY UPDATE', [
      [...new Set(inserted.map((r) => r.lead_id))],
    ]);
    await tx.query(
      `UPDATE leads SET last_touch_at = greatest(last_touch_at, x.at)
         FROM (SELECT l, max(a) AS at FROM unnest($1::uuid[], $2::timestamptz[]) AS t(l, a) GROUP BY l) x
        WHERE leads.id = x.l`,
      [inserted.map((r) => r.lead_id), inserted.map((r) => r.at)],
    );
  }
  return new Set(inserted.map((r) => r.touch_key));
}

export interface TargetLead {
  id: string;
  emailNormalized: string | null;
  erased: boolean;
}

/** The leads these ids or normalised addresses name, in one round trip. */
export async function findLeads(db: Db | Tx, ids: string[], emails: string[]): Promise<TargetLead[]> {
  if (ids.length === 0 && emails.length === 0) return [];
  const rows = await db.query<{ id: string; email_normalized: string | null; erased_at: Date | null }>(
    'SELECT id, email_normalized, erased_at FROM leads WHERE id = ANY($1::uuid[]) OR email_normalized = ANY($2::text[])',
    [ids, emails],
  );
  return rows.map((r) => ({ id: r.id, emailNormalized: r.email_normalized, erased: r.erased_at !== null }));
}

export interface SentEmail {
  leadId: string;
  sendKey: string;
  template: string;
  /** `(erased)` once the person asked for erasure. */
  toAddress: string;
  links: string[];
  /** When the provider accepted it; null while its send is not yet recorded. */
  sentAt: Date | null;
}

const SENT_EMAIL_COLUMNS =
  'lead_id AS "leadId", send_key AS "sendKey", template, to_address AS "toAddress", links, sent_at AS "sentAt"';

/** The e-mail an opaque reference (a token's) names. */
export async function sentEmailByRef(db: Db | Tx, ref: string): Promise<SentEmail | undefined> {
  const [row] = await db.query<SentEmail>(`SELECT ${SENT_EMAIL_COLUMNS} FROM sent_emails WHERE ref = $1`, [ref]);
  return row;
}

/** The e-mail with this Message-ID, given with or without its angle brackets. */
export async function sentEmailByMessageId(db: Db | Tx, messageId: string): Promise<SentEmail | undefined> {
  const bare = messageId.trim().replace(/^<|>$/g, '');
  const [row] = await db.query<SentEmail>(`SELECT ${SENT_EMAIL_COLUMNS} FROM sent_emails WHERE message_id = $1`, [
    `<${bare}>`,
  ]);
  return row;
}

/** Marks engagement touches whose signal Temporal did not confirm: the reconciliation sweep sends them again. */
export async function markUnconfirmed(db: Db | Tx, touchKeys: string[]): Promise<void> {
  await db.query('UPDATE touches SET unconfirmed_since = now() WHERE touch_key = ANY($1::text[])', [touchKeys]);
}

export interface UnconfirmedEngagement {
  touchKey: string;
  leadId: string;
  event: EngagementEvent;
  at: Date;
}

/** Up to `limit` engagement touches still marked unconfirmed (of these leads only, if given), oldest first. */
export function unconfirmedEngagements(db: Db, limit: number, leadIds?: string[]): Promise<UnconfirmedEngagement[]> {
  return db.query<UnconfirmedEngagement>(
    `SELECT touch_key AS "touchKey", lead_id AS "leadId", details->>'event' AS event, at FROM touches
      WHERE unconfirmed_since IS NOT NULL AND ($2::uuid[] IS NULL OR lead_id = ANY($2::uuid[]))
      ORDER BY unconfirmed_since, id LIMIT $1`,
    [limit, leadIds ?? null],
  );
}

/** Clears the mark once the lead's workflow has the signal (or has no run left to tell). */
export async function clearUnconfirmed(db: Db, touchKeys: string[]): Promise<void> {
  await db.query('UPDATE touches SET unconfirmed_since = NULL WHERE touch_key = ANY($1::text[])', [touchKeys]);
}
