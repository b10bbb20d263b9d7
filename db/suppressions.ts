/** The suppression list: addresses never to mail again, by keyed hash (see privacy/tokens.ts addressHash). */
import type { Db, Tx } from './index';

export type SuppressionReason = 'unsubscribed' | 'hard_bounce' | 'complaint' | 'erased';

export async function suppress(
  db: Db | Tx,
  s: { addressHash: string; reason: SuppressionReason; source: string },
): Promise<void> {
  await db.query(
    'INSERT INTO suppressions (address_hash, reason, source) VALUES ($1, $2, $3) ON CONFLICT (address_hash) DO NOTHING',
    [s.addressHash, s.reason, s.source],
  );
}

/** Erasure overrides whatever the entry said before (an unsubscribe, a bounce): an erased person stays out (issue 13.4). */
export async function markErased(db: Db | Tx, addressHash: string): Promise<void> {
  await db.query(
    `INSERT INTO suppressions (address_hash, reason, source) VALUES ($1, 'erased', 'erasure')
     ON CONFLICT (address_hash) DO UPDATE SET reason = 'erased', source = 'erasure', at = now()`,
    [addressHash],
  );
}

/** The entry of an address, by its hash, or by its hashes under every suppression key (erased first). */
export async function suppressionOf(
  db: Db | Tx,
  addressHash: string | string[],
): Promise<SuppressionReason | undefined> {
  const [row] = await db.query<{ reason: SuppressionReason }>(
    "SELECT reason FROM suppressions WHERE address_hash = ANY($1) ORDER BY reason = 'erased' DESC LIMIT 1",
    [Array.isArray(addressHash) ? addressHash : [addressHash]],
  );
  return row?.reason;
}

/** R-consent: the latest marketing consent the lead gave, if any. */
export async function hasMarketingConsent(db: Db | Tx, leadId: string): Promise<boolean> {
  const [row] = await db.query<{ marketing: boolean }>(
    'SELECT marketing FROM consents WHERE lead_id = $1 ORDER BY at DESC, id DESC LIMIT 1',
    [leadId],
  );
  return row?.marketing === true;
}

/**
 * `secrets:rotate`: moves every entry whose address PostgreSQL still holds (a lead's, or a sent
 * e-mail's) under the first suppression key. Entries of erased people cannot move (nothing of them is
 * left to hash): the keys they were made with stay in the ring. Answers how many moved and how many
 * are still under an older key.
 */
export async function rehashSuppressions(
  db: Db,
  hashesOf: (address: string) => string[],
): Promise<{ rehashed: number; remaining: number }> {
  const addresses = await db.query<{ address: string }>(
    `SELECT email_normalized AS address FROM leads WHERE email_normalized IS NOT NULL
     UNION SELECT phone_normalized FROM leads WHERE phone_normalized IS NOT NULL
     UNION SELECT lower(to_address) FROM sent_emails WHERE to_address <> '(erased)'`,
  );
  let rehashed = 0;
  const current = new Set<string>();
  for (const { address } of addresses) {
    const [now, ...older] = hashesOf(address);
    current.add(now!);
    if (older.length === 0) continue;
    const [moved] = await db.withTransaction((tx) =>
      tx.query<{ n: number }>(
        `WITH old AS (DELETE FROM suppressions WHERE address_hash = ANY($2) RETURNING reason, source, at),
              kept AS (INSERT INTO suppressions (address_hash, reason, source, at)
                       SELECT $1, reason, source, at FROM old ORDER BY reason = 'erased' DESC, at LIMIT 1
                       ON CONFLICT (address_hash) DO NOTHING RETURNING 1)
         SELECT (SELECT count(*) FROM old)::int AS n`,
        [now, older],
      ),
    );
    if (moved!.n > 0) rehashed++;
  }
  const all = await db.query<{ address_hash: string }>('SELECT address_hash FROM suppressions');
  return { rehashed, remaining: all.filter((r) => !current.has(r.address_hash)).length };
}
