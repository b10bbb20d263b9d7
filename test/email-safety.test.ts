/**
 * Consent, unsubscribe, bounces and erasure (issue: e-mail sent exactly once, never to someone who
 * said no), through the real API, dev server, database and SMTP server.
 */
import { randomUUID } from 'node:crypto';
import { createActivities } from '../activities';
import { addressHash } from '../privacy/tokens';
import { leadStateQuery, leadWorkflowId, reportOutcomeUpdate, type LeadState } from '../workflows/contracts';
import { MAIL, SECRET, startStack, type Stack } from './helpers/stack';
import { waitUntil } from './helpers/wait';

let stack: Stack;
let tag: string;
let capture: Record<string, string>;
let admin: Record<string, string>;
const repId = () => `safety-${tag}`;

beforeAll(async () => {
  stack = await startStack('email-safety');
  tag = stack.taskQueue.slice(-6);
  await stack.addRep(repId(), 'Rep Safety', { country: `SAFE-${tag}` });
  [capture, admin] = await Promise.all([stack.authAs('capture'), stack.authAs('admin')]);
});
afterAll(() => stack.close());

const address = (name: string) => `${name}.${tag}.${Math.random().toString(36).slice(2, 6)}@example.fi`;

async function post(path: string, auth: Record<string, string>, body?: unknown) {
  const res = await fetch(`${stack.apiUrl}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...auth },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as any };
}

async function captureLead(fields: Record<string, unknown>): Promise<string> {
  const res = await post('/v1/leads', capture, { country: `SAFE-${tag}`, ...fields });
  expect(res.status).toBe(201);
  return res.body.leadId;
}

const state = (leadId: string) => stack.client.workflow.getHandle(leadWorkflowId(leadId)).query(leadStateQuery);
async function stateWhen(leadId: string, predicate: (s: LeadState) => boolean): Promise<LeadState> {
  await waitUntil(async () => predicate(await state(leadId)));
  return state(leadId);
}

/** Reached but not ready: the R10 nurture cadence starts with the information pack, a marketing e-mail. */
async function reachAndNurture(leadId: string): Promise<void> {
  await stateWhen(leadId, (s) => s.stage === 'contacting');
  await stack.client.workflow.getHandle(leadWorkflowId(leadId)).executeUpdate(reportOutcomeUpdate, {
    args: [{ requestId: randomUUID(), outcome: 'reached', actor: { role: 'rep', repId: repId() } }],
  });
}

const unsubscribeUrl = (listUnsubscribe: string) => /<(https:\/\/ripen\.test\/u\/[^>]+)>/.exec(listUnsubscribe)![1]!;
const local = (url: string) => url.replace(MAIL.publicUrl, stack.apiUrl);

describe('unsubscribe (RFC 8058 one-click) and the suppression list', () => {
  it('gives every marketing e-mail List-Unsubscribe headers and the sender footer, and one POST stops all mail for good', async () => {
    const to = address('aino');
    const leadId = await captureLead({
      email: to,
      firstName: 'Aino',
      consent: { marketing: true, basis: 'consent', text: 'Send me news' },
    });
    await reachAndNurture(leadId);
    const [pack] = await stack.smtp.waitFor(
      (m) => m.envelopeTo.includes(to) && /information pack/.test(m.parsed.subject ?? ''),
    );
    const header = (name: string) =>
      pack!.parsed.headerLines
        .find((h) => h.key === name)
        ?.line.replace(/\r?\n\s+/g, ' ')
        .replace(/^[^:]+:\s*/, '');
    const listUnsubscribe = header('list-unsubscribe')!;
    expect(listUnsubscribe).toMatch(
      /^<https:\/\/ripen\.test\/u\/[^>]+>, <mailto:unsubscribe@ripen\.test\?subject=unsubscribe>$/,
    );
    expect(header('list-unsubscribe-post')).toBe('List-Unsubscribe=One-Click');
    expect(pack!.parsed.text).toContain(`You get this e-mail from ${MAIL.senderIdentity}, ${MAIL.postalAddress}.`);
    expect(listUnsubscribe).not.toContain(to);
    expect(listUnsubscribe).not.toContain(leadId);
    // R12: the pack's link is tracked; the original is stored, so a click can only ever lead there.
    expect(pack!.parsed.html).toMatch(/href="https:\/\/ripen\.test\/t\/c\/c\.[^"]+"/);
    // The outbox row commits just after the SMTP server's 250: wait for it.
    const packRow = () =>
      stack.db.query("SELECT links FROM sent_emails WHERE lead_id = $1 AND template = 'nurture-info-pack'", [leadId]);
    await waitUntil(async () => (await packRow()).length > 0);
    expect(await packRow()).toEqual([{ links: ['https://www.ripen.example/resources/information-pack.pdf'] }]);
    // The first touch is a personal answer to the lead's own request: no list headers.
    const [firstTouch] = stack.smtp
      .sentTo(to)
      .filter((m) => /Thanks for getting in touch/.test(m.parsed.subject ?? ''));
    expect(firstTouch!.parsed.headerLines.map((h) => h.key)).not.toContain('list-unsubscribe');

    // The confirmation page names the address masked; the one-click POST needs no key and no cookie.
    const url = local(unsubscribeUrl(listUnsubscribe));
    const page = await fetch(url);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('a***@example.fi');
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'List-Unsubscribe=One-Click',
    });
    expect(res.status).toBe(200);
    expect(
      await stack.db.query('SELECT reason FROM suppressions WHERE address_hash = $1', [addressHash(SECRET, to)]),
    ).toEqual([{ reason: 'unsubscribed' }]);
    expect((await stateWhen(leadId, (s) => s.mailStopped === 'unsubscribed')).mailStopped).toBe('unsubscribed');

    // No path mails them again: a later cadence step sent straight through the activity is suppressed at send time.
    const activities = createActivities({
      db: stack.db,
      mailer: (await import('nodemailer')).default.createTransport(stack.smtp.url),
      mail: MAIL,
    });
    const before = stack.smtp.sentTo(to).length;
    const later = await activities.sendLeadEmail({
      leadId,
      sendKey: `lead-${leadId}/later-${randomUUID()}`,
      template: 'nurture-week-1',
      repId: repId(),
    });
    expect(later.status).toBe('suppressed');
    expect(stack.smtp.sentTo(to)).toHaveLength(before);
    // A second unsubscribe is harmless and the page says so.
    expect(await (await fetch(url)).text()).toContain('You are unsubscribed');
  });

  it('answers 404 to a tampered or foreign unsubscribe token and suppresses nothing', async () => {
    const [{ n: before }] = (await stack.db.query('SELECT count(*)::int AS n FROM suppressions')) as [{ n: number }];
    for (const token of [
      'u.AAAAAAAAAAAAAAAAAAAAAA.BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB',
      'not-a-token',
      'o.AAAAAAAAAAAAAAAAAAAAAA.BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB',
    ]) {
      for (const method of ['POST', 'GET']) {
        const res = await fetch(`${stack.apiUrl}/u/${token}`, { method });
        expect({ status: res.status, body: await res.json() }).toMatchObject({
          status: 404,
          body: { error: { code: 'not_found', message: 'Unknown unsubscribe link' } },
        });
      }
    }
    const [{ n: after }] = (await stack.db.query('SELECT count(*)::int AS n FROM suppressions')) as [{ n: number }];
    expect(after).toBe(before);
  });
});

describe('consent and bounces', () => {
  it('sends the personal first touch without marketing consent, but no marketing e-mail', async () => {
    const to = address('eero');
    const leadId = await captureLead({ email: to, firstName: 'Eero' });
    await reachAndNurture(leadId);
    // The workflow knows the lead gave no marketing consent: it never asks for the send (R18), and says why.
    const s = await stateWhen(
      leadId,
      (x) => x.cadence?.log.some((l) => l.what === 'email nurture-info-pack: skipped, no marketing consent') ?? false,
    );
    expect(s.stage).toBe('nurturing');
    expect(
      await stack.db.query("SELECT 1 FROM sent_emails WHERE lead_id = $1 AND template = 'nurture-info-pack'", [leadId]),
    ).toEqual([]);
    expect(stack.smtp.sentTo(to).map((m) => m.parsed.subject)).toEqual(['Thanks for getting in touch, Eero']);
  });

  it('suppresses a hard-bounced address and tells the workflow, which stops e-mailing but keeps the lead (SMTP 550)', async () => {
    const to = address('bounce');
    stack.smtp.rejectRecipient(to, 550);
    const leadId = await captureLead({ email: to, firstName: 'Bo', phone: '+358 40 765 4321' });
    const s = await stateWhen(leadId, (x) => x.mailStopped === 'hard_bounce' && x.stage === 'contacting');
    expect(s.firstTouchEmailSent).toBe(false);
    expect(
      await stack.db.query('SELECT reason FROM suppressions WHERE address_hash = $1', [addressHash(SECRET, to)]),
    ).toEqual([{ reason: 'hard_bounce' }]);
    expect(
      await stack.db.query("SELECT status FROM sent_emails WHERE lead_id = $1 AND template = 'first-touch'", [leadId]),
    ).toEqual([{ status: 'bounced' }]);
  });

  it('retries a 451 and delivers the first touch exactly once', async () => {
    const to = address('greylisted');
    stack.smtp.rejectRecipient(to, 451);
    const leadId = await captureLead({ email: to, firstName: 'Greta' });
    await waitUntil(async () => stack.smtp.rejected(to) >= 1);
    expect(stack.smtp.sentTo(to)).toHaveLength(0);
    stack.smtp.rejectRecipient(to, 0);
    await stack.smtp.waitFor((m) => m.envelopeTo.includes(to));
    await stateWhen(leadId, (s) => s.firstTouchEmailSent);
    expect(stack.smtp.sentTo(to)).toHaveLength(1);
  });
});

describe('erasure (data protection)', () => {
  it('removes the person from PostgreSQL, ends the workflow, and refuses to capture them again', async () => {
    const to = address('erase');
    const leadId = await captureLead({
      email: to,
      firstName: 'Erkki',
      company: 'Poisto Oy',
      phone: '+358 50 111 2233',
      message: 'Please call me',
    });
    await stack.smtp.waitFor((m) => m.envelopeTo.includes(to));
    expect(await post(`/v1/admin/leads/${leadId}/erase`, capture)).toMatchObject({
      status: 403,
      body: { error: { code: 'forbidden' } },
    });
    const res = await post(`/v1/admin/leads/${leadId}/erase`, admin);
    expect(res).toEqual({ status: 200, body: { leadId, erased: true, alreadyErased: false } });

    const [lead] = await stack.db.query(
      'SELECT email, phone, first_name, company, message, erased_at FROM leads WHERE id = $1',
      [leadId],
    );
    expect(lead).toMatchObject({
      email: null,
      phone: null,
      first_name: null,
      company: null,
      message: null,
      erased_at: expect.any(Date),
    });
    const leftovers = await stack.db.query(
      `SELECT 'email' AS what FROM sent_emails WHERE lead_id = $1 AND (to_address = $2 OR subject LIKE '%Erkki%')
       UNION ALL SELECT 'touch' FROM touches WHERE lead_id = $1 AND (details IS NOT NULL OR source IS NOT NULL)`,
      [leadId, to],
    );
    expect(leftovers).toEqual([]);
    const description = await stack.client.workflow.getHandle(leadWorkflowId(leadId)).describe();
    expect(description.status.name).toBe('TERMINATED');

    // Only a keyed hash remains, so an import that still has them does not bring them back.
    expect(
      await stack.db.query('SELECT reason FROM suppressions WHERE address_hash = $1', [addressHash(SECRET, to)]),
    ).toEqual([{ reason: 'erased' }]);
    const again = await post('/v1/leads', capture, { email: to.toUpperCase() });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('erased');
    expect(await post('/v1/leads', capture, { phone: '+358 50 111 2233' })).toMatchObject({
      status: 409,
      body: { error: { code: 'erased' } },
    });
    expect((await post(`/v1/admin/leads/${leadId}/erase`, admin)).body.alreadyErased).toBe(true);
  });
});
