/**
 * R14: a score is fit with the Ideal Customer Profile plus points for what the lead did, each
 * action weighted differently. A model is plain typed data reviewed like any code; several may
 * coexist (each score row names its model). Pure: the activity loads the facts, this decides.
 */
import type { Grade } from './lifecycle';

/** What the model may look at: the profile as captured. */
export interface LeadProfile {
  industry?: string | null;
  companySize?: string | null;
  country?: string | null;
  revenue?: number | null;
  title?: string | null;
}

/** One thing the lead did (a capture, an engagement event, a rep's outcome), with when. */
export interface LeadAction {
  kind: 'capture' | 'engagement' | 'outcome';
  /** The engagement event or outcome name; empty for a capture. */
  name: string;
  at: string;
  /** The tracked e-mail (and link) an open or click was on: an e-mail's first open counts, a link's clicks once a day. */
  ref?: string;
  /** Why a hit scores nothing: a mail proxy's or scanner's, not a person's (domain/engagement-counts.ts). */
  uncounted?: string;
}

export interface FitRule {
  id: string;
  /** Shown to the rep in the handoff, e.g. 'industry in the ICP'. */
  label: string;
  points: number;
  matches: (lead: LeadProfile) => boolean;
}

/** An Ideal Customer Profile as data (R14): what a good customer looks like, and what each match is worth. */
export interface IdealCustomerProfile {
  industries: { values: readonly string[]; points: number };
  /** Company-size bands as captured ('51-200', '201-1000', …). */
  companySizes: { values: readonly string[]; points: number };
  /** A pattern matched against the job title. */
  roles: { pattern: RegExp; label: string; points: number };
  revenue: { atLeast: number; label: string; points: number };
  /** Countries or regions we serve, as ISO codes or names (lower case). */
  regions: { values: readonly string[]; points: number };
}

/** The fit rules of an ICP, in a fixed order: industry, size, role, revenue, location. */
export function icpFit(icp: IdealCustomerProfile): FitRule[] {
  return [
    {
      id: 'industry',
      label: 'industry in the ICP',
      points: icp.industries.points,
      matches: (l) => anyOf(icp.industries.values)(l.industry),
    },
    {
      id: 'size',
      label: 'company size in the ICP',
      points: icp.companySizes.points,
      matches: (l) => anyOf(icp.companySizes.values)(l.companySize),
    },
    {
      id: 'role',
      label: icp.roles.label,
      points: icp.roles.points,
      matches: (l) => icp.roles.pattern.test(l.title ?? ''),
    },
    {
      id: 'revenue',
      label: icp.revenue.label,
      points: icp.revenue.points,
      matches: (l) => (l.revenue ?? 0) >= icp.revenue.atLeast,
    },
    {
      id: 'location',
      label: 'in a market we serve',
      points: icp.regions.points,
      matches: (l) => anyOf(icp.regions.values)(l.country),
    },
  ];
}

export interface ScoringModel {
  id: string;
  /** Bumped on every change of rules or numbers; each score records id and version. */
  version: number;
  fit: FitRule[];
  /** Points per action, keyed `capture`, `engagement:<event>` or `outcome:<outcome>`; unlisted actions score 0. */
  actions: Record<string, number>;
  /** Actions older than this many days no longer count: interest fades. */
  engagementWindowDays: number;
  /** If set, an action's points halve every this many days (time decay); absent, they count in full within the window. */
  halfLifeDays?: number;
  /** Lowest score of each grade above cold. */
  grades: { warm: number; hot: number };
  /** Reaching it makes the lead marketing-qualified (MQL). */
  mqlThreshold: number;
}

const anyOf = (values: readonly string[]) => (v: string | null | undefined) =>
  v != null && values.includes(v.trim().toLowerCase());

const NORDIC_ICP: IdealCustomerProfile = {
  industries: { values: ['manufacturing', 'logistics', 'software', 'retail', 'healthcare'], points: 10 },
  companySizes: { values: ['51-200', '201-1000', '1000+', '1001-5000', '5000+'], points: 10 },
  roles: {
    pattern: /\b(head|director|chief|vp|vice president|owner|founder|ceo|cto|coo|cfo|manager)\b/i,
    label: 'decision-making role',
    points: 10,
  },
  revenue: { atLeast: 1_000_000, label: 'revenue of 1 M€ or more', points: 5 },
  regions: { values: ['fi', 'finland', 'se', 'sweden', 'no', 'norway', 'dk', 'denmark', 'ee', 'estonia'], points: 5 },
};

const ACTION_POINTS: Record<string, number> = {
  capture: 10,
  'engagement:email_open': 3,
  'engagement:email_click': 5,
  'engagement:page_visit': 2,
  'engagement:pricing_page_visit': 8,
  'engagement:download': 8,
  'engagement:form_submit': 10,
  'engagement:reply': 15,
  'engagement:meeting': 25,
  'outcome:reached': 5,
  'outcome:replied': 10,
  'outcome:meeting_booked': 25,
  'outcome:not_interested': -20,
  'outcome:wrong_contact': -20,
};

