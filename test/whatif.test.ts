/**
 * Issue 15, item 5 (N5): what-if scoring. Pure: a cohort replayed through two models in simulated
 * time. Integration: the recorded history of leads captured through the API, from PostgreSQL,
 * through GET /v1/funnel/scoring?model= and `npm run scoring:whatif`, which agree.
 */
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import fc from 'fast-check';
import { DECAYING_MODEL, DEFAULT_MODEL, explain, type LeadAction } from '../domain/scoring';
import { compareModels, formatWhatIf, replayLead, type LeadHistory } from '../domain/whatif';
import { testRun } from './setup/run';
import { startStack, type Stack } from './helpers/stack';
import { waitUntil } from './helpers/wait';

const DAY = 24 * 60 * 60 * 1000;
const t0 = Date.parse('2026-03-02T09:00:00.000Z');
const at = (days: number) => new Date(t0 + days * DAY).toISOString();
const act = (name: string, days: number): LeadAction =>
  name === 'capture' ? { kind: 'capture', name: '', at: at(days) } : { kind: 'engagement', name, at: at(days) };

describe('what-if scoring, pure', () => {
  // Day 40: a meeting, a download and a form on top of a 40-day-old capture: 53 without decay, 47 with it.
  const slow: LeadHistory = {
    id: 'slow',
    profile: {},
    actions: [act('capture', 0), act('meeting', 40), act('download', 40), act('form_submit', 40)],
    sql: false,
    won: false,
  };
  const fast: LeadHistory = {
    id: 'fast',
    profile: {},
    actions: [act('capture', 0), act('meeting', 0), act('download', 0), act('form_submit', 0)],
    sql: true,
    won: true,
  };
  const quiet: LeadHistory = { id: 'quiet', profile: {}, actions: [act('capture', 0)], sql: false, won: false };

  it('counts the leads whose grade changes, the MQLs gained and lost, and conversion by grade and band under each', () => {
    const w = compareModels(DEFAULT_MODEL, DECAYING_MODEL, [slow, fast, quiet], at(90));
    expect(w).toMatchObject({
      leads: 3,
      leadsWhoseGradeChanges: 1,
      gradeChanges: [{ from: 'hot', to: 'warm', leads: 1 }],
      mqlsGained: 0,
      mqlsLost: 1,
      current: { model: 'icp-2026@1', mqls: 2 },
      candidate: { model: 'icp-2026-decay@1', mqls: 1 },
    });
    expect(w.current.byGrade).toEqual([
      { grade: 'cold', leads: 1, sql: 0, won: 0, conversionRate: 0, sqlRate: 0 },
      { grade: 'warm', leads: 0, sql: 0, won: 0, conversionRate: null, sqlRate: null },
      { grade: 'hot', leads: 2, sql: 1, won: 1, conversionRate: 0.5, sqlRate: 0.5 },
    ]);
    expect(w.candidate.byGrade.map((g) => [g.grade, g.leads, g.conversionRate])).toEqual([
      ['cold', 1, 0],
      ['warm', 1, 0],
      ['hot', 1, 1],
    ]);
    expect(w.candidate.byScoreBand.map((b) => [b.band, b.leads])).toEqual([
      ['0–19', 1],
      ['40–59', 2],
    ]);
    const text = formatWhatIf(w);
    expect(text).toContain('Leads whose grade would change: 1');
    expect(text).toContain('  hot → warm: 1');
    expect(text).toContain('MQLs: 2 → 1 (gained 0, lost 1)');
  });

  it('replays exactly as the model explains: the score after each instant of actions, and at the end', () => {
    const actionArb = fc
      .record({
        key: fc.constantFrom(...Object.keys(DEFAULT_MODEL.actions)),
        days: fc.integer({ min: 0, max: 400 }),
        ref: fc.option(fc.constantFrom('e1', 'e1#0', 'e2'), { nil: undefined }),
        machine: fc.boolean(),
      })
      .map(({ key, days, ref, machine }): LeadAction => {
        const [kind, name] = key === 'capture' ? ['capture', ''] : key.split(':');
        return {
          kind: kind as LeadAction['kind'],
          name: name!,
          at: at(days / 4),
          ...(ref ? { ref } : {}),
          ...(machine ? { uncounted: 'a scanner' } : {}),
        };
      });
    fc.assert(
      fc.property(fc.array(actionArb, { maxLength: 12 }), fc.boolean(), (actions, decay) => {
        const model = decay ? DECAYING_MODEL : DEFAULT_MODEL;
        const lead: LeadHistory = { id: 'x', profile: { industry: 'software' }, actions, sql: false, won: false };
        const instants = [...new Set(actions.map((a) => Date.parse(a.at)))].sort((a, b) => a - b);
        const end = at(120);
        // The slow way: explain the actions up to each instant, at that instant.
        let peak = explain(model, lead.profile, [], at(0)).score;
        for (const t of instants) {
          const upTo = actions.filter((a) => Date.parse(a.at) <= t);
          peak = Math.max(peak, explain(model, lead.profile, upTo, new Date(t).toISOString()).score);
        }
        const last = explain(
          model,
          lead.profile,
          actions.filter((a) => a.at <= end),
          end,
        ).score;
        expect(replayLead(model, lead, end)).toMatchObject({ peakScore: peak, lastScore: last });
      }),
      { numRuns: 400 },
    );
  });

  it('changes nothing when the candidate is the current model', () => {
    const w = compareModels(DEFAULT_MODEL, DEFAULT_MODEL, [slow, fast, quiet], at(90));
    expect([w.leadsWhoseGradeChanges, w.mqlsGained, w.mqlsLost]).toEqual([0, 0, 0]);
    expect(w.candidate.byGrade).toEqual(w.current.byGrade);
  });
});

