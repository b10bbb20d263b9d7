/**
 * Idempotency-Key on every write (README "Writing to the API"): a key names one request of one API
 * key. A repeat (same route, lead and body) gets the first answer or applies once; the same key on
 * another route, another lead or with another body is 422, never a silent replay of something else.
 */
import { createHash, randomUUID } from 'node:crypto';
import type { Request, RequestHandler } from 'express';
import { z } from 'zod';
import type { Db } from '../db';
import { answerRequest, claimRequest, forgetRequest, type ApiRequest } from '../db/requests';
import { HttpError } from './errors';
import { opaqueId } from './fields';

export const IdempotencyKeySchema = opaqueId();

export interface OpenedRequest {
  /** What the caller names the request by: its Idempotency-Key, or the id the API gave it. */
  requestKey: string;
  keyId: string;
  /** The id the lead's workflow knows the request by (the Temporal update id): scoped to the API key. */
  requestId: string;
  /** The answer of an earlier request with the same key, to send again as it was. */
  replay?: { status: number; body: unknown };
  earlier?: ApiRequest;
}

/** The request's Idempotency-Key (400 when malformed), or undefined. */
export function idempotencyKeyOf(req: Request): string | undefined {
  const header = req.get('idempotency-key');
  if (header === undefined) return undefined;
  const parsed = IdempotencyKeySchema.safeParse(header);
  if (!parsed.success) {
    const message = parsed.error.issues[0]!.message;
    throw new HttpError(400, 'invalid_request', `Idempotency-Key: ${message}`, [{ field: 'Idempotency-Key', message }]);
  }
  return parsed.data;
}

const hashOf = (body: unknown) =>
  createHash('sha256')
    .update(JSON.stringify(body ?? null))
    .digest('base64url');

/**
 * Records the request in the ledger before anything else is stored. Without an Idempotency-Key the
 * request gets a fresh id when `always` (a late answer must be readable), else nothing is recorded.
 */
export async function openRequest(
  db: Db,
  req: Request,
  route: string,
  leadId: string | null,
  body: unknown,
  { always = true } = {},
): Promise<OpenedRequest | undefined> {
  const given = idempotencyKeyOf(req);
  if (given === undefined && !always) return undefined;
  const requestKey = given ?? randomUUID();
  const keyId = req.principal!.keyId;
  const bodyHash = hashOf(body);
  const { fresh, request } = await claimRequest(db, { keyId, requestKey, route, leadId, bodyHash });
  const opened: OpenedRequest = { requestKey, keyId, requestId: `${keyId}:${requestKey}` };
  if (fresh) return opened;
  if (request.route !== route || request.leadId !== leadId) {
    const where = request.leadId ? `${request.route} for lead ${request.leadId}` : request.route;
    throw new HttpError(
      422,
      'idempotency_key_reused',
      `Idempotency-Key ${requestKey} was used for ${where}: send a new key for a new request`,
      [{ field: 'Idempotency-Key', message: `already used for ${where}` }],
    );
  }
  if (request.bodyHash !== bodyHash) {
    throw new HttpError(
      422,
      'idempotency_key_reused',
      `Idempotency-Key ${requestKey} was used with another body: send a new key for a new request`,
      [{ field: 'Idempotency-Key', message: 'already used with another body' }],
    );
  }
  // A refusal (409) is not replayed: the lead may take the request now.
  return {
    ...opened,
    earlier: request,
    ...(request.status === 'done' && request.answer ? { replay: request.answer } : {}),
  };
}

/** The ids a caller may ask about: GET /v1/leads/:id/requests/:requestId. */
export const RequestKeyParamSchema = z.string().pipe(IdempotencyKeySchema);

/**
 * The same for a route whose handler answers in many places (events, inbound): with an
 * Idempotency-Key, a repeat gets the first 2xx answer as it was; an answer that is not a success
 * frees the key for the retry.
 */
export function idempotentWrite(db: Db, route: string): RequestHandler {
  return (req, res, next) => {
    if (req.get('idempotency-key') === undefined) return next();
    openRequest(db, req, route, null, req.body, { always: false }).then((request) => {
      if (request!.replay) return void res.status(request!.replay.status).json(request!.replay.body);
      const send = res.json.bind(res);
      res.json = (body: unknown) => {
        const done = res.statusCode >= 200 && res.statusCode < 300;
        const remembered = done
          ? answerRequest(db, request!.keyId, request!.requestKey, 'done', { status: res.statusCode, body })
          : request!.earlier
            ? Promise.resolve()
            : forgetRequest(db, request!.keyId, request!.requestKey);
        void remembered.catch(() => undefined).then(() => send(body));
        return res;
      };
      next();
    }, next);
  };
}
