import express, { type RequestHandler } from 'express';
import type { ScoringModel } from '../domain/scoring';
import type { Client } from '@temporalio/client';
import type { Db } from '../db';
import { authenticate, requireRole } from './auth';
import { boardRoutes } from './board-routes';
import { funnelRoutes } from './funnel-routes';
import { capture, CAPTURE_NOT_CONFIRMED } from './capture';
import { codecRoutes } from './codec-routes';
import type { LeadPayloadCodec } from '../privacy/codec';
import type { Secrets } from '../privacy/tokens';
import { errorHandler, HttpError, parseOr400 } from './errors';
import { emailSafetyRoutes } from './email-safety-routes';
import { eventRoutes } from './events-routes';
import { inboundRoutes } from './inbound-routes';
import { leadRoutes } from './lead-routes';
import { createLeadClient } from './lead-client';
import type { RouteDeps } from './deps';
import { repAdminRoutes } from './rep-admin-routes';
import { operationsRoutes } from './operations-routes';
import { DEFAULT_RATE_LIMITS, limiter, securityHeaders, type RateLimits } from './protection';
import { createHttpMetrics, observeRequests, type HttpMetrics } from './request-observability';
import { createLogger, type Logger } from '../observability/logger';
import { webRoutes } from './web-routes';
import { allowedMethods } from './openapi';
import { openRequest } from './idempotency';
import { answerRequest, forgetRequest } from '../db/requests';
import { CaptureLeadSchema } from './schemas';
import { trackingRoutes } from './tracking-routes';

export interface AppDeps {
  db: Db;
  temporal: Client;
  taskQueue: string;
  adminKey?: string;
  /** Sign e-mail link tokens and key suppression hashes (RIPEN_SECRET, or the link and suppression keyrings); the worker uses the same. */
  secret: Secrets;
  /** How long a request waits for Temporal before answering 503 (default 10 s). */
  temporalDeadlineMs?: number;
  /** RIPEN_TIME_SCALE: new leads' workflows run their policy and cadences this many times faster (demos only). */
  timeScale?: number;
  /** Operations (README "Operating Ripen"): JSON logger, metrics registry, rate limits, proxies trusted for the client address. */
  logger?: Logger;
  metrics?: HttpMetrics;
  rateLimits?: Partial<RateLimits>;
  trustProxyHops?: number;
  /** The payload codec, served to the Temporal UI and CLI at /codec (issue 13.2), CORS for this UI origin only. */
  codec?: LeadPayloadCodec;
  temporalUiOrigin?: string;
  /** SCORING_MODEL: the current model, which what-if scoring compares a candidate with (default icp-2026@1). */
  scoringModel?: ScoringModel;
}

export const BODY_LIMIT = '16kb';

/** A body must be JSON: anything else is 415, before the parser runs. */
export const requireJson: RequestHandler = (req, _res, next) => {
  if (req.is('application/json')) return next();
  next(
    new HttpError(
      415,
      'unsupported_media_type',
      `Content-Type must be application/json, got ${req.get('content-type') ?? 'none'}`,
    ),
  );
};

