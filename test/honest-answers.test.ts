/**
 * Issue 12, honest answers: 503 with Retry-After only when nothing was stored; a change the lead's
 * workflow received but answered late is 202 with where to read the answer; an Idempotency-Key is
 * one request, so the same key on another route or with another body is 422, never a replay.
 */
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { Client, Connection } from '@temporalio/client';
import { createApp } from '../api/app';
import { freePort } from '../scripts/processes';
import { NativeConnection } from '@temporalio/worker';
import nodemailer from 'nodemailer';
import { createLeadWorker } from '../worker';
import { ripenDataConverter } from '../privacy/data-converter';
import { testRun } from './setup/run';
import { MAIL, SECRET, startStack, uniqueTaskQueue, workflowBundle, type Stack } from './helpers/stack';
import { waitUntil } from './helpers/wait';

let stack: Stack;
let tag: string;
let capture: Record<string, string>;
let rep: Record<string, string>;
let manager: Record<string, string>;

beforeAll(async () => {
  stack = await startStack('honest-answers');
  tag = stack.taskQueue.slice(-6);
  await stack.addRep(`rep-${tag}`, 'Rep Honest', { country: `FI-${tag}`, city: 'Oulu' });
  [capture, rep, manager] = await Promise.all([
    stack.authAs('capture'),
    stack.authAs('rep', `rep-${tag}`),
    stack.authAs('manager'),
  ]);
});
afterAll(() => stack.close());

async function contactingLead(name: string): Promise<string> {
  const res = await stack.call('POST', '/v1/leads', capture, {
    email: `${name}.${Date.now()}@example.fi`,
    firstName: name,
    country: `FI-${tag}`,
    city: 'Oulu',
  });
  expect(res.status).toBe(201);
  const leadId: string = res.body.leadId;
  // Contacting, and its row assigned to the rep, so the rep's routes reach it (the row follows the workflow).
  await waitUntil(async () => (await stack.call('GET', `/v1/leads/${leadId}`, rep)).body.state?.stage === 'contacting');
  return leadId;
}

it('answers 202 with where to read the answer when the workflow has the outcome but no worker answers in time, and the answer can be read once one does', async () => {
  // A stack of its own whose task queue has no worker yet: the lead's workflow exists, nothing runs it.
  const idle = await startStack('honest-answers-idle', { worker: false, app: { temporalDeadlineMs: 1_500 } });
  let worker: { shutdown(): void; run(): Promise<void> } | undefined;
  let workerRun: Promise<void> | undefined;
  let connection: NativeConnection | undefined;
  const mailer = nodemailer.createTransport(idle.smtp.url);
  try {
    const [idleCapture, idleManager] = await Promise.all([idle.authAs('capture'), idle.authAs('manager')]);
    const captured = await idle.call('POST', '/v1/leads', idleCapture, {
      email: `late.${Date.now()}@example.fi`,
      firstName: 'Late',
    });
    expect(captured.status).toBe(201);
    const leadId: string = captured.body.leadId;
    const key = { 'idempotency-key': `late-${tag}` };

    const res = await fetch(`${idle.apiUrl}/v1/leads/${leadId}/outcomes`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...key, ...idleManager },
      body: JSON.stringify({ outcome: 'no_answer', note: 'rang once' }),
    });
    expect(res.status).toBe(202);
    expect(res.headers.get('location')).toBe(`/v1/leads/${leadId}/requests/late-${tag}`);
    expect(await res.json()).toMatchObject({
      requestId: `late-${tag}`,
      status: 'pending',
      location: `/v1/leads/${leadId}/requests/late-${tag}`,
    });
    const pending = await idle.call('GET', `/v1/leads/${leadId}/requests/late-${tag}`, idleManager);
    expect(pending).toMatchObject({
      status: 200,
      body: { requestId: `late-${tag}`, status: 'pending', route: `POST /v1/leads/${leadId}/outcomes` },
    });
    // Another key cannot read it.
    expect(
      (await idle.call('GET', `/v1/leads/${leadId}/requests/late-${tag}`, await idle.authAs('manager'))).status,
    ).toBe(404);

    // A worker comes: the outcome applies once, and its answer is there to read.
    connection = await NativeConnection.connect({ address: testRun().temporalAddress });
    worker = await createLeadWorker({
      connection,
      namespace: 'default',
      taskQueue: idle.taskQueue,
      deps: { db: idle.db, mailer, mail: MAIL },
      workflowBundle: workflowBundle(),
      dataConverter: ripenDataConverter(idle.keys),
    });
    workerRun = worker.run();
    let read: { status: number; body: any } | undefined;
    await waitUntil(
      async () =>
        (read = await idle.call('GET', `/v1/leads/${leadId}/requests/late-${tag}`, idleManager)).body.status === 'done',
      15_000,
    );
    expect(read!.body.answer).toMatchObject({ status: 200, body: { state: { leadId } } });

    // The same request again is the same answer; the outcome was recorded once.
    const again = await idle.call(
      'POST',
      `/v1/leads/${leadId}/outcomes`,
      idleManager,
      { outcome: 'no_answer', note: 'rang once' },
      key,
    );
    expect(again).toEqual({ status: 200, body: read!.body.answer.body });
    await waitUntil(
      async () =>
        (await idle.db.query("SELECT 1 FROM touches WHERE lead_id = $1 AND kind = 'outcome'", [leadId])).length > 0,
    );
    expect(await idle.db.query("SELECT 1 FROM touches WHERE lead_id = $1 AND kind = 'outcome'", [leadId])).toHaveLength(
      1,
    );
  } finally {
    worker?.shutdown();
    await workerRun;
    await connection?.close();
    mailer.close();
    await idle.close();
  }
}, 60_000);

