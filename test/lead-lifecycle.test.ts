/**
 * One test per path of a lead's life (issue: the lead's whole journey), each naming its rules.
 * Time-skipping server, real activities, real database, real SMTP.
 */
import { randomUUID } from 'node:crypto';
import {
  closeOpportunityUpdate,
  decideHandoffUpdate,
  engagementSignal,
  flagJunkUpdate,
  reportOutcomeUpdate,
  reviewJunkUpdate,
  SearchAttributes,
  type RepOutcome,
} from '../workflows/contracts';
import { waitUntil } from './helpers/wait';
import { DAY, runChain, stageTrail, startHarness, waitForState, type Harness } from './helpers/lifecycle';

let h: Harness;
beforeAll(async () => {
  h = await startHarness('lifecycle');
});
afterAll(() => h.close());

const rep = { role: 'rep', repId: null as string | null };
const admin = { role: 'admin', repId: null };
const email = (name: string) => `${name}.${h.tag}.${Math.random().toString(36).slice(2, 6)}@example.fi`;
const outcome = (o: RepOutcome, repId: string) => ({ requestId: randomUUID(), outcome: o, actor: { ...rep, repId } });

it('takes a good lead from capture to conversion: routed, answered, qualified, handed off, won (R6, R7, R13, R14, R15, R16)', async () => {
  const oulu = await h.addRep('oulu', { country: `F${h.tag}`, city: 'Oulu' });
  await h.addRep('helsinki', { country: `F${h.tag}`, city: 'Helsinki' });
  const to = email('aino');
  const { leadId, handle } = await h.capture({
    email: to,
    firstName: 'Aino',
    company: 'Oulun Kone Oy',
    country: `F${h.tag}`,
    city: 'oulu',
    industry: 'manufacturing',
    companySize: '201-1000',
    title: 'Head of Operations',
  });

  // R16: the Oulu lead goes to the Oulu rep; R6, R7: the personal first touch is signed by that rep, who is told at once.
  const contacting = await waitForState(handle, (s) => s.stage === 'contacting' && s.assignedRep !== null);
  expect(contacting.assignedRep).toBe(oulu.repId);
  const [firstTouch] = await h.smtp.waitFor((m) => m.envelopeTo.includes(to));
  expect(firstTouch!.parsed.text).toContain('Rep oulu');
  await h.smtp.waitFor((m) => m.envelopeTo.includes(oulu.email) && /New lead/.test(m.parsed.subject ?? ''));

  // The rep reaches the lead; a meeting booked skips slow nurture (R13) and hands the lead to sales with why (R15).
  await handle.executeUpdate(reportOutcomeUpdate, { args: [outcome('reached', oulu.repId)] });
  const qualified = await handle.executeUpdate(reportOutcomeUpdate, { args: [outcome('meeting_booked', oulu.repId)] });
  expect(qualified.stage).toBe('qualified');
  const [handoffMail] = await h.smtp.waitFor(
    (m) => m.envelopeTo.includes(oulu.email) && /Qualified lead/.test(m.parsed.subject ?? ''),
  );
  expect(handoffMail!.parsed.text).toMatch(/score/i);
  expect(handoffMail!.parsed.text).toContain('model icp-2026 v1');
  expect(handoffMail!.parsed.text).toMatch(/\+25 outcome meeting booked \(\d{4}-\d{2}-\d{2}\)/);

  const accepted = await handle.executeUpdate(decideHandoffUpdate, {
    args: [{ requestId: randomUUID(), decision: 'accept', actor: { ...rep, repId: oulu.repId } }],
  });
  expect(accepted.stage).toBe('handed_off');
  await waitUntil(
    async () => (await h.db.query('SELECT 1 FROM opportunities WHERE lead_id = $1', [leadId])).length === 1,
  );
  expect(await h.db.query('SELECT status FROM opportunities WHERE lead_id = $1', [leadId])).toEqual([
    { status: 'open' },
  ]);
  expect(await h.db.query('SELECT 1 FROM contacts WHERE lead_id = $1', [leadId])).toHaveLength(1);

  await handle.executeUpdate(closeOpportunityUpdate, {
    args: [{ requestId: randomUUID(), status: 'won', actor: { ...rep, repId: oulu.repId } }],
  });
  const final = await handle.result();
  expect(final.stage).toBe('converted');
  expect(await stageTrail(h.db, leadId)).toEqual([
    'new→contacting',
    'contacting→nurturing',
    'nurturing→qualified',
    'qualified→handed_off',
    'handed_off→converted',
  ]);
  const [row] = await h.db.query('SELECT stage, assigned_rep_id FROM leads WHERE id = $1', [leadId]);
  expect(row).toEqual({ stage: 'converted', assigned_rep_id: oulu.repId });
  const [accept] = await h.db.query("SELECT actor FROM stage_changes WHERE lead_id = $1 AND to_stage = 'handed_off'", [
    leadId,
  ]);
  expect(accept!.actor).toBe(`rep:${oulu.repId}`);
  await h.record('happy-path-to-conversion', handle);
});

