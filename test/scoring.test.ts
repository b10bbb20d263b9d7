/** R14: the scoring model, pure. */
import { loadConfig } from '../config';
import {
  DECAYING_MODEL,
  DEFAULT_MODEL,
  decayed,
  explain,
  explainScore,
  findModel,
  gradeOf,
  icpFit,
  SCORING_MODELS,
  scoreLead,
  type FitRule,
  type LeadAction,
} from '../domain/scoring';

const at = '2026-06-01T12:00:00.000Z';
const daysBefore = (days: number) => new Date(Date.parse(at) - days * 24 * 60 * 60 * 1000).toISOString();
const ideal = {
  industry: 'Manufacturing',
  companySize: '201-1000',
  title: 'Head of Operations',
  revenue: 5_000_000,
  country: 'FI',
};

describe('scoring a lead: fit plus engagement (R14)', () => {
  it('adds fit with the ideal customer profile: industry, size, role, revenue and location', () => {
    const s = scoreLead(ideal, [], at);
    expect(s).toMatchObject({ fit: 40, engagement: 0, score: 40, grade: 'warm', mql: false, model: DEFAULT_MODEL.id });
    expect(s.breakdown.map((l) => l.id)).toEqual([
      'fit:industry',
      'fit:size',
      'fit:role',
      'fit:revenue',
      'fit:location',
    ]);
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

describe('scoring models: versions, ICP fit, time decay and explain (R14)', () => {
  const action = (name: string, days: number, kind: LeadAction['kind'] = 'engagement'): LeadAction => ({
    kind,
    name,
    at: daysBefore(days),
  });

  it('builds fit rules from an ICP, each rule scoring only its own attribute', () => {
    const rules = icpFit({
      industries: { values: ['software'], points: 7 },
      companySizes: { values: ['11-50'], points: 3 },
      roles: { pattern: /\bcto\b/i, label: 'technical buyer', points: 11 },
      revenue: { atLeast: 500_000, label: 'revenue ≥ 0.5 M€', points: 2 },
      regions: { values: ['us', 'ca'], points: 1 },
    });
    const fitOf = (lead: Parameters<FitRule['matches']>[0]) =>
      rules.filter((r) => r.matches(lead)).map((r) => `${r.id}:${r.points}`);
    expect(fitOf({ industry: ' Software ' })).toEqual(['industry:7']);
    expect(fitOf({ companySize: '11-50' })).toEqual(['size:3']);
    expect(fitOf({ title: 'CTO and co-founder' })).toEqual(['role:11']);
    expect(fitOf({ revenue: 500_000 })).toEqual(['revenue:2']);
    expect(fitOf({ revenue: 499_999 })).toEqual([]);
    expect(fitOf({ country: 'US' })).toEqual(['location:1']);
    expect(fitOf({ industry: null, companySize: null, country: null, revenue: null, title: null })).toEqual([]);
  });

  it('scores every action the issue names, each weighted differently', () => {
    const events = [
      'email_open',
      'email_click',
      'page_visit',
      'pricing_page_visit',
      'download',
      'form_submit',
      'reply',
      'meeting',
    ];
    const points = events.map((e) => scoreLead({}, [action(e, 0)], at).engagement);
    expect(points).toEqual([3, 5, 2, 8, 8, 10, 15, 25]);
    expect(scoreLead({}, [action('unknown_event', 0)], at).engagement).toBe(0);
  });

  it('keeps the default model compatible: no decay inside its 90-day window', () => {
    expect(DEFAULT_MODEL).toMatchObject({ id: 'icp-2026', version: 1 });
    expect(DEFAULT_MODEL.halfLifeDays).toBeUndefined();
    expect(scoreLead({}, [action('download', 89)], at).engagement).toBe(8);
  });

  it('halves an action every half-life in the decaying model', () => {
    const points = (days: number) => scoreLead({}, [action('meeting', days)], at, DECAYING_MODEL).engagement;
    expect(points(0)).toBe(25);
    expect(points(30)).toBe(12.5);
    expect(points(60)).toBe(6.25);
    expect(points(15)).toBeCloseTo(25 / Math.SQRT2, 2);
    expect(points(181)).toBe(0); // outside the 180-day window
    expect(decayed(10, 30, undefined)).toBe(10);
    expect(decayed(-20, 30, 30)).toBe(-10);
  });

  it('rounds the decayed sum to a whole score and never goes below zero', () => {
    const s = scoreLead({}, [action('email_open', 10), action('email_open', 20)], at, DECAYING_MODEL);
    expect(s.engagement).toBeCloseTo(3 * 0.5 ** (1 / 3) + 3 * 0.5 ** (2 / 3), 1);
    expect(s.score).toBe(Math.round(s.engagement));
    expect(scoreLead({}, [action('not_interested', 1, 'outcome')], at, DECAYING_MODEL).score).toBe(0);
  });

  it('explains every fit rule, matched or not, and every action with its decayed points', () => {
    const e = explain(
      DECAYING_MODEL,
      { industry: 'software', title: 'Intern' },
      [
        action('pricing_page_visit', 30),
        action('download', 200),
        action('form_submit', -1),
        action('sneeze', 1),
        { kind: 'capture', name: '', at: daysBefore(60) },
      ],
      at,
    );
    expect(e.rules.map((r) => `${r.id}:${r.matched}`)).toEqual([
      'industry:true',
      'size:false',
      'role:false',
      'revenue:false',
      'location:false',
    ]);
    expect(e.breakdown).toEqual([
      { id: 'fit:industry', label: 'industry in the ICP', points: 10 },
      { id: 'capture', label: 'capture', points: 2.5, at: daysBefore(60), basePoints: 10, ageDays: 60 },
      {
        id: 'engagement:pricing_page_visit',
        label: 'engagement pricing page visit',
        points: 4,
        at: daysBefore(30),
        basePoints: 8,
        ageDays: 30,
      },
    ]);
    expect(e.ignored.map((i) => `${i.action.name}:${i.why}`)).toEqual([
      'download:outside the window',
      'sneeze:not scored by this model',
      'form_submit:in the future',
    ]);
    expect(e).toMatchObject({
      model: 'icp-2026-decay',
      modelVersion: 1,
      fit: 10,
      engagement: 6.5,
      score: 17,
      grade: 'cold',
      mql: false,
    });
  });

  it("crosses the MQL threshold and the grades at the model's numbers", () => {
    const hot = scoreLead({ industry: 'software' }, [action('meeting', 0), action('reply', 0)], at, DECAYING_MODEL);
    expect(hot).toMatchObject({ score: 50, grade: 'hot', mql: true });
    const warm = scoreLead({}, [action('meeting', 0)], at, DECAYING_MODEL);
    expect(warm).toMatchObject({ score: 25, grade: 'warm', mql: false });
    const strict = { ...DECAYING_MODEL, grades: { warm: 10, hot: 90 }, mqlThreshold: 90 };
    expect(scoreLead({ industry: 'software' }, [action('meeting', 0), action('reply', 0)], at, strict)).toMatchObject({
      grade: 'warm',
      mql: false,
    });
  });

  it('keeps several models side by side, each found by id and version', () => {
    expect(findModel('icp-2026', 1)).toBe(DEFAULT_MODEL);
    expect(findModel('icp-2026-decay', 1)).toBe(DECAYING_MODEL);
    expect(findModel('icp-2026', 99)).toBeUndefined();
    expect([...SCORING_MODELS.keys()]).toEqual(['icp-2026@1', 'icp-2026-decay@1']);
  });

  it('tells the rep the model version, and how much each action has decayed', () => {
    const text = explainScore(scoreLead({ industry: 'software' }, [action('meeting', 30)], at, DECAYING_MODEL));
    expect(text.split('\n')).toEqual([
      'Score 23 (cold, model icp-2026-decay v1):',
      '  +10 industry in the ICP',
      `  +12.5 engagement meeting (${daysBefore(30).slice(0, 10)}, 25 decayed over 30 days)`,
    ]);
    expect(explainScore(scoreLead({}, [], at))).toBe(
      'Score 0 (cold, model icp-2026 v1):\n  no fit or engagement points yet',
    );
  });
});

describe('choosing the scoring model in configuration (R14)', () => {
  it('defaults to icp-2026 v1 and takes any model by id and version, refusing an unknown one by name', () => {
    expect(loadConfig({}).SCORING_MODEL).toBe('icp-2026@1');
    expect(SCORING_MODELS.get(loadConfig({ SCORING_MODEL: 'icp-2026-decay@1' }).SCORING_MODEL)).toBe(DECAYING_MODEL);
    expect(() => loadConfig({ SCORING_MODEL: 'icp-2026@9' })).toThrow(
      'Invalid configuration: SCORING_MODEL: must be one of icp-2026@1, icp-2026-decay@1',
    );
  });
});
