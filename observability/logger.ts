/**
 * One structured JSON logger (pino) for the API and the worker. Logs carry ids (request, lead,
 * workflow), never a person's data: the fields that could hold an address or a name are redacted
 * wherever they appear, so a careless `log.info({ lead })` still leaks nothing.
 */
import pino, { type DestinationStream, type Logger } from 'pino';

export type { Logger } from 'pino';
export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

/** Field names that may hold personal data or secrets (capture bodies, lead rows, e-mail rows, headers). */
const PERSONAL_FIELDS = [
  'email',
  'emailNormalized',
  'email_normalized',
  'phone',
  'firstName',
  'first_name',
  'lastName',
  'last_name',
  'to',
  'toAddress',
  'to_address',
  'authorization',
  'cookie',
];

/** Each field at the top level and up to three levels down (pino's `*` matches one level). */
export const REDACTED_PATHS = PERSONAL_FIELDS.flatMap((field) => [
  field,
  `*.${field}`,
  `*.*.${field}`,
  `*.*.*.${field}`,
]);

export const REDACTED = '[redacted]';

/** An address in text; not a scoped package in a stack trace (`node_modules/@temporalio/…`: no local part before the @). */
const EMAIL_IN_TEXT = /[\p{L}\p{N}._%+-]+@[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)*\.\p{L}{2,}/gu;

/** Free text (messages, error messages: an SMTP 550 quotes the address) with every e-mail address masked. */
export function scrubText(text: string): string {
  return text.replace(EMAIL_IN_TEXT, '[email]');
}

/**
 * Error properties that quote the data a failed operation was about, whatever else they say:
 * nodemailer's `response`, `rejected`, `rejectedErrors`, `recipient`, `envelope`, `accepted`;
 * PostgreSQL's `detail` (`Key (email_normalized)=(…) already exists`) and `where`.
 */
const QUOTING_ERROR_FIELDS = new Set([
  'response',
  'rejected',
  'rejectedErrors',
  'recipient',
  'envelope',
  'accepted',
  'pending',
  'detail',
  'where',
  'parameters',
]);

/** A copy with every string scrubbed and every quoting field redacted, at any depth (causes, nested errors). */
function scrubDeep(value: unknown, seen = new WeakSet<object>(), depth = 0): unknown {
  if (typeof value === 'string') return scrubText(value);
  if (typeof value !== 'object' || value === null || depth > 8) return value;
  if (seen.has(value)) return '[circular]';
  seen.add(value);
  if (Array.isArray(value)) return value.map((v) => scrubDeep(v, seen, depth + 1));
  if (value instanceof Date) return value;
  if (value instanceof Error) return scrubError(value);
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value))
    out[key] = QUOTING_ERROR_FIELDS.has(key) ? REDACTED : scrubDeep(v, seen, depth + 1);
  return out;
}

function scrubError(err: unknown) {
  if (typeof err !== 'object' || err === null) return typeof err === 'string' ? scrubText(err) : err;
  const serialized = pino.stdSerializers.err(err as Error);
  // type, message and stack live on the serialized error's prototype: spread them explicitly.
  const { type, message, stack } = serialized;
  return scrubDeep(Object.assign({ type, message, stack }, serialized));
}

/** The process's logger; `destination` is for tests (default: stdout). */
export function createLogger(
  options: { level?: LogLevel; destination?: DestinationStream; base?: Record<string, unknown> } = {},
): Logger {
  return pino(
    {
      level: options.level ?? 'info',
      base: { service: 'ripen', ...options.base },
      redact: { paths: REDACTED_PATHS, censor: REDACTED },
      serializers: { err: scrubError, error: scrubError },
      hooks: {
        logMethod(args, method) {
          method.apply(
            this,
            args.map((arg) => (typeof arg === 'string' ? scrubText(arg) : arg)) as Parameters<typeof method>,
          );
        },
      },
      timestamp: pino.stdTimeFunctions.isoTime,
      // Every string of every entry, whatever the field's name: an error's message, a Temporal failure's details.
      formatters: { level: (label) => ({ level: label }), log: (entry) => scrubDeep(entry) as Record<string, unknown> },
    },
    options.destination,
  );
}