it('marks a lead not interested after five unanswered attempts, keeps it, and re-engages it when it returns a year later with its first touch kept (R3, R4, R8, R9)', async () => {
  const kyiv = await h.addRep('kyiv', { country: `U${h.tag}` });
  const to = email('olena');
  const { leadId, handle } = await h.capture({
    email: to,
    phone: '+380 44 123 4567',
    firstName: 'Olena',
    country: `U${h.tag}`,
    source: { channel: 'ebook' },
    consent: { marketing: true },
  });
  await waitForState(handle, (s) => s.stage === 'contacting' && s.assignedRep !== null);
  const firstRun = { workflowId: handle.workflowId, runId: (await handle.describe()).runId };

  // The cadence: call now, e-mail after a day, call after 3 days, e-mail after 7, call after 14 (R8, R9).
  await handle.executeUpdate(reportOutcomeUpdate, { args: [outcome('no_answer', kyiv.repId)] }); // 1
  await h.env.sleep(1 * DAY + 60_000);
  await waitForState(handle, (s) => s.attempts === 2); // follow-up e-mail
  await h.env.sleep(2 * DAY);
  await handle.executeUpdate(reportOutcomeUpdate, { args: [outcome('voicemail', kyiv.repId)] }); // 3
  await h.env.sleep(4 * DAY);
  await waitForState(handle, (s) => s.attempts === 4); // last-chance e-mail
  await h.env.sleep(7 * DAY);
  const afterFive = await handle.executeUpdate(reportOutcomeUpdate, { args: [outcome('no_answer', kyiv.repId)] }); // 5
  expect(afterFive).toMatchObject({ stage: 'not_interested', attempts: 5 });
  const calls = async () =>
    (await h.db.query('SELECT count(*)::int AS n FROM tasks WHERE lead_id = $1 AND kind = $2', [leadId, 'call']))[0]!
      .n as number;
  await waitUntil(async () => (await calls()) >= 3);
  expect(await calls()).toBe(3);
  const subjects = h.smtp.sentTo(to).map((m) => m.parsed.subject);
  expect(subjects).toEqual([
    'Thanks for getting in touch, Olena',
    'Following up, Olena',
    'Should I close your request, Olena?',
  ]);

  // R4: kept, with a quarterly re-engagement check for a year (marketing e-mail: she consented); then the run ends and the lead stays.
  await h.env.sleep(366 * DAY);
  const ended = await handle.result();
  expect(ended.stage).toBe('not_interested');
  expect(h.smtp.sentTo(to).filter((m) => m.parsed.subject === 'Checking in, Olena')).toHaveLength(4);
  expect(await h.db.query('SELECT stage FROM leads WHERE id = $1', [leadId])).toEqual([{ stage: 'not_interested' }]);

  // R3: a year later the same person asks for a quote: one lead, first touch kept, a new run back in contacting.
  const again = await h.capture({ email: to.toUpperCase(), source: { channel: 'quote-request' } });
  expect(again.leadId).toBe(leadId);
  const reengaged = await waitForState(
    h.env.client.workflow.getHandle(`lead-${leadId}`),
    (s) => s.stage === 'contacting' && s.captures === 1,
  );
  expect(reengaged.attempts).toBe(0);
  const [lead] = await h.db.query(
    'SELECT first_source, (SELECT count(*)::int FROM leads WHERE email_normalized = $2) AS rows FROM leads WHERE id = $1',
    [leadId, to],
  );
  expect(lead).toEqual({ first_source: { channel: 'ebook' }, rows: 1 });
  await waitUntil(async () => (await stageTrail(h.db, leadId)).at(-1) === 'not_interested→contacting');
  expect((await stageTrail(h.db, leadId)).slice(-2)).toEqual([
    'contacting→not_interested',
    'not_interested→contacting',
  ]);
  await h.record('five-attempts-not-interested', firstRun, handle);
});

