/**
 * Engagement tracking (R12) and mail that comes back, through the real API, dev server, database
 * and SMTP server: the open pixel and tracked links, POST /v1/events, POST /v1/inbound, and a
 * burst of a thousand events for one lead.
 */
import { scheduledActivities } from './helpers/history';
import { randomUUID } from 'node:crypto';
import { addressHash, signToken } from '../privacy/tokens';
import { leadStateQuery, leadWorkflowId, reportOutcomeUpdate, type LeadState } from '../workflows/contracts';
import { HISTORIES_DIR } from './helpers/lifecycle';
import { MAIL, SECRET, startStack, type Stack } from './helpers/stack';
import { waitUntil } from './helpers/wait';

let stack: Stack;
let tag: string;
let capture: Record<string, string>;
let inbound: Record<string, string>;
let rep: Record<string, string>;
let admin: Record<string, string>;
const repId = () => `track-${tag}`;
const repEmail = () => `${repId()}@reps.ripen.test`;

beforeAll(async () => {
  // The bursts below are a thousand hits from one address: the test stack sets no rate limit (operations.test.ts tests it).
  stack = await startStack('tracking');
  tag = stack.taskQueue.slice(-6);
  await stack.addRep(repId(), 'Rep Track', { country: `TRK-${tag}` });
  [capture, inbound, rep, admin] = await Promise.all([
    stack.authAs('capture'),
    stack.authAs('inbound'),
    stack.authAs('rep', repId()),
    stack.authAs('admin'),
  ]);
});
afterAll(() => stack.close());

const address = (name: string) => `${name}.${tag}.${Math.random().toString(36).slice(2, 6)}@example.fi`;