/** Builds the HTTP API (`listen` lives in server.ts, so tests drive the same app in process). */
export function createApp(deps: AppDeps): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', deps.trustProxyHops ?? 0);
  const limits = { ...DEFAULT_RATE_LIMITS, ...deps.rateLimits };
  const metrics = deps.metrics ?? createHttpMetrics();
  // Without a logger of its own (tests), only bugs are logged, to stderr.
  app.use(observeRequests(deps.logger ?? createLogger({ level: 'error', destination: process.stderr }), metrics));
  app.use(securityHeaders);
  // The codec server answers its own CORS preflights (OPTIONS) for the Temporal UI's origin.
  if (deps.codec)
    app.use(codecRoutes({ db: deps.db, codec: deps.codec, adminKey: deps.adminKey, uiOrigin: deps.temporalUiOrigin }));
  app.use((req, res, next) => {
    // OPTIONS: the methods the path serves, from the route table (Express would list only one router's).
    if (req.method !== 'OPTIONS') return next();
    const allow = allowedMethods(req.path);
    if (allow.length === 0) return next();
    res
      .set('Allow', [...allow, 'OPTIONS'].join(', '))
      .status(204)
      .end();
  });
  app.use(operationsRoutes({ db: deps.db, temporal: deps.temporal, metrics }));
  app.post('/v1/leads', limiter('capture', limits.capturePerWindow, limits.windowMs));
  app.use(['/t', '/u'], limiter('e-mail link', limits.publicPerWindow, limits.windowMs));
  const json = [requireJson, express.json({ limit: BODY_LIMIT, strict: false })];
  const routeDeps: RouteDeps = {
    db: deps.db,
    secret: deps.secret,
    leads: createLeadClient({
      temporal: deps.temporal,
      taskQueue: deps.taskQueue,
      deadlineMs: deps.temporalDeadlineMs ?? 10_000,
      workflowOptions: deps.timeScale && deps.timeScale !== 1 ? { timeScale: deps.timeScale } : undefined,
    }),
  };

  const emailSafety = emailSafetyRoutes({ ...routeDeps, forgetDataKey: (leadId) => deps.codec?.forget(leadId) });
  app.use(emailSafety.publicRoutes);
  app.use(trackingRoutes(routeDeps));

  const v1 = express.Router();
  v1.use(authenticate(deps.db, deps.adminKey));

  v1.post('/leads', requireRole('capture'), ...json, async (req, res) => {
    const body = parseOr400(CaptureLeadSchema, req.body);
    if (body.update && req.principal?.role !== 'admin' && !req.principal?.mayUpdateLeads) {
      throw new HttpError(
        403,
        'forbidden',
        '`update: true` needs a capture key allowed to update leads (npm run keys:create -- --role capture --may-update)',
      );
    }
    const request = await openRequest(deps.db, req, 'POST /v1/leads', null, body, { always: false });
    if (request?.replay) return void res.status(request.replay.status).json(request.replay.body);
    const outcome = await capture(routeDeps, body).catch(async (err: unknown) => {
      // Nothing was captured: the key is free for the retry.
      if (request && !request.earlier)
        await forgetRequest(deps.db, request.keyId, request.requestKey).catch(() => undefined);
      throw err;
    });
    const { leadId, workflowId, created, delivered } = outcome;
    // Stored, but Temporal did not confirm the capture: 202, never a 503 that would make the retry a second lead.
    const answer = delivered
      ? { status: created ? 201 : 200, body: { leadId, workflowId, created } }
      : { status: 202, body: { leadId, workflowId, created, status: 'stored', message: CAPTURE_NOT_CONFIRMED } };
    if (request) await answerRequest(deps.db, request.keyId, request.requestKey, 'done', answer);
    res.status(answer.status).json(answer.body);
  });

  v1.use(emailSafety.adminRoutes);
  // Larger bodies: 100 events a batch; an inbound reply carries its text.
  v1.use(eventRoutes(routeDeps, [requireJson, express.json({ limit: '64kb', strict: false })]));
  v1.use(inboundRoutes(routeDeps, [requireJson, express.json({ limit: '256kb', strict: false })]));
  v1.use(repAdminRoutes(routeDeps, json));
  v1.use(boardRoutes(routeDeps));
  v1.use(funnelRoutes({ ...routeDeps, scoringModel: deps.scoringModel }));
  v1.use(leadRoutes(routeDeps, json));

  app.use('/v1', v1);
  app.use(webRoutes());
  app.use((req, _res, next) => {
    // A path the API serves, with a method it does not: 405 naming the methods it does (RFC 9110 §15.5.6).
    const allow = allowedMethods(req.path);
    if (allow.length > 0 && !allow.includes(req.method))
      return next(
        new HttpError(
          405,
          'method_not_allowed',
          `${req.method} is not served on ${req.path}; it takes ${allow.join(', ')}`,
          undefined,
          { Allow: allow.join(', ') },
        ),
      );
    next(new HttpError(404, 'not_found', `No route for ${req.method} ${req.path}`));
  });
  app.use(errorHandler);
  return app;
}
