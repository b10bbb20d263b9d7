/**
 * Cadences of the cadence language inside the real lead workflow: time-skipping server, real
 * activities, database and SMTP (R10, R13, R17).
 */
import { randomUUID } from 'node:crypto';
import { localTime } from '../cadences/send-window';
import { engagementSignal, reportOutcomeUpdate, type LeadState } from '../workflows/contracts';
import { DAY, startHarness, waitForState, type Harness } from './helpers/lifecycle';

let h: Harness;
beforeAll(async () => {
  h = await startHarness('cadence-workflow');
});
afterAll(() => h.close());

const email = (name: string) => `${name}.${h.tag}.${Math.random().toString(36).slice(2, 6)}@example.com`;
const reached = (repId: string) => ({
  requestId: randomUUID(),
  outcome: 'reached' as const,
  actor: { role: 'rep', repId },
});
const sends = (s: LeadState) =>
  s
    .cadence!.log.filter((l) => /^email [a-z0-9-]+$/.test(l.what))
    .map((l) => ({ template: l.what.split(' ')[1]!, at: Date.parse(l.at) }));

it('nurtures a reached lead on the R10 playbook, e-mailing only in the office hours of its own time zone (R10, R17)', async () => {
  const ny = await h.addRep('ny', { country: 'US' });
  const to = email('jane');
  const { leadId, handle } = await h.capture({
    email: to,
    phone: '+1 212 555 0100',
    firstName: 'Jane',
    country: 'US',
    consent: { marketing: true },
  });
  await waitForState(handle, (s) => s.stage === 'contacting');
  const nurturing = await handle.executeUpdate(reportOutcomeUpdate, { args: [reached(ny.repId)] });
  expect(nurturing).toMatchObject({ stage: 'nurturing', cadence: { id: 'r10-hard-lead', version: 2 } });

  await h.env.sleep(47 * DAY);
  const state = await waitForState(handle, (s) => s.cadence?.id === 'long-term-nurture');
  const sent = sends(state);
  expect(sent.map((s) => s.template)).toEqual([
    'nurture-info-pack',
    'nurture-week-1',
    'nurture-week-2',
    'nurture-week-3',
    'nurture-week-4',
    'nurture-week-5',
  ]);
  // The pack answers the lead at once; every later e-mail wakes in New York office hours.
  for (const s of sent.slice(1)) {
    const local = localTime(s.at, 'America/New_York');
    expect({ template: s.template, weekday: local.weekday <= 5, hour: local.hour >= 9 && local.hour < 17 }).toEqual({
      template: s.template,
      weekday: true,
      hour: true,
    });
  }
  expect(h.smtp.sentTo(to).map((m) => m.parsed.subject)).toEqual(
    expect.arrayContaining(['The information pack you asked for, Jane', 'Would a short demo help, Jane?']),
  );
  // The follow-up call is a task with its own one-day SLA (the log also holds the contact cadence's first call, when it came first).
  const [task] = await h.db.query<{ title: string; slaMs: number }>(
    'SELECT title, extract(epoch FROM due_at - $2::timestamptz)::int * 1000 AS "slaMs" FROM tasks WHERE lead_id = $1 AND title LIKE \'follow-up call%\'',
    [leadId, state.cadence!.log.find((l) => l.what.startsWith('task call') && l.what.includes('follow-up call'))!.at],
  );
  expect(task).toEqual({ title: 'follow-up call after the information pack', slaMs: DAY });
  expect(state.cadence!.log.map((l) => l.what)).toEqual(
    expect.arrayContaining([
      expect.stringMatching(/^branch hot-yet: grade (cold|warm) in \[hot\] → no, to the next step$/),
      'exit: completed',
      'start long-term-nurture v1 (Long-term nurture for not-interested leads)',
    ]),
  );
});

