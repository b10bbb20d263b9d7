/**
 * Data keys: one AES-256 key per lead, stored in PostgreSQL wrapped (AES-256-GCM) by the current
 * master key. Deleting a lead's data key makes every payload encrypted under it unreadable (erasure).
 */
import { createCipheriv, createDecipheriv, randomBytes, randomUUID } from 'node:crypto';
import { createDb, isDatabaseUnavailable, type Db, type Tx } from '../db';
import type { Keyring } from './keyring';

/** The key id of payloads that no lead owns (e.g. a workflow that is not a lead's). */
export const SYSTEM_KEY_ID = 'system';

export class ErasedKeyError extends Error {
  override readonly name = 'ErasedKeyError';
  constructor(readonly keyId: string) {
    super(`data key ${keyId} was erased`);
  }
}

export interface DataKey {
  keyId: string;
  key: Buffer;
}

interface KeyRow {
  key_id: string;
  wrapped_key: Buffer | null;
  master_key_id: string | null;
}

/** How long a process keeps an unwrapped key: an erasure reaches every process within this. */
const CACHE_MS = 30_000;
/**
 * How long past that a key is still used while PostgreSQL cannot be reached (stale-if-error). The
 * worker encodes every activity result and failure with the lead's key: without it, a database
 * outage failed the encoding, which the SDK treats as fatal, and the worker process died (found by
 * `npm run faults`). No erasure can happen while the database is down.
 */
const STALE_IF_ERROR_MS = 15 * 60_000;

export interface DataKeyStore {
  /** The lead's data key, made on first use; throws ErasedKeyError once the lead is erased. */
  forLead(leadId: string): Promise<DataKey>;
  /** The key of payloads no lead owns. */
  system(): Promise<DataKey>;
  /** A key by the id a payload names; throws ErasedKeyError for an erased one. */
  byId(keyId: string): Promise<DataKey>;
  /** Drops this process's cached copies of a lead's key (after erasing it). */
  forget(leadId: string): void;
  /** What this process holds: keys, and leads whose key it knows; each goes once past its stale-if-error window. */
  cached(): { keys: number; leads: number };
}

/**
 * A store with a small pool of its own: the codec runs inside a capture's transaction (signalWithStart
 * encodes there), so sharing that pool could leave every connection waiting for one more.
 */
export function openDataKeyStore(databaseUrl: string, masterKeys: Keyring): DataKeyStore & { close(): Promise<void> } {
  const db = createDb(databaseUrl, { max: 4 });
  return Object.assign(createDataKeyStore(db, masterKeys), { close: () => db.close() });
}

export function createDataKeyStore(
  db: Db,
  masterKeys: Keyring,
  options: { cacheMs?: number; staleIfErrorMs?: number; clock?: () => number } = {},
): DataKeyStore {
  const cacheMs = options.cacheMs ?? CACHE_MS;
  const staleIfErrorMs = options.staleIfErrorMs ?? STALE_IF_ERROR_MS;
  const now = options.clock ?? Date.now;
  /** Oldest first (a key remembered again moves to the end), so the keys past any use are at the front. */
  const byKeyId = new Map<string, { key: DataKey; until: number; leadId?: string }>();
  const keyIdOfLead = new Map<string, string>();
  const pending = new Map<string, Promise<DataKey>>();

  const remember = (row: KeyRow, leadId?: string): DataKey => {
    if (!row.wrapped_key) throw new ErasedKeyError(row.key_id);
    const key = { keyId: row.key_id, key: unwrap(masterKeys, row) };
    // A worker meets every lead in turn: without dropping the keys no use is left for, the maps grew by each lead.
    for (const [keyId, entry] of byKeyId) {
      if (entry.until + staleIfErrorMs > now()) break;
      byKeyId.delete(keyId);
      if (entry.leadId !== undefined && keyIdOfLead.get(entry.leadId) === keyId) keyIdOfLead.delete(entry.leadId);
    }
    const owner = leadId ?? byKeyId.get(row.key_id)?.leadId; // a key read by id is still its lead's
    byKeyId.delete(row.key_id);
    byKeyId.set(row.key_id, { key, until: now() + cacheMs, leadId: owner });
    if (leadId) keyIdOfLead.set(leadId, row.key_id);
    return key;
  };
  const cached = (keyId: string | undefined) => {
    const hit = keyId === undefined ? undefined : byKeyId.get(keyId);
    return hit && hit.until > now() ? hit.key : undefined;
  };
  /** The load, or with PostgreSQL unreachable, the key this process last had (up to staleIfErrorMs past its expiry). */
  const orStale = async (keyId: string | undefined, load: () => Promise<DataKey>): Promise<DataKey> => {
    try {
      return await load();
    } catch (err) {
      const hit = keyId === undefined ? undefined : byKeyId.get(keyId);
      if (hit && isDatabaseUnavailable(err) && hit.until + staleIfErrorMs > now()) return hit.key;
      throw err;
    }
  };
  /** One database round trip per key at a time, however many payloads ask for it. */
  const once = (name: string, load: () => Promise<DataKey>) => {
    let p = pending.get(name);
    if (!p) {
      p = load().finally(() => pending.delete(name));
      pending.set(name, p);
    }
    return p;
  };
  const getOrCreate = async (leadId: string | null, keyId: string) => {
    const wrapped = wrap(masterKeys, keyId, randomBytes(32));
    // The insert loses to an existing row (also a tombstone), which is then read; a new key costs one round trip
    // (every capture of a new lead makes one: the capture benchmark's hot path).
    const conflict = leadId === null ? 'key_id' : 'lead_id';
    const [created] = await db.query<KeyRow>(
      `INSERT INTO data_keys (key_id, lead_id, wrapped_key, master_key_id) VALUES ($1, $2, $3, $4)
       ON CONFLICT (${conflict}) DO NOTHING RETURNING key_id, wrapped_key, master_key_id`,
      [keyId, leadId, wrapped, masterKeys.current.id],
    );
    if (created) return created;
    const [row] = await db.query<KeyRow>(
      `SELECT key_id, wrapped_key, master_key_id FROM data_keys WHERE ${leadId === null ? 'key_id = $1' : 'lead_id = $1'}`,
      [leadId ?? keyId],
    );
    return row!;
  };

  return {
    async forLead(leadId) {
      const hit = cached(keyIdOfLead.get(leadId));
      if (hit) return hit;
      return orStale(keyIdOfLead.get(leadId), () =>
        once(`lead:${leadId}`, async () => remember(await getOrCreate(leadId, `dk-${randomUUID()}`), leadId)),
      );
    },
    async system() {
      return (
        cached(SYSTEM_KEY_ID) ??
        orStale(SYSTEM_KEY_ID, () => once(SYSTEM_KEY_ID, async () => remember(await getOrCreate(null, SYSTEM_KEY_ID))))
      );
    },
    async byId(keyId) {
      return (
        cached(keyId) ??
        orStale(keyId, () =>
          once(`id:${keyId}`, async () => {
            const [row] = await db.query<KeyRow>(
              'SELECT key_id, wrapped_key, master_key_id FROM data_keys WHERE key_id = $1',
              [keyId],
            );
            // No row at all: the payload names a key this database never had (another environment, or a dropped database).
            if (!row) throw new Error(`unknown data key ${keyId}`);
            return remember(row);
          }),
        )
      );
    },
    forget(leadId) {
      const keyId = keyIdOfLead.get(leadId);
      keyIdOfLead.delete(leadId);
      if (keyId) byKeyId.delete(keyId);
    },
    cached: () => ({ keys: byKeyId.size, leads: keyIdOfLead.size }),
  };
}

