/**
 * Engagement Temporal does not confirm (unreachable, or the answer later than the deadline): the
 * signal may have arrived all the same, so the touches are kept, marked unconfirmed, and the answer
 * is 202 — never a 503 saying nothing was stored while the workflow acted on it (the retry's signal
 * was a second rep notice for one reply). The reconciliation sweep sends the marked engagement
 * again; the workflow applies a stored engagement once. Real dev server, database and SMTP server.
 */
import type { temporal } from '@temporalio/proto';
import { createReconcileActivities, type ReconcileActivities } from '../activities/reconcile';
import { leadStateQuery, leadWorkflowId } from '../workflows/contracts';
import { startStack, type Stack } from './helpers/stack';
import { late, unreachable, type Closers } from './helpers/unconfirmed';
import { waitUntil } from './helpers/wait';

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;

let stack: Stack;
let tag: string;
let sweep: ReconcileActivities;
let capture: Record<string, string>;
let inbound: Record<string, string>;
const repId = () => `rep-${tag}`;
const closers: Closers = [];

beforeAll(async () => {
  stack = await startStack('engagement-unconfirmed');
  tag = stack.taskQueue.slice(-6);
  await stack.addRep(repId(), 'Rep Unconfirmed', { country: `FI-${tag}`, city: 'Turku' });
  sweep = createReconcileActivities({ db: stack.db, temporal: stack.client, taskQueue: stack.taskQueue });
  [capture, inbound] = await Promise.all([stack.authAs('capture'), stack.authAs('inbound')]);
});
afterAll(async () => {
  for (const close of closers.reverse()) await close();
  await stack.close();
});

const email = (name: string) => `${name}.${tag}@example.fi`;
const state = (leadId: string) => stack.client.workflow.getHandle(leadWorkflowId(leadId)).query(leadStateQuery);
const history = async (leadId: string) =>
  (await stack.client.workflow.getHandle(leadWorkflowId(leadId)).fetchHistory()).events ?? [];
const signals = (events: HistoryEvent[]) =>
  events.filter((e) => e.workflowExecutionSignaledEventAttributes?.signalName?.startsWith('engagement'));
/** The engagement signals in the lead's history once there are n (a signal that arrives while a workflow task runs is written after it). */
async function signalsWhen(leadId: string, n: number): Promise<HistoryEvent[]> {
  let found: HistoryEvent[] = [];
  await waitUntil(async () => (found = signals(await history(leadId))).length >= n, 30_000);
  expect(found).toHaveLength(n);
  return found;
}
const marked = async (leadId: string) =>
  (
    await stack.db.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM touches WHERE lead_id = $1 AND unconfirmed_since IS NOT NULL',
      [leadId],
    )
  )[0]!.n;

/** A lead routed to the rep and in contacting. */
const contactingLead = (name: string) =>
  stack.routedLead(capture, { email: email(name), firstName: name, country: `FI-${tag}`, city: 'Turku' }, repId());

/**
 * What the workflow decided on the last engagement signal in its history: the events after it, once a
 * workflow task has completed after it (a decided effect is a command of that task).
 */
async function decidedOnLastSignal(leadId: string): Promise<HistoryEvent[]> {
  let after: HistoryEvent[] = [];
  await waitUntil(async () => {
    const events = await history(leadId);
    after = events.slice(events.indexOf(signals(events).at(-1)!) + 1);
    return after.some((e) => e.workflowTaskCompletedEventAttributes);
  }, 30_000);
  return after.filter((e) => e.activityTaskScheduledEventAttributes || e.timerStartedEventAttributes);
}

