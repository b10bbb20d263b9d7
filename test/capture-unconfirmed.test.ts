/**
 * A capture Temporal does not confirm (unreachable, or the answer later than the deadline): the
 * signal may have arrived all the same, so the lead and its touch are kept and the answer is 202,
 * never a 503 saying nothing was stored (the retry would make a second lead, the first workflow an
 * orphan). The reconciliation sweep then starts the missing run, gives a running workflow the
 * capture it did not get, or starts a new run for a capture stored after the last one closed.
 * Real dev server, database and SMTP server; "unreachable" is a closed port on loopback, "late" a
 * client whose signal-with-start reaches the server and then fails as a passed deadline does.
 */
import { createReconcileActivities, type ReconcileActivities } from '../activities/reconcile';
import { leadStateQuery, leadWorkflowId } from '../workflows/contracts';
import { startStack, type Stack } from './helpers/stack';
import { late, unreachable, type Closers, type Post } from './helpers/unconfirmed';
import { waitUntil } from './helpers/wait';

let stack: Stack;
let tag: string;
let sweep: ReconcileActivities;
let captureKey: Record<string, string>;
const repId = () => `rep-${tag}`;
const closers: Closers = [];

beforeAll(async () => {
  stack = await startStack('capture-unconfirmed');
  tag = stack.taskQueue.slice(-6);
  await stack.addRep(repId(), 'Rep Unconfirmed', { country: `FI-${tag}`, city: 'Oulu' });
  sweep = createReconcileActivities({ db: stack.db, temporal: stack.client, taskQueue: stack.taskQueue });
  captureKey = await stack.authAs('capture');
});
afterAll(async () => {
  for (const close of closers.reverse()) await close();
  await stack.close();
});

const postThrough = async (through: (stack: Stack, closers: Closers) => Promise<Post>) => {
  const api = await through(stack, closers);
  return (body: unknown, headers: Record<string, string> = {}) => api('/v1/leads', captureKey, body, headers);
};

const lead = (name: string) => ({
  email: `${name}.${tag}@example.fi`,
  firstName: name,
  country: `FI-${tag}`,
  city: 'Oulu',
});
const state = (leadId: string) => stack.client.workflow.getHandle(leadWorkflowId(leadId)).query(leadStateQuery);
const count = async (sql: string, params: unknown[]) =>
  (await stack.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${sql}`, params))[0]!.n;
const captureTouches = (leadId: string) => count("touches WHERE lead_id = $1 AND kind = 'capture'", [leadId]);

const contactingLead = (name: string) => stack.routedLead(captureKey, lead(name), repId());

it('keeps a new lead Temporal could not be reached for, answers 202, and the sweep starts its workflow', async () => {
  const post = await postThrough(unreachable);
  const first = await post(lead('aino'), { 'idempotency-key': `unreachable-${tag}` });
  expect(first.status).toBe(202);
  expect(first.body).toMatchObject({ created: true, status: 'stored', message: expect.stringContaining('stored') });
  const leadId: string = first.body.leadId;
  expect(await captureTouches(leadId)).toBe(1);
  await expect(state(leadId)).rejects.toThrow(); // no workflow yet
  // The retry with the same key gets the same answer: still one lead.
  expect(await post(lead('aino'), { 'idempotency-key': `unreachable-${tag}` })).toEqual(first);
  expect(await count('leads WHERE email_normalized = $1', [lead('aino').email])).toBe(1);

  expect(await sweep.reconcileLeads({ leadIds: [leadId] })).toMatchObject({ started: [leadId], failed: [] });
  await waitUntil(async () => (await state(leadId)).stage === 'contacting', 60_000);
  await stack.smtp.waitFor((m) => m.envelopeTo.includes(lead('aino').email), { timeoutMs: 60_000 });
  expect((await state(leadId)).captures).toBe(1);
}, 120_000);

it('makes one lead and one workflow of a capture that reached Temporal but was answered late, sent twice', async () => {
  const post = await postThrough(late);
  const first = await post(lead('olena'), { 'idempotency-key': `late-${tag}` });
  expect(first.status).toBe(202);
  const leadId: string = first.body.leadId;
  await waitUntil(async () => (await state(leadId)).stage === 'contacting', 60_000);
  expect(await post(lead('olena'), { 'idempotency-key': `late-${tag}` })).toEqual(first);
  expect(await count('leads WHERE email_normalized = $1', [lead('olena').email])).toBe(1);
  expect(await captureTouches(leadId)).toBe(1);
  // The workflow got the capture: the sweep has nothing to start or send.
  expect(await sweep.reconcileLeads({ leadIds: [leadId] })).toMatchObject({ started: [], recaptured: [] });
  expect((await state(leadId)).captures).toBe(1);
}, 120_000);

it('gives a running workflow the returning capture it did not get, once', async () => {
  const leadId = await contactingLead('dariush');
  const post = await postThrough(unreachable);
  const again = await post(lead('dariush'));
  expect(again.status).toBe(202);
  expect(again.body).toMatchObject({ leadId, created: false });
  expect(await captureTouches(leadId)).toBe(2);
  expect((await state(leadId)).captures).toBe(1);

  expect(await sweep.reconcileLeads({ leadIds: [leadId] })).toMatchObject({ recaptured: [leadId], started: [] });
  await waitUntil(async () => (await state(leadId)).captures === 2, 60_000);
  expect(await sweep.reconcileLeads({ leadIds: [leadId] })).toMatchObject({ recaptured: [], started: [] });
}, 120_000);

it('starts a new run for a capture stored after the lead’s workflow closed', async () => {
  const leadId = await contactingLead('eleni');
  const rep = await stack.authAs('rep', repId());
  for (const outcome of ['reached', 'meeting_booked'])
    expect((await stack.call('POST', `/v1/leads/${leadId}/outcomes`, rep, { outcome })).status).toBe(200);
  expect((await stack.call('POST', `/v1/leads/${leadId}/handoff`, rep, { decision: 'accept' })).status).toBe(200);
  expect((await stack.call('POST', `/v1/leads/${leadId}/opportunity`, rep, { status: 'won' })).status).toBe(200);
  const handle = stack.client.workflow.getHandle(leadWorkflowId(leadId));
  expect((await handle.result()).stage).toBe('converted');
  // Closed, and its row agrees: nothing to do.
  expect(await sweep.reconcileLeads({ leadIds: [leadId] })).toMatchObject({ started: [], recaptured: [] });

  const post = await postThrough(unreachable);
  expect((await post(lead('eleni'))).status).toBe(202);
  expect((await handle.describe()).status.name).toBe('COMPLETED');
  expect(await sweep.reconcileLeads({ leadIds: [leadId] })).toMatchObject({ started: [leadId] });
  // R15: the returning customer is a new sales case for the rep, in a new run.
  await waitUntil(async () => (await state(leadId)).stage === 'qualified', 60_000);
  expect((await stack.client.workflow.getHandle(leadWorkflowId(leadId)).describe()).status.name).toBe('RUNNING');
  expect(await sweep.reconcileLeads({ leadIds: [leadId] })).toMatchObject({ started: [], recaptured: [] });
}, 120_000);
