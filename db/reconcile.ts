/** What the reconciliation sweep reads and writes (activities/reconcile.ts). */
import type { LeadRow } from './leads';
import type { Db } from './index';

export type ReconcileRow = Pick<
  LeadRow,
  'id' | 'first_source' | 'email' | 'phone' | 'buyer_stage' | 'consent' | 'stage' | 'assigned_rep_id' | 'last_touch_at'
> & {
  attempts: number;
  /** The lead's last capture touch (the last written: a person's captures commit one after another) and when. */
  touch_id: string | null;
  touch_at: Date | null;
  touch_source: LeadRow['first_source'] | null;
};

const COLUMNS = `l.id, l.first_source, l.email, l.phone, l.buyer_stage, l.consent, l.stage, l.assigned_rep_id,
  l.last_touch_at, l.attempts, t.id::text AS touch_id, t.at AS touch_at, t.source AS touch_source`;
/** Each lead with its last capture touch. */
const LEADS = `leads l LEFT JOIN LATERAL (
  SELECT id, at, source FROM touches WHERE lead_id = l.id AND kind = 'capture' ORDER BY id DESC LIMIT 1
) t ON true`;

/** Leads a workflow should be running or closed for: not erased, not confirmed junk (capture starts nothing for those). */
const ELIGIBLE = `l.erased_at IS NULL AND l.stage <> 'disqualified'`;

/**
 * The next batch after the stored cursor (wrapping round at the end), untouched for `graceSeconds`
 * (a capture still committing, a write under way), and the cursor moved past it.
 */
export async function nextBatch(db: Db, limit: number, graceSeconds: number): Promise<ReconcileRow[]> {
  return db.withTransaction(async (tx) => {
    const [cursor] = await tx.query<{ after: string | null }>(
      `INSERT INTO reconcile_cursor (name, after) VALUES ('leads', NULL)
       ON CONFLICT (name) DO UPDATE SET name = EXCLUDED.name RETURNING after`,
    );
    const rows = await tx.query<ReconcileRow>(
      `SELECT ${COLUMNS} FROM ${LEADS}
       WHERE ${ELIGIBLE} AND l.updated_at < now() - make_interval(secs => $2) AND ($1::uuid IS NULL OR l.id > $1::uuid)
       ORDER BY l.id LIMIT $3`,
      [cursor?.after ?? null, graceSeconds, limit],
    );
    // A short batch reached the end: the next run starts from the beginning.
    const after = rows.length < limit ? null : rows.at(-1)!.id;
    await tx.query(`UPDATE reconcile_cursor SET after = $1 WHERE name = 'leads'`, [after]);
    return rows;
  });
}

/** These leads, for a repair an operator asks for by id. */
export function leadsById(db: Db, ids: string[]): Promise<ReconcileRow[]> {
  return db.query<ReconcileRow>(`SELECT ${COLUMNS} FROM ${LEADS} WHERE ${ELIGIBLE} AND l.id = ANY($1::uuid[])`, [ids]);
}

/** Forgets API request records (Idempotency-Key answers) older than the retention. */
export async function deleteOldRequests(db: Db, retentionDays: number): Promise<number> {
  const rows = await db.query(
    'DELETE FROM api_requests WHERE created_at < now() - make_interval(days => $1) RETURNING 1',
    [retentionDays],
  );
  return rows.length;
}
