import type { ErrorRequestHandler } from 'express';
import { z } from 'zod';
import { isDatabaseUnavailable } from '../db';
import { isTemporalUnavailable } from './lead-client';

export interface FieldProblem {
  field: string;
  message: string;
}

/** An error that already knows its HTTP answer. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly fields?: FieldProblem[],
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

/** Turns zod issues into field problems: `source.utm.campaign`, or each unknown key by name; the first problem of each field. */
export function fieldProblems(error: z.ZodError): FieldProblem[] {
  const problems = error.issues.flatMap((issue) =>
    issue.code === 'unrecognized_keys'
      ? issue.keys.map((key) => ({ field: [...issue.path, key].join('.'), message: 'unknown field' }))
      : [{ field: issue.path.join('.') || '(body)', message: issue.message }],
  );
  // A value that is not a date-time is also outside the range: say the first, once.
  return problems.filter((p, i) => problems.findIndex((q) => q.field === p.field) === i);
}

export function validationError(error: z.ZodError): HttpError {
  const fields = fieldProblems(error);
  return new HttpError(400, 'invalid_request', fields.map((f) => `${f.field}: ${f.message}`).join('; '), fields);
}

/** Parses a value with a zod schema or throws a 400 naming every bad field. */
export function parseOr400<S extends z.ZodType>(schema: S, value: unknown): z.infer<S> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw validationError(parsed.error);
  return parsed.data;
}

export const RETRY_AFTER_SECONDS = '5';

/** PostgreSQL data exceptions (class 22) a request's value can cause: datetime overflow, time zone displacement, bad number or text representation, out of range. */
const DATA_EXCEPTIONS = new Set(['22003', '22007', '22008', '22009', '22P02', '22001']);

/** The last middleware: every error becomes `{ error: { code, message, fields? } }`; only real bugs are 500. */
export const errorHandler: ErrorRequestHandler = (err, req, res, _next) => {
  let httpError: HttpError;
  if (err instanceof HttpError) {
    httpError = err;
  } else if (err?.type === 'entity.parse.failed') {
    httpError = new HttpError(400, 'malformed_json', `The body is not valid JSON: ${err.message}`);
  } else if (err?.type === 'entity.too.large') {
    httpError = new HttpError(413, 'body_too_large', `The body is larger than the limit of ${err.limit} bytes`);
  } else if (err?.type === 'encoding.unsupported' || err?.type === 'charset.unsupported') {
    httpError = new HttpError(415, 'unsupported_encoding', err.message);
  } else if (err instanceof URIError || (err?.status === 400 && err?.name === 'URIError')) {
    httpError = new HttpError(400, 'malformed_url', 'The URL is not validly percent-encoded');
  } else if (typeof err?.status === 'number' && err.status >= 400 && err.status < 500 && err.expose === true) {
    httpError = new HttpError(err.status, 'bad_request', String(err.message)); // body-parser and friends: the client's mistake, said as it is
  } else if (err?.code === '22021' || err?.code === '22P05') {
    // PostgreSQL cannot store the text (a NUL character, an invalid byte sequence): the client's input, not our bug.
    httpError = new HttpError(
      400,
      'invalid_text',
      'The request contains text that cannot be stored (e.g. a NUL character)',
    );
  } else if (typeof err?.code === 'string' && DATA_EXCEPTIONS.has(err.code)) {
    // A value PostgreSQL refused as data (a time out of its range, a malformed number): the input's fault; the fields check should have caught it.
    req.log.warn({ err, method: req.method }, 'value refused by PostgreSQL');
    httpError = new HttpError(400, 'invalid_value', 'The request contains a value that cannot be stored or compared');
  } else if (isDatabaseUnavailable(err)) {
    httpError = new HttpError(
      503,
      'database_unavailable',
      'The database is unreachable; nothing was stored. Try again later.',
      undefined,
      { 'Retry-After': RETRY_AFTER_SECONDS },
    );
  } else if (isTemporalUnavailable(err)) {
    httpError = new HttpError(
      503,
      'temporal_unavailable',
      'The workflow service is unreachable; nothing was stored. Try again later.',
      undefined,
      { 'Retry-After': RETRY_AFTER_SECONDS },
    );
  } else {
    // The request's own logger (reqId); the path is left out: it may hold an e-mail link token.
    req.log.error({ err, method: req.method }, 'request failed');
    httpError = new HttpError(500, 'internal_error', 'Internal server error');
  }
  res.set(httpError.headers);
  res.status(httpError.status).json({
    error: {
      code: httpError.code,
      message: httpError.message,
      ...(httpError.fields ? { fields: httpError.fields } : {}),
    },
  });
};