it('escalates a missed 20-minute SLA to the manager and gives the lead to another rep (R6, R16)', async () => {
  const athens = await h.addRep('athens', { country: `G${h.tag}`, city: 'Athens' });
  const greece = await h.addRep('greece', { country: `G${h.tag}` });
  const { leadId, handle } = await h.capture({
    email: email('nikos'),
    firstName: 'Nikos',
    country: `G${h.tag}`,
    city: 'Athens',
  });
  const before = await waitForState(
    handle,
    (s) => s.stage === 'contacting' && s.slaDeadline !== null && s.assignedRep !== null,
  );
  expect(before.assignedRep).toBe(athens.repId);
  // A manager finds the lead by its deadline in the Temporal UI.
  await waitUntil(
    async () =>
      (await handle.describe()).typedSearchAttributes.get(SearchAttributes.SlaDeadline)?.toISOString() ===
      before.slaDeadline,
  );

  await h.env.sleep(21 * 60_000);
  const after = await waitForState(handle, (s) => s.assignedRep === greece.repId);
  const [breach] = await h.smtp.waitFor((m) => m.envelopeTo.includes(athens.managerEmail));
  expect(breach!.parsed.subject).toMatch(/SLA breached/);
  await h.smtp.waitFor((m) => m.envelopeTo.includes(greece.email) && /New lead/.test(m.parsed.subject ?? ''));
  const assignments = await h.db.query(
    'SELECT rep_id, previous_rep_id, reason FROM lead_assignments WHERE lead_id = $1 ORDER BY id',
    [leadId],
  );
  expect(assignments.map((a) => a.rep_id)).toEqual([athens.repId, greece.repId]);
  expect(assignments[1]).toMatchObject({
    previous_rep_id: athens.repId,
    reason: expect.stringContaining('SLA breach'),
  });
  expect(Date.parse(after.slaDeadline!)).toBeGreaterThan(Date.parse(before.slaDeadline!));
  expect((await handle.describe()).typedSearchAttributes.get(SearchAttributes.AssignedRep)).toBe(greece.repId);

  // The new rep logs a contact: the SLA is met and the deadline leaves the search attributes.
  const met = await handle.executeUpdate(reportOutcomeUpdate, { args: [outcome('reached', greece.repId)] });
  expect(met.slaDeadline).toBeNull();
  await h.record('sla-breach-reassigned', handle);
});

