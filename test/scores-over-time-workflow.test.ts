/**
 * Issue 15, item 1, in the real lead workflow on the time-skipping server with the real activities
 * and database: a hot lead left alone turns warm, then cold, on the days the scoring model names,
 * and the board's row follows.
 */
import { randomUUID } from 'node:crypto';
import { DEFAULT_MODEL, nextGradeChange, type LeadAction } from '../domain/scoring';
import { engagementsSignal, type EngagementEvent } from '../workflows/contracts';
import { DAY, startHarness, waitForState, type Harness } from './helpers/lifecycle';

let h: Harness;
beforeAll(async () => {
  h = await startHarness('scores-over-time');
});
afterAll(() => h.close());

async function actionsOf(leadId: string): Promise<LeadAction[]> {
  const rows = await h.db.query<{ kind: LeadAction['kind']; name: string; at: Date }>(
    "SELECT kind, coalesce(details->>'event', details->>'outcome', '') AS name, at FROM touches WHERE lead_id = $1 AND kind IN ('capture', 'engagement', 'outcome')",
    [leadId],
  );
  return rows.map((r) => ({ kind: r.kind, name: r.name, at: r.at.toISOString() }));
}

it('re-scores a silent hot lead when its actions leave the window: warm on day 90, cold on day 100, as the model says', async () => {
  const country = `SOT${h.tag}`; // no fit points: only actions count
  await h.addRep('sot', { country });
  const { leadId, handle } = await h.capture({ email: `sot.${h.tag}@example.com`, firstName: 'Saara', country });
  const engage = async (events: EngagementEvent[]) => {
    const at = new Date(await h.env.currentTimeMs()).toISOString();
    await handle.signal(
      engagementsSignal,
      events.map((event) => ({ requestId: randomUUID(), event, at })),
    );
  };
  await engage(['form_submit', 'download']); // day 0: capture 10 + 10 + 8 = 28, warm
  await waitForState(handle, (s) => s.score === 28);
  await h.env.sleep(10 * DAY);
  await engage(['form_submit', 'download', 'pricing_page_visit']); // day 10: + 26 = 54, hot
  const hot = await waitForState(handle, (s) => s.score === 54);
  expect(hot.grade).toBe('hot');

  // What the model says, from the lead's recorded actions: day 0's actions leave the 90-day window first.
  const actions = await actionsOf(leadId);
  const day0 = Math.min(...actions.map((a) => Date.parse(a.at)));
  const now = new Date(await h.env.currentTimeMs()).toISOString();
  const warmAt = nextGradeChange(DEFAULT_MODEL, {}, actions, now)!;
  expect(Date.parse(warmAt)).toBe(day0 + 90 * DAY + 1);
  const coldAt = nextGradeChange(DEFAULT_MODEL, {}, actions, warmAt)!;
  expect((Date.parse(coldAt) - day0) / DAY).toBeGreaterThan(100);
  expect((Date.parse(coldAt) - day0) / DAY).toBeLessThan(101);

  // Nothing happens for 100 days: the lead's own timers re-score it.
  await h.env.sleep(Date.parse(coldAt) + DAY - Date.parse(now));
  const cold = await waitForState(handle, (s) => s.grade === 'cold');
  expect(cold.score).toBe(0);
  const changes = await h.db.query<{ grade: string; score: number; at: Date; reason: string }>(
    'SELECT grade, score, at, reason FROM score_changes WHERE lead_id = $1 ORDER BY at, id',
    [leadId],
  );
  const timed = changes.filter((c) => c.reason.startsWith('time:'));
  // Day 90 the capture leaves first (54 − 10 = 44, warm); day 0's engagement right after it changes no grade (26, warm),
  // so the next re-score is the one that turns the lead cold.
  expect(timed.map((c) => [c.grade, c.score])).toEqual([
    ['warm', 44],
    ['cold', 0],
  ]);
  // Each on the day the model named (the timer fires at that instant of the server's clock, or just after).
  for (const [change, due] of [
    [timed[0]!, warmAt],
    [timed[1]!, coldAt],
  ] as const) {
    expect(change.at.getTime()).toBeGreaterThanOrEqual(Date.parse(due));
    expect(change.at.getTime() - Date.parse(due)).toBeLessThan(60_000);
  }
  // The board's row shows it.
  const [row] = await h.db.query<{ grade: string; score: number }>('SELECT grade, score FROM leads WHERE id = $1', [
    leadId,
  ]);
  expect(row).toEqual({ grade: 'cold', score: 0 });
});
