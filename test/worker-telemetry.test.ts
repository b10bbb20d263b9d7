/**
 * The worker's operations side (issue 6): its logs, the SDK's and the activities' included, are
 * JSON lines from the same pino logger as the API's, with ids and no personal data; the SDK's
 * metrics are served for Prometheus on WORKER_METRICS_PORT. The worker runs in a child process
 * (Runtime.install works once per process) on the run's dev server, database and SMTP.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import { leadStateQuery, leadWorkflowId } from '../workflows/contracts';
import { freePort } from '../scripts/processes';
import { startStack, type Stack } from './helpers/stack';
import { waitUntil } from './helpers/wait';
import { testRun } from './setup/run';

type Entry = Record<string, unknown>;

describe('the worker process', () => {
  let stack: Stack;
  let child: ChildProcess;
  let metricsPort: number;
  const lines: string[] = [];
  const entries = () => lines.filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Entry);

  beforeAll(async () => {
    stack = await startStack('worker-telemetry', { worker: false });
    metricsPort = await freePort();
    const run = testRun();
    const settings = {
      temporalAddress: run.temporalAddress,
      taskQueue: stack.taskQueue,
      databaseUrl: run.databaseUrl,
      smtpUrl: stack.smtp.url,
      workflowBundlePath: run.workflowBundlePath,
      metricsPort,
    };
    child = spawn(process.execPath, ['--import', 'tsx', path.join(__dirname, 'helpers', 'worker-process.ts')], {
      env: { ...process.env, RIPEN_WORKER_PROCESS: JSON.stringify(settings) },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let partial = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      const text = partial + chunk.toString();
      const complete = text.split('\n');
      partial = complete.pop()!;
      lines.push(...complete.filter(Boolean));
    });
    await waitUntil(
      async () => entries().some((e) => e.msg === 'Worker state changed' && e.state === 'RUNNING'),
      60_000,
    );
  }, 90_000);

  afterAll(async () => {
    if (child.exitCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM'); // the SDK drains the worker on SIGTERM
      await exited;
    }
    await stack.close();
  }, 60_000);

  it('logs as JSON lines through the same logger as the API, activities included, without personal data', async () => {
    const address = `vaino.${Date.now()}@example.fi`;
    const res = await fetch(`${stack.apiUrl}/v1/leads`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(await stack.authAs('capture')) },
      body: JSON.stringify({
        email: address,
        firstName: 'Väinö',
        lastName: 'Hämäläinen-Testi',
        company: 'Kemin Kala Oy',
      }),
    });
    expect(res.status).toBe(201);
    const { leadId } = (await res.json()) as { leadId: string };
    await waitUntil(
      async () =>
        (await stack.client.workflow.getHandle(leadWorkflowId(leadId)).query(leadStateQuery)).firstTouchEmailSent,
      60_000,
    );
    await waitUntil(async () =>
      entries().some((e) => e.msg === 'Activity completed' && e.workflowId === leadWorkflowId(leadId)),
    );

    const running = entries().find((e) => e.msg === 'Worker state changed' && e.state === 'RUNNING')!;
    expect(running).toMatchObject({ level: 'info', service: 'ripen', component: 'worker', taskQueue: stack.taskQueue });
    expect(typeof running.time).toBe('string');
    const activity = entries().find((e) => e.msg === 'Activity completed' && e.workflowId === leadWorkflowId(leadId))!;
    expect(activity).toMatchObject({ level: 'debug', component: 'worker', activityType: expect.any(String) });

    const all = lines.join('\n');
    for (const personal of [address, 'Väinö', 'Hämäläinen-Testi']) expect(all).not.toContain(personal);
  }, 90_000);

  it('logs SMTP refusals that quote the recipient (550 stored, 451 retried) without the address in any field (issue 13.8)', async () => {
    const capture = await stack.authAs('capture');
    const refuse = async (code: number) => {
      const address = `refused${code}.${Date.now()}@example.fi`;
      stack.smtp.rejectRecipient(
        address,
        code,
        `${code === 550 ? '5.1.1' : '4.2.2'} <${address}>: Recipient address rejected: mailbox ${address} unavailable`,
      );
      const res = await fetch(`${stack.apiUrl}/v1/leads`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...capture },
        body: JSON.stringify({ email: address, firstName: 'Reijo' }),
      });
      expect(res.status).toBe(201);
      const { leadId } = (await res.json()) as { leadId: string };
      return { address, workflowId: leadWorkflowId(leadId) };
    };
    const [bounced, deferred] = [await refuse(550), await refuse(451)];
    // The transient refusal fails the send activity, which the SDK logs with the error (so the search below can fail).
    await waitUntil(
      async () => stack.smtp.rejected(bounced.address) > 0 && stack.smtp.rejected(deferred.address) > 0,
      60_000,
    );
    await waitUntil(
      async () => entries().some((e) => e.workflowId === deferred.workflowId && e.msg === 'Activity failed'),
      30_000,
    );
    const failed = lines.filter((l) => l.includes(deferred.workflowId) && l.includes('Activity failed'));
    expect(failed.join('\n')).toMatch(/451/);
    expect(
      lines.filter((l) => [bounced.address, deferred.address].some((a) => l.toLowerCase().includes(a.toLowerCase()))),
    ).toEqual([]);
  }, 90_000);

  it("serves the SDK's temporal_ metrics for Prometheus on its metrics port", async () => {
    let text = '';
    await waitUntil(async () => {
      const res = await fetch(`http://127.0.0.1:${metricsPort}/metrics`);
      text = await res.text();
      return res.status === 200 && /temporal_activity_execution_latency/.test(text);
    }, 30_000);
    expect(text).toMatch(/^temporal_\w+/m);
    expect(text).toMatch(new RegExp(`temporal_\\w+\\{[^}]*task_queue="${stack.taskQueue}"`));
    expect(text).toMatch(/temporal_workflow_task_execution_latency/);
  }, 60_000);
});
