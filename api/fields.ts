/**
 * One rule for what may be stored (issue 12): every route that writes builds its text and time
 * fields from these pieces, so nothing reaches a workflow or PostgreSQL that they cannot store. A
 * bad value is a 400 naming the field (api/errors.ts). Each piece carries the JSON Schema that says
 * the same thing (pattern, lengths in code points), so the OpenAPI document is as strict as the API.
 */
import { z } from 'zod';

/** Lone UTF-16 surrogates (with the `u` flag a well-formed pair is one code point and does not match). */
const LONE_SURROGATE = /[\uD800-\uDFFF]/u;
/** What String.prototype.trim removes, spelled out (JavaScript's and Python's `\s` differ). */
const SPACE = '\\t\\n\\u000B\\f\\r \\u00A0\\u1680\\u2000-\\u200A\\u2028\\u2029\\u202F\\u205F\\u3000\\uFEFF';
/** No NUL (text and jsonb cannot hold it), no other C0 control and no DEL; tab always, line breaks in multi-line text. */
const CONTROL = {
  line: '\\u0000-\\u0008\\u000A-\\u001F\\u007F',
  multiline: '\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\u007F',
};

export interface TextOptions {
  /** An empty (or all-blank) string is a value: default false, it is a 400. */
  allowEmpty?: boolean;
  /** Line breaks allowed (notes, messages, reasons, reply bodies). */
  multiline?: boolean;
}

/** The pattern a text field's characters must match: allowed characters, and one that is not blank unless empty is allowed. */
function textPattern({ allowEmpty = false, multiline = false }: TextOptions): string {
  const allowed = `[^${multiline ? CONTROL.multiline : CONTROL.line}]`;
  const visible = `[^${multiline ? CONTROL.multiline : CONTROL.line}${SPACE}\\u0020]`;
  return allowEmpty ? `^${allowed}*$` : `^${allowed}*${visible}${allowed}*$`;
}

const codePoints = (s: string) => [...s].length;

/**
 * Text PostgreSQL can store and people can read: valid Unicode (no lone surrogate), no NUL or other
 * control character except tab (and CR/LF in multi-line text), at most `max` characters (code
 * points, as JSON Schema counts), not blank unless `allowEmpty`. Stored trimmed.
 */
export function text(max: number, options: TextOptions = {}) {
  const pattern = textPattern(options);
  const multiline = options.multiline ?? false;
  return z
    .string()
    .refine((s) => !LONE_SURROGATE.test(s), 'must be valid Unicode (no lone surrogate)')
    .refine((s) => codePoints(s) <= max, `must be at most ${max} characters`)
    .regex(
      new RegExp(pattern),
      multiline
        ? 'must not contain NUL or control characters (tab and line breaks are fine), nor be blank'
        : 'must not contain NUL, control characters or line breaks, nor be blank',
    )
    .trim()
    .meta({ maxLength: max, ...(options.allowEmpty ? {} : { minLength: 1 }) });
}

/** The times the business and PostgreSQL both accept: written with a year from 2000 to 2100. */
export const EARLIEST_YEAR = 2000;
export const LATEST_YEAR = 2100;
const DAY =
  '(?:(?:0[13578]|1[02])-(?:0[1-9]|[12]\\d|3[01])|(?:0[469]|11)-(?:0[1-9]|[12]\\d|30)|02-(?:0[1-9]|1\\d|2[0-8]))';
const LEAP_DAY = '(?:20(?:[02468][048]|[13579][26]))-02-29';
const CLOCK = '(?:[01]\\d|2[0-3]):[0-5]\\d:[0-5]\\d(?:\\.\\d{1,6})?';
/** `2026-05-04T09:00:00+03:00` or `…Z`: a real calendar date from 2000 to 2100, a time, an offset of at most 14 hours (as on Earth). */
export const INSTANT_PATTERN = `^(?:(?:20\\d\\d|2100)-${DAY}|${LEAP_DAY})T${CLOCK}(?:Z|[+-](?:0\\d|1[0-4]):[0-5]\\d)$`;

/** An ISO 8601 date-time with `Z` or an offset, from 2000 to 2100, to the microsecond (as PostgreSQL keeps it). */
export function instant() {
  return z
    .string()
    .regex(
      new RegExp(INSTANT_PATTERN),
      `must be an ISO 8601 date-time with Z or an offset (2026-05-04T09:00:00+03:00), from ${EARLIEST_YEAR} to ${LATEST_YEAR}`,
    )
    .meta({ description: `ISO 8601 date-time with Z or an offset, a year from ${EARLIEST_YEAR} to ${LATEST_YEAR}` });
}

/** Visible ASCII, 1–200 characters: request ids, provider event ids, Idempotency-Key. */
export const OPAQUE_ID_PATTERN = '^[\\x21-\\x7e]{1,200}$';
export const opaqueId = () => z.string().regex(new RegExp(OPAQUE_ID_PATTERN), 'must be 1–200 visible ASCII characters');

/** local@domain.tld: dot-separated atoms of letters, digits and _ ' + -, a domain of letter-or-digit labels. */
export const EMAIL_PATTERN =
  "^[A-Za-z0-9_'+-]+(?:\\.[A-Za-z0-9_'+-]+)*@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\\.)+[A-Za-z]{2,63}$";

/** An e-mail address as the API takes it: at most 254 characters, the pattern above, spaces around it trimmed. */
export const emailAddress = () =>
  z
    .string()
    .max(254)
    .regex(new RegExp(`^[${SPACE}]*${EMAIL_PATTERN.slice(1, -1)}[${SPACE}]*$`), 'must be an e-mail address')
    .trim();

/** Digits with the usual separators, an optional leading +, at least 5 digits. */
export const phoneNumber = () =>
  z
    .string()
    .max(40)
    .regex(
      new RegExp(`^[${SPACE}]*\\+?[ ().\\-/]*(?:[0-9][ ().\\-/]*){5,}[${SPACE}]*$`),
      'must be a phone number: at least 5 digits, with spaces, + ( ) . - / between',
    )
    .trim();

/**
 * A BCP 47 language tag of the usual shape — a language, then an optional script and region (`fi`, `fa-IR`,
 * `sr-Latn-RS`) — the pattern the OpenAPI document states; every tag of this shape is one `Intl` accepts.
 */
export const LANGUAGE_TAG_PATTERN = '^[A-Za-z]{2,3}(?:-[A-Za-z]{4})?(?:-(?:[A-Za-z]{2}|\\d{3}))?$';
export const languageTag = () =>
  z
    .string()
    .regex(
      new RegExp(LANGUAGE_TAG_PATTERN),
      'must be a BCP 47 language tag: a language, then an optional script and region, e.g. fi, uk-UA or fa-IR',
    );