it('switches a nurtured lead to the evaluation track when it returns in the evaluation stage: its content, none twice (R13, R11)', async () => {
  const rep = await h.addRep('switch', { country: `SW${h.tag}` });
  const to = email('matti');
  const { handle } = await h.capture({
    email: to,
    firstName: 'Matti',
    country: `SW${h.tag}`,
    buyerStage: 'problem_recognition',
    consent: { marketing: true },
  });
  await waitForState(handle, (s) => s.stage === 'contacting');
  expect(await handle.executeUpdate(reportOutcomeUpdate, { args: [reached(rep.repId)] })).toMatchObject({
    stage: 'nurturing',
    cadence: { id: 'education', version: 2 },
  });
  await h.env.sleep(5 * DAY);
  expect(sends(await handle.query('leadState')).map((s) => s.template)).toEqual(['nurture-education-problem']);

  await h.capture({ email: to, buyerStage: 'evaluation' });
  const switched = await waitForState(handle, (s) => s.cadence?.id === 'evaluation');
  expect(switched.stage).toBe('nurturing');
  expect(switched.cadence!.log.map((l) => l.what)).toContainEqual(
    expect.stringMatching(/^switch track: buyer stage evaluation → evaluation v1, at step settle \(R13\)$/),
  );

  await h.env.sleep(47 * DAY);
  const done = await waitForState(handle, (s) => s.cadence?.id === 'long-term-nurture');
  const templates = sends(done).map((s) => s.template);
  // The education article, then the evaluation track's own content from its start: comparison, case study, prices.
  expect(templates).toEqual([
    'nurture-education-problem',
    'nurture-evaluation-comparison',
    'nurture-evaluation-case-study',
    'nurture-evaluation-pricing',
  ]);
  await h.smtp.waitFor((m) => m.envelopeTo.includes(to) && /^Our prices/.test(m.parsed.subject ?? ''));
  expect(h.smtp.sentTo(to).map((m) => m.parsed.subject)).toEqual(
    expect.arrayContaining(['Comparing the alternatives, side by side', 'Our prices, and what a first year costs']),
  );
});

it('nurtures a customer (post-purchase) with onboarding only: no pre-sale mail (R13)', async () => {
  const rep = await h.addRep('customer', { country: `PP${h.tag}` });
  const to = email('pia');
  const { handle } = await h.capture({
    email: to,
    firstName: 'Pia',
    country: `PP${h.tag}`,
    buyerStage: 'post_purchase',
    consent: { marketing: true },
  });
  await waitForState(handle, (s) => s.stage === 'contacting');
  expect(await handle.executeUpdate(reportOutcomeUpdate, { args: [reached(rep.repId)] })).toMatchObject({
    stage: 'nurturing',
    cadence: { id: 'onboarding', version: 1 },
  });
  await h.env.sleep(40 * DAY);
  // Onboarding done, the run ends: no long-term re-engagement either (that is pre-sale mail).
  const done = await handle.result();
  expect(done.cadence?.id).not.toBe('long-term-nurture');
  expect(sends(done).map((s) => s.template)).toEqual([
    'nurture-onboarding-welcome',
    'nurture-onboarding-training',
    'nurture-onboarding-check-in',
  ]);
  await h.smtp.waitFor((m) => m.envelopeTo.includes(to) && /first month/.test(m.parsed.subject ?? ''));
  const subjects = h.smtp.sentTo(to).map((m) => m.parsed.subject);
  expect(subjects).toEqual(
    expect.arrayContaining([
      'Welcome aboard, Pia: your first steps',
      'Training for your team',
      'How is your first month going, Pia?',
    ]),
  );
  // Nothing from a pre-sale track reached the customer.
  expect(subjects.filter((s) => /information pack|demo|prices|comparing|case study/i.test(s ?? ''))).toEqual([]);
});

it('stops the nurture cadence when the lead replies, and sends nothing more from it (R12)', async () => {
  const rep = await h.addRep('reply', { country: `RP${h.tag}` });
  const to = email('ella');
  const { handle } = await h.capture({
    email: to,
    firstName: 'Ella',
    country: `RP${h.tag}`,
    consent: { marketing: true },
  });
  await waitForState(handle, (s) => s.stage === 'contacting');
  await handle.executeUpdate(reportOutcomeUpdate, { args: [reached(rep.repId)] });
  await waitForState(handle, (s) => sends(s).length === 1); // the information pack, decided
  await h.smtp.waitFor((m) => m.envelopeTo.includes(to) && /information pack/.test(m.parsed.subject ?? '')); // and sent
  await handle.signal(engagementSignal, {
    requestId: randomUUID(),
    event: 'reply',
    at: new Date(await h.env.currentTimeMs()).toISOString(),
  });
  const stopped = await waitForState(handle, (s) => s.cadence?.step === null);
  expect(stopped).toMatchObject({ stage: 'nurturing', cadence: { id: 'r10-hard-lead' } });
  const before = h.smtp.sentTo(to).length;
  await h.env.sleep(30 * DAY);
  expect(sends(await handle.query('leadState')).map((s) => s.template)).toEqual(['nurture-info-pack']);
  expect(h.smtp.sentTo(to).length).toBe(before);
});
