/**
 * Signed, unguessable tokens for the links in e-mails (tracking pixel, tracked links, unsubscribe).
 * A token names an e-mail by its opaque reference (never a lead id or an address) and is signed
 * with HMAC-SHA256, so a tampered or foreign token is rejected before any database work.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/** A key with an id, as in privacy/keyring.ts. */
export interface SecretKey {
  id: string;
  key: Buffer;
}

/**
 * The secrets of links and suppression hashes (issue 13.7): one string (RIPEN_SECRET, no key ids:
 * the format of old links and hashes), or a keyring per purpose whose first key signs or hashes and
 * whose every key verifies or is looked up. The key id `legacy` is RIPEN_SECRET, for links and
 * hashes made before the keyrings.
 */
export type Secrets = string | { links: readonly SecretKey[]; suppression: readonly SecretKey[] };

export const LEGACY_KEY_ID = 'legacy';

const ringOf = (secrets: Secrets, purpose: 'links' | 'suppression'): readonly SecretKey[] =>
  typeof secrets === 'string' ? [{ id: LEGACY_KEY_ID, key: Buffer.from(secrets) }] : secrets[purpose];

export type TokenKind = 'open' | 'click' | 'unsubscribe';

const KIND_CODES: Record<TokenKind, string> = { open: 'o', click: 'c', unsubscribe: 'u' };
const CODE_KINDS = Object.fromEntries(Object.entries(KIND_CODES).map(([k, v]) => [v, k])) as Record<string, TokenKind>;

export interface TokenClaims {
  kind: TokenKind;
  /** The e-mail's opaque reference (sent_emails.ref). */
  emailRef: string;
  /** For a click: the index of the link in the e-mail as sent. */
  link?: number;
}

/** An e-mail's opaque reference: derived from its send key, unguessable without it, revealing nothing. */
export function emailRefFor(sendKey: string): string {
  return createHash('sha256').update(`email-ref:${sendKey}`).digest('base64url').slice(0, 22);
}

function mac(secret: Buffer, body: string): string {
  return createHmac('sha256', secret).update(body).digest('base64url').slice(0, 32);
}

/** Signed by the first link key; its id is in the token (`.k<id>`), except for the legacy key, whose tokens never had one. */
export function signToken(secrets: Secrets, claims: TokenClaims): string {
  const [key] = ringOf(secrets, 'links');
  const parts = [KIND_CODES[claims.kind], claims.emailRef, ...(claims.link === undefined ? [] : [String(claims.link)])];
  if (key!.id !== LEGACY_KEY_ID) parts.push(`k${key!.id}`);
  const body = parts.join('.');
  return `${body}.${mac(key!.key, body)}`;
}

const TOKEN = /^([ocu])\.([A-Za-z0-9_-]{22})(?:\.(\d{1,3}))?(?:\.k([A-Za-z0-9_-]{1,40}))?\.([A-Za-z0-9_-]{32})$/;

/** The claims of a token a key of the ring signed, or undefined for anything else (malformed, tampered, foreign, a dropped key). */
export function verifyToken(secrets: Secrets, token: string): TokenClaims | undefined {
  const m = TOKEN.exec(token);
  if (!m) return undefined;
  const [, code, emailRef, link, keyId, signature] = m;
  const key = ringOf(secrets, 'links').find((k) => k.id === (keyId ?? LEGACY_KEY_ID));
  if (!key) return undefined;
  const body = [
    code,
    emailRef,
    ...(link === undefined ? [] : [link]),
    ...(keyId === undefined ? [] : [`k${keyId}`]),
  ].join('.');
  const expected = Buffer.from(mac(key.key, body));
  const given = Buffer.from(signature!);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return undefined;
  const kind = CODE_KINDS[code!]!;
  if ((kind === 'click') !== (link !== undefined)) return undefined;
  return { kind, emailRef: emailRef!, ...(link === undefined ? {} : { link: Number(link) }) };
}

const hashWith = (key: Buffer, address: string) =>
  createHmac('sha256', key).update(`address:${address.trim().toLowerCase()}`).digest('hex');

/** The key under which an address is suppressed: a keyed hash (the first suppression key's), so an erased person leaves no address behind. */
export function addressHash(secrets: Secrets, address: string): string {
  return hashWith(ringOf(secrets, 'suppression')[0]!.key, address);
}

/** The address's hash under every suppression key, current first: what a lookup matches until `secrets:rotate` re-hashed the entry. */
export function addressHashes(secrets: Secrets, address: string): string[] {
  return ringOf(secrets, 'suppression').map((k) => hashWith(k.key, address));
}
