/**
 * Operating the API (issue 6): every route documented, request ids and JSON logs without personal
 * data, health and readiness, Prometheus metrics, rate limits and security headers. Real API,
 * worker, Temporal dev server, PostgreSQL and SMTP (test/helpers/stack.ts).
 */
import { Writable } from 'node:stream';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { Client, Connection } from '@temporalio/client';
import type express from 'express';
import { createApp } from '../api/app';
import { ErrorBodySchema, ROUTES } from '../api/openapi';
import { LeadPayloadCodec } from '../privacy/codec';
import { createDb, type Db } from '../db';
import { createLogger, REDACTED } from '../observability/logger';
import { freePort } from '../scripts/processes';
import { SECRET, startStack, uniqueTaskQueue, type Stack } from './helpers/stack';
import { waitUntil } from './helpers/wait';

/** A logger writing JSON lines into memory. */
function memoryLogger() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(...chunk.toString().split('\n').filter(Boolean));
      done();
    },
  });
  return {
    logger: createLogger({ level: 'info', destination }),
    lines,
    entries: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>),
  };
}

const email = (name: string) => `${name}.${Date.now()}.${Math.random().toString(36).slice(2, 6)}@example.fi`;

function post(stack: Stack, path: string, body: unknown, headers: Record<string, string> = {}) {
  return fetch(`${stack.apiUrl}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
}

interface Layer {
  route?: { path: string | string[]; methods: Record<string, boolean> };
  handle: { stack?: Layer[] };
  rawPath?: string | string[];
}

/** Every method + path the app serves, found by walking express's router stack (mounted routers included). */
function servedRoutes(app: express.Express): string[] {
  const found: string[] = [];
  const join = (prefix: string, path: string) => (prefix + (path === '/' ? '' : path)).replace(/\/+/g, '/') || '/';
  const walk = (stack: Layer[], prefix: string) => {
    for (const layer of stack) {
      if (layer.route) {
        const paths = Array.isArray(layer.route.path) ? layer.route.path : [layer.route.path];
        for (const method of Object.keys(layer.route.methods).filter((m) => m !== '_all'))
          for (const path of paths) found.push(`${method.toUpperCase()} ${join(prefix, path)}`);
      } else if (layer.handle.stack) {
        const mounts = Array.isArray(layer.rawPath) ? layer.rawPath : [layer.rawPath ?? '/'];
        for (const mount of mounts) walk(layer.handle.stack, join(prefix, mount));
      }
    }
  };
  walk((app as unknown as { router: { stack: Layer[] } }).router.stack, '');
  return [...new Set(found)];
}

describe('the OpenAPI document', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack('openapi', { worker: false });
  });
  afterAll(() => stack.close());

  it('documents every route createApp serves (a new route without an entry in api/openapi.ts fails here)', async () => {
    const app = createApp({
      db: stack.db,
      temporal: stack.client,
      taskQueue: stack.taskQueue,
      secret: SECRET,
      codec: new LeadPayloadCodec(stack.keys),
    });
    const served = servedRoutes(app);
    expect(served.length).toBeGreaterThan(10);
    const documented = new Set(ROUTES.map((r) => `${r.method.toUpperCase()} ${r.path}`));
    const missing = 'routes served but missing from ROUTES in api/openapi.ts (add one entry each)';
    expect({ [missing]: served.filter((route) => !documented.has(route)) }).toEqual({ [missing]: [] });

    // And the served document has each of them, as OpenAPI paths.
    const doc = (await (await fetch(`${stack.apiUrl}/openapi.json`)).json()) as {
      openapi: string;
      paths: Record<string, Record<string, unknown>>;
    };
    expect(doc.openapi).toMatch(/^3\./);
    for (const route of served) {
      const [method, path] = route.split(' ') as [string, string];
      expect({
        route,
        operation: doc.paths[path.replace(/:(\w+)/g, '{$1}')]?.[method.toLowerCase()] !== undefined,
      }).toEqual({ route, operation: true });
    }
  });

  it("names each route's roles and the error shape", async () => {
    const doc = (await (await fetch(`${stack.apiUrl}/openapi.json`)).json()) as {
      paths: Record<
        string,
        Record<
          string,
          {
            security: unknown[];
            'x-ripen-roles': string[];
            responses: Record<string, { content?: Record<string, { schema: unknown }> }>;
            requestBody?: unknown;
          }
        >
      >;
      components: {
        schemas: Record<string, unknown>;
        securitySchemes: Record<string, { type: string; scheme: string }>;
      };
    };
    const capture = doc.paths['/v1/leads']!.post!;
    expect(capture['x-ripen-roles']).toEqual(['capture']);
    expect(capture.security).toEqual([{ apiKey: [] }]);
    expect(capture.requestBody).toBeDefined();
    expect(capture.responses['400']!.content!['application/json']!.schema).toEqual({
      $ref: '#/components/schemas/Error',
    });
    expect(capture.responses['429']).toBeDefined();
    expect(doc.paths['/v1/leads/{id}/outcomes']!.post!['x-ripen-roles']).toEqual(['rep', 'manager']);
    expect(doc.paths['/u/{token}']!.post!.security).toEqual([]);
    expect(doc.components.securitySchemes.apiKey).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(doc.components.schemas.Error).toMatchObject({ properties: { error: { required: ['code', 'message'] } } });
  });

  it('documents the error shape the API really answers with (400 naming fields, 401)', async () => {
    const bad = await post(
      stack,
      '/v1/leads',
      { email: 'not-an-address', shoeSize: 44 },
      await stack.authAs('capture'),
    );
    expect(bad.status).toBe(400);
    const body = ErrorBodySchema.strict().parse(await bad.json());
    expect(body.error.fields?.map((f) => f.field).sort()).toEqual(['email', 'shoeSize']);
    const unauthorized = await post(stack, '/v1/leads', { email: email('x') });
    expect(unauthorized.status).toBe(401);
    expect(ErrorBodySchema.strict().parse(await unauthorized.json()).error.code).toBe('unauthorized');
  });

  it('serves a docs page listing the operations with their roles', async () => {
    const res = await fetch(`${stack.apiUrl}/docs`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/text\/html/);
    const html = await res.text();
    expect(html).toContain('<code>/v1/leads/{id}/handoff</code>');
    expect(html).toMatch(/<code>POST<\/code><\/td><td><code>\/v1\/leads<\/code><\/td><td>capture \(or admin\)/);
    expect(html).toContain('openapi.json');
  });
});

describe('request ids and JSON logs', () => {
  const log = memoryLogger();
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack('logs', { app: { logger: log.logger } });
  });
  afterAll(() => stack.close());

  it('logs each request with its id and lead id, and never the e-mail address or the name', async () => {
    const address = email('ilmari');
    const res = await post(
      stack,
      '/v1/leads',
      { email: address, firstName: 'Ilmari', lastName: 'Korhonen-Lehtola', company: 'Tornion Teräs' },
      { ...(await stack.authAs('capture')), 'x-request-id': 'form-backend.42' },
    );
    expect(res.status).toBe(201);
    expect(res.headers.get('x-request-id')).toBe('form-backend.42');
    const { leadId } = (await res.json()) as { leadId: string };

    const read = await fetch(`${stack.apiUrl}/v1/leads/${leadId}`, { headers: await stack.authAs('manager') });
    expect(read.status).toBe(200);
    const readId = read.headers.get('x-request-id');
    expect(readId).toMatch(/^[0-9a-f-]{36}$/); // none sent: a new one

    await waitUntil(async () => log.entries().some((e) => e.reqId === readId));
    const entries = log.entries();
    expect(entries.find((e) => e.reqId === 'form-backend.42')).toMatchObject({
      level: 'info',
      msg: 'request',
      method: 'POST',
      route: '/v1/leads',
      status: 201,
      leadId,
      role: 'capture',
    });
    expect(entries.find((e) => e.reqId === readId)).toMatchObject({ route: '/v1/leads/:id', status: 200, leadId });
    const all = log.lines.join('\n');
    for (const personal of [address, 'ilmari.', 'Ilmari', 'Korhonen-Lehtola']) expect(all).not.toContain(personal);
  });

  it('replaces a request id that is not a safe token', async () => {
    const res = await fetch(`${stack.apiUrl}/healthz`, { headers: { 'x-request-id': 'evil\tinjected {"a":1}' } });
    expect(res.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('redacts personal fields wherever they are nested, and masks addresses in error messages', () => {
    const own = memoryLogger();
    own.logger.info(
      {
        lead: { email: 'aino@example.fi', firstName: 'Aino', phone: '+358 40 123' },
        row: { to_address: 'aino@example.fi' },
        err: new Error('550 5.1.1 <aino@example.fi>: no such user'),
      },
      'sending to aino@example.fi failed',
    );
    own.logger.warn(
      {
        err: new Error(
          'at connect (/app/node_modules/@temporalio/worker/lib/connection.js:249:15) for väinö.ö@kemi.example.fi',
        ),
      },
      'stack',
    );
    const [line] = own.lines;
    expect(line).not.toContain('aino@example.fi');
    expect(line).not.toContain('Aino');
    expect(line).not.toContain('+358');
    const entry = JSON.parse(line!) as {
      lead: Record<string, string>;
      row: Record<string, string>;
      err: { message: string };
      msg: string;
    };
    expect(entry.lead).toEqual({ email: REDACTED, firstName: REDACTED, phone: REDACTED });
    expect(entry.row.to_address).toBe(REDACTED);
    expect(entry.err.message).toBe('550 5.1.1 <[email]>: no such user');
    expect(entry.msg).toBe('sending to [email] failed');
    // A scoped package path is not an address; a non-ASCII address is; an error keeps its name.
    const stack = JSON.parse(own.lines[1]!) as { err: { message: string; type: string } };
    expect(stack.err.message).toBe(
      'at connect (/app/node_modules/@temporalio/worker/lib/connection.js:249:15) for [email]',
    );
  });
});

describe('health, readiness and metrics', () => {
  let stack: Stack;
  const closers: (() => Promise<unknown>)[] = [];
  beforeAll(async () => {
    stack = await startStack('health', { worker: false });
  });
  afterAll(async () => {
    for (const close of closers.reverse()) await close();
    await stack.close();
  });

  async function serve(db: Db, temporal: Client): Promise<string> {
    const app = createApp({ db, temporal, taskQueue: uniqueTaskQueue('readyz'), secret: SECRET });
    const server = await new Promise<Server>((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
    closers.push(() => new Promise((resolve) => server.close(resolve)));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  it('answers /healthz and /readyz when PostgreSQL and Temporal are reachable', async () => {
    const health = await fetch(`${stack.apiUrl}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok' });
    const ready = await fetch(`${stack.apiUrl}/readyz`);
    expect(await ready.json()).toEqual({ ready: true, failing: [], checks: { postgresql: 'ok', temporal: 'ok' } });
    expect(ready.status).toBe(200);
  });

  it('answers /readyz 503 naming Temporal when it is unreachable (and /healthz still 200)', async () => {
    // No retry interceptor: a retry the SDK scheduled before the deadline would otherwise start after
    // afterAll closed the connection, and throw 'Channel has been shut down' outside any test.
    const connection = Connection.lazy({ address: `127.0.0.1:${await freePort()}`, interceptors: [] });
    closers.push(() => connection.close());
    const url = await serve(stack.db, new Client({ connection }));
    const res = await fetch(`${url}/readyz`);
    expect(res.status).toBe(503);
    const body = (await res.json()) as {
      failing: string[];
      checks: Record<string, string>;
      error: { code: string; message: string };
    };
    expect(body.failing).toEqual(['temporal']);
    expect(body.checks.postgresql).toBe('ok');
    expect(body.checks.temporal).toMatch(/^unreachable: /);
    expect(body.error).toEqual({ code: 'not_ready', message: 'Unreachable: temporal' });
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
  });

  it('answers /readyz 503 naming PostgreSQL when it is unreachable', async () => {
    const db = createDb(`postgres://postgres@127.0.0.1:${await freePort()}/ripen`);
    closers.push(() => db.close());
    const url = await serve(db, stack.client);
    const res = await fetch(`${url}/readyz`);
    expect(res.status).toBe(503);
    const body = (await res.json()) as { failing: string[]; checks: Record<string, string> };
    expect(body.failing).toEqual(['postgresql']);
    expect(body.checks.temporal).toBe('ok');
  });

  it('counts requests and latencies by route template and status for Prometheus', async () => {
    const manager = await stack.authAs('manager');
    const unknownLead = '00000000-0000-4000-8000-000000000000';
    for (let i = 0; i < 2; i++)
      expect((await fetch(`${stack.apiUrl}/v1/leads/${unknownLead}`, { headers: manager })).status).toBe(404);
    expect((await fetch(`${stack.apiUrl}/no/such/route`)).status).toBe(404);

    const res = await fetch(`${stack.apiUrl}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/text\/plain/);
    const text = await res.text();
    expect(text).toContain('ripen_http_requests_total{method="GET",route="/v1/leads/:id",status="404"} 2');
    expect(text).toContain('ripen_http_requests_total{method="GET",route="unmatched",status="404"} 1');
    expect(text).toMatch(
      /ripen_http_request_duration_seconds_bucket\{le="\+Inf",method="GET",route="\/v1\/leads\/:id",status="404"\} 2/,
    );
    expect(text).not.toContain(unknownLead); // never a raw path as a label
  });
});

describe('rate limits and security headers', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack('limits', {
      worker: false,
      app: { rateLimits: { capturePerWindow: 2, publicPerWindow: 3, windowMs: 60_000 } },
    });
  });
  afterAll(() => stack.close());

  it('answers 429 with Retry-After once a client exceeds the capture limit', async () => {
    const auth = await stack.authAs('capture');
    // Bad bodies count too: the limit runs before the key and the body are looked at.
    const badBody = await post(stack, '/v1/leads', { email: 'nope' }, auth);
    expect({ status: badBody.status, body: await badBody.json() }).toMatchObject({
      status: 400,
      body: { error: { code: 'invalid_request', fields: [{ field: 'email' }] } },
    });
    const noKey = await post(stack, '/v1/leads', {});
    expect({ status: noKey.status, body: await noKey.json() }).toMatchObject({
      status: 401,
      body: { error: { code: 'unauthorized' } },
    });
    const limited = await post(stack, '/v1/leads', { email: email('flood') }, auth);
    expect(limited.status).toBe(429);
    const retryAfter = Number(limited.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(ErrorBodySchema.parse(await limited.json()).error.code).toBe('rate_limited');
    // Other routes are not limited by it.
    expect((await fetch(`${stack.apiUrl}/v1/admin/flags`, { headers: await stack.authAs('admin') })).status).toBe(200);
  });

  it('limits the public e-mail links (unsubscribe and tracking) per client', async () => {
    const statuses: number[] = [];
    for (const path of ['/u/bad-token', '/u/bad-token', '/t/o/bad-token', '/u/bad-token'])
      statuses.push((await fetch(`${stack.apiUrl}${path}`)).status);
    expect(statuses.slice(0, 3).every((s) => s !== 429)).toBe(true);
    expect(statuses[3]).toBe(429);
  });

  it("sends helmet's security headers, letting mail clients load the open pixel cross-origin", async () => {
    const res = await fetch(`${stack.apiUrl}/healthz`);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('x-frame-options')).toBe('SAMEORIGIN');
    expect(res.headers.get('strict-transport-security')).toMatch(/max-age=\d+/);
    expect(res.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(res.headers.get('content-security-policy')).not.toContain('upgrade-insecure-requests');
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    expect(res.headers.get('cross-origin-resource-policy')).toBe('cross-origin');
    expect(res.headers.get('x-powered-by')).toBeNull();
  });
});
