/**
 * A rep deactivated while Temporal answers late: the reassign signal reached the lead's workflow, the
 * answer said it failed, and the admin (as the answer asks) sends the request again. The retry signals
 * each lead whose row still names the rep — the first signal may be moving it at that moment — so the
 * workflow moves a lead only from the rep its signal names: one new rep, one "Lead reassigned".
 * Real dev server, database and SMTP server.
 */
import { email } from '../domain/i18n';
import { leadWorkflowId, reassignSignal } from '../workflows/contracts';
import { startStack, MAIL, type Stack } from './helpers/stack';
import { late, type Closers } from './helpers/unconfirmed';
import { waitUntil } from './helpers/wait';

let stack: Stack;
let tag: string;
let capture: Record<string, string>;
let admin: Record<string, string>;
const closers: Closers = [];
const leaving = () => `rep-leaving-${tag}`;
const staying = () => `rep-staying-${tag}`;

beforeAll(async () => {
  stack = await startStack('reassign-late');
  tag = stack.taskQueue.slice(-6);
  await stack.addRep(leaving(), 'Rep Leaving', { country: `FI-${tag}`, city: 'Oulu' });
  [capture, admin] = await Promise.all([stack.authAs('capture'), stack.authAs('admin')]);
});
afterAll(async () => {
  for (const close of closers.reverse()) await close();
  await stack.close();
});

/** The reassignments the lead's row records because its rep was deactivated. */
const reassignments = async (leadId: string) =>
  stack.db.query<{ previous_rep_id: string; rep_id: string }>(
    "SELECT previous_rep_id, rep_id FROM lead_assignments WHERE lead_id = $1 AND reason LIKE '%deactivated%'",
    [leadId],
  );

it('moves the lead once when the deactivation is sent again after a late answer: one new rep, the manager told once', async () => {
  const name = `Aino${tag}`;
  const leadId = await stack.routedLead(
    capture,
    { email: `aino.${tag}@example.fi`, firstName: name, country: `FI-${tag}`, city: 'Oulu' },
    leaving(),
  );
  await stack.addRep(staying(), 'Rep Staying', { country: `FI-${tag}`, city: 'Oulu' });

  // The signal arrives, the answer comes after the deadline: the lead is listed as failed, "send DELETE again".
  const post = await late(stack, closers);
  const res = await fetch(`${post.url}/v1/admin/reps/${leaving()}`, { method: 'DELETE', headers: admin });
  const body = (await res.json()) as { leads: { failed: string[] }; message?: string };
  expect(res.status).toBe(200);
  expect(body.leads.failed).toEqual([leadId]);
  expect(body.message).toMatch(/send DELETE again/);

  // The retry reads the row before the workflow has moved it (the signal it then sends), and once after.
  const handle = stack.client.workflow.getHandle(leadWorkflowId(leadId));
  await handle.signal(reassignSignal, { reason: `rep ${leaving()} deactivated`, fromRep: leaving() });
  await waitUntil(async () => (await reassignments(leadId)).length > 0, 30_000);
  const again = await stack.call('DELETE', `/v1/admin/reps/${leaving()}`, admin);
  expect(again.status).toBe(200);
  expect(again.body).toMatchObject({ alreadyDeactivated: true, leads: { reassigning: [], failed: [] } });
  await handle.signal(reassignSignal, { reason: `rep ${leaving()} deactivated`, fromRep: leaving() });

  // Settled: all three signals decided on, nothing scheduled or running.
  await waitUntil(async () => {
    const events = (await handle.fetchHistory()).events ?? [];
    const signals = events.filter((e) => e.workflowExecutionSignaledEventAttributes?.signalName === 'reassign');
    const afterLast = events.slice(events.indexOf(signals.at(-1)!) + 1);
    const { raw } = await handle.describe();
    return (
      signals.length === 3 &&
      afterLast.some((e) => e.workflowTaskCompletedEventAttributes) &&
      !raw.pendingWorkflowTask &&
      (raw.pendingActivities ?? []).length === 0
    );
  }, 30_000);
  expect(await reassignments(leadId)).toEqual([{ previous_rep_id: leaving(), rep_id: staying() }]);
  const [row] = await stack.db.query<{ assigned_rep_id: string }>('SELECT assigned_rep_id FROM leads WHERE id = $1', [
    leadId,
  ]);
  expect(row!.assigned_rep_id).toBe(staying());
  const subject = email('en', 'manager.lead_reassigned', { lead: name, rep: '' })!.subject;
  const toManager = stack.smtp.messages.filter(
    (m) => m.envelopeTo.includes(MAIL.managerEmail) && (m.parsed.subject ?? '').startsWith(subject),
  );
  expect(toManager).toHaveLength(1);
});
