/**
 * Every request gets an id (X-Request-Id: the caller's if valid, else a new one; echoed back), a
 * logger carrying it (`req.log`), one JSON log line when it ends, and Prometheus counts and
 * latencies. Labels and log lines name the documented route template (`/v1/leads/:id`) and the
 * lead id, never the raw URL (e-mail link tokens) nor a body (personal data).
 */
import { randomUUID } from 'node:crypto';
import type { RequestHandler } from 'express';
import { Counter, Histogram, Registry } from 'prom-client';
import type { Logger } from '../observability/logger';
import { routeTemplate } from './openapi';

declare module 'express-serve-static-core' {
  interface Request {
    /** This request's logger: the process logger with `reqId`. */
    log: Logger;
    id: string;
  }
}

const REQUEST_ID = /^[\w.:-]{1,128}$/;
const LEAD_IN_PATH = /\/leads\/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})(?:\/|$)/i;

export interface HttpMetrics {
  registry: Registry;
  requests: Counter<'method' | 'route' | 'status'>;
  duration: Histogram<'method' | 'route' | 'status'>;
}

/** The API's metrics on a registry of their own (several apps can live in one process: tests). */
export function createHttpMetrics(registry = new Registry()): HttpMetrics {
  return {
    registry,
    requests: new Counter({
      name: 'ripen_http_requests_total',
      help: 'HTTP requests answered, by route template and status',
      labelNames: ['method', 'route', 'status'],
      registers: [registry],
    }),
    duration: new Histogram({
      name: 'ripen_http_request_duration_seconds',
      help: 'Time to answer an HTTP request, by route template and status',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    }),
  };
}

/** The first middleware: request id, request logger, and on finish the log line and the metrics. */
export function observeRequests(logger: Logger, metrics: HttpMetrics): RequestHandler {
  return (req, res, next) => {
    const started = process.hrtime.bigint();
    const given = req.get('x-request-id');
    req.id = given !== undefined && REQUEST_ID.test(given) ? given : randomUUID();
    res.set('X-Request-Id', req.id);
    req.log = logger.child({ reqId: req.id });

    // A lead id in the answer (capture, erase) names the lead in the log line too.
    let answeredLeadId: string | undefined;
    const json = res.json.bind(res);
    res.json = (body?: unknown) => {
      const leadId = (body as { leadId?: unknown } | null | undefined)?.leadId;
      if (typeof leadId === 'string') answeredLeadId = leadId;
      return json(body);
    };

    const path = req.path;
    res.once('finish', () => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const route = routeTemplate(req.method, path) ?? 'unmatched';
      const labels = { method: req.method, route, status: String(res.statusCode) };
      metrics.requests.inc(labels);
      metrics.duration.observe(labels, seconds);
      const leadId = LEAD_IN_PATH.exec(path)?.[1] ?? answeredLeadId;
      // 503 is a dependency down (readiness says which), not a bug: warn. A 500 is a bug: error.
      const level = res.statusCode >= 500 && res.statusCode !== 503 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info';
      req.log[level](
        {
          method: req.method,
          route,
          status: res.statusCode,
          durationMs: Math.round(seconds * 1000),
          ...(leadId ? { leadId } : {}),
          ...(req.principal ? { keyId: req.principal.keyId, role: req.principal.role } : {}),
        },
        'request',
      );
    });
    next();
  };
}