/** The model every lead is scored with unless told otherwise: full points within 90 days, no decay. */
export const DEFAULT_MODEL: ScoringModel = {
  id: 'icp-2026',
  version: 1,
  fit: icpFit(NORDIC_ICP).map((rule) =>
    rule.id === 'size' ? { ...rule, label: 'company of 51 or more people' } : rule,
  ),
  actions: ACTION_POINTS,
  engagementWindowDays: 90,
  grades: { warm: 25, hot: 50 },
  mqlThreshold: 50,
};

/** The same ICP with time decay: an action's points halve every 30 days, and count for 180 days. */
export const DECAYING_MODEL: ScoringModel = {
  ...DEFAULT_MODEL,
  id: 'icp-2026-decay',
  version: 1,
  engagementWindowDays: 180,
  halfLifeDays: 30,
};

/** Every model that may have scored a lead, by `<id>@<version>`: a stored score can always be explained again. */
export const SCORING_MODELS: ReadonlyMap<string, ScoringModel> = new Map(
  [DEFAULT_MODEL, DECAYING_MODEL].map((m) => [modelKey(m), m]),
);

export function modelKey(model: Pick<ScoringModel, 'id' | 'version'>): string {
  return `${model.id}@${model.version}`;
}

export function findModel(id: string, version: number): ScoringModel | undefined {
  return SCORING_MODELS.get(`${id}@${version}`);
}

export interface ScoreLine {
  /** `fit:<rule>` or the action key. */
  id: string;
  label: string;
  /** Points after decay, rounded to two decimals. */
  points: number;
  /** For an action: when it happened, its undecayed points and its age in days. */
  at?: string;
  basePoints?: number;
  ageDays?: number;
}

export interface Score {
  model: string;
  modelVersion: number;
  score: number;
  grade: Grade;
  mql: boolean;
  fit: number;
  engagement: number;
  breakdown: ScoreLine[];
}

/** Every fit rule (matched or not) and every counted action with its decayed points: why a lead scores what it does. */
export interface Explanation extends Score {
  rules: { id: string; label: string; matched: boolean; points: number }[];
  /** Actions outside the window or worth nothing in this model, and why. */
  ignored: {
    action: LeadAction;
    why:
      | 'outside the window'
      | 'in the future'
      | 'not scored by this model'
      | 'not a person'
      | 'a repeat open'
      | 'a repeat click the same day';
  }[];
}

const DAY_MS = 24 * 60 * 60 * 1000;
const round2 = (n: number) => Math.round(n * 100) / 100;

export function gradeOf(score: number, model: ScoringModel = DEFAULT_MODEL): Grade {
  return score >= model.grades.hot ? 'hot' : score >= model.grades.warm ? 'warm' : 'cold';
}

function actionKey(action: LeadAction): string {
  return action.kind === 'capture' ? 'capture' : `${action.kind}:${action.name}`;
}

/** An action's points after `ageDays`: halved every half-life, in full without one. */
export function decayed(points: number, ageDays: number, halfLifeDays: number | undefined): number {
  return halfLifeDays === undefined ? points : points * Math.pow(0.5, ageDays / halfLifeDays);
}

/**
 * The score of a lead as of `now`, with every rule and action behind it (R14). Actions count within
 * the model's window, each decayed by its age; the score is the rounded sum, never below 0.
 */
export function explain(
  model: ScoringModel,
  lead: LeadProfile,
  events: readonly LeadAction[],
  now: string,
): Explanation {
  const rules = model.fit.map((rule) => ({
    id: rule.id,
    label: rule.label,
    matched: rule.matches(lead),
    points: rule.points,
  }));
  const fitLines: ScoreLine[] = rules
    .filter((r) => r.matched)
    .map((r) => ({ id: `fit:${r.id}`, label: r.label, points: r.points }));
  const nowMs = Date.parse(now);
  const since = nowMs - model.engagementWindowDays * DAY_MS;
  const eventLines: ScoreLine[] = [];
  const ignored: Explanation['ignored'] = [];
  const ordered = [...events].sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
  // Engagement that counts once: an e-mail's first open, a link's first click of a (UTC) day. A repeat that counted
  // once stays counted within the window: its first occurrence is what the window measures.
  const seen = new Set<string>();
  const repeatOf = (action: LeadAction, t: number): Explanation['ignored'][number]['why'] | null => {
    if (action.ref === undefined || action.kind !== 'engagement') return null;
    const once =
      action.name === 'email_open'
        ? `open ${action.ref}`
        : action.name === 'email_click'
          ? `click ${action.ref} ${new Date(t).toISOString().slice(0, 10)}`
          : null;
    if (once === null) return null;
    if (!seen.has(once)) return (seen.add(once), null);
    return action.name === 'email_open' ? 'a repeat open' : 'a repeat click the same day';
  };
  for (const action of ordered) {
    const t = Date.parse(action.at);
    const key = actionKey(action);
    const basePoints = model.actions[key];
    const repeat = t <= nowMs && !action.uncounted ? repeatOf(action, t) : null;
    if (t > nowMs) ignored.push({ action, why: 'in the future' });
    else if (action.uncounted) ignored.push({ action, why: 'not a person' });
    else if (repeat) ignored.push({ action, why: repeat });
    else if (t < since) ignored.push({ action, why: 'outside the window' });
    else if (!basePoints) ignored.push({ action, why: 'not scored by this model' });
    else {
      const ageDays = round2((nowMs - t) / DAY_MS);
      const points = round2(decayed(basePoints, (nowMs - t) / DAY_MS, model.halfLifeDays));
      eventLines.push({
        id: key,
        label: key.replace(':', ' ').replace(/_/g, ' '),
        points,
        at: new Date(t).toISOString(),
        basePoints,
        ageDays,
      });
    }
  }
  const fit = fitLines.reduce((sum, l) => sum + l.points, 0);
  const engagement = round2(eventLines.reduce((sum, l) => sum + l.points, 0));
  const score = Math.max(0, Math.round(fit + engagement));
  return {
    model: model.id,
    modelVersion: model.version,
    score,
    grade: gradeOf(score, model),
    mql: score >= model.mqlThreshold,
    fit,
    engagement,
    breakdown: [...fitLines, ...eventLines],
    rules,
    ignored,
  };
}