it('answers 422 for an Idempotency-Key used on another route, another lead or with another body, and applies nothing', async () => {
  const leadId = await contactingLead('reuse');
  const key = { 'idempotency-key': `reuse-${tag}` };
  expect((await stack.call('POST', `/v1/leads/${leadId}/outcomes`, rep, { outcome: 'no_answer' }, key)).status).toBe(
    200,
  );

  const otherRoute = await stack.call('POST', `/v1/leads/${leadId}/flags`, rep, { reason: 'Mickey Mouse' }, key);
  expect(otherRoute.status).toBe(422);
  expect(otherRoute.body.error).toMatchObject({
    code: 'idempotency_key_reused',
    fields: [{ field: 'Idempotency-Key', message: `already used for POST /v1/leads/:id/outcomes for lead ${leadId}` }],
  });
  const otherBody = await stack.call('POST', `/v1/leads/${leadId}/outcomes`, rep, { outcome: 'reached' }, key);
  expect(otherBody.status).toBe(422);
  expect(otherBody.body.error.fields).toEqual([
    { field: 'Idempotency-Key', message: 'already used with another body' },
  ]);
  const otherLead = await contactingLead('reuse-other');
  const reusedFor = (where: string) => ({
    status: 422,
    body: {
      error: {
        code: 'idempotency_key_reused',
        fields: [{ field: 'Idempotency-Key', message: `already used for ${where}` }],
      },
    },
  });
  expect(await stack.call('POST', `/v1/leads/${otherLead}/outcomes`, rep, { outcome: 'no_answer' }, key)).toMatchObject(
    reusedFor(`POST /v1/leads/:id/outcomes for lead ${leadId}`),
  );
  const otherNote = await stack.call('POST', `/v1/leads/${leadId}/notes`, rep, { body: 'a note' }, key);
  expect(otherNote).toMatchObject(reusedFor(`POST /v1/leads/:id/outcomes for lead ${leadId}`));

  const { body } = await stack.call('GET', `/v1/leads/${leadId}`, rep);
  expect(body.state).toMatchObject({ attempts: 1, junkFlagged: false });
  expect(body.timeline.filter((e: { type: string }) => e.type === 'note')).toEqual([]);
  expect((await stack.call('GET', `/v1/leads/${otherLead}`, rep)).body.state.attempts).toBe(0);
});

