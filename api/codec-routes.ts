/**
 * The codec server (issue 13.2): the Temporal UI and CLI send encoded payloads here and show them
 * decoded, so a manager reads live leads' inputs, signals and results; payloads of an erased lead
 * read `[erased]`. Format: `{ payloads: [{ metadata: { k: base64 }, data: base64 }] }` both ways.
 *
 * Access: a manager (or admin) key, as `Authorization: Bearer <key>` (the CLI's `--codec-auth`, or
 * a proxy in front of a UI behind SSO that adds it), or in the path, `/codec/key/<key>/decode`, for
 * a UI without SSO that cannot add a header (the local run's dev server). CORS only for the
 * configured UI origin.
 */
import express, { type RequestHandler } from 'express';
import type { Payload } from '@temporalio/common';
import { z } from 'zod';
import type { Db } from '../db';
import type { LeadPayloadCodec } from '../privacy/codec';
import { decodeOrErased } from '../privacy/history';
import { authenticate, requireRole } from './auth';
import { parseOr400 } from './errors';

export interface CodecDeps {
  db: Db;
  codec: LeadPayloadCodec;
  adminKey?: string;
  /** The Temporal UI's origin (e.g. http://localhost:8233): the only one a browser may call from. */
  uiOrigin?: string;
}

const Base64 = z.string().regex(/^[A-Za-z0-9+/_-]*={0,2}$/, 'must be base64');
export const PayloadsSchema = z.object({
  payloads: z
    .array(z.object({ metadata: z.record(z.string(), Base64).optional(), data: Base64.optional() }))
    .max(10_000),
});

const fromJson = (p: z.infer<typeof PayloadsSchema>['payloads'][number]): Payload => ({
  metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64')])),
  data: Buffer.from(p.data ?? '', 'base64'),
});
const toJson = (p: Payload) => ({
  metadata: Object.fromEntries(
    Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v).toString('base64')]),
  ),
  data: Buffer.from(p.data ?? []).toString('base64'),
});

export function codecRoutes(deps: CodecDeps): express.Router {
  const router = express.Router();
  const cors: RequestHandler = (req, res, next) => {
    const origin = req.get('origin');
    if (origin && deps.uiOrigin && origin === deps.uiOrigin) {
      res.set({
        'Access-Control-Allow-Origin': origin,
        'Access-Control-Allow-Methods': 'POST, OPTIONS',
        'Access-Control-Allow-Headers': 'authorization, content-type, x-namespace',
        'Access-Control-Allow-Credentials': 'true',
        'Access-Control-Max-Age': '600',
      });
    }
    res.vary('Origin');
    if (req.method === 'OPTIONS') return void res.sendStatus(204);
    next();
  };
  /** `/codec/key/<key>/…`: the key moves to the Authorization header, and out of anything logged later. */
  const keyFromPath: RequestHandler = (req, _res, next) => {
    if (req.params.key) req.headers.authorization = `Bearer ${req.params.key}`;
    next();
  };
  const guard = [authenticate(deps.db, deps.adminKey), requireRole('manager'), express.json({ limit: '4mb' })];

  const encode: RequestHandler = async (req, res) => {
    const { payloads } = parseOr400(PayloadsSchema, req.body);
    // No workflow to name the lead: encoded under the system key. Data for a lead goes through the API.
    res.json({ payloads: (await deps.codec.encode(payloads.map(fromJson))).map(toJson) });
  };
  const decode: RequestHandler = async (req, res) => {
    const { payloads } = parseOr400(PayloadsSchema, req.body);
    res.json({
      payloads: (await Promise.all(payloads.map((p) => decodeOrErased(deps.codec, fromJson(p))))).map(toJson),
    });
  };
  // CORS (and the browser's preflight, before any key is asked for) for everything under /codec.
  router.use('/codec', cors);
  for (const prefix of ['/codec', '/codec/key/:key']) {
    router.post(`${prefix}/encode`, keyFromPath, ...guard, encode);
    router.post(`${prefix}/decode`, keyFromPath, ...guard, decode);
  }
  return router;
}
