/**
 * Issue 12.6, reconciliation: the sweep finds a lead row with no workflow, one whose workflow was
 * terminated, and one whose board row disagrees with its workflow, and repairs each (a new run with
 * USE_EXISTING; a re-sync written by the workflow); it leaves agreeing leads alone and forgets old
 * API request records. The Schedule that runs it is created once, however many workers start.
 * Real dev server, database and SMTP server; the sweep's activity is called directly.
 */
import { createReconcileActivities, type ReconcileActivities } from '../activities/reconcile';
import { captureLead } from '../db/leads';
import { nextBatch } from '../db/reconcile';
import { leadStateQuery, leadWorkflowId } from '../workflows/contracts';
import { ensureReconcileSchedule, reconcileScheduleId } from '../worker/reconcile';
import { startStack, type Stack } from './helpers/stack';
import { waitUntil } from './helpers/wait';

let stack: Stack;
let tag: string;
let sweep: ReconcileActivities;
const repId = () => `rep-${tag}`;

beforeAll(async () => {
  stack = await startStack('reconcile');
  tag = stack.taskQueue.slice(-6);
  await stack.addRep(repId(), 'Rep Reconcile', { country: `FI-${tag}`, city: 'Oulu' });
  sweep = createReconcileActivities({ db: stack.db, temporal: stack.client, taskQueue: stack.taskQueue });
});
afterAll(() => stack.close());

const state = (leadId: string) => stack.client.workflow.getHandle(leadWorkflowId(leadId)).query(leadStateQuery);
const row = async (leadId: string) =>
  (
    await stack.db.query<{ stage: string; assigned_rep_id: string | null; attempts: number }>(
      'SELECT stage, assigned_rep_id, attempts FROM leads WHERE id = $1',
      [leadId],
    )
  )[0]!;

const capturedLead = async (name: string) =>
  stack.routedLead(
    await stack.authAs('capture'),
    { email: `${name}.${tag}@example.fi`, firstName: name, country: `FI-${tag}`, city: 'Oulu' },
    repId(),
  );

it('starts the missing run of a lead row that has no workflow: the lead is welcomed as if just captured', async () => {
  const to = `orphan.${tag}@example.fi`;
  const { lead } = await stack.db.withTransaction((tx) =>
    captureLead(
      tx,
      { email: to, firstName: 'Orphan', country: `FI-${tag}`, city: 'Oulu' },
      { channel: 'web' },
      new Date(),
    ),
  );
  await expect(state(lead.id)).rejects.toThrow(); // no workflow at all

  const report = await sweep.reconcileLeads({ leadIds: [lead.id] });
  expect(report).toMatchObject({ checked: 1, started: [lead.id], resynced: [], failed: [] });
  await waitUntil(async () => (await state(lead.id)).stage === 'contacting', 60_000);
  await stack.smtp.waitFor((m) => m.envelopeTo.includes(to), { timeoutMs: 60_000 }); // its first touch
  await waitUntil(async () => (await row(lead.id)).assigned_rep_id === repId(), 60_000);

  // Checked again: the run is there, nothing to do.
  expect(await sweep.reconcileLeads({ leadIds: [lead.id] })).toMatchObject({ started: [], resynced: [] });
}, 120_000);

it('starts a new run for a lead whose workflow was terminated, continuing from the stored stage', async () => {
  const leadId = await capturedLead('terminated');
  const handle = stack.client.workflow.getHandle(leadWorkflowId(leadId));
  await handle.terminate('test: an operator terminated it by mistake');

  const report = await sweep.reconcileLeads({ leadIds: [leadId] });
  expect(report).toMatchObject({ started: [leadId], resynced: [] });
  const described = await stack.client.workflow.getHandle(leadWorkflowId(leadId)).describe();
  expect(described.status.name).toBe('RUNNING');
  await waitUntil(async () => (await state(leadId)).stage === 'contacting', 60_000);
}, 120_000);