async function post(path: string, auth: Record<string, string>, body: unknown) {
  const res = await fetch(`${stack.apiUrl}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...auth },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as any };
}

async function captureLead(fields: Record<string, unknown>): Promise<string> {
  const res = await post('/v1/leads', capture, { country: `TRK-${tag}`, ...fields });
  expect(res.status).toBe(201);
  return res.body.leadId;
}

const handleOf = (leadId: string) => stack.client.workflow.getHandle(leadWorkflowId(leadId));
const state = (leadId: string) => handleOf(leadId).query(leadStateQuery);
async function stateWhen(leadId: string, predicate: (s: LeadState) => boolean, timeoutMs?: number): Promise<LeadState> {
  await waitUntil(async () => predicate(await state(leadId)), timeoutMs);
  return state(leadId);
}

/** The names of the signals the lead's current run has received. */
async function signalsOf(leadId: string): Promise<string[]> {
  const history = await handleOf(leadId).fetchHistory();
  return (history.events ?? []).flatMap((e) =>
    e.workflowExecutionSignaledEventAttributes?.signalName
      ? [e.workflowExecutionSignaledEventAttributes.signalName]
      : [],
  );
}

const touches = (leadId: string, where = "kind = 'engagement'") =>
  stack.db.query<{ kind: string; details: any }>(
    `SELECT kind, details FROM touches WHERE lead_id = $1 AND ${where} ORDER BY id`,
    [leadId],
  );

const local = (url: string) => url.replace(MAIL.publicUrl, stack.apiUrl);

/** Moves a lead's e-mails' delivery a minute back: a person opens later than the seconds after delivery a mail proxy takes. */
async function deliveredAMinuteAgo(leadId: string): Promise<void> {
  await stack.db.query("UPDATE sent_emails SET sent_at = sent_at - interval '1 minute' WHERE lead_id = $1", [leadId]);
}

/** The e-mail reference (opaque) of a lead's tracked touches. */
const emailRef = expect.stringMatching(/./);

/** Waits until the outbox row is committed: the SMTP server has the message a moment before the row is visible. */
async function sentCommitted(to: string, template: string): Promise<void> {
  await waitUntil(
    async () =>
      (
        await stack.db.query("SELECT 1 FROM sent_emails WHERE to_address = $1 AND template = $2 AND status = 'sent'", [
          to,
          template,
        ])
      ).length === 1,
  );
}

async function firstTouch(to: string) {
  const [mail] = await stack.smtp.waitFor(
    (m) => m.envelopeTo.includes(to) && /Thanks for getting in touch/.test(m.parsed.subject ?? ''),
  );
  await sentCommitted(to, 'first-touch');
  return mail!;
}

describe('the open pixel and tracked links (R12)', () => {
  it('records an open, answers a transparent GIF that is never cached, and re-scores the lead', async () => {
    const to = address('olli');
    const leadId = await captureLead({ email: to, firstName: 'Olli' });
    const mail = await firstTouch(to);
    const pixel = /<img src="(https:\/\/ripen\.test\/t\/o\/[^"]+)"/.exec(mail.parsed.html as string)![1]!;
    const before = (await stateWhen(leadId, (s) => s.stage === 'contacting' && s.score !== null)).score!;
    await deliveredAMinuteAgo(leadId);

    const res = await fetch(local(pixel));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/gif');
    expect(res.headers.get('cache-control')).toContain('no-store');
    const gif = Buffer.from(await res.arrayBuffer());
    expect(gif.subarray(0, 6).toString('latin1')).toBe('GIF89a');
    expect([gif.readUInt16LE(6), gif.readUInt16LE(8)]).toEqual([1, 1]);

    expect((await touches(leadId)).map((t) => t.details)).toEqual([
      { event: 'email_open', template: 'first-touch', emailRef },
    ]);
    // R14: an opened e-mail is worth 3 points; the workflow re-scored on the signal.
    expect((await stateWhen(leadId, (s) => s.score === before + 3)).score).toBe(before + 3);
    expect(await signalsOf(leadId)).toContain('engagement');
  });

  it('redirects a click only to the link the e-mail contained, and records it', async () => {
    const to = address('kalle');
    const leadId = await captureLead({ email: to, firstName: 'Kalle', consent: { marketing: true, basis: 'consent' } });
    await stateWhen(leadId, (s) => s.stage === 'contacting');
    await handleOf(leadId).executeUpdate(reportOutcomeUpdate, {
      args: [{ requestId: randomUUID(), outcome: 'reached', actor: { role: 'rep', repId: repId() } }],
    });
    const [pack] = await stack.smtp.waitFor(
      (m) => m.envelopeTo.includes(to) && /information pack/.test(m.parsed.subject ?? ''),
    );
    const tracked = /href="(https:\/\/ripen\.test\/t\/c\/[^"]+)"/.exec(pack!.parsed.html as string)![1]!;
    await sentCommitted(to, 'nurture-info-pack');
    await deliveredAMinuteAgo(leadId);

    // A query string of the caller's cannot steer the redirect.
    const res = await fetch(`${local(tracked)}?url=https://evil.example/`, { redirect: 'manual' });
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe('https://www.ripen.example/resources/information-pack.pdf');
    expect((await touches(leadId)).map((t) => t.details)).toEqual([
      {
        event: 'email_click',
        template: 'nurture-info-pack',
        emailRef,
        link: 0,
        url: 'https://www.ripen.example/resources/information-pack.pdf',
      },
    ]);
    // A HEAD (a mail server's link scanner) follows the link but is not a click.
    expect((await fetch(local(tracked), { method: 'HEAD', redirect: 'manual' })).status).toBe(302);
    expect(await touches(leadId)).toHaveLength(1);
  });

  it('answers 404 to a tampered, foreign, unknown or wrong-kind token and records nothing', async () => {
    const to = address('tampered');
    const leadId = await captureLead({ email: to, firstName: 'Tiina' });
    const mail = await firstTouch(to);
    const pixel = /<img src="https:\/\/ripen\.test\/t\/o\/([^"]+)"/.exec(mail.parsed.html as string)![1]!;
    const [{ ref }] = (await stack.db.query(
      "SELECT ref FROM sent_emails WHERE lead_id = $1 AND template = 'first-touch'",
      [leadId],
    )) as [{ ref: string }];
    const flip = (s: string, i: number) => s.slice(0, i) + (s[i] === 'A' ? 'B' : 'A') + s.slice(i + 1);
    const tries = [
      `/t/o/${flip(pixel, pixel.length - 1)}`, // signature tampered
      `/t/o/${flip(pixel, 3)}`, // e-mail reference tampered
      `/t/o/${signToken('another-secret-0123456789abcdef012345', { kind: 'open', emailRef: ref })}`, // foreign
      `/t/o/${signToken(SECRET, { kind: 'open', emailRef: 'AAAAAAAAAAAAAAAAAAAAAA' })}`, // signed, but no such e-mail
      `/t/c/${pixel}`, // an open token used as a click
      `/t/o/${signToken(SECRET, { kind: 'unsubscribe', emailRef: ref })}`, // an unsubscribe token used as an open
      `/t/c/${signToken(SECRET, { kind: 'click', emailRef: ref, link: 7 })}`, // a link the e-mail never had: no open redirect
      `/t/c/${signToken(SECRET, { kind: 'click', emailRef: ref, link: 0 })}`, // the first touch has no links at all
      '/t/o/not-a-token',
      '/t/c/',
    ];
    for (const path of tries) {
      const res = await fetch(`${stack.apiUrl}${path}`, { redirect: 'manual' });
      expect({ path, status: res.status }).toEqual({ path, status: 404 });
      expect(res.headers.get('location')).toBeNull();
    }
    expect(await touches(leadId, 'true')).toEqual([expect.objectContaining({ kind: 'capture' })]);
    expect(await signalsOf(leadId)).toEqual(['capture']);
  });
});

