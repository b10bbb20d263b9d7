import { createHash, randomBytes } from 'node:crypto';
import type { Db } from './index';

export type Role = 'capture' | 'rep' | 'manager' | 'admin' | 'inbound';

export interface Principal {
  role: Role;
  repId: string | null;
  keyId: string;
  /** A capture key whose `update: true` may change a returning person's stored fields (issue 13.5). */
  mayUpdateLeads?: boolean;
}

/** Keys are stored as SHA-256 hashes only; the plain key is shown once, at creation. */
export function hashKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

export async function createApiKey(
  db: Db,
  role: Role,
  options: { repId?: string; label?: string; mayUpdateLeads?: boolean } = {},
): Promise<string> {
  const key = `rk_${role}_${randomBytes(24).toString('base64url')}`;
  await db.query('INSERT INTO api_keys (key_hash, role, rep_id, label, may_update_leads) VALUES ($1, $2, $3, $4, $5)', [
    hashKey(key),
    role,
    options.repId ?? null,
    options.label ?? null,
    options.mayUpdateLeads ?? false,
  ]);
  return key;
}

export async function findPrincipal(db: Db, key: string): Promise<Principal | undefined> {
  const [row] = await db.query<{ id: string; role: Role; rep_id: string | null; may_update_leads: boolean }>(
    'SELECT id, role, rep_id, may_update_leads FROM api_keys WHERE key_hash = $1 AND revoked_at IS NULL',
    [hashKey(key)],
  );
  return row && { role: row.role, repId: row.rep_id, keyId: String(row.id), mayUpdateLeads: row.may_update_leads };
}

export async function countAdminKeys(db: Db): Promise<number> {
  const [row] = await db.query<{ n: string }>(
    "SELECT count(*) AS n FROM api_keys WHERE role = 'admin' AND revoked_at IS NULL",
  );
  return Number(row?.n ?? 0);
}
