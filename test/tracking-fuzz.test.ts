/**
 * Fuzz: a few thousand malformed requests at the public tracking and unsubscribe routes and at
 * /v1/events and /v1/inbound, through the real API and database. Bad input is the client's
 * mistake: never a 5xx, nothing recorded, and the server still answers afterwards. The generator
 * is seeded; a failure prints the seed and the first offending requests.
 */
import { randomUUID } from 'node:crypto';
import { signToken } from '../privacy/tokens';
import { SECRET, startStack, type Stack } from './helpers/stack';

let stack: Stack;
let capture: Record<string, string>;
let inbound: Record<string, string>;

beforeAll(async () => {
  // Every request reaches the routes' own parsing: the test stack sets no rate limit (operations.test.ts tests it).
  stack = await startStack('tracking-fuzz', { worker: false });
  [capture, inbound] = await Promise.all([stack.authAs('capture'), stack.authAs('inbound')]);
});
afterAll(() => stack.close());

/** mulberry32: small, seedable, good enough to pick cases. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SEED = Number(process.env.FUZZ_SEED ?? Date.now() % 1_000_000);
const random = prng(SEED);
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
const int = (max: number) => Math.floor(random() * max);

const CHARS = 'abcXYZ0189._-~%/\\?#&=+:;@!$\'"()*,[]{}<> \t\u0000\u00e4\u00f6\u{1F600}\u202e';
const junk = (max = 80) => Array.from({ length: int(max) }, () => pick([...CHARS])).join('');

function token(): string {
  const ref = 'A'.repeat(22);
  return pick([
    () => junk(),
    () => junk(6000),
    () => '%ZZ%E0%A4%A',
    () => '..%2F..%2Fetc%2Fpasswd',
    () => `o.${ref}.${'B'.repeat(32)}`,
    () => `c.${ref}.999.${'B'.repeat(32)}`,
    () => `c.${ref}.-1.${'B'.repeat(32)}`,
    () =>
      signToken(SECRET, {
        kind: pick(['open', 'click', 'unsubscribe'] as const),
        emailRef: junk(22)
          .replace(/[^A-Za-z0-9_-]/g, 'x')
          .padEnd(22, 'x'),
        link: int(3),
      }),
    () => signToken('not-our-secret-000000000000000000000', { kind: 'open', emailRef: ref }),
    () => `${signToken(SECRET, { kind: 'open', emailRef: ref })}${junk(3)}`,
    () => encodeURIComponent(junk()),
  ])();
}

/** Any JSON value, nested a few levels. */
function value(depth = 0): unknown {
  const leaves = [
    () => null,
    () => true,
    () => int(1e9) - 5e8,
    () => 1e308,
    () => -0,
    () => junk(),
    () => '',
    () => randomUUID(),
    () => new Date(int(4e12)).toISOString(),
  ];
  if (depth > 3) return pick(leaves)();
  return pick([
    ...leaves,
    () => Array.from({ length: int(5) }, () => value(depth + 1)),
    () =>
      Object.fromEntries(
        Array.from({ length: int(5) }, () => [
          pick(['type', 'leadId', 'email', 'path', 'at', 'requestId', '__proto__', 'constructor', junk(10)]),
          value(depth + 1),
        ]),
      ),
  ])();
}

const EVENT_FIELDS = {
  type: ['page_visit', 'pricing_page_visit', 'download', 'form_submit', 'email_open', 'reply', ''],
  path: ['/', '/pricing', ''],
};

function event(): Record<string, unknown> {
  const e: Record<string, unknown> = {
    type: pick(EVENT_FIELDS.type),
    [pick(['leadId', 'email'])]: pick([randomUUID(), 'nobody@example.invalid', junk(40)]),
  };
  if (random() < 0.6) e.path = pick([...EVENT_FIELDS.path, junk(300)]);
  if (random() < 0.3)
    e.at = pick([new Date().toISOString(), 'tomorrow', new Date(Date.now() + 86_400_000).toISOString(), int(1e12)]);
  if (random() < 0.3) e.requestId = pick([junk(30), randomUUID(), 'x'.repeat(300)]);
  if (random() < 0.3) e[pick(['type', 'leadId', 'email', 'path', 'at', 'requestId'])] = value(2);
  return e;
}

function inboundBody(): Record<string, unknown> {
  const b: Record<string, unknown> = { type: pick(['reply', 'bounce', 'complaint', 'unsubscribe', 5]) };
  if (random() < 0.5) b.messageId = pick([`<${randomUUID()}@ripen.test>`, junk(), '<>']);
  if (random() < 0.5) b[pick(['from', 'to'])] = pick([`${randomUUID()}@example.invalid`, junk(40), '']);
  if (random() < 0.5) b.subject = pick(['Out of office', 'Re: hello', junk(2000)]);
  if (random() < 0.4)
    b.headers = pick([
      { 'In-Reply-To': junk() },
      { 'Auto-Submitted': ['auto-replied', junk()] },
      value(2),
      { [junk(300)]: 'x' },
    ]);
  if (random() < 0.3) b.text = junk(500);
  if (random() < 0.2) b.bounce = pick(['hard', 'soft', 'medium']);
  if (random() < 0.3) b[pick(['type', 'messageId', 'from', 'to', 'subject', 'headers', 'at', 'id'])] = value(2);
  return b;
}

