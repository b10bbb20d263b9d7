/**
 * Issue 12.3: a failure retrying cannot fix is not retried. Activities turn PostgreSQL's data and
 * constraint errors (classes 22, 23) and template errors into non-retryable failures; the workflow
 * records each on the lead's timeline, alerts the manager once, and goes on. Transient errors are
 * left to the activity's retries. Real PostgreSQL, real dev server, real SMTP server.
 */
import { ApplicationFailure } from '@temporalio/common';
import nodemailer from 'nodemailer';
import { createActivities } from '../activities';
import { permanentFailure } from '../activities/errors';
import { captureLead } from '../db/leads';
import { cadenceEmail } from '../domain/emails';
import { leadWorkflowId, reportOutcomeUpdate } from '../workflows/contracts';
import { MAIL, startStack, type Stack } from './helpers/stack';
import { waitUntil } from './helpers/wait';

let stack: Stack;
let tag: string;
beforeAll(async () => {
  stack = await startStack('permanent-failures');
  tag = stack.taskQueue.slice(-6);
  await stack.addRep(`rep-${tag}`, 'Rep Permanent', { country: `FI-${tag}`, city: 'Oulu' });
});
afterAll(() => stack.close());

/** The error PostgreSQL really throws for this statement. */
const pgError = (sql: string, params: unknown[] = []) =>
  stack.db.query(sql, params).then(
    () => undefined,
    (e) => e,
  );

describe('permanentFailure', () => {
  it('makes class 22 (data) and 23 (constraint) errors non-retryable, with the SQLSTATE and no value', async () => {
    const data = permanentFailure(await pgError('SELECT $1::jsonb', ['{"note":"a\\u0000b"}']));
    expect(data).toBeInstanceOf(ApplicationFailure);
    expect(data).toMatchObject({ type: 'DataRejected', nonRetryable: true });
    expect(data!.message).toContain('22P05');

    const key = `secret-${tag}@example.fi`;
    const dup = await stack.db.withTransaction(async (tx) => {
      await tx.query('CREATE TEMP TABLE pf_unique (k text PRIMARY KEY) ON COMMIT DROP');
      await tx.query('INSERT INTO pf_unique VALUES ($1)', [key]);
      return tx.query('INSERT INTO pf_unique VALUES ($1)', [key]).then(
        () => undefined,
        (e: unknown) => e,
      );
    });
    const constraint = permanentFailure(dup);
    expect(constraint).toMatchObject({ type: 'ConstraintViolated', nonRetryable: true });
    expect(constraint!.message).toContain('23505');
    expect(constraint!.message).not.toContain(key); // PostgreSQL's detail quotes the value; it stays out
  });

  it('leaves transient errors to the retries: a statement timeout, a lost connection, an unknown error', async () => {
    const timeout = await stack.db.withTransaction(async (tx) => {
      await tx.query("SET LOCAL statement_timeout = '10ms'");
      return tx.query('SELECT pg_sleep(1)').then(
        () => undefined,
        (e: unknown) => e,
      );
    });
    expect((timeout as { code: string }).code).toBe('57014');
    expect(permanentFailure(timeout)).toBeUndefined();
    expect(permanentFailure(Object.assign(new Error('Connection terminated'), { code: '08006' }))).toBeUndefined();
    expect(permanentFailure(new Error('socket hang up'))).toBeUndefined();
    expect(permanentFailure(ApplicationFailure.retryable('already classified', 'Mine'))).toBeUndefined();
  });

  it('makes a template that does not exist or does not render non-retryable', () => {
    let thrown: unknown;
    try {
      cadenceEmail('no-such-template', {}, 'Rep');
    } catch (err) {
      thrown = err;
    }
    expect(permanentFailure(thrown)).toMatchObject({ type: 'TemplateError', nonRetryable: true });
  });
});

it('fails the activity for good on a value PostgreSQL cannot store (no retry can store it)', async () => {
  const activities = createActivities({
    db: stack.db,
    mailer: nodemailer.createTransport({ jsonTransport: true }),
    mail: MAIL,
  });
  const { lead } = await stack.db.withTransaction((tx) =>
    captureLead(tx, { email: `nul.${tag}@example.fi` }, { channel: 'test' }, new Date()),
  );
  const err = await activities
    .recordTouch({
      leadId: lead.id,
      touchKey: `pf-${tag}`,
      at: new Date().toISOString(),
      kind: 'outcome',
      channel: 'phone',
      details: { note: 'rang\u0000twice' },
    })
    .catch((e: unknown) => e);
  expect(err).toMatchObject({ type: 'DataRejected', nonRetryable: true });
});

it('records a write that failed for good on the timeline, alerts the manager once, and the lead goes on', async () => {
  const [capture, rep] = await Promise.all([stack.authAs('capture'), stack.authAs('rep', `rep-${tag}`)]);
  const res = await stack.call('POST', '/v1/leads', capture, {
    email: `frozen.${tag}@example.fi`,
    firstName: 'Frozen',
    country: `FI-${tag}`,
    city: 'Oulu',
  });
  expect(res.status).toBe(201);
  const leadId: string = res.body.leadId;
  await waitUntil(async () => (await stack.call('GET', `/v1/leads/${leadId}`, rep)).body.state?.stage === 'contacting');

  // Past the API's validation (as a client of the workflow could): two notes PostgreSQL cannot store.
  const handle = stack.client.workflow.getHandle(leadWorkflowId(leadId));
  for (const n of [1, 2])
    await handle.executeUpdate(reportOutcomeUpdate, {
      args: [
        {
          requestId: `nul-${n}`,
          outcome: 'no_answer',
          note: `rang\u0000${n}`,
          actor: { role: 'rep', repId: `rep-${tag}` },
        },
      ],
    });

  const problems = () =>
    stack.db.query<{ details: { effect: string; error: string } }>(
      "SELECT details FROM touches WHERE lead_id = $1 AND kind = 'problem' ORDER BY id",
      [leadId],
    );
  await waitUntil(async () => (await problems()).length === 2, 60_000);
  for (const { details } of await problems()) {
    expect(details.effect).toBe('recordTouch');
    expect(details.error).toMatch(/^DataRejected: PostgreSQL refused the write \(SQLSTATE 22P05\)/);
  }
  // The rep sees them on the lead's timeline.
  const timeline = (await stack.call('GET', `/v1/leads/${leadId}`, rep)).body.timeline as { kind: string }[];
  expect(timeline.filter((t) => t.kind === 'problem')).toHaveLength(2);

  // One alert to the manager for both: every activity the workflow scheduled is in its history by now.
  const alert = await stack.smtp.waitFor(
    (m) => m.envelopeTo.includes(MAIL.managerEmail) && /failed for good on Frozen/.test(m.parsed.subject ?? ''),
    { timeoutMs: 60_000 },
  );
  expect(alert[0]!.parsed.text).toContain('What failed: recordTouch (DataRejected');
  const history = await handle.fetchHistory();
  const managerNotices = (history.events ?? []).filter(
    (e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'notifyManager',
  );
  expect(managerNotices).toHaveLength(1);

  // The lead was never frozen: a valid outcome is answered and stored.
  const ok = await stack.call('POST', `/v1/leads/${leadId}/outcomes`, rep, {
    outcome: 'no_answer',
    note: 'rang again',
  });
  expect(ok.status).toBe(200);
  await waitUntil(
    async () =>
      (
        await stack.db.query(
          "SELECT 1 FROM touches WHERE lead_id = $1 AND kind = 'outcome' AND details->>'note' = $2",
          [leadId, 'rang again'],
        )
      ).length === 1,
    60_000,
  );
}, 180_000);