it('re-syncs a board row that disagrees with its workflow, through the workflow', async () => {
  const leadId = await capturedLead('drifted');
  await waitUntil(async () => (await state(leadId)).assignedRep === repId(), 60_000);
  const truth = await state(leadId);
  await stack.db.query("UPDATE leads SET stage = 'new', assigned_rep_id = NULL, attempts = 7 WHERE id = $1", [leadId]);

  const report = await sweep.reconcileLeads({ leadIds: [leadId] });
  expect(report).toMatchObject({ started: [], resynced: [leadId] });
  await waitUntil(async () => {
    const r = await row(leadId);
    return r.stage === truth.stage && r.assigned_rep_id === truth.assignedRep && r.attempts === truth.attempts;
  }, 60_000);
  expect(await sweep.reconcileLeads({ leadIds: [leadId] })).toMatchObject({ started: [], resynced: [] });
}, 120_000);

it('leaves a lead whose row agrees with its workflow alone', async () => {
  const leadId = await capturedLead('agreeing');
  await waitUntil(async () => {
    const [s, r] = await Promise.all([state(leadId), row(leadId)]);
    return s.stage === r.stage && s.assignedRep === r.assigned_rep_id && s.attempts === r.attempts;
  }, 60_000);
  expect(await sweep.reconcileLeads({ leadIds: [leadId] })).toMatchObject({
    checked: 1,
    started: [],
    resynced: [],
    failed: [],
  });
}, 120_000);

it('deletes API request records older than the retention and keeps newer ones', async () => {
  const keyId = `key-${tag}`;
  for (const [requestKey, age] of [
    ['old', '40 days'],
    ['recent', '1 day'],
  ] as const)
    await stack.db.query(
      `INSERT INTO api_requests (key_id, request_key, route, body_hash, created_at)
       VALUES ($1, $2, 'POST /v1/leads/:id/outcomes', 'h', now() - $3::interval)`,
      [keyId, requestKey, age],
    );
  const report = await createReconcileActivities({
    db: stack.db,
    temporal: stack.client,
    taskQueue: stack.taskQueue,
    requestRetentionDays: 30,
  }).reconcileLeads({ leadIds: [] });
  expect(report.requestsDeleted).toBeGreaterThanOrEqual(1);
  const left = await stack.db.query<{ request_key: string }>('SELECT request_key FROM api_requests WHERE key_id = $1', [
    keyId,
  ]);
  expect(left.map((r) => r.request_key)).toEqual(['recent']);
});

it('walks every lead in batches, round and round', async () => {
  const seen: string[] = [];
  let batch = await nextBatch(stack.db, 3, 0);
  while (batch.length === 3) {
    seen.push(...batch.map((r) => r.id));
    batch = await nextBatch(stack.db, 3, 0);
  }
  seen.push(...batch.map((r) => r.id));
  expect([...seen].sort()).toEqual(seen); // in id order, each once
  expect(new Set(seen).size).toBe(seen.length);
  const again = await nextBatch(stack.db, 3, 0); // wrapped round to the start
  expect(again[0]?.id).toBe(seen[0]);
});

it('creates the Schedule once, however many workers start', async () => {
  const taskQueue = stack.taskQueue;
  expect(await ensureReconcileSchedule(stack.client, { taskQueue, every: '5 minutes' })).toBe('created');
  expect(await ensureReconcileSchedule(stack.client, { taskQueue, every: '5 minutes' })).toBe('exists');
  const schedule = stack.client.schedule.getHandle(reconcileScheduleId(taskQueue));
  try {
    const described = await schedule.describe();
    expect(described.action).toMatchObject({ type: 'startWorkflow', workflowType: 'reconcileWorkflow', taskQueue });
    expect(described.spec.intervals).toMatchObject([{ every: 5 * 60_000 }]);
  } finally {
    await schedule.delete();
  }
});