describe('closed and erased leads', () => {
  it('keeps engagement of a lead whose workflow has ended, and records nothing for an erased person', async () => {
    const closedTo = address('closed');
    const closed = await captureLead({ email: closedTo, firstName: 'Kim' });
    const closedPixel = local(
      /<img src="(https:\/\/ripen\.test\/t\/o\/[^"]+)"/.exec((await firstTouch(closedTo)).parsed.html as string)![1]!,
    );
    await stateWhen(closed, (s) => s.stage === 'contacting');
    await handleOf(closed).terminate('test: the run has ended');
    expect((await fetch(closedPixel)).status).toBe(200);
    const events = await post('/v1/events', capture, { events: [{ type: 'download', leadId: closed }] });
    expect(events.body.results).toEqual([
      { index: 0, status: 'recorded', leadId: closed, requestId: expect.any(String), forwarded: false },
    ]);
    expect((await touches(closed)).map((t) => t.details.event)).toEqual(['email_open', 'download']);

    const erasedTo = address('erased');
    const erased = await captureLead({ email: erasedTo, firstName: 'Eemeli' });
    const erasedPixel = local(
      /<img src="(https:\/\/ripen\.test\/t\/o\/[^"]+)"/.exec((await firstTouch(erasedTo)).parsed.html as string)![1]!,
    );
    expect((await post(`/v1/admin/leads/${erased}/erase`, admin, {})).status).toBe(200);
    const before = await touches(erased, 'true');
    expect((await fetch(erasedPixel)).status).toBe(200);
    const res = await post('/v1/events', capture, {
      events: [
        { type: 'download', leadId: erased },
        { type: 'download', email: erasedTo },
      ],
    });
    expect(res.body.results).toEqual([
      { index: 0, status: 'lead_erased' },
      { index: 1, status: 'unknown_lead' },
    ]);
    expect(
      (await post('/v1/inbound', inbound, { type: 'reply', from: erasedTo, subject: 'Re: hi' })).body,
    ).toMatchObject({ matched: false, action: 'unmatched' });
    expect(await touches(erased, 'true')).toEqual(before);
  });
});

