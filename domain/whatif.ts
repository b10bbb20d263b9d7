/**
 * What-if scoring (N5, issue 15): every lead's recorded actions replayed through a candidate model
 * in simulated time — the pure scoring, no workflows — next to the current model, and both set
 * against what really happened (SQL, won). Pure: db/whatif.ts loads the history.
 */
import { decayed, gradeOf, modelKey, type LeadAction, type LeadProfile, type ScoringModel } from './scoring';
import type { Grade } from './lifecycle';

/** One lead's recorded history: its profile, its actions, and how it really ended. */
export interface LeadHistory {
  id: string;
  profile: LeadProfile;
  actions: LeadAction[];
  sql: boolean;
  won: boolean;
}

/** A lead under one model: scored after each of its actions, as the workflow would have; its peak and its last score. */
export interface Replayed {
  peakScore: number;
  peakGrade: Grade;
  mql: boolean;
  lastScore: number;
  lastGrade: Grade;
}

const GRADES: readonly Grade[] = ['cold', 'warm', 'hot'];

/**
 * Replays a lead's actions in time order, scoring after each one and at `at` (the end of the replay),
 * exactly as `explain` would (the same window, decay, once-only counting and rounding), without
 * rebuilding the explanation for every prefix: a cohort of 100,000 leads replays in seconds.
 */
export function replayLead(model: ScoringModel, lead: LeadHistory, at: string): Replayed {
  const fit = model.fit.reduce((sum, rule) => sum + (rule.matches(lead.profile) ? rule.points : 0), 0);
  const all = lead.actions.map((a) => ({ action: a, t: Date.parse(a.at) })).sort((x, y) => x.t - y.t);
  const counted = all.filter(({ action, t }, i) => counts(model, action, t, all.slice(0, i)));
  const windowMs = model.engagementWindowDays * DAY_MS;
  const scoreAt = (now: number) => {
    let engagement = 0;
    for (const { action, t } of counted) {
      if (t > now || t < now - windowMs) continue;
      engagement += round2(decayed(model.actions[actionKey(action)]!, (now - t) / DAY_MS, model.halfLifeDays));
    }
    return Math.max(0, Math.round(fit + round2(engagement)));
  };
  // Re-scored after every action, a machine's too (the workflow re-scores on each signal); actions at the same instant
  // together, as one re-score sees them.
  let peakScore = Math.max(0, Math.round(fit));
  for (let i = 0; i < all.length; i++) {
    if (all[i + 1]?.t === all[i]!.t) continue;
    peakScore = Math.max(peakScore, scoreAt(all[i]!.t));
  }
  const lastScore = scoreAt(Date.parse(at));
  return {
    peakScore,
    peakGrade: gradeOf(peakScore, model),
    mql: peakScore >= model.mqlThreshold,
    lastScore,
    lastGrade: gradeOf(lastScore, model),
  };
}

/** Whether an action ever scores under the model: a person's, not a repeat of one counted before it, worth points. */
function counts(
  model: ScoringModel,
  action: LeadAction,
  t: number,
  before: readonly { action: LeadAction; t: number }[],
): boolean {
  if (action.uncounted || !model.actions[actionKey(action)]) return false;
  if (action.ref === undefined || action.kind !== 'engagement') return true;
  const day = (x: number) => new Date(x).toISOString().slice(0, 10);
  const same = (b: { action: LeadAction; t: number }) =>
    !b.action.uncounted &&
    b.action.kind === 'engagement' &&
    b.action.name === action.name &&
    b.action.ref === action.ref;
  if (action.name === 'email_open') return !before.some(same);
  if (action.name === 'email_click') return !before.some((b) => same(b) && day(b.t) === day(t));
  return true;
}

const DAY_MS = 24 * 60 * 60 * 1000;
const round2 = (n: number) => Math.round(n * 100) / 100;
const actionKey = (action: LeadAction) => (action.kind === 'capture' ? 'capture' : `${action.kind}:${action.name}`);

export interface Bucket {
  leads: number;
  sql: number;
  won: number;
  /** won / leads, four decimals; null for an empty bucket. */
  conversionRate: number | null;
  sqlRate: number | null;
}

export interface ModelFigures {
  model: string;
  mqls: number;
  byGrade: ({ grade: Grade } & Bucket)[];
  byScoreBand: ({ band: string; minScore: number } & Bucket)[];
}

export interface WhatIf {
  at: string;
  leads: number;
  current: ModelFigures;
  candidate: ModelFigures;
  /** Leads whose peak grade differs between the models, counted by move ('hot → warm': n). */
  gradeChanges: { from: Grade; to: Grade; leads: number }[];
  leadsWhoseGradeChanges: number;
  mqlsGained: number;
  mqlsLost: number;
}

/** Points per score band of the comparison (as the scoring report's bands). */
export const WHATIF_BAND_POINTS = 20;

