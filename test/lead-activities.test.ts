/**
 * R7, R21: a rep keeps notes and schedules the next call or meeting, which becomes a task and a
 * timer in the lead's workflow that reminds the rep by e-mail when due; the lead's timeline holds
 * every touch across channels, every score change with its reason and every stage change with its actor.
 */
import { randomUUID } from 'node:crypto';
import { engagementSignal, leadWorkflowId } from '../workflows/contracts';
import { startStack, type Stack } from './helpers/stack';
import { waitUntil } from './helpers/wait';

let stack: Stack;
let tag: string;
let repEmail: string;
let capture: Record<string, string>;
let oulu: Record<string, string>;
let helsinki: Record<string, string>;

beforeAll(async () => {
  stack = await startStack('lead-activities');
  tag = stack.taskQueue.slice(-6);
  repEmail = `oulu-${tag}@reps.ripen.test`;
  for (const [id, city] of [
    ['oulu', 'Oulu'],
    ['helsinki', 'Helsinki'],
  ]) {
    await stack.addRep(`${id}-${tag}`, `Rep ${id}`, { country: `FI-${tag}`, city });
  }
  [capture, oulu, helsinki] = await Promise.all([
    stack.authAs('capture'),
    stack.authAs('rep', `oulu-${tag}`),
    stack.authAs('rep', `helsinki-${tag}`),
  ]);
});
afterAll(() => stack.close());

const call: Stack['call'] = (...args) => stack.call(...args);

async function ouluLead(name: string): Promise<string> {
  const res = await call('POST', '/v1/leads', capture, {
    email: `${name}.${randomUUID()}@example.fi`,
    phone: '+358 40 123 4567',
    firstName: name,
    country: `FI-${tag}`,
    city: 'Oulu',
    source: { channel: 'web-form' },
  });
  expect(res.status).toBe(201);
  for (let i = 0; i < 200; i++) {
    if ((await call('GET', `/v1/leads/${res.body.leadId}`, oulu)).body.state?.stage === 'contacting')
      return res.body.leadId;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('lead never reached contacting');
}

const reminders = (leadId: string) =>
  stack.smtp.sentTo(repEmail).filter((m) => m.parsed.subject?.startsWith('Due now') && m.parsed.text?.includes(leadId));

it('keeps a note on the timeline, and reminds the rep by e-mail when a scheduled meeting is due (R7)', async () => {
  const leadId = await ouluLead('aino');
  const note = await call('POST', `/v1/leads/${leadId}/notes`, oulu, { body: 'Wants a demo for the Oulu plant' });
  expect(note.status).toBe(201);
  expect(note.body.note).toMatchObject({ leadId, author: `rep:oulu-${tag}`, body: 'Wants a demo for the Oulu plant' });
  // Sent again with the same Idempotency-Key, a note is stored once.
  const once = async () =>
    fetch(`${stack.apiUrl}/v1/leads/${leadId}/notes`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': `note-${leadId}`, ...oulu },
      body: JSON.stringify({ body: 'Budget approved' }),
    });
  const [first, again] = [await (await once()).json(), await (await once()).json()];
  expect(again).toEqual(first);
  expect(await stack.db.query('SELECT body FROM notes WHERE lead_id = $1 ORDER BY id', [leadId])).toEqual([
    { body: 'Wants a demo for the Oulu plant' },
    { body: 'Budget approved' },
  ]);

  const at = new Date(Date.now() + 3_000).toISOString();
  const scheduled = await call('POST', `/v1/leads/${leadId}/activities`, oulu, {
    kind: 'meeting',
    at,
    note: 'demo at the plant',
  });
  expect(scheduled.status).toBe(201);
  expect(scheduled.body.state.waitingFor).toBeDefined();
  // The update answers once decided; the rep's task is written just after.
  await waitUntil(
    async () =>
      (await stack.db.query('SELECT 1 FROM tasks WHERE lead_id = $1 AND kind = $2', [leadId, 'meeting'])).length > 0,
  );
  expect(
    await stack.db.query('SELECT kind, title, due_at FROM tasks WHERE lead_id = $1 AND kind = $2', [leadId, 'meeting']),
  ).toEqual([{ kind: 'meeting', title: 'meeting scheduled by the rep: demo at the plant', due_at: new Date(at) }]);
  expect(reminders(leadId)).toHaveLength(0); // not before it is due

  const [reminder] = await stack.smtp.waitFor(
    (m) => m.parsed.subject?.startsWith('Due now') === true && m.parsed.text?.includes(leadId) === true,
    { timeoutMs: 20_000 },
  );
  expect(reminder!.receivedAt).toBeGreaterThanOrEqual(Date.parse(at));
  expect(reminder!.parsed.text).toContain(`Scheduled meeting at ${at}: demo at the plant`);

  const timeline = (await call('GET', `/v1/leads/${leadId}`, oulu)).body.timeline;
  expect(timeline).toEqual(
    expect.arrayContaining([
      expect.objectContaining({ type: 'note', author: `rep:oulu-${tag}`, body: 'Wants a demo for the Oulu plant' }),
      expect.objectContaining({ type: 'task', kind: 'meeting', dueAt: at }),
    ]),
  );
  // Reminded once: the timer does not fire again.
  await new Promise((r) => setTimeout(r, 1_000));
  expect(reminders(leadId)).toHaveLength(1);
});