describe('POST /v1/events', () => {
  it('records each event, reports each one, forwards them to the lead, and counts a requestId once', async () => {
    const to = address('eveliina');
    const leadId = await captureLead({ email: to, firstName: 'Eveliina' });
    const before = (await stateWhen(leadId, (s) => s.stage === 'contacting' && s.score !== null)).score!;
    const missing = randomUUID();
    const res = await post('/v1/events', capture, {
      events: [
        { type: 'page_visit', leadId, path: '/features' },
        { type: 'pricing_page_visit', email: to.toUpperCase(), at: new Date(Date.now() - 60_000).toISOString() },
        { type: 'download', leadId, path: '/ebook.pdf', requestId: `dl-${tag}` },
        { type: 'download', leadId, requestId: `dl-${tag}` },
        { type: 'form_submit', email: address('nobody') },
        { type: 'page_visit', leadId: missing, path: '/' },
      ],
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ recorded: 3, duplicate: 1, unknownLead: 2 });
    expect(res.body.results).toEqual([
      { index: 0, status: 'recorded', leadId, requestId: expect.any(String), forwarded: true },
      { index: 1, status: 'recorded', leadId, requestId: expect.any(String), forwarded: true },
      { index: 2, status: 'recorded', leadId, requestId: `dl-${tag}`, forwarded: true },
      { index: 3, status: 'duplicate', leadId, requestId: `dl-${tag}`, forwarded: false },
      { index: 4, status: 'unknown_lead' },
      { index: 5, status: 'unknown_lead' },
    ]);
    // Sent again (a retry), the download counts once.
    const again = await post('/v1/events', capture, { events: [{ type: 'download', leadId, requestId: `dl-${tag}` }] });
    expect(again.body.results).toEqual([
      { index: 0, status: 'duplicate', leadId, requestId: `dl-${tag}`, forwarded: false },
    ]);

    expect((await touches(leadId)).map((t) => t.details.event)).toEqual([
      'page_visit',
      'pricing_page_visit',
      'download',
    ]);
    // R14: 2 + 8 + 8 points, in one re-score of the batch.
    await stateWhen(leadId, (s) => s.score === before + 18);
    const reasons = await stack.db.query<{ reason: string }>(
      "SELECT reason FROM score_changes WHERE lead_id = $1 AND reason LIKE 'engagement%'",
      [leadId],
    );
    expect(reasons).toEqual([{ reason: 'engagement 3 events: 1 × page_visit, 1 × pricing_page_visit, 1 × download' }]);
    expect((await signalsOf(leadId)).filter((s) => s.startsWith('engagement'))).toEqual(['engagements']);
  });

  it('answers 400 naming the field, and 403 to a key without the capture role', async () => {
    const leadId = randomUUID();
    const cases: [unknown, string][] = [
      [{ events: [{ type: 'page_visit', leadId }] }, 'events.0.path'],
      [
        {
          events: [
            { type: 'download', leadId },
            { type: 'email_open', leadId },
          ],
        },
        'events.1.type',
      ],
      [{ events: [{ type: 'download' }] }, 'events.0.leadId'],
      [{ events: [{ type: 'download', leadId, email: 'a@example.fi' }] }, 'events.0.leadId'],
      [{ events: [{ type: 'download', leadId: 'lead-1' }] }, 'events.0.leadId'],
      [{ events: [{ type: 'download', email: 'not an address' }] }, 'events.0.email'],
      [{ events: [{ type: 'download', leadId, at: new Date(Date.now() + 3_600_000).toISOString() }] }, 'events.0.at'],
      [{ events: [{ type: 'download', leadId, at: 'yesterday' }] }, 'events.0.at'],
      [{ events: [{ type: 'download', leadId, colour: 'red' }] }, 'events.0.colour'],
      [{ events: [{ type: 'download', leadId, path: '/a\u0000b' }] }, 'events.0.path'],
      [{ events: [] }, 'events'],
      [{ events: Array.from({ length: 101 }, () => ({ type: 'download', leadId })) }, 'events'],
      [[{ type: 'download', leadId }], '(body)'],
    ];
    for (const [body, field] of cases) {
      const res = await post('/v1/events', capture, body);
      expect({ field, status: res.status }).toEqual({ field, status: 400 });
      expect(res.body.error.fields.map((f: { field: string }) => f.field)).toContain(field);
    }
    const forbidden = { status: 403, body: { error: { code: 'forbidden' } } };
    expect(await post('/v1/events', rep, { events: [{ type: 'download', leadId }] })).toMatchObject(forbidden);
    expect(await post('/v1/events', inbound, { events: [{ type: 'download', leadId }] })).toMatchObject(forbidden);
  });
});