it('disqualifies a lead flagged as junk once an admin confirms, and sends nothing more (R5)', async () => {
  await h.addRep('junk', { country: `J${h.tag}` });
  const to = email('mickey');
  const { leadId, handle } = await h.capture({
    email: to,
    firstName: 'Mickey',
    lastName: 'Mouse',
    country: `J${h.tag}`,
  });
  await waitForState(handle, (s) => s.stage === 'contacting');
  const flagged = await handle.executeUpdate(flagJunkUpdate, {
    args: [{ requestId: randomUUID(), reason: 'Mickey Mouse, phone 1234567', actor: rep }],
  });
  expect(flagged.junkFlagged).toBe(true);
  // The update answers once decided; the flag's row follows.
  await waitUntil(async () => (await h.db.query('SELECT 1 FROM junk_flags WHERE lead_id = $1', [leadId])).length === 1);
  expect(await h.db.query('SELECT reason FROM junk_flags WHERE lead_id = $1 AND decision IS NULL', [leadId])).toEqual([
    { reason: 'Mickey Mouse, phone 1234567' },
  ]);

  await handle.executeUpdate(reviewJunkUpdate, {
    args: [{ requestId: randomUUID(), decision: 'confirm', actor: admin }],
  });
  expect((await handle.result()).stage).toBe('disqualified');
  const sentBefore = h.smtp.sentTo(to).length;
  await h.env.sleep(30 * DAY);
  expect(h.smtp.sentTo(to)).toHaveLength(sentBefore);
  expect(await h.db.query('SELECT stage FROM leads WHERE id = $1', [leadId])).toEqual([{ stage: 'disqualified' }]);
  await h.record('junk-confirmed', handle);
});

it('raises a stall alert when an evaluating lead goes silent for 14 days, and clears it on the next sign of life (R20)', async () => {
  const kyiv = await h.addRep('stall', { country: `S${h.tag}` });
  const { handle } = await h.capture({
    email: email('dmytro'),
    firstName: 'Dmytro',
    country: `S${h.tag}`,
    buyerStage: 'evaluation',
  });
  await waitForState(handle, (s) => s.stage === 'contacting');
  await handle.executeUpdate(reportOutcomeUpdate, { args: [outcome('reached', kyiv.repId)] });
  await h.env.sleep(13 * DAY);
  expect((await waitForState(handle, () => true)).stalled).toBe(false);
  await h.env.sleep(2 * DAY);
  await waitForState(handle, (s) => s.stalled);
  await waitUntil(async () => (await handle.describe()).typedSearchAttributes.get(SearchAttributes.Stalled) === true);
  await h.smtp.waitFor((m) => m.envelopeTo.includes(kyiv.email) && /Gone quiet/.test(m.parsed.subject ?? ''));

  await handle.signal(engagementSignal, {
    requestId: randomUUID(),
    event: 'pricing_page_visit',
    at: new Date(await h.env.currentTimeMs()).toISOString(),
  });
  await waitForState(handle, (s) => !s.stalled);
  await h.record('stall-alert', handle);
});

it('lives a year across continueAsNew with nothing lost (long-lived leads)', async () => {
  const rep1 = await h.addRep('year', { country: `Y${h.tag}` });
  // A limit the welcome and the first outcome stay under: the time-skipping test server can lose its
  // clock when a run continues as new while a query or an update is in flight (the real server does
  // not), so the runs turn over during the year's signals and sleeps instead.
  const { handle } = await h.capture(
    { email: email('pekka'), firstName: 'Pekka', country: `Y${h.tag}` },
    { historyLimit: 300 },
  );
  await waitForState(handle, (s) => s.stage === 'contacting');
  await handle.executeUpdate(reportOutcomeUpdate, { args: [outcome('reached', rep1.repId)] });
  for (let week = 0; week < 52; week += 4) {
    await handle.signal(engagementSignal, {
      requestId: randomUUID(),
      event: 'page_visit',
      at: new Date(await h.env.currentTimeMs()).toISOString(),
    });
    await h.env.sleep(28 * DAY);
  }
  const state = await waitForState(handle, (s) => s.stage === 'nurturing');
  expect((await runChain(h.env.client.workflow, handle)).length).toBeGreaterThan(1);
  expect(state).toMatchObject({ assignedRep: rep1.repId, captures: 1, firstContactAt: expect.any(String) });
  const touches = await h.db.query(
    "SELECT count(*)::int AS n FROM touches WHERE lead_id = $1 AND kind = 'engagement'",
    [state.leadId],
  );
  expect(touches[0]!.n).toBe(13);
  await h.record('year-across-continue-as-new', handle);
});
