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
}

export interface FitRule {
  id: string;
  /** Shown to the rep in the handoff, e.g. 'industry in the ICP'. */
  label: string;
  points: number;
  matches: (lead: LeadProfile) => boolean;
}

export interface ScoringModel {
  id: string;
  fit: FitRule[];
  /** Points per action, keyed `capture`, `engagement:<event>` or `outcome:<outcome>`; unlisted actions score 0. */
  actions: Record<string, number>;
  /** Actions older than this many days no longer count: interest fades. */
  engagementWindowDays: number;
  /** Lowest score of each grade above cold. */
  grades: { warm: number; hot: number };
  /** Reaching it makes the lead marketing-qualified (MQL). */
  mqlThreshold: number;
}

const anyOf = (values: readonly string[]) => (v: string | null | undefined) => v != null && values.includes(v.trim().toLowerCase());

export const DEFAULT_MODEL: ScoringModel = {
  id: 'icp-2026',
  fit: [
    { id: 'industry', label: 'industry in the ICP', points: 10, matches: (l) => anyOf(['manufacturing', 'logistics', 'software', 'retail', 'healthcare'])(l.industry) },
    { id: 'size', label: 'company of 51 or more people', points: 10, matches: (l) => anyOf(['51-200', '201-1000', '1000+', '1001-5000', '5000+'])(l.companySize) },
    { id: 'role', label: 'decision-making role', points: 10, matches: (l) => /\b(head|director|chief|vp|vice president|owner|founder|ceo|cto|coo|cfo|manager)\b/i.test(l.title ?? '') },
    { id: 'revenue', label: 'revenue of 1 M€ or more', points: 5, matches: (l) => (l.revenue ?? 0) >= 1_000_000 },
    { id: 'location', label: 'in a market we serve', points: 5, matches: (l) => anyOf(['fi', 'finland', 'se', 'sweden', 'no', 'norway', 'dk', 'denmark', 'ee', 'estonia'])(l.country) },
  ],
  actions: {
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
  },
  engagementWindowDays: 90,
  grades: { warm: 25, hot: 50 },
  mqlThreshold: 50,
};

export interface ScoreLine {
  /** `fit:<rule>` or the action key. */
  id: string;
  label: string;
  points: number;
}

export interface Score {
  model: string;
  score: number;
  grade: Grade;
  mql: boolean;
  fit: number;
  engagement: number;
  breakdown: ScoreLine[];
}

const DAY_MS = 24 * 60 * 60 * 1000;

export function gradeOf(score: number, model: ScoringModel = DEFAULT_MODEL): Grade {
  return score >= model.grades.hot ? 'hot' : score >= model.grades.warm ? 'warm' : 'cold';
}

function actionKey(action: LeadAction): string {
  return action.kind === 'capture' ? 'capture' : `${action.kind}:${action.name}`;
}

/** Scores the lead as of `at`: fit rules that match, plus the points of every action within the window. Never below 0. */
export function scoreLead(profile: LeadProfile, actions: readonly LeadAction[], at: string, model: ScoringModel = DEFAULT_MODEL): Score {
  const fitLines = model.fit.filter((rule) => rule.matches(profile)).map((rule) => ({ id: `fit:${rule.id}`, label: rule.label, points: rule.points }));
  const now = Date.parse(at);
  const since = now - model.engagementWindowDays * DAY_MS;
  const counted = new Map<string, ScoreLine>();
  for (const action of actions) {
    const t = Date.parse(action.at);
    if (t < since || t > now) continue;
    const key = actionKey(action);
    const points = model.actions[key];
    if (!points) continue;
    const line = counted.get(key) ?? { id: key, label: key.replace(':', ' ').replace(/_/g, ' '), points: 0 };
    line.points += points;
    counted.set(key, line);
  }
  const fit = fitLines.reduce((sum, l) => sum + l.points, 0);
  const engagement = [...counted.values()].reduce((sum, l) => sum + l.points, 0);
  const score = Math.max(0, fit + engagement);
  return { model: model.id, score, grade: gradeOf(score, model), mql: score >= model.mqlThreshold, fit, engagement, breakdown: [...fitLines, ...counted.values()] };
}

/** Why the lead scores what it does, in words a rep reads in the handoff e-mail (R15, R18). */
export function explainScore(s: Pick<Score, 'score' | 'grade' | 'breakdown' | 'model'>): string {
  const lines = s.breakdown.map((l) => `  ${l.points >= 0 ? '+' : ''}${l.points} ${l.label}`);
  return [`Score ${s.score} (${s.grade}, model ${s.model}):`, ...(lines.length > 0 ? lines : ['  no fit or engagement points yet'])].join('\n');
}