/** Scores the lead as of `at` (see explain): fit rules that match, plus the decayed points of every action within the window. */
export function scoreLead(
  profile: LeadProfile,
  actions: readonly LeadAction[],
  at: string,
  model: ScoringModel = DEFAULT_MODEL,
): Score {
  const { rules: _rules, ignored: _ignored, ...score } = explain(model, profile, actions, at);
  return score;
}

/** Why the lead scores what it does, in words a rep reads in the handoff e-mail (R15, R18): one line per rule and per action. */
export function explainScore(
  s: Pick<Score, 'score' | 'grade' | 'breakdown' | 'model'> & { modelVersion?: number | null },
): string {
  const lines = s.breakdown.map((l) => {
    const sign = l.points >= 0 ? '+' : '';
    const when = l.at
      ? ` (${l.at.slice(0, 10)}${l.basePoints !== undefined && l.basePoints !== l.points ? `, ${l.basePoints} decayed over ${l.ageDays} days` : ''})`
      : '';
    return `  ${sign}${l.points} ${l.label}${when}`;
  });
  const model = s.modelVersion ? `${s.model} v${s.modelVersion}` : s.model;
  return [
    `Score ${s.score} (${s.grade}, model ${model}):`,
    ...(lines.length > 0 ? lines : ['  no fit or engagement points yet']),
  ].join('\n');
}

/**
 * When the lead's grade would next change if nothing more happened: an action leaving the window
 * (which can lower the grade, or raise it when a negative action leaves) or decay wearing the
 * points down. Null when the grade never changes on its own. Pure: the workflow sets a timer for
 * it, so a silent hot lead cools on schedule (a re-score then answers the change after that).
 *
 * Between two window exits the engagement is a sum of terms that all halve at the same rate, so
 * it moves one way only: the change inside such a span is found by bisection, to the millisecond.
 */
export function nextGradeChange(
  model: ScoringModel,
  lead: LeadProfile,
  actions: readonly LeadAction[],
  now: string,
): string | null {
  const nowMs = Date.parse(now);
  const scored = explain(model, lead, actions, now);
  const current = scored.grade;
  // Only counted actions can change the score later (a repeat, a machine's hit or an unscored action never counts);
  // each leaves 1 ms after its last instant inside the window.
  const windowMs = model.engagementWindowDays * DAY_MS;
  const leaving = new Map<number, number>();
  for (const line of scored.breakdown) {
    if (line.at === undefined) continue;
    const exit = Date.parse(line.at) + windowMs + 1;
    leaving.set(exit, (leaving.get(exit) ?? 0) + (line.basePoints ?? line.points));
  }
  const exits = [...leaving.keys()].filter((t) => t > nowMs).sort((a, b) => a - b);
  if (model.halfLifeDays === undefined) {
    // No decay: the score moves only when actions leave, by their full points.
    let engagement = scored.engagement;
    for (const exit of exits) {
      engagement = round2(engagement - leaving.get(exit)!);
      if (gradeOf(Math.max(0, Math.round(scored.fit + engagement)), model) !== current) return iso(exit);
    }
    return null;
  }
  const gradeAt = (t: number) => explain(model, lead, actions, iso(t)).grade;
  let from = nowMs;
  for (const exit of exits) {
    if (gradeAt(exit - 1) !== current) return iso(bisect(from, exit - 1));
    if (gradeAt(exit) !== current) return iso(exit);
    from = exit;
  }
  return null;

  /** The first instant in (lo, hi] whose grade differs from the current one (hi's does). */
  function bisect(lo: number, hi: number): number {
    while (hi - lo > 1) {
      const mid = Math.floor((lo + hi) / 2);
      if (gradeAt(mid) !== current) hi = mid;
      else lo = mid;
    }
    return hi;
  }
}

const iso = (t: number) => new Date(t).toISOString();
