/**
 * Issue 12, one rule for what may be stored: every route that writes takes only text and times
 * PostgreSQL and the workflow can hold, and answers anything else with a 400 naming the field,
 * so no input can freeze a lead. Scenario tests pin the bugs found; test/write-routes-property.test.ts
 * throws random bodies at every write route.
 */
import { startStack, type Stack } from './helpers/stack';
import { waitUntil } from './helpers/wait';

let stack: Stack;
let tag: string;
let capture: Record<string, string>;
let rep: Record<string, string>;
let manager: Record<string, string>;
let inbound: Record<string, string>;

beforeAll(async () => {
  stack = await startStack('input-storable');
  tag = stack.taskQueue.slice(-6);
  await stack.addRep(`rep-${tag}`, 'Rep Storable', { country: `FI-${tag}`, city: 'Oulu' });
  [capture, rep, manager, inbound] = await Promise.all([
    stack.authAs('capture'),
    stack.authAs('rep', `rep-${tag}`),
    stack.authAs('manager'),
    stack.authAs('inbound'),
  ]);
});
afterAll(() => stack.close());

async function contactingLead(name: string): Promise<string> {
  const res = await stack.call('POST', '/v1/leads', capture, {
    email: `${name}.${Date.now()}@example.fi`,
    firstName: name,
    country: `FI-${tag}`,
    city: 'Oulu',
  });
  expect(res.status).toBe(201);
  const leadId: string = res.body.leadId;
  // Contacting, and its row assigned to the rep, so the rep's routes reach it (the row follows the workflow).
  await waitUntil(async () => (await stack.call('GET', `/v1/leads/${leadId}`, rep)).body.state?.stage === 'contacting');
  return leadId;
}

const fieldsOf = (body: { error?: { fields?: { field: string }[] } }) => body.error?.fields?.map((f) => f.field);

it('answers 400 naming note for a rep outcome whose note holds a NUL, and the lead still takes the next outcome', async () => {
  const leadId = await contactingLead('nul');
  const bad = await stack.call('POST', `/v1/leads/${leadId}/outcomes`, rep, {
    outcome: 'no_answer',
    note: 'rang\u0000twice',
  });
  expect(bad.status).toBe(400);
  expect(fieldsOf(bad.body)).toEqual(['note']);
  const started = Date.now();
  const good = await stack.call('POST', `/v1/leads/${leadId}/outcomes`, rep, {
    outcome: 'no_answer',
    note: 'rang twice\r\nno voicemail',
  });
  expect(good.status).toBe(200);
  expect(Date.now() - started).toBeLessThan(2_000);
  expect(good.body.state).toMatchObject({ stage: 'contacting', attempts: 1 });
});

it.each([
  ['a lone surrogate', 'half \ud83d of a smiley', 'must be valid Unicode (no lone surrogate)'],
  [
    'a control character',
    'bell \u0007',
    'must not contain NUL or control characters (tab and line breaks are fine), nor be blank',
  ],
  [
    'only spaces',
    ' \t\u00a0\u3000 ',
    'must not contain NUL or control characters (tab and line breaks are fine), nor be blank',
  ],
  [
    'longer than 500 characters (code points, as JSON Schema counts)',
    '😀'.repeat(501),
    'must be at most 500 characters',
  ],
])('answers 400 naming reason for a junk flag whose reason is %s', async (_what, reason, message) => {
  const leadId = await contactingLead('flag');
  const res = await stack.call('POST', `/v1/leads/${leadId}/flags`, rep, { reason });
  expect(res.status).toBe(400);
  expect(res.body.error.fields).toEqual([{ field: 'reason', message }]);
});

it('keeps characters of every plane that are valid Unicode: emoji, CJK, right-to-left text, tabs', async () => {
  const leadId = await contactingLead('unicode');
  const note = '😀 漢字 مرحبا\tΑθήνα 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 \u{10FFFD}';
  const res = await stack.call('POST', `/v1/leads/${leadId}/notes`, rep, { body: note });
  expect(res.status).toBe(201);
  expect(res.body.note.body).toBe(note);
});

it.each([
  ['/v1/leads/:id/activities', { kind: 'call', at: '2026-13-01T09:00:00Z' }, 'at'],
  [
    '/v1/leads/:id/outcomes',
    { outcome: 'no_answer', nextActivity: { kind: 'call', at: '1970-01-01T00:00:00Z' } },
    'nextActivity.at',
  ],
  [
    '/v1/leads/:id/outcomes',
    { outcome: 'no_answer', nextActivity: { kind: 'call', at: '9999-12-31T23:59:59Z' } },
    'nextActivity.at',
  ],
  [
    '/v1/leads/:id/outcomes',
    { outcome: 'no_answer', nextActivity: { kind: 'call', at: '2030-01-02T09:00:00' } },
    'nextActivity.at',
  ],
])(
  'answers 400 naming the field for a time outside 2000–2100 or without an offset (%s)',
  async (route, body, field) => {
    const leadId = await contactingLead('time');
    const res = await stack.call('POST', route.replace(':id', leadId), rep, body);
    expect(res.status).toBe(400);
    expect(fieldsOf(res.body)).toEqual([field]);
  },
);

it('answers 400 naming the field on capture, events and inbound for text PostgreSQL cannot store', async () => {
  const lead = await stack.call('POST', '/v1/leads', capture, {
    email: `ctl.${Date.now()}@example.fi`,
    company: 'Oy\u0000Ab',
    message: 'hello\u0000',
  });
  expect(lead.status).toBe(400);
  expect(fieldsOf(lead.body)).toEqual(['company', 'message']);
  const events = await stack.call('POST', '/v1/events', capture, {
    events: [{ type: 'download', email: 'x@example.fi', path: '/a\u001bb', at: '1999-12-31T23:59:59Z' }],
  });
  expect(events.status).toBe(400);
  expect(fieldsOf(events.body)).toEqual(['events.0.at', 'events.0.path']);
  const reply = await stack.call('POST', '/v1/inbound', inbound, {
    type: 'reply',
    from: 'x@example.fi',
    subject: 'Re:\ud800',
    text: 'fine\u0000',
  });
  expect(reply.status).toBe(400);
  expect(fieldsOf(reply.body)).toEqual(['subject', 'text']);
});
