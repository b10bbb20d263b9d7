/**
 * The lead workflow on the time-skipping server with stubbed activities: the 20-minute
 * speed-to-lead SLA (R6) runs in milliseconds.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import type { LeadActivities } from '../activities';
import { firstContactSignal, leadStateQuery, type LeadStage, type LeadWorkflowInput } from '../workflows/contracts';
import { leadWorkflow } from '../workflows';
import { uniqueTaskQueue, workflowBundle } from './helpers/stack';
import { connectTimeSkipping } from './helpers/time-skipping';

let env: TestWorkflowEnvironment;
beforeAll(async () => {
  env = await connectTimeSkipping();
});
afterAll(() => env.teardown());

function stubActivities(log: string[]): LeadActivities {
  return {
    async sendFirstTouchEmail({ sendKey }) {
      log.push(`send ${sendKey}`);
      return { messageId: '<stub@ripen.test>', alreadySent: false };
    },
    async recordStage({ stage }: { stage: LeadStage }) {
      log.push(`stage ${stage}`);
    },
  };
}

async function runLead(input: Partial<LeadWorkflowInput>, during?: (handle: Awaited<ReturnType<typeof env.client.workflow.start>>) => Promise<void>) {
  const log: string[] = [];
  const taskQueue = uniqueTaskQueue('lead-workflow');
  const worker = await Worker.create({ connection: env.nativeConnection, taskQueue, workflowBundle: workflowBundle(), activities: stubActivities(log) });
  const workflowId = `lead-test-${taskQueue}`;
  const result = await worker.runUntil(async () => {
    const handle = await env.client.workflow.start(leadWorkflow, {
      workflowId,
      taskQueue,
      args: [{ leadId: 'L1', source: { channel: 'web-form' }, reachableBy: { email: true, phone: false }, ...input }],
    });
    await during?.(handle);
    return handle.result();
  });
  return { log, result, workflowId };
}

it('sends the first-touch e-mail at once, then waits out the 20-minute SLA when the rep does not call (R6, R7)', async () => {
  const startedAt = await env.currentTimeMs();
  const { log, result, workflowId } = await runLead({});
  expect(log).toEqual([`send ${workflowId}/first-touch`, 'stage contacting']);
  expect(result).toMatchObject({ stage: 'contacting', firstTouchEmailSent: true, waitingFor: 'the rep: the first-contact SLA was breached' });
  expect((await env.currentTimeMs()) - startedAt).toBeGreaterThanOrEqual(20 * 60 * 1000);
});

it('stops waiting when the rep logs the first contact before the SLA (R6)', async () => {
  const { result } = await runLead({}, async (handle) => {
    // Wait until the workflow is waiting on the SLA, then signal well inside it.
    for (let i = 0; i < 100 && (await handle.query(leadStateQuery)).stage !== 'contacting'; i++) await new Promise((r) => setTimeout(r, 20));
    await handle.signal(firstContactSignal, { at: new Date().toISOString() });
  });
  expect(result.waitingFor).toBe('the next step of the lifecycle');
});

it('sends no e-mail to a lead that gave only a phone number (R1)', async () => {
  const { log, result } = await runLead({ reachableBy: { email: false, phone: true } });
  expect(log).toEqual(['stage contacting']);
  expect(result.firstTouchEmailSent).toBe(false);
});
