/**
 * Exactly-once sending under faults (issue: e-mail sent exactly once even when everything
 * crashes): a worker killed with SIGKILL in the middle of an SMTP transaction, and an SMTP server
 * down for 30 seconds. Real child process, real dev server, database and SMTP server.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import { messageIdFor } from '../activities/outbox';
import { leadStateQuery, leadWorkflowId } from '../workflows/contracts';
import { startStack, type Stack } from './helpers/stack';
import { waitUntil } from './helpers/wait';
import { testRun } from './setup/run';

const address = (name: string) => `${name}.${Date.now()}.${Math.random().toString(36).slice(2, 6)}@example.fi`;

async function captureLead(stack: Stack, auth: Record<string, string>, email: string): Promise<string> {
  const res = await fetch(`${stack.apiUrl}/v1/leads`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...auth },
    body: JSON.stringify({ email, firstName: 'Faulty' }),
  });
  expect(res.status).toBe(201);
  return ((await res.json()) as { leadId: string }).leadId;
}

/** Delivered copies of the lead's first touch, by its fixed Message-ID. */
function deliveries(stack: Stack, leadId: string, to: string): number {
  const messageId = messageIdFor(`${leadWorkflowId(leadId)}/first-touch`, 'ripen.test');
  return stack.smtp.sentTo(to).filter((m) => m.parsed.messageId === messageId).length;
}

async function firstTouchDone(stack: Stack, leadId: string): Promise<void> {
  await waitUntil(
    async () =>
      (await stack.client.workflow.getHandle(leadWorkflowId(leadId)).query(leadStateQuery)).firstTouchEmailSent,
    90_000,
  );
}

describe('a worker killed in the middle of a send', () => {
  let stack: Stack;
  let child: ChildProcess | undefined;
  beforeAll(async () => {
    stack = await startStack('killed-worker', { worker: false });
  });
  afterAll(async () => {
    child?.kill('SIGKILL');
    await stack.close();
  });

  function startWorker(): Promise<ChildProcess> {
    const run = testRun();
    const settings = {
      temporalAddress: run.temporalAddress,
      taskQueue: stack.taskQueue,
      databaseUrl: run.databaseUrl,
      smtpUrl: stack.smtp.url,
      workflowBundlePath: run.workflowBundlePath,
    };
    const proc = spawn(process.execPath, ['--import', 'tsx', path.join(__dirname, 'helpers', 'worker-process.ts')], {
      env: { ...process.env, RIPEN_WORKER_PROCESS: JSON.stringify(settings) },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    return new Promise((resolve, reject) => {
      proc.stdout!.on('data', (chunk: Buffer) => chunk.toString().includes('ready') && resolve(proc));
      proc.once('exit', (code) => reject(new Error(`worker process exited early (${code})`)));
    });
  }

  it('delivers the e-mail exactly once after the restart (count by Message-ID)', async () => {
    const to = address('killed');
    const hold = stack.smtp.holdNext(to);
    child = await startWorker();
    const leadId = await captureLead(stack, await stack.authAs('capture'), to);

    // The SMTP server has the whole message and holds its 250 reply; the worker dies now (SIGKILL: no cleanup).
    await hold.held;
    const exited = new Promise((resolve) => child!.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
    await hold.disconnected;
    hold.release();

    child = await startWorker();
    await firstTouchDone(stack, leadId);
    expect(deliveries(stack, leadId, to)).toBe(1);
    expect(stack.smtp.sentTo(to)).toHaveLength(1);
    expect(
      await stack.db.query("SELECT status, attempts FROM sent_emails WHERE lead_id = $1 AND template = 'first-touch'", [
        leadId,
      ]),
    ).toEqual([{ status: 'sent', attempts: 1 }]);
  }, 120_000);
});

describe('an SMTP server down for 30 seconds', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack('smtp-down');
  });
  afterAll(() => stack.close());

  it('rides the outage out with retries and delivers exactly once when it is back', async () => {
    const to = address('outage');
    await stack.smtp.down();
    const leadId = await captureLead(stack, await stack.authAs('capture'), to);
    await new Promise((resolve) => setTimeout(resolve, 30_000));
    expect(stack.smtp.sentTo(to)).toHaveLength(0);
    await stack.smtp.up();
    await firstTouchDone(stack, leadId);
    expect(deliveries(stack, leadId, to)).toBe(1);
    expect(stack.smtp.sentTo(to)).toHaveLength(1);
  }, 120_000);
});