describe('POST /v1/inbound', () => {
  it('stops every cadence when the lead replies and alerts the rep, once however often the webhook is retried', async () => {
    const to = address('riikka');
    const leadId = await captureLead({
      email: to,
      firstName: 'Riikka',
      lastName: 'Vastaaja',
      phone: '+358 40 111 2222',
    });
    const mail = await firstTouch(to);
    const waiting = await stateWhen(leadId, (s) => s.stage === 'contacting' && s.nextAction !== null);
    expect(waiting.nextAction).not.toBeNull();

    const reply = {
      type: 'reply',
      id: `evt-${tag}-1`,
      from: to,
      subject: 'Re: Thanks for getting in touch, Riikka',
      headers: { 'In-Reply-To': mail.parsed.messageId!, 'Auto-Submitted': 'no' },
      text: 'Sounds good, call me on Friday.',
    };
    const res = await post('/v1/inbound', inbound, reply);
    expect(res).toEqual({
      status: 200,
      body: {
        type: 'reply',
        leadId,
        matched: true,
        action: 'engaged',
        autoReply: false,
        duplicate: false,
        forwarded: true,
      },
    });

    await stack.smtp.waitFor(
      (m) => m.envelopeTo.includes(repEmail()) && m.parsed.subject === 'Riikka Vastaaja replied',
    );
    // Reached, not ready yet (R17) — and no automated e-mail or call task until the rep acts: the lead waits
    // for the rep, with a deadline after which the manager is told.
    const after = await stateWhen(leadId, (s) => s.stage === 'nurturing');
    expect(after.waitingFor).toBe('the rep to answer the lead who wrote back');
    expect(after.cadence?.step ?? null).toBeNull();
    expect((await touches(leadId)).map((t) => t.details)).toEqual([
      { event: 'reply', subject: reply.subject, via: 'inbound' },
    ]);

    const retried = await post('/v1/inbound', inbound, reply);
    expect(retried.body).toMatchObject({ action: 'engaged', duplicate: true, forwarded: false });
    expect((await signalsOf(leadId)).filter((s) => s.startsWith('engagement'))).toEqual(['engagement']);
  });

  it.each([
    [
      'an Outlook automatic reply',
      {
        subject: 'Automatic reply: Thanks for getting in touch',
        headers: { 'Auto-Submitted': 'auto-replied', 'X-MS-Exchange-Inbox-Rules-Loop': 'x' },
      },
    ],
    ['a Finnish out-of-office', { subject: 'Poissa: Thanks for getting in touch' }],
    [
      'an auto-responder header only',
      { subject: 'Re: Thanks for getting in touch', headers: { 'X-Autoreply': 'yes' } },
    ],
  ])('ignores %s: the cadence goes on and the rep is not alerted', async (_what, fields) => {
    const to = address('ooo');
    const leadId = await captureLead({ email: to, firstName: 'Outi' });
    const mail = await firstTouch(to);
    await stateWhen(leadId, (s) => s.stage === 'contacting' && s.nextAction !== null);

    const res = await post('/v1/inbound', inbound, {
      type: 'reply',
      messageId: mail.parsed.messageId,
      from: to,
      ...fields,
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ leadId, matched: true, action: 'ignored', autoReply: true });
    // Nothing reached the workflow: no signal, so no alert and no change of course.
    expect(await signalsOf(leadId)).toEqual(['capture']);
    const after = await state(leadId);
    expect(after).toMatchObject({
      stage: 'contacting',
      nextAction: expect.objectContaining({ what: expect.any(String) }),
    });
    expect(after.waitingFor).not.toBe('the rep or the lead to act');
    expect(await touches(leadId, "kind IN ('engagement', 'auto_reply')")).toEqual([
      { kind: 'auto_reply', details: expect.objectContaining({ subject: fields.subject }) },
    ]);
  });

  it('suppresses a hard-bounced address and tells the workflow, which stops e-mailing', async () => {
    const to = address('bounce');
    const leadId = await captureLead({ email: to, firstName: 'Pekka', phone: '+358 40 333 4444' });
    await firstTouch(to);
    const res = await post('/v1/inbound', inbound, { type: 'bounce', to: to.toUpperCase(), bounce: 'hard' });
    expect(res.body).toMatchObject({
      leadId,
      matched: true,
      action: 'suppressed',
      reason: 'hard_bounce',
      suppressed: true,
      forwarded: true,
    });
    expect(
      await stack.db.query('SELECT reason FROM suppressions WHERE address_hash = $1', [addressHash(SECRET, to)]),
    ).toEqual([{ reason: 'hard_bounce' }]);
    // Phone attempts go on (R4, R8): the lead stays where it is, without e-mail.
    expect(await stateWhen(leadId, (s) => s.mailStopped === 'hard_bounce' && s.stage !== 'new')).toMatchObject({
      stage: 'contacting',
      mailStopped: 'hard_bounce',
    });
  });

  it('suppresses the address of a complaint named by Message-ID, and notes a soft bounce only', async () => {
    const to = address('complaint');
    const leadId = await captureLead({ email: to, firstName: 'Kaisa' });
    const mail = await firstTouch(to);
    const soft = await post('/v1/inbound', inbound, {
      type: 'bounce',
      messageId: mail.parsed.messageId,
      bounce: 'soft',
    });
    expect(soft.body).toMatchObject({ leadId, action: 'noted' });
    expect(
      await stack.db.query('SELECT 1 FROM suppressions WHERE address_hash = $1', [addressHash(SECRET, to)]),
    ).toEqual([]);

    const res = await post('/v1/inbound', inbound, {
      type: 'complaint',
      messageId: mail.parsed.messageId!.replace(/[<>]/g, ''),
    });
    expect(res.body).toMatchObject({ leadId, action: 'suppressed', reason: 'complaint', forwarded: true });
    expect(
      await stack.db.query('SELECT reason FROM suppressions WHERE address_hash = $1', [addressHash(SECRET, to)]),
    ).toEqual([{ reason: 'complaint' }]);
    await stateWhen(leadId, (s) => s.mailStopped === 'complaint');
  });

  it('suppresses a bounced address it holds no lead for, reports a reply it cannot match, and checks role and fields', async () => {
    const stranger = address('stranger');
    expect((await post('/v1/inbound', inbound, { type: 'bounce', to: stranger })).body).toMatchObject({
      leadId: null,
      matched: false,
      action: 'suppressed',
    });
    expect(
      await stack.db.query('SELECT reason FROM suppressions WHERE address_hash = $1', [addressHash(SECRET, stranger)]),
    ).toEqual([{ reason: 'hard_bounce' }]);
    expect(
      (await post('/v1/inbound', inbound, { type: 'reply', from: address('unknown'), subject: 'Hello' })).body,
    ).toMatchObject({ leadId: null, matched: false, action: 'unmatched' });

    expect(await post('/v1/inbound', capture, { type: 'bounce', to: stranger })).toMatchObject({
      status: 403,
      body: { error: { code: 'forbidden' } },
    });
    for (const [body, field] of [
      [{ type: 'unsubscribe', to: stranger }, 'type'],
      [{ type: 'bounce', to: 'nobody' }, 'to'],
      [{ type: 'reply', from: stranger, bounce: 'hard' }, 'bounce'],
      [{ type: 'reply', from: stranger, headers: { 'In-Reply-To': 5 } }, 'headers.In-Reply-To'],
      [{ type: 'reply', from: stranger, cc: 'x' }, 'cc'],
      [{ type: 'reply', from: stranger, subject: 'Re: \u0000' }, 'subject'],
      [{ type: 'reply', messageId: '<a\u0000b@ripen.test>' }, 'messageId'],
    ] as const) {
      const res = await post('/v1/inbound', inbound, body);
      expect({ field, status: res.status }).toEqual({ field, status: 400 });
      expect(res.body.error.fields.map((f: { field: string }) => f.field)).toContain(field);
    }
  });
});

