/**
 * Keyrings: every secret purpose (data-key wrapping, link-token signing, suppression hashing) has
 * keys with ids, written `id:base64key,id:base64key`. The first key is current: it wraps, signs or
 * hashes new things; every key still reads what older keys made, so rotation is "add a key in front".
 */
import { randomBytes } from 'node:crypto';

export interface KeyringKey {
  id: string;
  key: Buffer;
}

export interface Keyring {
  /** The key new material is made with. */
  current: KeyringKey;
  all: readonly KeyringKey[];
  byId(id: string): KeyringKey | undefined;
}

/** No dots: a link key's id travels in a dot-separated token. */
const KEY_ID = /^[A-Za-z0-9_-]{1,40}$/;

/** Parses `id:base64,...`; each key must decode to at least `minBytes` bytes, ids must be unique. */
export function parseKeyring(text: string, options: { name: string; minBytes?: number; exactBytes?: number }): Keyring {
  const keys = text
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean)
    .map((entry) => {
      const at = entry.indexOf(':');
      const id = entry.slice(0, at);
      if (at < 1 || !KEY_ID.test(id))
        throw new Error(`${options.name}: each key is "id:base64", with an id of letters, digits, "_" or "-"`);
      const key = Buffer.from(entry.slice(at + 1), 'base64');
      if (options.exactBytes !== undefined && key.length !== options.exactBytes)
        throw new Error(`${options.name}: key ${id} must be ${options.exactBytes} bytes (base64)`);
      if (key.length < (options.minBytes ?? 32))
        throw new Error(`${options.name}: key ${id} must be at least ${options.minBytes ?? 32} bytes (base64)`);
      return { id, key };
    });
  if (keys.length === 0) throw new Error(`${options.name}: no keys`);
  if (new Set(keys.map((k) => k.id)).size !== keys.length) throw new Error(`${options.name}: key ids must be unique`);
  return keyringOf(keys);
}

export function keyringOf(keys: KeyringKey[]): Keyring {
  const byId = new Map(keys.map((k) => [k.id, k]));
  return { current: keys[0]!, all: keys, byId: (id) => byId.get(id) };
}

/** A new keyring entry: a fresh 32-byte key under a date-stamped id. */
export function newKeyEntry(prefix: string, now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').slice(0, 15);
  return `${prefix}-${stamp}-${randomBytes(2).toString('hex')}:${randomBytes(32).toString('base64')}`;
}

export function formatKeyring(keyring: Keyring): string {
  return keyring.all.map((k) => `${k.id}:${k.key.toString('base64')}`).join(',');
}