describe('what-if scoring on recorded history', () => {
  let stack: Stack;
  let tag: string;
  beforeAll(async () => {
    stack = await startStack('whatif');
    tag = stack.taskQueue.slice(-6);
    await stack.addRep(`whatif-${tag}`, 'Rep Whatif', { country: `WIF-${tag}` });
  });
  afterAll(() => stack.close());

  it('answers GET /v1/funnel/scoring?model= and npm run scoring:whatif with the same comparison', async () => {
    const [capture, manager] = await Promise.all([stack.authAs('capture'), stack.authAs('manager')]);
    const from = new Date(Date.now() - 60_000).toISOString();
    const ids: string[] = [];
    for (const name of ['a', 'b', 'c']) {
      const res = await stack.call('POST', '/v1/leads', capture, {
        email: `${name}.${tag}@example.com`,
        country: `WIF-${tag}`,
      });
      expect(res.status).toBe(201);
      ids.push(res.body.leadId);
    }
    const events = [
      { type: 'form_submit', leadId: ids[0] },
      { type: 'download', leadId: ids[0] },
      { type: 'pricing_page_visit', leadId: ids[1] },
    ];
    expect((await stack.call('POST', '/v1/events', capture, { events })).status).toBe(200);
    // Wait until every lead is routed to the rep (the cohort filter) and the events are stored.
    await waitUntil(async () => {
      const rows = await stack.db.query(
        "SELECT 1 FROM leads l WHERE assigned_rep_id = $1 AND (SELECT count(*) FROM touches t WHERE t.lead_id = l.id AND t.kind IN ('capture', 'engagement')) >= 1",
        [`whatif-${tag}`],
      );
      return rows.length === 3;
    });
    const to = new Date(Date.now() + 60_000).toISOString();
    const query = `from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}&rep=whatif-${tag}`;
    const res = await stack.call('GET', `/v1/funnel/scoring?${query}&model=icp-2026-decay@1`, manager);
    expect(res.status).toBe(200);
    // Captured and engaged today, the leads score the same under both models: 28, 18 and 10 points.
    expect(res.body).toMatchObject({
      leads: 3,
      leadsWhoseGradeChanges: 0,
      mqlsGained: 0,
      mqlsLost: 0,
      current: { model: 'icp-2026@1', mqls: 0 },
      candidate: { model: 'icp-2026-decay@1', mqls: 0 },
    });
    expect(res.body.current.byScoreBand.map((b: { band: string; leads: number }) => [b.band, b.leads])).toEqual([
      ['0–19', 2],
      ['20–39', 1],
    ]);

    const unknown = await stack.call('GET', `/v1/funnel/scoring?${query}&model=nope@9`, manager);
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.fields.map((f: { field: string }) => f.field)).toEqual(['model']);

    const cli = spawnSync(
      process.execPath,
      [
        '--import',
        'tsx',
        path.resolve(__dirname, '..', 'scripts', 'scoring-whatif.ts'),
        '--model',
        'icp-2026-decay@1',
        '--from',
        from,
        '--to',
        to,
        '--rep',
        `whatif-${tag}`,
        '--json',
      ],
      { encoding: 'utf8', env: { ...process.env, DATABASE_URL: testRun().databaseUrl, SCORING_MODEL: 'icp-2026@1' } },
    );
    expect(cli.stderr).toBe('');
    expect(JSON.parse(cli.stdout)).toEqual({ ...res.body, from: undefined, to: undefined, at: res.body.at });
  });
});
