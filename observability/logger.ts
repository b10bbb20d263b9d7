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
  'name',
  'to',
  'toAddress',
  'to_address',
  'authorization',
  'cookie',
];

/** Each field at the top level and up to three levels down (pino's `*` matches one level). */
export const REDACTED_PATHS = PERSONAL_FIELDS.flatMap((field) => [field, `*.${field}`, `*.*.${field}`, `*.*.*.${field}`]);

export const REDACTED = '[redacted]';

const EMAIL_IN_TEXT = /[^\s<>"'(),;:@]+@[^\s<>"'(),;:@]+\.[^\s<>"'(),;:@]+/g;

/** Free text (messages, error messages: an SMTP 550 quotes the address) with every e-mail address masked. */
export function scrubText(text: string): string {
  return text.replace(EMAIL_IN_TEXT, '[email]');
}

function scrubError(err: unknown) {
  if (typeof err !== 'object' || err === null) return typeof err === 'string' ? scrubText(err) : err;
  const serialized = pino.stdSerializers.err(err as Error);
  return {
    ...serialized,
    ...(typeof serialized.message === 'string' ? { message: scrubText(serialized.message) } : {}),
    ...(typeof serialized.stack === 'string' ? { stack: scrubText(serialized.stack) } : {}),
  };
}

/** The process's logger; `destination` is for tests (default: stdout). */
export function createLogger(options: { level?: LogLevel; destination?: DestinationStream; base?: Record<string, unknown> } = {}): Logger {
  return pino(
    {
      level: options.level ?? 'info',
      base: { service: 'ripen', ...options.base },
      redact: { paths: REDACTED_PATHS, censor: REDACTED },
      serializers: { err: scrubError, error: scrubError },
      hooks: {
        logMethod(args, method) {
          method.apply(this, args.map((arg) => (typeof arg === 'string' ? scrubText(arg) : arg)) as Parameters<typeof method>);
        },
      },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    options.destination,
  );
}
