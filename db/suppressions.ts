/** The suppression list: addresses never to mail again, by keyed hash (see domain/tokens.ts addressHash). */
import type { Db, Tx } from './index';

export type SuppressionReason = 'unsubscribed' | 'hard_bounce' | 'complaint' | 'erased';

export async function suppress(db: Db | Tx, s: { addressHash: string; reason: SuppressionReason; source: string }): Promise<void> {
  await db.query('INSERT INTO suppressions (address_hash, reason, source) VALUES ($1, $2, $3) ON CONFLICT (address_hash) DO NOTHING', [s.addressHash, s.reason, s.source]);
}

/** Erasure overrides whatever the entry said before (an unsubscribe, a bounce): an erased person stays out (issue 13.4). */
export async function markErased(db: Db | Tx, addressHash: string): Promise<void> {
  await db.query(
    `INSERT INTO suppressions (address_hash, reason, source) VALUES ($1, 'erased', 'erasure')
     ON CONFLICT (address_hash) DO UPDATE SET reason = 'erased', source = 'erasure', at = now()`,
    [addressHash],
  );
}

export async function suppressionOf(db: Db | Tx, addressHash: string): Promise<SuppressionReason | undefined> {
  const [row] = await db.query<{ reason: SuppressionReason }>('SELECT reason FROM suppressions WHERE address_hash = $1', [addressHash]);
  return row?.reason;
}

/** R-consent: the latest marketing consent the lead gave, if any. */
export async function hasMarketingConsent(db: Db | Tx, leadId: string): Promise<boolean> {
  const [row] = await db.query<{ marketing: boolean }>('SELECT marketing FROM consents WHERE lead_id = $1 ORDER BY at DESC, id DESC LIMIT 1', [leadId]);
  return row?.marketing === true;
}

/** Whether any of these address hashes belongs to an erased person (one round trip on the capture path). */
export async function anyErased(db: Db | Tx, addressHashes: string[]): Promise<boolean> {
  const rows = await db.query("SELECT 1 FROM suppressions WHERE address_hash = ANY($1) AND reason = 'erased' LIMIT 1", [addressHashes]);
  return rows.length > 0;
}
