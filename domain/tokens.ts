/**
 * Signed, unguessable tokens for the links in e-mails (tracking pixel, tracked links, unsubscribe).
 * A token names an e-mail by its opaque reference (never a lead id or an address) and is signed
 * with HMAC-SHA256, so a tampered or foreign token is rejected before any database work.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

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

function mac(secret: string, body: string): string {
  return createHmac('sha256', secret).update(body).digest('base64url').slice(0, 32);
}

export function signToken(secret: string, claims: TokenClaims): string {
  const body = [KIND_CODES[claims.kind], claims.emailRef, ...(claims.link === undefined ? [] : [String(claims.link)])].join('.');
  return `${body}.${mac(secret, body)}`;
}

const TOKEN = /^([ocu])\.([A-Za-z0-9_-]{22})(?:\.(\d{1,3}))?\.([A-Za-z0-9_-]{32})$/;

/** The claims of a token this secret signed, or undefined for anything else (malformed, tampered, foreign). */
export function verifyToken(secret: string, token: string): TokenClaims | undefined {
  const m = TOKEN.exec(token);
  if (!m) return undefined;
  const [, code, emailRef, link, signature] = m;
  const body = [code, emailRef, ...(link === undefined ? [] : [link])].join('.');
  const expected = Buffer.from(mac(secret, body));
  const given = Buffer.from(signature!);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return undefined;
  const kind = CODE_KINDS[code!]!;
  if ((kind === 'click') !== (link !== undefined)) return undefined;
  return { kind, emailRef: emailRef!, ...(link === undefined ? {} : { link: Number(link) }) };
}

/** The key under which an address is suppressed: a keyed hash, so an erased person leaves no address behind. */
export function addressHash(secret: string, address: string): string {
  return createHmac('sha256', secret).update(`address:${address.trim().toLowerCase()}`).digest('hex');
}
