/**
 * What operators and load balancers call: liveness, readiness (PostgreSQL and Temporal reachable),
 * Prometheus metrics, and the API's own documentation. No key: keep these off the public internet
 * at the load balancer if the metrics are not for everyone.
 */
import express from 'express';
import type { Client } from '@temporalio/client';
import type { Db } from '../db';
import type { HttpMetrics } from './request-observability';
import { docsPage, openApiDocument } from './openapi';

export interface OperationsDeps {
  db: Db;
  temporal: Client;
  metrics: HttpMetrics;
  /** How long each readiness check may take before it counts as failing. */
  readinessTimeoutMs?: number;
}

type Dependency = 'postgresql' | 'temporal';

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>(
    (_, reject) => (timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms} ms`)), ms)),
  );
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

export function operationsRoutes({
  db,
  temporal,
  metrics,
  readinessTimeoutMs = 3_000,
}: OperationsDeps): express.Router {
  const router = express.Router();
  let document: ReturnType<typeof openApiDocument> | undefined;
  let page: string | undefined;

  router.get('/healthz', (_req, res) => {
    res.set('Cache-Control', 'no-store').json({ status: 'ok' });
  });

  router.get('/readyz', async (req, res) => {
    const checks: Record<Dependency, () => Promise<unknown>> = {
      postgresql: () => db.query('SELECT 1'),
      temporal: () =>
        temporal.connection.withDeadline(Date.now() + readinessTimeoutMs, () =>
          temporal.workflowService.getSystemInfo({}),
        ),
    };
    const results = await Promise.all(
      (Object.keys(checks) as Dependency[]).map(async (name) => {
        try {
          // A second of slack: Temporal's own deadline should end its call (and its retries) first, so none outlives the answer.
          await withTimeout(checks[name](), readinessTimeoutMs + 1_000, name);
          return [name, 'ok'] as const;
        } catch (err) {
          return [name, `unreachable: ${(err as Error).message}`] as const;
        }
      }),
    );
    const failing = results.filter(([, status]) => status !== 'ok').map(([name]) => name);
    if (failing.length) req.log.warn({ failing }, 'not ready');
    res
      .status(failing.length ? 503 : 200)
      .set('Cache-Control', 'no-store')
      .json({
        ready: failing.length === 0,
        failing,
        checks: Object.fromEntries(results),
        // Not ready is an error like any other: the usual shape too, naming what is unreachable.
        ...(failing.length ? { error: { code: 'not_ready', message: `Unreachable: ${failing.join(', ')}` } } : {}),
      });
  });

  router.get('/metrics', async (_req, res) => {
    res.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });

  router.get('/openapi.json', (_req, res) => {
    res.json((document ??= openApiDocument()));
  });

  router.get('/docs', (_req, res) => {
    res.type('html').send((page ??= docsPage()));
  });

  return router;
}
