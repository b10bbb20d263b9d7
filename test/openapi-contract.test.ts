/**
 * Issue 12, item 8: the OpenAPI document says what the API enforces. Schemathesis (installed into
 * .tools/ by scripts/tools.ts) generates requests from /openapi.json — valid ones, which must be
 * accepted, and invalid ones, which must be refused with a documented 4xx — against the test
 * stack's API, and fails on any finding. Methods a path does not serve are 405 with Allow.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { ensureSchemathesis } from '../scripts/tools';
import { startStack, type Stack } from './helpers/stack';

const RESULTS = path.join(__dirname, '..', 'test-results');
/** Schemathesis's whole run; CI's budget for it. */
const RUN_BUDGET_MS = 120_000;

let stack: Stack;
let admin: Record<string, string>;
let leadId: string;

beforeAll(async () => {
  // With a worker: the lead routes answer from a running workflow, as in production.
  stack = await startStack('openapi-contract');
  admin = await stack.authAs('admin');
  const lead = await stack.call('POST', '/v1/leads', admin, {
    email: `contract.${Date.now()}@example.fi`,
    firstName: 'Aino',
    city: 'Oulu',
  });
  expect(lead.status).toBe(201);
  leadId = lead.body.leadId;
});
afterAll(() => stack.close());

it.each([
  ['DELETE', '/v1/leads', 'POST, GET, HEAD'],
  ['PUT', '/v1/leads/0b7f3e4c-0000-4000-8000-000000000000', 'GET, HEAD'],
  ['GET', '/v1/events', 'POST'],
  ['PATCH', '/healthz', 'GET, HEAD'],
])('answers 405 with Allow for %s %s, a method the path does not serve', async (method, route, allow) => {
  const res = await fetch(`${stack.apiUrl}${route}`, { method, headers: admin });
  expect(res.status).toBe(405);
  expect(res.headers.get('allow')).toBe(allow);
  expect(((await res.json()) as { error: { code: string } }).error.code).toBe('method_not_allowed');
});

it('answers OPTIONS with the methods the path serves', async () => {
  const res = await fetch(`${stack.apiUrl}/v1/leads/x/outcomes`, { method: 'OPTIONS', headers: admin });
  expect(res.status).toBeLessThan(300);
  expect(res.headers.get('allow')).toContain('POST');
});

it('answers 404, not 405, for a path the API does not serve', async () => {
  const res = await fetch(`${stack.apiUrl}/v1/nothing-here`, { method: 'DELETE', headers: admin });
  expect({ status: res.status, allow: res.headers.get('allow'), body: await res.json() }).toMatchObject({
    status: 404,
    allow: null,
    body: { error: { code: 'not_found' } },
  });
});

it('documents the rules the API enforces beyond each field: e-mail or phone, lead by id or e-mail, the cursor, the times', async () => {
  const doc = (await (await fetch(`${stack.apiUrl}/openapi.json`)).json()) as any;
  const body = (p: string) => doc.paths[p].post.requestBody.content['application/json'].schema;
  expect(body('/v1/leads').anyOf).toEqual([{ required: ['email'] }, { required: ['phone'] }]);
  expect(body('/v1/events').properties.events.items.allOf[0]).toEqual({
    oneOf: [{ required: ['leadId'] }, { required: ['email'] }],
  });
  const cursor = doc.paths['/v1/board'].get.parameters.find((p: { name: string }) => p.name === 'cursor').schema
    .pattern;
  expect(new RegExp(cursor).test('2026-05-04T09:00:00.000Z~1~infinity~0b7f3e4c-0000-4000-8000-000000000000')).toBe(
    true,
  );
  expect(new RegExp(cursor).test('bm90LWEtY3Vyc29y')).toBe(false);
  const at = new RegExp(body('/v1/leads/{id}/activities').properties.at.pattern);
  expect(['2026-05-04T09:00:00+03:00', '2000-02-29T00:00:00Z'].map((t) => at.test(t))).toEqual([true, true]);
  expect(
    ['1999-12-31T23:59:59Z', '2101-01-01T00:00:00Z', '2026-02-29T00:00:00Z', '2026-05-04T09:00:00'].map((t) =>
      at.test(t),
    ),
  ).toEqual([false, false, false, false]);
  expect(doc.paths['/v1/leads/{id}/outcomes'].post.responses['202']).toBeDefined();
  expect(doc.paths['/v1/leads/{id}/outcomes'].post.parameters).toEqual(
    expect.arrayContaining([expect.objectContaining({ in: 'header', name: 'Idempotency-Key' })]),
  );
});

it(
  'passes Schemathesis: every generated request answered as the document says, no server error',
  async () => {
    const st = ensureSchemathesis();
    mkdirSync(RESULTS, { recursive: true });
    const args = [
      '--config-file',
      path.join(__dirname, 'schemathesis.toml'),
      'run',
      `${stack.apiUrl}/openapi.json`,
      '--url',
      stack.apiUrl,
      '--header',
      `Authorization:${admin.authorization}`,
      '--checks',
      'all',
      '--max-examples',
      '5',
      '--seed',
      process.env.SCHEMATHESIS_SEED ?? '1207',
      '--workers',
      '2',
      '--request-timeout',
      '20',
      '--phases',
      'coverage,fuzzing',
      '--no-shrink',
      '--output-truncate',
      'true',
    ];
    const { code, output } = await new Promise<{ code: number | null; output: string }>((resolve) => {
      // In test-results/: Schemathesis keeps its cache of earlier findings in its working directory.
      const child = spawn(st, args, {
        cwd: RESULTS,
        env: { ...process.env, NO_COLOR: '1', RIPEN_CONTRACT_LEAD_ID: leadId },
      });
      let output = '';
      child.stdout.on('data', (d) => (output += d));
      child.stderr.on('data', (d) => (output += d));
      // Never outlive the test: a run still going when the stack closes would only report a closed database.
      const stop = setTimeout(() => child.kill('SIGTERM'), RUN_BUDGET_MS);
      child.on('close', (c) => {
        clearTimeout(stop);
        resolve({ code: c, output });
      });
    });
    writeFileSync(path.join(RESULTS, 'schemathesis.txt'), output);
    // The whole report on failure: each finding with the request that reproduces it.
    expect({ code, output: code === 0 ? '' : output }).toEqual({ code: 0, output: '' });
  },
  RUN_BUDGET_MS + 10_000,
);