it('reminds the rep of the next activity given with an outcome, too (R7)', async () => {
  const leadId = await ouluLead('matti');
  const at = new Date(Date.now() + 2_000).toISOString();
  expect(
    (
      await call('POST', `/v1/leads/${leadId}/outcomes`, oulu, {
        outcome: 'no_answer',
        nextActivity: { kind: 'call', at },
      })
    ).status,
  ).toBe(200);
  const [reminder] = await stack.smtp.waitFor(
    (m) => m.parsed.subject?.startsWith('Due now') === true && m.parsed.text?.includes(leadId) === true,
    { timeoutMs: 20_000 },
  );
  expect(reminder!.parsed.text).toContain(`Scheduled call at ${at}`);
});

it('answers 400 naming the field for a bad note or schedule, and 404 for another rep', async () => {
  const leadId = await ouluLead('pekka');
  const empty = await call('POST', `/v1/leads/${leadId}/notes`, oulu, { body: '   ' });
  expect(empty.status).toBe(400);
  expect(empty.body.error.fields.map((f: { field: string }) => f.field)).toEqual(['body']);
  const past = await call('POST', `/v1/leads/${leadId}/activities`, oulu, { kind: 'call', at: '2020-01-01T09:00:00Z' });
  expect(past.status).toBe(400);
  expect(past.body.error.fields).toEqual([{ field: 'at', message: 'must be in the future' }]);
  const kind = await call('POST', `/v1/leads/${leadId}/activities`, oulu, {
    kind: 'lunch',
    at: new Date(Date.now() + 60_000).toISOString(),
  });
  expect(kind.status).toBe(400);
  expect(kind.body.error.fields.map((f: { field: string }) => f.field)).toEqual(['kind']);
  expect(await call('POST', `/v1/leads/${leadId}/notes`, helsinki, { body: 'not mine' })).toMatchObject({
    status: 404,
    body: { error: { code: 'lead_not_found' } },
  });
  expect(
    (
      await call('POST', `/v1/leads/${leadId}/activities`, helsinki, {
        kind: 'call',
        at: new Date(Date.now() + 60_000).toISOString(),
      })
    ).status,
  ).toBe(404);
  expect(await stack.db.query('SELECT 1 FROM notes WHERE lead_id = $1', [leadId])).toHaveLength(0);
});

it('shows every touch across channels, every score change with its reason and every stage change with its actor (R21, R14)', async () => {
  const leadId = await ouluLead('liisa');
  await stack.client.workflow.getHandle(leadWorkflowId(leadId)).signal(engagementSignal, {
    requestId: randomUUID(),
    event: 'pricing_page_visit',
    at: new Date().toISOString(),
    path: '/pricing',
  });
  expect(
    (await call('POST', `/v1/leads/${leadId}/outcomes`, oulu, { outcome: 'reached', note: 'interested, not ready' }))
      .status,
  ).toBe(200);
  let timeline: any[] = [];
  for (let i = 0; i < 100; i++) {
    timeline = (await call('GET', `/v1/leads/${leadId}`, oulu)).body.timeline;
    // The outcome's answer comes once it is decided; its touch, score and stage are written just after, in any order.
    // The first touch's row commits after the SMTP server's answer, inside the welcome, which routes first: the
    // lead is in contacting and the rep's (and takes the outcome) while its first touch may still be on its way.
    if (
      timeline.some((e) => e.type === 'email') &&
      timeline.some((e) => e.type === 'touch' && e.kind === 'engagement') &&
      timeline.some((e) => e.type === 'score' && e.reason === 'outcome reached') &&
      timeline.some((e) => e.type === 'stage' && e.to === 'nurturing')
    )
      break;
    await new Promise((r) => setTimeout(r, 50));
  }
  const touches = timeline.filter((e) => e.type === 'touch').map((e) => `${e.kind}:${e.channel}`);
  expect(touches).toEqual(expect.arrayContaining(['capture:web-form', 'engagement:web', 'outcome:phone']));
  const scores = timeline.filter((e) => e.type === 'score');
  expect(scores.map((s) => s.reason)).toEqual(
    expect.arrayContaining(['captured', 'engagement pricing_page_visit', 'outcome reached']),
  );
  expect(scores.every((s) => typeof s.score === 'number' && ['cold', 'warm', 'hot'].includes(s.grade))).toBe(true);
  const stages = timeline.filter((e) => e.type === 'stage').map((e) => `${e.from}→${e.to} by ${e.actor}`);
  expect(stages).toEqual(
    expect.arrayContaining(['new→contacting by workflow', `contacting→nurturing by rep:oulu-${tag}`]),
  );
  expect(timeline.some((e) => e.type === 'email')).toBe(true);
  expect(timeline.some((e) => e.type === 'assignment' && e.repId === `oulu-${tag}`)).toBe(true);
  expect(timeline.map((e) => e.at)).toEqual([...timeline.map((e) => e.at)].sort());
});