/** Replays every lead under both models and compares them (grades by each lead's peak, the grade it could qualify on). */
export function compareModels(
  current: ScoringModel,
  candidate: ScoringModel,
  leads: Iterable<LeadHistory>,
  at: string,
): WhatIf {
  const cur: [LeadHistory, Replayed][] = [];
  const cand: [LeadHistory, Replayed][] = [];
  const moves = new Map<string, number>();
  let gained = 0;
  let lost = 0;
  let n = 0;
  for (const lead of leads) {
    n++;
    const a = replayLead(current, lead, at);
    const b = replayLead(candidate, lead, at);
    cur.push([lead, a]);
    cand.push([lead, b]);
    if (a.peakGrade !== b.peakGrade) {
      const key = `${a.peakGrade}>${b.peakGrade}`;
      moves.set(key, (moves.get(key) ?? 0) + 1);
    }
    if (!a.mql && b.mql) gained++;
    if (a.mql && !b.mql) lost++;
  }
  const gradeChanges = [...moves].map(([key, leadsMoved]) => {
    const [from, to] = key.split('>') as [Grade, Grade];
    return { from, to, leads: leadsMoved };
  });
  return {
    at,
    leads: n,
    current: figures(current, cur),
    candidate: figures(candidate, cand),
    gradeChanges: gradeChanges.sort((x, y) => y.leads - x.leads),
    leadsWhoseGradeChanges: gradeChanges.reduce((sum, c) => sum + c.leads, 0),
    mqlsGained: gained,
    mqlsLost: lost,
  };
}

function figures(model: ScoringModel, replayed: [LeadHistory, Replayed][]): ModelFigures {
  const bucket = (rows: [LeadHistory, Replayed][]): Bucket => {
    const sql = rows.filter(([l]) => l.sql).length;
    const won = rows.filter(([l]) => l.won).length;
    const rate = (k: number) => (rows.length === 0 ? null : Number((k / rows.length).toFixed(4)));
    return { leads: rows.length, sql, won, conversionRate: rate(won), sqlRate: rate(sql) };
  };
  const bands = [...new Set(replayed.map(([, r]) => bandOf(r.peakScore)))].sort((a, b) => a - b);
  return {
    model: modelKey(model),
    mqls: replayed.filter(([, r]) => r.mql).length,
    byGrade: GRADES.map((grade) => ({ grade, ...bucket(replayed.filter(([, r]) => r.peakGrade === grade)) })),
    byScoreBand: bands.map((minScore) => ({
      band: `${minScore}–${minScore + WHATIF_BAND_POINTS - 1}`,
      minScore,
      ...bucket(replayed.filter(([, r]) => bandOf(r.peakScore) === minScore)),
    })),
  };
}

const bandOf = (score: number) => Math.floor(score / WHATIF_BAND_POINTS) * WHATIF_BAND_POINTS;

/** The comparison as the command prints it. */
export function formatWhatIf(w: WhatIf): string {
  const pct = (r: number | null) => (r === null ? '   –' : `${(r * 100).toFixed(1)}%`.padStart(6));
  const table = (title: string, rows: { label: string; a: Bucket; b: Bucket }[]) => [
    title,
    `  ${''.padEnd(10)} ${'leads'.padStart(8)} ${'SQL'.padStart(7)} ${'won'.padStart(7)} | ${'leads'.padStart(8)} ${'SQL'.padStart(7)} ${'won'.padStart(7)}`,
    ...rows.map(
      ({ label, a, b }) =>
        `  ${label.padEnd(10)} ${String(a.leads).padStart(8)} ${pct(a.sqlRate)} ${pct(a.conversionRate)} | ${String(b.leads).padStart(8)} ${pct(b.sqlRate)} ${pct(b.conversionRate)}`,
    ),
  ];
  const empty: Bucket = { leads: 0, sql: 0, won: 0, conversionRate: null, sqlRate: null };
  const bands = [...new Set([...w.current.byScoreBand, ...w.candidate.byScoreBand].map((b) => b.minScore))].sort(
    (a, b) => a - b,
  );
  return [
    `What-if scoring as of ${w.at}: ${w.leads} leads replayed`,
    `  current ${w.current.model} (left) vs candidate ${w.candidate.model} (right)`,
    '',
    `Leads whose grade would change: ${w.leadsWhoseGradeChanges}`,
    ...w.gradeChanges.map((c) => `  ${c.from} → ${c.to}: ${c.leads}`),
    `MQLs: ${w.current.mqls} → ${w.candidate.mqls} (gained ${w.mqlsGained}, lost ${w.mqlsLost})`,
    '',
    ...table(
      'Conversion by grade (peak grade; SQL and won rates against what really happened)',
      GRADES.map((g) => ({
        label: g,
        a: w.current.byGrade.find((x) => x.grade === g) ?? empty,
        b: w.candidate.byGrade.find((x) => x.grade === g) ?? empty,
      })),
    ),
    '',
    ...table(
      'Conversion by score band (peak score)',
      bands.map((m) => ({
        label: `${m}–${m + WHATIF_BAND_POINTS - 1}`,
        a: w.current.byScoreBand.find((x) => x.minScore === m) ?? empty,
        b: w.candidate.byScoreBand.find((x) => x.minScore === m) ?? empty,
      })),
    ),
  ].join('\n');
}
