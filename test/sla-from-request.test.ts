/**
 * R6's SLA runs from the request, not from when a worker first sees the lead: a lead its workers see late (a
 * backlog, an outage) has what is left of the SLA, and one first seen after the SLA ran out is told to the
 * manager, its rep having the whole SLA. Real dev server, database and SMTP; the worker starts only after the
 * captures (an outage), and the API runs a compressed clock so that the SLA is seconds long.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { leadWorkflowId } from '../workflows/contracts';
import { waitForState } from './helpers/lifecycle';
import { startStack, type Stack } from './helpers/stack';

const SCALE = 120; // the 20-minute SLA becomes 10 seconds
const SLA_MS = (20 * 60_000) / SCALE;
let stack: Stack;

beforeAll(async () => {
  stack = await startStack('sla-from-request', { worker: false, app: { timeScale: SCALE } });
});
afterAll(() => stack?.close());

it('runs a new lead’s SLA from its request, and tells the manager of one its workers saw too late (R6)', async () => {
  const tag = Math.random().toString(36).slice(2, 8);
  const country = `S${tag}`;
  await stack.addRep(`rep-${tag}`, 'Olena', { country });
  const auth = await stack.authAs('capture');
  const captureLead = async (firstName: string) => {
    const res = await stack.call('POST', '/v1/leads', auth, {
      email: `${firstName}.${tag}@example.fi`,
      firstName,
      country,
    });
    expect(res.status).toBe(201);
    return stack.client.workflow.getHandle(leadWorkflowId(res.body.leadId as string));
  };

  // No worker yet: one lead waits longer than its SLA, another a few seconds.
  const missed = await captureLead('Myohassa');
  await sleep(SLA_MS + 2_000);
  const late = await captureLead('Vahan');
  await sleep(3_000);
  await stack.startWorker();

  // Seen 3 s late, the lead keeps its deadline: its request (the run's start) plus the SLA.
  const lateState = await waitForState(late, (s) => s.slaDeadline !== null);
  const lateStart = (await late.describe()).startTime.getTime();
  expect(Date.parse(lateState.slaDeadline!)).toBe(lateStart + SLA_MS);

  // Seen after its SLA ran out: the manager hears of it, and the rep has the whole SLA from now.
  const [notice] = await stack.smtp.waitFor(
    (m) => /SLA missed before any rep was told/.test(m.parsed.subject ?? '') && /Myohassa/.test(m.parsed.subject ?? ''),
  );
  expect(notice!.parsed.text).toMatch(/workers were down or behind/);
  const missedState = await waitForState(missed, (s) => s.slaDeadline !== null);
  const missedStart = (await missed.describe()).startTime.getTime();
  expect(Date.parse(missedState.slaDeadline!) - missedStart).toBeGreaterThanOrEqual(SLA_MS + 5_000 + SLA_MS);
  expect(stack.smtp.messages.filter((m) => /SLA missed before/.test(m.parsed.subject ?? ''))).toHaveLength(1);
});
