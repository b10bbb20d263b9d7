/**
 * R7: a call or meeting the rep schedules is a timer in the lead's workflow: days later, when it
 * is due and not before, the rep gets a reminder. Time-skipping server, real activities, database
 * and SMTP.
 */
import { randomUUID } from 'node:crypto';
import { reportOutcomeUpdate, scheduleActivityUpdate } from '../workflows/contracts';
import { DAY, startHarness, waitForState, type Harness } from './helpers/lifecycle';
import { waitUntil } from './helpers/wait';

let h: Harness;
beforeAll(async () => {
  h = await startHarness('scheduled-activity');
});
afterAll(() => h.close());

it("reminds the rep of a scheduled meeting and of an outcome's next call when each is due, not before (R7)", async () => {
  const athens = await h.addRep('athens', { country: `G${h.tag}`, city: 'Athens' });
  const { leadId, handle } = await h.capture({
    email: `eleni.${h.tag}@example.gr`,
    phone: '+30 21 0123 4567',
    firstName: 'Eleni',
    country: `G${h.tag}`,
    city: 'Athens',
  });
  await waitForState(handle, (s) => s.stage === 'contacting');
  const actor = { role: 'rep', repId: athens.repId };
  const now = await h.env.currentTimeMs();
  const meetingAt = new Date(now + 2 * DAY).toISOString();
  const callAt = new Date(now + 3 * DAY).toISOString();

  await handle.executeUpdate(scheduleActivityUpdate, {
    args: [{ requestId: randomUUID(), kind: 'meeting', at: meetingAt, note: 'demo in Piraeus', actor }],
  });
  await handle.executeUpdate(reportOutcomeUpdate, {
    args: [{ requestId: randomUUID(), outcome: 'no_answer', nextActivity: { kind: 'call', at: callAt }, actor }],
  });
  // The updates answer once decided; the rep's tasks are written just after.
  await waitUntil(
    async () =>
      (await h.db.query("SELECT 1 FROM tasks WHERE lead_id = $1 AND title LIKE '% scheduled by the rep%'", [leadId]))
        .length === 2,
  );
  expect(
    await h.db.query('SELECT kind, due_at FROM tasks WHERE lead_id = $1 AND kind IN ($2, $3) ORDER BY due_at', [
      leadId,
      'meeting',
      'call',
    ]),
  ).toEqual(
    expect.arrayContaining([
      { kind: 'meeting', due_at: new Date(meetingAt) },
      { kind: 'call', due_at: new Date(callAt) },
    ]),
  );

  const reminders = () => h.smtp.sentTo(athens.email).filter((m) => /^Due now/.test(m.parsed.subject ?? ''));
  await h.env.sleep(DAY + DAY / 2);
  await waitForState(handle, () => true);
  expect(reminders()).toHaveLength(0);

  await h.env.sleep(DAY);
  const [meeting] = await h.smtp.waitFor(
    (m) => m.envelopeTo.includes(athens.email) && /^Due now/.test(m.parsed.subject ?? ''),
  );
  expect(meeting!.parsed.text).toContain(`Scheduled meeting at ${meetingAt}: demo in Piraeus`);
  expect(meeting!.parsed.text).toContain(leadId);

  await h.env.sleep(DAY);
  const both = await h.smtp.waitFor(
    (m) => m.envelopeTo.includes(athens.email) && /^Due now/.test(m.parsed.subject ?? ''),
    { count: 2 },
  );
  expect(both[1]!.parsed.text).toContain(`Scheduled call at ${callAt}`);

  await h.env.sleep(DAY);
  await waitForState(handle, () => true);
  expect(reminders()).toHaveLength(2); // each reminded once
});
