/**
 * One rule for what may be stored (issue 12): every route that writes builds its text and time
 * fields from these pieces, so nothing reaches a workflow or PostgreSQL that they cannot store.
 * A bad value is a 400 naming the field (api/errors.ts).
 */
import { z } from 'zod';

/** Lone UTF-16 surrogates (with the `u` flag a well-formed pair is one code point and does not match). */
const LONE_SURROGATE = /[\uD800-\uDFFF]/u;
/** No NUL (PostgreSQL's text and jsonb cannot hold it) nor other C0 control or DEL; tab allowed, and line breaks in multi-line text. */
const LINE = /^[^\u0000-\u0008\u000A-\u001F\u007F]*$/;
const MULTILINE = /^[^\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]*$/;

export interface TextOptions {
  /** Fewest characters after trimming (default 1: an empty string is not a value). */
  min?: number;
  /** Line breaks allowed (notes, messages, reply bodies). */
  multiline?: boolean;
}

/**
 * Text PostgreSQL can store and people can read: valid Unicode (no lone surrogate), no NUL or
 * other control character except tab (and CR/LF in multi-line text), trimmed, `min`–`max`
 * characters. The OpenAPI document shows the bounds and the pattern.
 */
export function text(max: number, { min = 1, multiline = false }: TextOptions = {}) {
  return z
    .string()
    .trim()
    .min(min)
    .max(max)
    .regex(multiline ? MULTILINE : LINE, multiline ? 'must not contain NUL or control characters (tab and line breaks are fine)' : 'must not contain NUL, control characters or line breaks')
    .refine((s) => !LONE_SURROGATE.test(s), 'must be valid Unicode (no lone surrogate)');
}

/** The times the business and PostgreSQL both accept: years 2000–2100 (timestamptz holds far more; nothing we do is outside this). */
export const EARLIEST_TIME = '2000-01-01T00:00:00Z';
export const LATEST_TIME = '2100-12-31T23:59:59Z';
const EARLIEST_MS = Date.parse(EARLIEST_TIME);
const LATEST_MS = Date.parse(LATEST_TIME);

/** An ISO 8601 date-time with `Z` or an offset (`2026-05-04T09:00:00+03:00`), between 2000 and 2100. */
export function instant() {
  return z.iso
    .datetime({ offset: true })
    .refine((at) => {
      const ms = Date.parse(at);
      return Number.isFinite(ms) && ms >= EARLIEST_MS && ms <= LATEST_MS;
    }, `must be between ${EARLIEST_TIME} and ${LATEST_TIME}`)
    .meta({ description: `ISO 8601 with Z or an offset, between ${EARLIEST_TIME} and ${LATEST_TIME}` });
}

/** Visible ASCII, 1–200 characters: request ids, provider event ids. */
export const opaqueId = () => z.string().regex(/^[\x21-\x7e]{1,200}$/, 'must be 1–200 visible ASCII characters');

/** An e-mail address as the API takes it (trimmed, at most 254 characters). */
export const emailAddress = () => z.string().trim().max(254).pipe(z.email());