it('keeps a reply answered late (202), the rep told once, the sweep’s redelivery changing nothing', async () => {
  const leadId = await contactingLead('riikka');
  const post = await late(stack, closers);
  const reply = { type: 'reply', from: email('riikka'), subject: 'Re: Kiitos', id: `reply-${tag}` };
  const res = await post('/v1/inbound', inbound, reply);
  expect(res.status).toBe(202);
  expect(res.body).toMatchObject({ leadId, action: 'engaged', duplicate: false, forwarded: false });
  expect(res.body.message).toMatch(/^Stored/);
  expect(await marked(leadId)).toBe(1);
  // The late signal arrived: the workflow took the reply and the rep was told.
  await waitUntil(async () => (await state(leadId)).stage === 'nurturing', 30_000);
  const repNotice = (m: { envelopeTo: string[]; parsed: { subject?: string } }) =>
    m.envelopeTo.includes(`${repId()}@reps.ripen.test`) && m.parsed.subject === 'riikka replied';
  await stack.smtp.waitFor(repNotice, { timeoutMs: 30_000 });
  // The provider's retry is a duplicate and signals nothing more.
  expect((await stack.call('POST', '/v1/inbound', inbound, reply)).body).toMatchObject({ duplicate: true });

  expect(await sweep.reconcileLeads({ leadIds: [leadId] })).toMatchObject({ redelivered: [leadId], failed: [] });
  expect(await marked(leadId)).toBe(0);
  await signalsWhen(leadId, 2);
  expect(await decidedOnLastSignal(leadId)).toEqual([]);
  expect(stack.smtp.messages.filter(repNotice)).toHaveLength(1);
  expect(await sweep.reconcileLeads({ leadIds: [leadId] })).toMatchObject({ redelivered: [] });
}, 120_000);

it('keeps events Temporal could not be reached for (202) and the sweep gives them to the workflow', async () => {
  const leadId = await contactingLead('oleksandr');
  const post = await unreachable(stack, closers);
  const events = {
    events: [
      { type: 'pricing_page_visit', leadId, requestId: `pricing-${tag}` },
      { type: 'download', leadId, requestId: `download-${tag}` },
    ],
  };
  const key = { 'idempotency-key': `events-${tag}` };
  const res = await post('/v1/events', capture, events, key);
  expect(res.status).toBe(202);
  expect(res.body).toMatchObject({ recorded: 2, duplicate: 0, message: expect.stringMatching(/^Stored/) });
  expect(res.body.results.map((r: { forwarded: boolean }) => r.forwarded)).toEqual([false, false]);
  // The same request again answers as the first time; sent without the key, the events are duplicates.
  expect(await post('/v1/events', capture, events, key)).toEqual(res);
  expect((await stack.call('POST', '/v1/events', capture, events)).body).toMatchObject({ recorded: 0, duplicate: 2 });
  expect(await marked(leadId)).toBe(2);
  expect(signals(await history(leadId))).toHaveLength(0);

  expect(await sweep.reconcileLeads({ leadIds: [leadId] })).toMatchObject({ redelivered: [leadId], failed: [] });
  expect(await marked(leadId)).toBe(0);
  const [signal] = await signalsWhen(leadId, 1);
  expect(signal?.workflowExecutionSignaledEventAttributes?.signalName).toBe('engagements');
  // Applied: the lead re-scores on it (alone, or in a batch with the buyer stage it moved).
  const names = (await decidedOnLastSignal(leadId)).map(
    (e) => e.activityTaskScheduledEventAttributes?.activityType?.name,
  );
  expect(names.some((name) => name === 'scoreLead' || name === 'runEffects')).toBe(true);
  expect(await sweep.reconcileLeads({ leadIds: [leadId] })).toMatchObject({ redelivered: [] });
}, 120_000);

it('keeps an open Temporal could not be told of and the sweep gives it to the workflow', async () => {
  const leadId = await contactingLead('eleni');
  const [firstTouch] = await stack.smtp.waitFor((m) => m.envelopeTo.includes(email('eleni')), { timeoutMs: 30_000 });
  const pixel = /<img src="https:\/\/ripen\.test(\/t\/o\/[^"]+)"/.exec(firstTouch!.parsed.html as string)![1]!;
  const api = await unreachable(stack, closers);
  // The pixel is served all the same.
  const open = await fetch(`${api.url}${pixel}`);
  expect(open.status).toBe(200);
  expect(open.headers.get('content-type')).toBe('image/gif');
  expect(await marked(leadId)).toBe(1);
  expect(signals(await history(leadId))).toHaveLength(0);

  expect(await sweep.reconcileLeads({ leadIds: [leadId] })).toMatchObject({ redelivered: [leadId], failed: [] });
  expect(await marked(leadId)).toBe(0);
  await signalsWhen(leadId, 1);
}, 120_000);