/** Erasure: the lead's data key is deleted for good; a tombstone stops any process making a new one. */
export async function eraseDataKey(tx: Tx, leadId: string): Promise<void> {
  await tx.query(
    `INSERT INTO data_keys (key_id, lead_id, wrapped_key, master_key_id, erased_at) VALUES ($1, $2, NULL, NULL, now())
     ON CONFLICT (lead_id) DO UPDATE SET wrapped_key = NULL, master_key_id = NULL, erased_at = now()`,
    [`dk-${randomUUID()}`, leadId],
  );
}

/** Re-wraps every data key under the current master key (after a new master key was put first). */
export async function rewrapDataKeys(db: Db, masterKeys: Keyring): Promise<{ rewrapped: number }> {
  const rows = await db.query<KeyRow>(
    'SELECT key_id, wrapped_key, master_key_id FROM data_keys WHERE wrapped_key IS NOT NULL AND master_key_id <> $1',
    [masterKeys.current.id],
  );
  for (const row of rows) {
    const wrapped = wrap(masterKeys, row.key_id, unwrap(masterKeys, row));
    // Only if nobody erased or re-wrapped it meanwhile.
    await db.query(
      'UPDATE data_keys SET wrapped_key = $2, master_key_id = $3 WHERE key_id = $1 AND master_key_id = $4 AND wrapped_key IS NOT NULL',
      [row.key_id, wrapped, masterKeys.current.id, row.master_key_id],
    );
  }
  return { rewrapped: rows.length };
}

/** iv (12) | tag (16) | ciphertext, with the key id as associated data: a wrapped key cannot be moved to another id. */
function wrap(masterKeys: Keyring, keyId: string, key: Buffer): Buffer {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', masterKeys.current.key, iv);
  cipher.setAAD(Buffer.from(keyId));
  const body = Buffer.concat([cipher.update(key), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), body]);
}

function unwrap(masterKeys: Keyring, row: KeyRow): Buffer {
  const master = row.master_key_id ? masterKeys.byId(row.master_key_id) : undefined;
  if (!master)
    throw new Error(
      `data key ${row.key_id} is wrapped by master key ${row.master_key_id}, which is not in RIPEN_MASTER_KEYS`,
    );
  const wrapped = row.wrapped_key!;
  const decipher = createDecipheriv('aes-256-gcm', master.key, wrapped.subarray(0, 12));
  decipher.setAAD(Buffer.from(row.key_id));
  decipher.setAuthTag(wrapped.subarray(12, 28));
  const key = Buffer.concat([decipher.update(wrapped.subarray(28)), decipher.final()]);
  // Memory of its own: a small buffer is a slice of Node's shared 8 KB pool, and a cached key would keep its slab alive.
  const own = Buffer.allocUnsafeSlow(key.length);
  key.copy(own);
  return own;
}
