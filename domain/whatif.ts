/**
 * What-if scoring (N5, issue 15): every lead's recorded actions replayed through a candidate model
 * in simulated time — the pure scoring, no workflows — next to the current model, and both set
 * against what really happened (SQL, won). Pure: db/whatif.ts loads the history.
 */
import { explain, modelKey, type LeadAction, type LeadProfile, type ScoringModel } from './scoring';
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

/** Replays a lead's actions in time order, scoring at each one (and at `at`, the end of the replay). */
export function replayLead(model: ScoringModel, lead: LeadHistory, at: string): Replayed {
  const ordered = [...lead.actions].sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
  let peak = explain(model, lead.profile, [], ordered[0]?.at ?? at);
  for (let i = 0; i < ordered.length; i++) {
    const scored = explain(model, lead.profile, ordered.slice(0, i + 1), ordered[i]!.at);
    if (scored.score > peak.score) peak = scored;
  }
  const last = explain(model, lead.profile, ordered, at);
  return {
    peakScore: peak.score,
    peakGrade: peak.grade,
    mql: peak.mql,
    lastScore: last.score,
    lastGrade: last.grade,
  };
}

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