interface Attempt {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string;
}

function attempt(): Attempt {
  const kind = pick(['open', 'click', 'unsubscribe', 'unsubscribe-post', 'events', 'inbound'] as const);
  const auth = (): Record<string, string> =>
    random() < 0.85
      ? kind === 'inbound'
        ? inbound
        : capture
      : pick<Record<string, string>>([
          {},
          { authorization: 'Bearer nope' },
          { authorization: junk(30).replace(/[^\x20-\x7e]/g, '') },
        ]);
  const bodyText = (build: () => unknown) =>
    pick([
      () => JSON.stringify(build()),
      () => JSON.stringify(value()),
      () => `{"events": [${junk(40)}`,
      () => '',
      () => JSON.stringify({ events: Array.from({ length: 100 + int(60) }, event) }),
      () => JSON.stringify({ events: [{ type: 'download', leadId: randomUUID(), path: 'x'.repeat(70_000) }] }),
    ])();
  const contentType = () =>
    pick([
      'application/json',
      'application/json',
      'application/json',
      'text/plain',
      'application/json; charset=latin9',
      'application/x-www-form-urlencoded',
    ]);
  switch (kind) {
    case 'open':
      return { method: pick(['GET', 'HEAD']), path: `/t/o/${token()}`, headers: {} };
    case 'click':
      return {
        method: pick(['GET', 'HEAD']),
        path: `/t/c/${token()}${random() < 0.3 ? `?url=${junk(20)}` : ''}`,
        headers: {},
      };
    case 'unsubscribe':
      return { method: 'GET', path: `/u/${token()}`, headers: {} };
    case 'unsubscribe-post':
      return {
        method: 'POST',
        path: `/u/${token()}`,
        headers: { 'content-type': contentType() },
        body: pick(['List-Unsubscribe=One-Click', junk(200), '']),
      };
    case 'events':
      return {
        method: 'POST',
        path: '/v1/events',
        headers: { 'content-type': contentType(), ...auth() },
        body: bodyText(() => ({ events: Array.from({ length: int(6) }, event) })),
      };
    case 'inbound':
      return {
        method: 'POST',
        path: '/v1/inbound',
        headers: { 'content-type': contentType(), ...auth() },
        body: bodyText(inboundBody),
      };
  }
}

it('answers thousands of malformed tracking, unsubscribe, events and inbound requests without a 5xx, records nothing, and stays up', async () => {
  const count = async (table: string) =>
    (await stack.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`))[0]!.n;
  const touchesBefore = await count('touches');
  const failures: string[] = [];
  const statuses = new Map<number, number>();
  const TOTAL = 3_000;
  let sent = 0;
  const client = async () => {
    while (sent < TOTAL) {
      sent += 1;
      const a = attempt();
      let status: number;
      try {
        const res = await fetch(`${stack.apiUrl}${a.path}`, {
          method: a.method,
          headers: a.headers,
          body: a.body,
          redirect: 'manual',
        });
        await res.arrayBuffer();
        status = res.status;
      } catch (err) {
        // The client refusing to send it (an illegal header value) is not the server's answer.
        if (
          err instanceof TypeError &&
          /header|invalid|ByteString/i.test(String((err as Error & { cause?: Error }).cause ?? err.message))
        )
          continue;
        status = -1;
        failures.push(`${a.method} ${a.path.slice(0, 120)} → ${(err as Error).message}`);
      }
      statuses.set(status, (statuses.get(status) ?? 0) + 1);
      if (status >= 500)
        failures.push(`${a.method} ${a.path.slice(0, 120)} ${a.body?.slice(0, 200) ?? ''} → ${status}`);
    }
  };
  await Promise.all(Array.from({ length: 12 }, client));

  expect({ seed: SEED, failures: failures.slice(0, 5) }).toEqual({ seed: SEED, failures: [] });
  expect([...statuses.keys()].every((s) => s >= 200 && s < 500)).toBe(true);
  expect(statuses.get(404)).toBeGreaterThan(0); // bad tokens
  expect(statuses.get(400)).toBeGreaterThan(0); // bad bodies
  expect(await count('touches')).toBe(touchesBefore);

  // Still up, and still right.
  const unknown = await fetch(`${stack.apiUrl}/t/o/not-a-token`);
  expect({ status: unknown.status, body: await unknown.json() }).toMatchObject({
    status: 404,
    body: { error: { code: 'not_found', message: 'Unknown link' } },
  });
  const ok = await fetch(`${stack.apiUrl}/v1/events`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...capture },
    body: JSON.stringify({ events: [{ type: 'download', leadId: randomUUID() }] }),
  });
  expect(ok.status).toBe(200);
  expect(await ok.json()).toMatchObject({ results: [{ index: 0, status: 'unknown_lead' }] });
});