it('replays a capture sent again with the same Idempotency-Key, and refuses the key on a capture of someone else', async () => {
  const key = { 'idempotency-key': `capture-${tag}` };
  const lead = { email: `twice.${Date.now()}@example.fi`, country: `FI-${tag}`, city: 'Oulu' };
  const first = await stack.call('POST', '/v1/leads', capture, lead, key);
  expect(first.status).toBe(201);
  expect(await stack.call('POST', '/v1/leads', capture, lead, key)).toEqual(first);
  const [touches] = await stack.db.query<{ n: number }>(
    "SELECT count(*)::int AS n FROM touches WHERE lead_id = $1 AND kind = 'capture'",
    [first.body.leadId],
  );
  expect(touches!.n).toBe(1);
  expect(
    (await stack.call('POST', '/v1/leads', capture, { ...lead, email: `other.${Date.now()}@example.fi` }, key)).status,
  ).toBe(422);
});

it('answers 503 with Retry-After and stores nothing, not even the request, when Temporal cannot be reached for a change', async () => {
  const leadId = await contactingLead('unreachable');
  // No retry interceptor: a retry still pending when the connection closes would fail a later test.
  const connection = Connection.lazy({ address: `127.0.0.1:${await freePort()}`, interceptors: [] });
  const app = createApp({
    db: stack.db,
    temporal: new Client({ connection }),
    taskQueue: uniqueTaskQueue('unreachable'),
    secret: SECRET,
    temporalDeadlineMs: 1_000,
  });
  const server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  try {
    const res = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/leads/${leadId}/outcomes`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': `down-${tag}`, ...rep },
      body: JSON.stringify({ outcome: 'no_answer' }),
    });
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('5');
    expect(((await res.json()) as { error: { code: string; message: string } }).error).toMatchObject({
      code: 'temporal_unavailable',
      message: expect.stringContaining('nothing was stored'),
    });
  } finally {
    await new Promise((resolve) => server.close(resolve));
    await connection.close();
  }
  expect(await stack.db.query('SELECT 1 FROM api_requests WHERE request_key = $1', [`down-${tag}`])).toEqual([]);
  expect(await stack.db.query("SELECT 1 FROM touches WHERE lead_id = $1 AND kind = 'outcome'", [leadId])).toEqual([]);
  // The same key through the working API applies it.
  expect(
    (
      await stack.call(
        'POST',
        `/v1/leads/${leadId}/outcomes`,
        rep,
        { outcome: 'no_answer' },
        { 'idempotency-key': `down-${tag}` },
      )
    ).status,
  ).toBe(200);
});

it('replays a batch of events sent again with the same Idempotency-Key, and refuses the key on another route', async () => {
  const leadId = await contactingLead('events');
  const key = { 'idempotency-key': `events-${tag}` };
  const batch = { events: [{ type: 'download', leadId, path: '/ebook.pdf' }] };
  const first = await stack.call('POST', '/v1/events', capture, batch, key);
  expect(first.status).toBe(200);
  expect(first.body).toMatchObject({ recorded: 1, duplicate: 0 });
  // Without its own requestId each event would count again; the key makes the batch one request.
  expect(await stack.call('POST', '/v1/events', capture, batch, key)).toEqual(first);
  expect(
    await stack.db.query("SELECT 1 FROM touches WHERE lead_id = $1 AND details->>'event' = 'download'", [leadId]),
  ).toHaveLength(1);
  const elsewhere = await stack.call('POST', '/v1/leads', capture, { email: `events.${Date.now()}@example.fi` }, key);
  expect(elsewhere.status).toBe(422);
  expect(elsewhere.body.error.code).toBe('idempotency_key_reused');
});
