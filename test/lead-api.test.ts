/**
 * Reps and admins act on leads through the API, against the real dev server, database and SMTP:
 * outcomes, idempotent repeats, who may act on which lead, and 409s on closed leads.
 */
import { startStack, type Stack } from './helpers/stack';
import { waitUntil } from './helpers/wait';

let stack: Stack;
let tag: string;
let capture: Record<string, string>;
let oulu: Record<string, string>;
let helsinki: Record<string, string>;
let admin: Record<string, string>;

beforeAll(async () => {
  stack = await startStack('lead-api');
  tag = stack.taskQueue.slice(-6);
  for (const [id, city] of [
    ['oulu', 'Oulu'],
    ['helsinki', 'Helsinki'],
  ]) {
    await stack.addRep(`${id}-${tag}`, `Rep ${id}`, { country: `FI-${tag}`, city });
  }
  [capture, oulu, helsinki, admin] = await Promise.all([
    stack.authAs('capture'),
    stack.authAs('rep', `oulu-${tag}`),
    stack.authAs('rep', `helsinki-${tag}`),
    stack.authAs('admin'),
  ]);
});
afterAll(() => stack.close());

const call: Stack['call'] = (...args) => stack.call(...args);

async function ouluLead(name: string): Promise<string> {
  const res = await call('POST', '/v1/leads', capture, {
    email: `${name}.${Date.now()}@example.fi`,
    firstName: name,
    country: `FI-${tag}`,
    city: 'Oulu',
  });
  expect(res.status).toBe(201);
  const leadId: string = res.body.leadId;
  // Wait until the workflow has routed the lead and started contacting.
  for (let i = 0; i < 200; i++) {
    const got = await call('GET', `/v1/leads/${leadId}`, admin);
    if (got.body.state?.stage === 'contacting' && got.body.state.assignedRep) return leadId;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('lead never reached contacting');
}

it('records a rep outcome and shows it in the lead state and timeline (R7, R8, R21)', async () => {
  const leadId = await ouluLead('aino');
  const res = await call('POST', `/v1/leads/${leadId}/outcomes`, oulu, {
    outcome: 'no_answer',
    note: 'rang twice',
    nextActivity: { kind: 'call', at: '2030-01-02T09:00:00+02:00' },
  });
  expect(res.status).toBe(200);
  expect(res.body.state).toMatchObject({ stage: 'contacting', attempts: 1, assignedRep: `oulu-${tag}` });
  // The update answers once decided; the outcome's touch and the rep's task are effects written just after.
  await waitUntil(
    async () =>
      (await call('GET', `/v1/leads/${leadId}`, oulu)).body.timeline.some(
        (e: { kind?: string }) => e.kind === 'outcome',
      ) &&
      (await stack.db.query('SELECT 1 FROM tasks WHERE lead_id = $1 AND due_at = $2', [leadId, '2030-01-02T07:00:00Z']))
        .length === 1,
  );
  const lead = await call('GET', `/v1/leads/${leadId}`, oulu);
  expect(lead.status).toBe(200);
  expect(lead.body.running).toBe(true);
  expect(lead.body.lead).toMatchObject({ firstName: 'aino', assignedRep: `oulu-${tag}`, stage: 'contacting' });
  // R14: the score with the model and version that gave it, and the action behind each point.
  expect(lead.body.score).toMatchObject({ model: 'icp-2026', modelVersion: 1, grade: 'cold' });
  expect(lead.body.score.breakdown).toEqual(
    expect.arrayContaining([expect.objectContaining({ id: 'capture', points: 10, basePoints: 10 })]),
  );
  const kinds = lead.body.timeline.map((e: { type: string; kind?: string; to?: string }) =>
    e.type === 'stage' ? `stage:${e.to}` : e.type === 'touch' ? `touch:${e.kind}` : e.type,
  );
  expect(kinds).toEqual(expect.arrayContaining(['touch:capture', 'stage:contacting', 'email', 'touch:outcome']));
  const outcomeTouch = lead.body.timeline.find((e: { kind?: string }) => e.kind === 'outcome');
  expect(outcomeTouch.details).toMatchObject({ outcome: 'no_answer', note: 'rang twice', by: `rep:oulu-${tag}` });
  expect(
    await stack.db.query("SELECT kind FROM tasks WHERE lead_id = $1 AND due_at = '2030-01-02T07:00:00Z'", [leadId]),
  ).toEqual([{ kind: 'call' }]);
});

it('applies a repeated request with the same Idempotency-Key once', async () => {
  const leadId = await ouluLead('matti');
  const headers = { 'idempotency-key': `outcome-${leadId}` };
  const first = await call('POST', `/v1/leads/${leadId}/outcomes`, oulu, { outcome: 'voicemail' }, headers);
  const second = await call('POST', `/v1/leads/${leadId}/outcomes`, oulu, { outcome: 'voicemail' }, headers);
  expect(first.status).toBe(200);
  expect(second.status).toBe(200);
  expect(second.body.state.attempts).toBe(1);
  expect(second.body.state).toEqual(first.body.state);
  await waitUntil(
    async () =>
      (await stack.db.query("SELECT 1 FROM touches WHERE lead_id = $1 AND kind = 'outcome'", [leadId])).length > 0,
  );
  await new Promise((r) => setTimeout(r, 500)); // a second touch, if the repeat had made one, would be written by now
  expect(await stack.db.query("SELECT 1 FROM touches WHERE lead_id = $1 AND kind = 'outcome'", [leadId])).toHaveLength(
    1,
  );
  const third = await call(
    'POST',
    `/v1/leads/${leadId}/outcomes`,
    oulu,
    { outcome: 'voicemail' },
    { 'idempotency-key': `another-${leadId}` },
  );
  expect(third.body.state.attempts).toBe(2);
});

it("lets a rep act only on their own leads: another rep's lead is 404 (R22)", async () => {
  const leadId = await ouluLead('pekka');
  const notFound = { status: 404, body: { error: { code: 'lead_not_found' } } };
  const forbidden = { status: 403, body: { error: { code: 'forbidden' } } };
  expect(await call('POST', `/v1/leads/${leadId}/outcomes`, helsinki, { outcome: 'reached' })).toMatchObject(notFound);
  expect(await call('GET', `/v1/leads/${leadId}`, helsinki)).toMatchObject(notFound);
  expect(await call('GET', '/v1/leads/not-a-uuid', oulu)).toMatchObject(notFound);
  expect(await call('POST', `/v1/leads/${leadId}/outcomes`, capture, { outcome: 'reached' })).toMatchObject(forbidden);
  expect(await call('GET', '/v1/admin/flags', oulu)).toMatchObject(forbidden);
  const bad = await call('POST', `/v1/leads/${leadId}/outcomes`, oulu, { outcome: 'ghosted' });
  expect(bad.status).toBe(400);
  expect(bad.body.error.fields.map((f: { field: string }) => f.field)).toEqual(['outcome']);
  const noReason = await call('POST', `/v1/leads/${leadId}/handoff`, oulu, { decision: 'reject' });
  expect(noReason.status).toBe(400);
  expect(noReason.body.error.fields.map((f: { field: string }) => f.field)).toEqual(['reason']);
});

it('answers 409 for a handoff decision on a lead that is not waiting for one', async () => {
  const leadId = await ouluLead('ville');
  const res = await call('POST', `/v1/leads/${leadId}/handoff`, oulu, { decision: 'accept' });
  expect(res.status).toBe(409);
  expect(res.body.error.message).toContain('not waiting for a handoff decision');
});

it('runs the junk review: a rep flags, the admin lists and confirms, and outcomes on the closed lead get 409 (R5)', async () => {
  const leadId = await ouluLead('mickey');
  const flagged = await call('POST', `/v1/leads/${leadId}/flags`, oulu, { reason: 'Mickey Mouse, phone 1234567' });
  expect(flagged.status).toBe(202);
  await waitUntil(
    async () => (await stack.db.query('SELECT 1 FROM junk_flags WHERE lead_id = $1', [leadId])).length === 1,
  );
  const list = await call('GET', '/v1/admin/flags', admin);
  expect(list.body.flags).toEqual(
    expect.arrayContaining([
      expect.objectContaining({ leadId, reason: 'Mickey Mouse, phone 1234567', flaggedBy: `rep:oulu-${tag}` }),
    ]),
  );
  const confirmed = await call('POST', `/v1/admin/leads/${leadId}/disqualify`, admin);
  expect(confirmed.status).toBe(200);
  expect(confirmed.body.state.stage).toBe('disqualified');

  for (let i = 0; i < 100 && (await call('GET', `/v1/leads/${leadId}`, admin)).body.running; i++)
    await new Promise((r) => setTimeout(r, 50));
  const closed = await call('POST', `/v1/leads/${leadId}/outcomes`, oulu, { outcome: 'reached' });
  expect(closed.status).toBe(409);
  expect(closed.body.error).toMatchObject({ code: 'lead_closed', message: expect.stringContaining('disqualified') });
  const after = await call('GET', `/v1/leads/${leadId}`, oulu);
  expect(after.body).toMatchObject({ running: false, state: null, lead: { stage: 'disqualified' } });
  expect(
    (await call('GET', '/v1/admin/flags', admin)).body.flags.map((f: { leadId: string }) => f.leadId),
  ).not.toContain(leadId);
});

it('applies an outcome reported while the lead is still being welcomed at once, beside the welcome (R6, R17)', async () => {
  const manager = await stack.authAs('manager');
  const res = await call('POST', '/v1/leads', capture, {
    email: `quick.${Date.now()}@example.fi`,
    firstName: 'Quick',
    country: `FI-${tag}`,
    city: 'Oulu',
  });
  expect(res.status).toBe(201);
  // No wait for routing or the first-touch e-mail: the outcome is applied at once, and the welcome goes on beside it.
  const outcome = await call('POST', `/v1/leads/${res.body.leadId}/outcomes`, manager, {
    outcome: 'reached',
    note: 'called back at once',
  });
  expect(outcome.status).toBe(200);
  expect(outcome.body.state).toMatchObject({ stage: 'nurturing' });
  expect(outcome.body.state.firstContactAt).not.toBeNull();
  await waitUntil(
    async () => (await call('GET', `/v1/leads/${res.body.leadId}`, manager)).body.state?.firstTouchEmailSent === true,
  );
  expect((await call('GET', `/v1/leads/${res.body.leadId}`, manager)).body.state).toMatchObject({
    stage: 'nurturing',
    assignedRep: `oulu-${tag}`,
  });
});
