/**
 * Issue 15, item 1: scores move with time. The scoring model answers, purely, when a lead's grade
 * would next change with no new action (decay, actions leaving the window); the workflow sets a
 * timer for then. Properties over random lives, and the days of the default and decaying models.
 */
import fc from 'fast-check';
import {
  DECAYING_MODEL,
  DEFAULT_MODEL,
  explain,
  nextGradeChange,
  type LeadAction,
  type LeadProfile,
  type ScoringModel,
} from '../domain/scoring';

const DAY = 24 * 60 * 60 * 1000;
const now = Date.parse('2026-06-01T12:00:00.000Z');
const iso = (t: number) => new Date(t).toISOString();
const gradeAt = (model: ScoringModel, lead: LeadProfile, actions: LeadAction[], t: number) =>
  explain(model, lead, actions, iso(t)).grade;

const ACTIONS = Object.keys(DEFAULT_MODEL.actions);
const actionArb: fc.Arbitrary<LeadAction> = fc
  .record({ key: fc.constantFrom(...ACTIONS), ageMs: fc.integer({ min: 0, max: 200 * DAY }) })
  .map(({ key, ageMs }) => {
    const [kind, name] = key === 'capture' ? ['capture', ''] : key.split(':');
    return { kind: kind as LeadAction['kind'], name: name!, at: iso(now - ageMs) };
  });
const profileArb: fc.Arbitrary<LeadProfile> = fc.record({
  industry: fc.constantFrom('software', 'mining', null),
  companySize: fc.constantFrom('51-200', '1-10', null),
  country: fc.constantFrom('fi', 'us', null),
  title: fc.constantFrom('CTO', 'Intern', null),
  revenue: fc.constantFrom(5_000_000, 0, null),
});

describe('when the grade would next change on its own (issue 15)', () => {
  for (const model of [DEFAULT_MODEL, DECAYING_MODEL]) {
    it(`${model.id}: the grade holds until the time it names, and differs from then on; null means never`, () => {
      fc.assert(
        fc.property(
          profileArb,
          fc.array(actionArb, { maxLength: 25 }),
          fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 5, maxLength: 5 }),
          (lead, actions, samples) => {
            const current = gradeAt(model, lead, actions, now);
            const next = nextGradeChange(model, lead, actions, iso(now));
            // Beyond every window exit nothing changes any more: a year after the window is the end of the horizon.
            const horizon = now + (model.engagementWindowDays + 365) * DAY;
            const until = next === null ? horizon : Date.parse(next);
            expect(until).toBeGreaterThan(now);
            for (const f of samples) {
              const t = now + Math.floor(f * (until - now - 1));
              expect({ t: iso(t), grade: gradeAt(model, lead, actions, t) }).toEqual({ t: iso(t), grade: current });
            }
            if (next !== null) {
              expect(gradeAt(model, lead, actions, until)).not.toBe(current);
              // To the millisecond: just before, the grade still held.
              expect(gradeAt(model, lead, actions, until - 1)).toBe(current);
            } else {
              expect(gradeAt(model, lead, actions, horizon)).toBe(current);
            }
          },
        ),
        { numRuns: 300 },
      );
    });
  }

  const hot: LeadAction[] = [
    { kind: 'capture', name: '', at: iso(now - 10 * DAY) },
    { kind: 'engagement', name: 'meeting', at: iso(now - 5 * DAY) },
    { kind: 'engagement', name: 'download', at: iso(now - 2 * DAY) },
    { kind: 'engagement', name: 'pricing_page_visit', at: iso(now) },
  ]; // 10 + 25 + 8 + 8 = 51: hot

  it('default model (no decay, 90-day window): hot until the meeting leaves the window, then cold', () => {
    expect(gradeAt(DEFAULT_MODEL, {}, hot, now)).toBe('hot');
    // Day 80 from now the capture leaves (51 − 10 = 41: warm); day 85 the meeting (16: cold).
    expect(nextGradeChange(DEFAULT_MODEL, {}, hot, iso(now))).toBe(iso(now + 80 * DAY + 1));
    expect(nextGradeChange(DEFAULT_MODEL, {}, hot, iso(now + 80 * DAY + 1))).toBe(iso(now + 85 * DAY + 1));
    expect(nextGradeChange(DEFAULT_MODEL, {}, hot, iso(now + 85 * DAY + 1))).toBeNull();
  });

  it('a negative action leaving the window raises the grade: the model names that time too', () => {
    const actions: LeadAction[] = [
      { kind: 'engagement', name: 'meeting', at: iso(now - 1 * DAY) },
      { kind: 'outcome', name: 'not_interested', at: iso(now - 60 * DAY) },
    ];
    expect(gradeAt(DEFAULT_MODEL, {}, actions, now)).toBe('cold'); // 25 − 20 = 5
    expect(nextGradeChange(DEFAULT_MODEL, {}, actions, iso(now))).toBe(iso(now + 30 * DAY + 1)); // 25: warm
  });

  it('decaying model (half-life 30 days): hot turns warm, then cold, on the days the halving says', () => {
    const at = iso(now);
    const hotter = [...hot, { kind: 'engagement' as const, name: 'reply', at: iso(now - DAY) }];
    expect(explain(DECAYING_MODEL, {}, hotter, at).engagement).toBeCloseTo(60.46, 1);
    const first = Date.parse(nextGradeChange(DECAYING_MODEL, {}, hotter, at)!);
    expect(gradeAt(DECAYING_MODEL, {}, hotter, first)).toBe('warm');
    const second = Date.parse(nextGradeChange(DECAYING_MODEL, {}, hotter, iso(first))!);
    expect(gradeAt(DECAYING_MODEL, {}, hotter, second)).toBe('cold');
    // Every term halves every 30 days: 60.46 points fall below 49.5 after 30·log2(60.46/49.5) ≈ 8.66 days, below 24.5
    // after 30·log2(60.46/24.5) ≈ 39.1 days (the rounding of each line moves these by minutes at most).
    expect((first - now) / DAY).toBeCloseTo(30 * Math.log2(60.46 / 49.5), 1);
    expect((second - now) / DAY).toBeCloseTo(30 * Math.log2(60.46 / 24.5), 1);
  });
});
