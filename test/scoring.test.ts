/** R14: the scoring model, pure. */
import { DEFAULT_MODEL, explainScore, gradeOf, scoreLead, type LeadAction } from '../domain/scoring';

const at = '2026-06-01T12:00:00.000Z';
const daysBefore = (days: number) => new Date(Date.parse(at) - days * 24 * 60 * 60 * 1000).toISOString();
const ideal = { industry: 'Manufacturing', companySize: '201-1000', title: 'Head of Operations', revenue: 5_000_000, country: 'FI' };

describe('scoring a lead: fit plus engagement (R14)', () => {
  it('adds fit with the ideal customer profile: industry, size, role, revenue and location', () => {
    const s = scoreLead(ideal, [], at);
    expect(s).toMatchObject({ fit: 40, engagement: 0, score: 40, grade: 'warm', mql: false, model: DEFAULT_MODEL.id });
    expect(s.breakdown.map((l) => l.id)).toEqual(['fit:industry', 'fit:size', 'fit:role', 'fit:revenue', 'fit:location']);
    expect(scoreLead({ industry: 'agriculture', title: 'Intern' }, [], at).fit).toBe(0);
  });

  it('weighs actions differently: a pricing-page visit is worth more than a routine page visit', () => {
    const visit = scoreLead({}, [{ kind: 'engagement', name: 'page_visit', at }], at).score;
    const pricing = scoreLead({}, [{ kind: 'engagement', name: 'pricing_page_visit', at }], at).score;
    expect(pricing).toBeGreaterThan(visit);
  });

  it('makes a well-fitting lead that books a meeting an MQL, and explains why', () => {
    const actions: LeadAction[] = [
      { kind: 'capture', name: '', at: daysBefore(3) },
      { kind: 'outcome', name: 'meeting_booked', at },
    ];
    const s = scoreLead(ideal, actions, at);
    expect(s).toMatchObject({ score: 75, grade: 'hot', mql: true });
    expect(explainScore(s)).toContain('Score 75 (hot');
    expect(explainScore(s)).toContain('+25 outcome meeting booked');
    expect(explainScore(s)).toContain('+10 industry in the ICP');
  });

  it('forgets actions older than the window: interest fades', () => {
    const old: LeadAction[] = [{ kind: 'engagement', name: 'download', at: daysBefore(91) }];
    expect(scoreLead({}, old, at).engagement).toBe(0);
    expect(scoreLead({}, old, daysBefore(1)).engagement).toBe(8);
  });

  it('takes points away for a lead who says no, but never goes below zero', () => {
    expect(scoreLead({}, [{ kind: 'outcome', name: 'not_interested', at }], at).score).toBe(0);
    expect(scoreLead(ideal, [{ kind: 'outcome', name: 'not_interested', at }], at).score).toBe(20);
  });

  it('grades cold below 25, warm below 50, hot from 50', () => {
    expect([0, 24, 25, 49, 50, 90].map((n) => gradeOf(n))).toEqual(['cold', 'cold', 'warm', 'warm', 'hot', 'hot']);
  });
});