describe('a burst of engagement', () => {
  it('takes 1,000 events for one lead in a minute without blowing up its history, and scores them all', async () => {
    const to = address('burst');
    const leadId = await captureLead({ email: to, firstName: 'Bertta' });
    const before = await stateWhen(leadId, (s) => s.stage === 'contacting' && s.score !== null);
    const { runId } = await handleOf(leadId).describe();

    for (let batch = 0; batch < 10; batch++) {
      const events = Array.from({ length: 100 }, (_, i) => ({
        type: 'page_visit',
        leadId,
        path: `/blog/${batch * 100 + i}`,
        requestId: `burst-${batch}-${i}`,
      }));
      const res = await post('/v1/events', capture, { events });
      expect(res.body).toMatchObject({ recorded: 100 });
    }
    // R14: 2 points a page visit; the lead crosses the MQL threshold on the way.
    const after = await stateWhen(leadId, (s) => s.score === before.score! + 2_000, 60_000);
    expect(after.stage).toBe('qualified');
    const [{ n }] = (await stack.db.query(
      "SELECT count(*)::int AS n FROM touches WHERE lead_id = $1 AND details->>'event' = 'page_visit'",
      [leadId],
    )) as [{ n: number }];
    expect(n).toBe(1_000);

    // The same run took them all (no continueAsNew needed), with a short history and few re-scores.
    const description = await handleOf(leadId).describe();
    expect(description.runId).toBe(runId);
    const history = await handleOf(leadId).fetchHistory();
    const events = history.events ?? [];
    expect(events.length).toBeLessThan(2_000);
    expect(events.length).toBeLessThan(400);
    const rescores = (await scheduledActivities(stack, leadId)).filter((a) => a.activity === 'scoreLead').length;
    expect(rescores).toBeLessThanOrEqual(12);
  });

  it('takes 1,000 opens of one e-mail, each its own request and signal, and keeps the current run short', async () => {
    const to = address('opens');
    const leadId = await captureLead({ email: to, firstName: 'Onni' });
    const pixel = local(
      /<img src="(https:\/\/ripen\.test\/t\/o\/[^"]+)"/.exec((await firstTouch(to)).parsed.html as string)![1]!,
    );
    const before = await stateWhen(leadId, (s) => s.stage === 'contacting' && s.score !== null);
    const { runId: firstRunId } = await handleOf(leadId).describe();
    await deliveredAMinuteAgo(leadId);

    let next = 0;
    const opener = async () => {
      while (next < 1_000) {
        next += 1;
        expect((await fetch(pixel)).status).toBe(200);
      }
    };
    await Promise.all(Array.from({ length: 10 }, opener));
    // Issue 15: the first open of an e-mail counts (3 points), the 999 others are kept as touches and score nothing.
    // A download after the burst (8 points) is scored with every open already stored: had they counted, the score
    // would be far past before + 11 when it shows.
    expect((await touches(leadId)).length).toBe(1_000);
    const download = await post('/v1/events', capture, {
      events: [{ type: 'download', leadId, requestId: `after-opens-${tag}` }],
    });
    expect(download.body).toMatchObject({ recorded: 1 });
    await stateWhen(leadId, (s) => s.score !== null && s.score >= before.score! + 11, 60_000);
    expect((await state(leadId)).score).toBe(before.score! + 11);
    const history = await handleOf(leadId).fetchHistory();
    expect(history.events!.length).toBeLessThan(2_000);
    // A thousand signals are a thousand history events at least: past 2,000 the run continues as new,
    // with nothing lost. The server closes a run only between signals, so on a loaded machine the
    // first run also takes some of the signals that keep arriving (3,110 seen): bounded by the limit
    // plus the burst, far from the 10,000+ events one re-score per open would write.
    const first = await stack.client.workflow.getHandle(leadWorkflowId(leadId), firstRunId).fetchHistory();
    expect(first.events!.length).toBeLessThan(5_000);
    expect((await touches(leadId, "kind = 'engagement' AND details->>'event' = 'email_open'")).length).toBe(1_000);
    // A thousand requests take most of a minute on a loaded two-core machine: a bound for the test, not a timed assertion.
  }, 180_000);
});

