/** Scores (R14): the facts a model reads, and every score change with its breakdown. */
import type { LeadAction, LeadProfile, Score, ScoreLine } from '../domain/scoring';
import type { Tx } from './index';

export interface ScoringFacts {
  profile: LeadProfile;
  actions: LeadAction[];
  previousScore: number | null;
}

/**
 * The lead's profile and actions up to `at`, with the lead row locked so concurrent scorings queue.
 * FOR NO KEY UPDATE, not FOR UPDATE: it still queues scorings and waits for a transaction that is
 * writing the lead's touches, but is not starved by the key-share locks every touch insert takes
 * (a burst of tracked opens held a FOR UPDATE back for the whole burst).
 */
export async function loadScoringFacts(tx: Tx, leadId: string, at: string): Promise<ScoringFacts | undefined> {
  const [lead] = await tx.query<{
    industry: string | null;
    company_size: string | null;
    country: string | null;
    revenue: string | null;
    title: string | null;
    score: number | null;
  }>('SELECT industry, company_size, country, revenue, title, score FROM leads WHERE id = $1 FOR NO KEY UPDATE', [
    leadId,
  ]);
  if (!lead) return undefined;
  const touches = await tx.query<{
    kind: LeadAction['kind'];
    name: string | null;
    at: Date;
    ref: string | null;
    link: string | null;
    uncounted: string | null;
  }>(
    `SELECT kind, coalesce(details->>'event', details->>'outcome', '') AS name, at,
            details->>'emailRef' AS ref, details->>'link' AS link, details->>'uncounted' AS uncounted
     FROM touches WHERE lead_id = $1 AND kind IN ('capture', 'engagement', 'outcome') AND at <= $2`,
    [leadId, at],
  );
  return {
    profile: {
      industry: lead.industry,
      companySize: lead.company_size,
      country: lead.country,
      revenue: lead.revenue === null ? null : Number(lead.revenue),
      title: lead.title,
    },
    actions: touches.map(actionOf),
    previousScore: lead.score,
  };
}

/** A stored touch as the scoring model reads it: which e-mail and link a hit was on, and whether a person made it. */
export function actionOf(t: {
  kind: LeadAction['kind'];
  name: string | null;
  at: Date;
  ref: string | null;
  link: string | null;
  uncounted: string | null;
}): LeadAction {
  return {
    kind: t.kind,
    name: t.name ?? '',
    at: t.at.toISOString(),
    ...(t.ref !== null ? { ref: t.link !== null ? `${t.ref}#${t.link}` : t.ref } : {}),
    ...(t.uncounted !== null ? { uncounted: t.uncounted } : {}),
  };
}

export interface StoredScore {
  score: number;
  grade: Score['grade'];
  mql: boolean;
  model: string;
  /** Absent on scores stored before models carried versions. */
  modelVersion?: number | null;
  previousScore: number | null;
}

export async function findScoreChange(tx: Tx, scoreKey: string): Promise<StoredScore | undefined> {
  const [row] = await tx.query<StoredScore>(
    'SELECT score, grade, mql, model, model_version AS "modelVersion", previous_score AS "previousScore" FROM score_changes WHERE score_key = $1',
    [scoreKey],
  );
  return row;
}

/** Stores a new score: a score_changes row (only when score or grade moved) and the lead's current figures. */
export async function recordScore(
  tx: Tx,
  c: {
    scoreKey: string;
    leadId: string;
    at: string;
    reason: string;
    score: Score;
    previousScore: number | null;
    changed: boolean;
  },
): Promise<void> {
  if (c.changed) {
    await tx.query(
      `INSERT INTO score_changes (score_key, lead_id, at, model, model_version, score, previous_score, grade, mql, breakdown, reason)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
      [
        c.scoreKey,
        c.leadId,
        c.at,
        c.score.model,
        c.score.modelVersion,
        c.score.score,
        c.previousScore,
        c.score.grade,
        c.score.mql,
        JSON.stringify(c.score.breakdown),
        c.reason,
      ],
    );
  }
  await tx.query('UPDATE leads SET score = $2, grade = $3, score_model = $4, score_model_version = $5 WHERE id = $1', [
    c.leadId,
    c.score.score,
    c.score.grade,
    c.score.model,
    c.score.modelVersion,
  ]);
}

export interface ExplainedScore {
  score: number;
  grade: Score['grade'];
  mql: boolean;
  model: string;
  modelVersion: number | null;
  at: string;
  breakdown: ScoreLine[];
}

/** The latest score with its breakdown (each rule and each action with its decayed points): the handoff summary and GET /v1/leads/:id. */
export async function latestScore(tx: Tx, leadId: string): Promise<ExplainedScore | undefined> {
  const [row] = await tx.query<ExplainedScore>(
    `SELECT score, grade, mql, model, model_version AS "modelVersion", to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS at, breakdown
     FROM score_changes WHERE lead_id = $1 ORDER BY at DESC, id DESC LIMIT 1`,
    [leadId],
  );
  return row;
}
