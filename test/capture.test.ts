/**
 * The walking skeleton end to end, on real parts: POST /v1/leads → PostgreSQL row → durable
 * lead workflow → personal first-touch e-mail through a real SMTP server.
 */
import { capture } from '../api/capture';
import { createLeadClient } from '../api/lead-client';
import type { CaptureLeadBody } from '../api/schemas';
import type { Db } from '../db';
import { SearchAttributes, leadStateQuery, leadWorkflowId } from '../workflows/contracts';
import { MAIL, SECRET, startStack, type Stack } from './helpers/stack';
import { waitUntil } from './helpers/wait';

let stack: Stack;
let captureAuth: Record<string, string>;

beforeAll(async () => {
  stack = await startStack('capture');
  captureAuth = await stack.authAs('capture');
});
afterAll(() => stack.close());

function postLead(body: unknown, headers: Record<string, string> = captureAuth) {
  return fetch(`${stack.apiUrl}/v1/leads`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
}

/** Mail to the lead, not the notices about it to reps and managers. */
const TO_THE_LEAD = "template NOT LIKE 'rep-%' AND template NOT LIKE 'manager-%'";
const unique = (name: string) => `${name}.${Date.now()}.${Math.random().toString(36).slice(2, 7)}@example.fi`;

describe('capturing a lead (R1, R2, R6, R7)', () => {
  it('creates the lead, starts its workflow and sends a personal first-touch e-mail signed by a rep', async () => {
    const email = unique('aino');
    const res = await postLead({
      email: `  ${email.toUpperCase()} `,
      firstName: 'Aino',
      company: 'Oulun Kone Oy',
      message: 'Tarvitsemme tarjouksen.',
      source: { channel: 'web-form', campaign: 'spring', utm: { source: 'newsletter', medium: 'email' } },
    });
    expect(res.status).toBe(201);
    const body = (await res.json()) as { leadId: string; workflowId: string; created: boolean };
    expect(body.workflowId).toBe(`lead-${body.leadId}`);
    expect(body.created).toBe(true);

    const [mail] = await stack.smtp.waitFor((m) => m.envelopeTo.some((to) => to.toLowerCase() === email));
    expect(mail!.parsed.subject).toBe('Thanks for getting in touch, Aino');
    expect(mail!.parsed.text).toContain('Hi Aino,');
    expect(mail!.parsed.text).toContain('Oulun Kone Oy');
    // Issue 13.6: the form's message is not quoted back (the form must not relay text to any address typed in).
    expect(mail!.parsed.text).not.toContain('Tarvitsemme tarjouksen.');
    // R7: signed by the rep routing chose (or by the team when no rep is available).
    const [signer] = await stack.db.query(
      'SELECT r.name FROM leads l LEFT JOIN reps r ON r.id = l.assigned_rep_id WHERE l.id = $1',
      [body.leadId],
    );
    expect(mail!.parsed.text).toContain(`Best regards,\n${signer?.name ?? MAIL.senderIdentity}`);
    expect(mail!.parsed.messageId).toMatch(/@ripen\.test>?$/);

    const [lead] = await stack.db.query('SELECT * FROM leads WHERE id = $1', [body.leadId]);
    expect(lead).toMatchObject({ email_normalized: email, first_name: 'Aino', company: 'Oulun Kone Oy' });
    expect(lead!.first_source).toEqual({
      channel: 'web-form',
      campaign: 'spring',
      utm: { source: 'newsletter', medium: 'email' },
    });
    // The outbox row commits after the SMTP server's 250: wait for it rather than race it.
    const toTheLead = `SELECT send_key, status, message_id FROM sent_emails WHERE lead_id = $1 AND ${TO_THE_LEAD}`;
    await waitUntil(async () => (await stack.db.query(toTheLead, [body.leadId]))[0]?.status === 'sent');
    const sent = await stack.db.query(toTheLead, [body.leadId]);
    expect(sent).toEqual([
      { send_key: `${body.workflowId}/first-touch`, status: 'sent', message_id: mail!.parsed.messageId },
    ]);

    const handle = stack.client.workflow.getHandle(body.workflowId);
    await waitUntil(async () => (await handle.query(leadStateQuery)).stage === 'contacting');
    // A query can answer from the worker's state before the server has applied that workflow task's
    // search-attribute upsert: wait for the server's view too.
    await waitUntil(
      async () => (await handle.describe()).typedSearchAttributes.get(SearchAttributes.LeadStage) === 'contacting',
    );
    const description = await handle.describe();
    expect(description.typedSearchAttributes.get(SearchAttributes.LeadStage)).toBe('contacting');
    expect(description.typedSearchAttributes.get(SearchAttributes.LeadSource)).toBe('web-form');
    const staticSummary = await description.staticSummary();
    // Nothing in the static summary goes stale: the stage lives in the current details.
    expect(staticSummary).toBe('Lead at Oulun Kone Oy from web-form');
    expect(staticSummary).not.toContain(email);
    const [row] = await stack.db.query('SELECT stage FROM leads WHERE id = $1', [body.leadId]);
    expect(row!.stage).toBe('contacting');
  });

  it('round-trips names in any script (R1)', async () => {
    const names = {
      firstName: 'Σοφία',
      lastName: 'Παπαδοπούλου',
      company: 'شرکت تهران',
      city: 'Київ',
      title: '営業部長 👩‍💼',
    };
    const res = await postLead({ email: unique('sofia'), ...names });
    expect(res.status).toBe(201);
    const { leadId } = (await res.json()) as { leadId: string };
    const [lead] = await stack.db.query('SELECT first_name, last_name, company, city, title FROM leads WHERE id = $1', [
      leadId,
    ]);
    expect(lead).toEqual({
      first_name: names.firstName,
      last_name: names.lastName,
      company: names.company,
      city: names.city,
      title: names.title,
    });
  });

  it('accepts a phone-only lead and sends no e-mail to it (R1)', async () => {
    const phone = `+358 40 ${Math.floor(1_000_000 + Math.random() * 8_999_999)}`;
    const res = await postLead({ phone, firstName: 'Pekka' });
    expect(res.status).toBe(201);
    const { leadId, workflowId } = (await res.json()) as { leadId: string; workflowId: string };
    const handle = stack.client.workflow.getHandle(workflowId);
    await waitUntil(async () => (await handle.query(leadStateQuery)).stage === 'contacting');
    expect((await handle.query(leadStateQuery)).firstTouchEmailSent).toBe(false);
    // Its rep (or, with no rep, the manager) is told; the lead itself gets no e-mail.
    expect(
      await stack.db.query(`SELECT template FROM sent_emails WHERE lead_id = $1 AND ${TO_THE_LEAD}`, [leadId]),
    ).toEqual([]);
  });
});

describe('no duplicates (R3)', () => {
  it('answers 200 with the existing lead when the same person is captured again, keeping the first touch', async () => {
    const email = unique('matti');
    const first = await postLead({ email, source: { channel: 'ebook' } });
    expect(first.status).toBe(201);
    const { leadId, workflowId } = (await first.json()) as { leadId: string; workflowId: string };
    await stack.smtp.waitFor((m) => m.envelopeTo.some((to) => to.toLowerCase() === email));

    const again = await postLead({
      email: email.toUpperCase(),
      company: 'Matin Paja',
      source: { channel: 'quote-request' },
    });
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual({ leadId, workflowId, created: false });

    const rows = await stack.db.query('SELECT id, first_source, company FROM leads WHERE email_normalized = $1', [
      email,
    ]);
    expect(rows).toEqual([{ id: leadId, first_source: { channel: 'ebook' }, company: 'Matin Paja' }]);
    const touches = await stack.db.query('SELECT channel FROM touches WHERE lead_id = $1 ORDER BY id', [leadId]);
    expect(touches.map((t) => t.channel)).toEqual(['ebook', 'quote-request']);
    const handle = stack.client.workflow.getHandle(workflowId);
    await waitUntil(async () => (await handle.query(leadStateQuery)).captures === 2);
    // The returning capture does not answer again: one first-touch e-mail per lead.
    await new Promise((r) => setTimeout(r, 500));
    expect(stack.smtp.sentTo(email)).toHaveLength(1);
  });

  it('gives one row and one workflow for ten concurrent captures of the same person', async () => {
    const email = unique('concurrent');
    const responses = await Promise.all(
      Array.from({ length: 10 }, (_, i) => postLead({ email, source: { channel: `form-${i}` } })),
    );
    const bodies = (await Promise.all(responses.map((r) => r.json()))) as { leadId: string; workflowId: string }[];
    expect(responses.map((r) => r.status).sort()).toEqual([200, 200, 200, 200, 200, 200, 200, 200, 200, 201]);
    expect(new Set(bodies.map((b) => b.leadId)).size).toBe(1);
    expect(await stack.db.query('SELECT id FROM leads WHERE email_normalized = $1', [email])).toHaveLength(1);
    const handle = stack.client.workflow.getHandle(bodies[0]!.workflowId);
    await waitUntil(async () => (await handle.query(leadStateQuery)).captures === 10);
    const runs = [];
    for await (const wf of stack.client.workflow.list({ query: `WorkflowId = '${bodies[0]!.workflowId}'` }))
      runs.push(wf);
    expect(runs).toHaveLength(1);
    await stack.smtp.waitFor((m) => m.envelopeTo.some((to) => to.toLowerCase() === email));
    await new Promise((r) => setTimeout(r, 500));
    expect(stack.smtp.sentTo(email)).toHaveLength(1);
  });
});

describe('a capture whose transaction commits after its workflow has started', () => {
  it('lets the first activities wait for the lead row instead of failing the workflow', async () => {
    // The workflow is signalled inside the capture transaction (so a capture Temporal refuses leaves
    // nothing behind); under load its first activity can run before COMMIT. Hold the commit for 3 s.
    const slowCommit: Db = {
      ...stack.db,
      withTransaction: (fn) =>
        stack.db.withTransaction(async (tx) => {
          const result = await fn(tx);
          await new Promise((r) => setTimeout(r, 3_000));
          return result;
        }),
    };
    const email = unique('race');
    const body = { email, firstName: 'Race', source: { channel: 'web-form' } } as CaptureLeadBody;
    const { leadId } = await capture(
      {
        db: slowCommit,
        leads: createLeadClient({ temporal: stack.client, taskQueue: stack.taskQueue, deadlineMs: 10_000 }),
        secret: SECRET,
      },
      body,
    );
    const handle = stack.client.workflow.getHandle(leadWorkflowId(leadId));
    await waitUntil(async () => (await handle.query(leadStateQuery)).firstTouchEmailSent, 30_000);
    expect((await handle.describe()).status.name).toBe('RUNNING');
    expect(stack.smtp.sentTo(email)).toHaveLength(1);
  });
});

describe("the lead's own time zone (cadence send windows)", () => {
  it('keeps an explicit IANA time zone over the country, and refuses an unknown one naming the field', async () => {
    const { createCadenceActivities } = await import('../activities/cadence');
    const profile = (leadId: string) =>
      createCadenceActivities({ db: stack.db }).cadenceProfile({ leadId, fallbackTimeZone: 'UTC' });
    const tokyo = await postLead({ email: unique('kenji'), firstName: 'Kenji', country: 'FI', timeZone: 'Asia/Tokyo' });
    expect(tokyo.status).toBe(201);
    expect((await profile(((await tokyo.json()) as { leadId: string }).leadId)).timeZone).toBe('Asia/Tokyo');
    const finn = await postLead({ email: unique('sini'), firstName: 'Sini', country: 'FI' });
    expect((await profile(((await finn.json()) as { leadId: string }).leadId)).timeZone).toBe('Europe/Helsinki');

    const bad = await postLead({ email: unique('bad'), timeZone: 'Mars/Olympus_Mons' });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({
      error: { fields: [{ field: 'timeZone', message: expect.stringContaining('IANA') }] },
    });
  });
});