describe('engagement that counts once (issue 15)', () => {
  it('scores nothing for opens and clicks of mail proxies and scanners, or within seconds of delivery, but keeps them', async () => {
    const to = address('proxy');
    const leadId = await captureLead({ email: to, firstName: 'Pekka' });
    const pixel = local(
      /<img src="(https:\/\/ripen\.test\/t\/o\/[^"]+)"/.exec((await firstTouch(to)).parsed.html as string)![1]!,
    );
    const before = await stateWhen(leadId, (s) => s.stage === 'contacting' && s.score !== null);
    // Within seconds of delivery: a scanner fetching the message as it arrives. (Delivery is set a minute ahead of the
    // API's clock, so the test does not depend on how soon after the real delivery it fetches.)
    await stack.db.query("UPDATE sent_emails SET sent_at = now() + interval '1 minute' WHERE lead_id = $1", [leadId]);
    expect((await fetch(pixel)).status).toBe(200);
    await stack.db.query("UPDATE sent_emails SET sent_at = now() - interval '1 minute' WHERE lead_id = $1", [leadId]);
    // Later, through a mail-image proxy and a security scanner.
    for (const agent of ['Mozilla/5.0 (Windows NT 5.1) GoogleImageProxy', 'Mimecast Security Scanner/1.0'])
      expect((await fetch(pixel, { headers: { 'user-agent': agent } })).status).toBe(200);
    expect((await touches(leadId)).map((t) => t.details.uncounted)).toEqual([
      'within 10 s of delivery',
      'Gmail image proxy (user agent)',
      'Mimecast scanner (user agent)',
    ]);
    const download = await post('/v1/events', capture, {
      events: [{ type: 'download', leadId, requestId: `proxy-${tag}` }],
    });
    expect(download.body).toMatchObject({ recorded: 1 });
    await stateWhen(leadId, (s) => s.score !== null && s.score >= before.score! + 8);
    expect((await state(leadId)).score).toBe(before.score! + 8);
    // The person's own open still counts, once.
    await fetch(pixel, { headers: { 'user-agent': 'Mozilla/5.0 (Macintosh) AppleWebKit/605.1.15' } });
    await fetch(pixel, { headers: { 'user-agent': 'Mozilla/5.0 (Macintosh) AppleWebKit/605.1.15' } });
    await post('/v1/events', capture, {
      events: [{ type: 'page_visit', leadId, path: '/pricing-faq', requestId: `proxy-2-${tag}` }],
    });
    await stateWhen(leadId, (s) => s.score !== null && s.score >= before.score! + 13);
    expect((await state(leadId)).score).toBe(before.score! + 13);
  });
});
