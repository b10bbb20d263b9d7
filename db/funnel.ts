/**
 * R19: the funnel figures managers feed back on, computed in SQL from the audit rows (stage
 * changes, touches, e-mails sent, score changes) for a cohort: the leads first touched in
 * [from, to), optionally of one rep or one source. One statement computes the whole cohort, each
 * rep and each source (GROUPING SETS), so the three always agree.
 */
import type { Grade, LeadStage } from '../domain/lifecycle';
import { LEAD_STAGES } from './board';
import type { Db, Tx } from './index';

export interface FunnelFilter {
  from: Date;
  to: Date;
  repId?: string;
  source?: string;
}

export interface FunnelFigures {
  leads: number;
  /** Leads now in each stage. */
  current: Record<LeadStage, number>;
  /** Leads that ever reached each stage (an audit row moved them there). */
  reached: Record<LeadStage, number>;
  /** Reached handed_off (SQL) / reached qualified (MQL). */
  mqlToSql: number | null;
  /** Reached converted (won) / reached handed_off (SQL). */
  sqlToWon: number | null;
  /** R6: from the first touch to the rep's first reported contact, over the leads contacted. */
  speedToLead: { contacted: number; medianSeconds: number | null; p90Seconds: number | null };
  /** R6: leads whose manager was told of an SLA breach (at the deadline, or before any rep was told) / leads that went to contacting. */
  slaBreachRate: number | null;
  /** From the first touch to conversion, over the converted leads. */
  medianCycleDays: number | null;
  /** Leads sent back to nurture from qualified or handed_off (handoff rejected, opportunity lost) / reached qualified. */
  recycleRate: number | null;
}

export interface Funnel {
  from: string;
  to: string;
  rep: string | null;
  source: string | null;
  total: FunnelFigures;
  byRep: (FunnelFigures & { rep: string | null })[];
  bySource: (FunnelFigures & { source: string | null })[];
}

export function cohortWhere(filter: FunnelFilter, param: (v: unknown) => string): string {
  const conditions = [`l.first_touch_at >= ${param(filter.from)}`, `l.first_touch_at < ${param(filter.to)}`];
  if (filter.repId !== undefined) conditions.push(`l.assigned_rep_id = ${param(filter.repId)}`);
  if (filter.source !== undefined) conditions.push(`l.first_source->>'channel' = ${param(filter.source)}`);
  return conditions.join(' AND ');
}

/**
 * One row per lead of the cohort with the facts the figures need, from the audit rows. Each audit
 * table is read once and grouped by lead (hash joins), not probed once per lead: on a year of
 * leads that is the difference between seconds and a fraction of one. Each part repeats the
 * cohort's condition on `leads l` rather than sharing a CTE, so the planner's row estimates stay
 * true (a shared CTE made it expect billions of rows and spend seconds compiling with JIT).
 */
function cohortSql(where: string): string {
  const reached = LEAD_STAGES.map((s) => `bool_or(s.to_stage = '${s}') AS "r_${s}"`).join(', ');
  return `
    SELECT l.id, l.stage, l.assigned_rep_id AS rep, l.first_source->>'channel' AS source, l.first_touch_at,
           ${LEAD_STAGES.map((s) => `coalesce(sc."r_${s}", false) AS "r_${s}"`).join(', ')},
           sc.converted_at, coalesce(sc.recycled, false) AS recycled, fc.first_contact_at, sb.lead_id IS NOT NULL AS sla_breached
      FROM leads l
      LEFT JOIN (
        SELECT s.lead_id, ${reached},
               min(s.at) FILTER (WHERE s.to_stage = 'converted') AS converted_at,
               bool_or(s.from_stage IN ('qualified', 'handed_off') AND s.to_stage = 'nurturing') AS recycled
          FROM stage_changes s JOIN leads l ON l.id = s.lead_id WHERE ${where} GROUP BY s.lead_id
      ) sc ON sc.lead_id = l.id
      LEFT JOIN (
        SELECT t.lead_id, min(t.at) AS first_contact_at
          FROM touches t JOIN leads l ON l.id = t.lead_id WHERE t.kind = 'outcome' AND ${where} GROUP BY t.lead_id
      ) fc ON fc.lead_id = l.id
      LEFT JOIN (
        SELECT DISTINCT e.lead_id FROM sent_emails e JOIN leads l ON l.id = e.lead_id WHERE e.template IN ('manager-sla_breach', 'manager-sla_missed_unseen') AND ${where}
      ) sb ON sb.lead_id = l.id
     WHERE ${where}`;
}

/**
 * Runs a report in a read-only transaction with room to sort and hash a year of leads in memory
 * (the server's default work_mem of 4 MB spills them to disk) and without JIT, whose compilation
 * costs more than it saves on queries of this size.
 */
export async function analytic<T>(db: Db, run: (tx: Tx) => Promise<T>): Promise<T> {
  return db.withTransaction(async (tx) => {
    await tx.query('SET TRANSACTION READ ONLY');
    await tx.query("SET LOCAL work_mem = '64MB'");
    await tx.query('SET LOCAL jit = off');
    return run(tx);
  });
}

const ratio = (num: string, den: string) => `round(${num}::numeric / nullif(${den}, 0), 4)::float8`;

/** The funnel for the cohort, for each rep and for each source. */
export async function funnel(db: Db, filter: FunnelFilter): Promise<Funnel> {
  const params: unknown[] = [];
  const where = cohortWhere(filter, (v) => `$${params.push(v)}`);
  const stageColumns = LEAD_STAGES.flatMap((s) => [
    `count(*) FILTER (WHERE stage = '${s}') AS "current_${s}"`,
    `count(*) FILTER (WHERE "r_${s}") AS "reached_${s}"`,
  ]);
  const rows = await analytic(db, (tx) =>
    tx.query(
      `WITH cohort AS (${cohortSql(where)})
     SELECT grouping(rep) AS by_rep, grouping(source) AS by_source, rep, source,
            count(*) AS leads, ${stageColumns.join(', ')},
            ${ratio(`count(*) FILTER (WHERE r_handed_off)`, `count(*) FILTER (WHERE r_qualified)`)} AS mql_to_sql,
            ${ratio(`count(*) FILTER (WHERE r_converted)`, `count(*) FILTER (WHERE r_handed_off)`)} AS sql_to_won,
            count(first_contact_at) AS contacted,
            percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM first_contact_at - first_touch_at)) AS speed_p50,
            percentile_cont(0.9) WITHIN GROUP (ORDER BY extract(epoch FROM first_contact_at - first_touch_at)) AS speed_p90,
            ${ratio(`count(*) FILTER (WHERE sla_breached)`, `count(*) FILTER (WHERE r_contacting)`)} AS sla_breach_rate,
            percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM converted_at - first_touch_at) / 86400) AS cycle_days_p50,
            ${ratio(`count(*) FILTER (WHERE recycled)`, `count(*) FILTER (WHERE r_qualified)`)} AS recycle_rate
       FROM cohort
      GROUP BY GROUPING SETS ((), (rep), (source))
      ORDER BY by_rep DESC, by_source DESC, rep NULLS LAST, source NULLS LAST`,
      params,
    ),
  );
  const figures = (r: Record<string, unknown>): FunnelFigures => {
    const perStage = (prefix: string) =>
      Object.fromEntries(LEAD_STAGES.map((s) => [s, Number(r[`${prefix}_${s}`])])) as Record<LeadStage, number>;
    const num = (v: unknown) => (v === null || v === undefined ? null : Number(Number(v).toFixed(4)));
    return {
      leads: Number(r.leads),
      current: perStage('current'),
      reached: perStage('reached'),
      mqlToSql: num(r.mql_to_sql),
      sqlToWon: num(r.sql_to_won),
      speedToLead: { contacted: Number(r.contacted), medianSeconds: num(r.speed_p50), p90Seconds: num(r.speed_p90) },
      slaBreachRate: num(r.sla_breach_rate),
      medianCycleDays: num(r.cycle_days_p50),
      recycleRate: num(r.recycle_rate),
    };
  };
  // The grand-total grouping set () yields its row even for an empty cohort.
  const total = rows.find((r) => r.by_rep === 1 && r.by_source === 1);
  return {
    from: filter.from.toISOString(),
    to: filter.to.toISOString(),
    rep: filter.repId ?? null,
    source: filter.source ?? null,
    total: figures(total!),
    byRep: rows.filter((r) => r.by_rep === 0).map((r) => ({ rep: r.rep, ...figures(r) })),
    bySource: rows.filter((r) => r.by_source === 0).map((r) => ({ source: r.source, ...figures(r) })),
  };
}

/** Score bands of this many points for the scoring report. */
export const SCORE_BAND_POINTS = 20;

export interface ScoringBucket {
  leads: number;
  /** Reached qualified (MQL), handed_off (SQL), converted (won). */
  mql: number;
  sql: number;
  won: number;
  /** won / leads. */
  conversionRate: number | null;
  /** sql / leads. */
  sqlRate: number | null;
}

export interface ScoringReport {
  from: string;
  to: string;
  /** Which score a lead is counted under: its last score before conversion, or its latest. */
  scoreAt: 'last score before conversion, else latest';
  byGrade: (ScoringBucket & { grade: Grade | null })[];
  byScoreBand: (ScoringBucket & { band: string; minScore: number | null })[];
}

/** R19 "is the scoring reliable?": conversion by the grade and score band the lead had before the outcome was known. */
export async function scoringReport(db: Db, filter: FunnelFilter): Promise<ScoringReport> {
  const params: unknown[] = [];
  const where = cohortWhere(filter, (v) => `$${params.push(v)}`);
  const rows = await analytic(db, (tx) =>
    tx.query(
      `WITH stages AS (
         SELECT s.lead_id, bool_or(s.to_stage = 'qualified') AS mql, bool_or(s.to_stage = 'handed_off') AS sql,
                min(s.at) FILTER (WHERE s.to_stage = 'converted') AS converted_at
           FROM stage_changes s JOIN leads l ON l.id = s.lead_id WHERE ${where} GROUP BY s.lead_id
       ), scores AS (
         SELECT DISTINCT ON (c.lead_id) c.lead_id, c.score, c.grade
           FROM score_changes c JOIN leads l ON l.id = c.lead_id LEFT JOIN stages st ON st.lead_id = c.lead_id
          WHERE ${where} AND (st.converted_at IS NULL OR c.at <= st.converted_at)
          ORDER BY c.lead_id, c.at DESC, c.id DESC
       ), cohort AS (
         SELECT coalesce(st.mql, false) AS mql, coalesce(st.sql, false) AS sql, st.converted_at IS NOT NULL AS won, sc.score, sc.grade,
                (floor(sc.score::numeric / ${SCORE_BAND_POINTS}) * ${SCORE_BAND_POINTS})::int AS band
           FROM leads l LEFT JOIN stages st ON st.lead_id = l.id LEFT JOIN scores sc ON sc.lead_id = l.id
          WHERE ${where}
       )
       SELECT grouping(grade) AS by_grade, grouping(band) AS by_band, grade, band, count(*) AS leads,
              count(*) FILTER (WHERE mql) AS mql, count(*) FILTER (WHERE sql) AS sql, count(*) FILTER (WHERE won) AS won
         FROM cohort
        GROUP BY GROUPING SETS ((grade), (band))
        ORDER BY band NULLS LAST, grade NULLS LAST`,
      params,
    ),
  );
  const bucket = (r: Record<string, unknown>): ScoringBucket => {
    const leads = Number(r.leads);
    const rate = (n: number) => (leads === 0 ? null : Number((n / leads).toFixed(4)));
    return {
      leads,
      mql: Number(r.mql),
      sql: Number(r.sql),
      won: Number(r.won),
      conversionRate: rate(Number(r.won)),
      sqlRate: rate(Number(r.sql)),
    };
  };
  const gradeOrder = (g: unknown) => ['cold', 'warm', 'hot'].indexOf(g as string) >>> 0;
  return {
    from: filter.from.toISOString(),
    to: filter.to.toISOString(),
    scoreAt: 'last score before conversion, else latest',
    byGrade: rows
      .filter((r) => r.by_grade === 0)
      .sort((a, b) => gradeOrder(a.grade) - gradeOrder(b.grade))
      .map((r) => ({ grade: r.grade, ...bucket(r) })),
    byScoreBand: rows
      .filter((r) => r.by_band === 0)
      .map((r) => ({
        band: r.band === null ? 'unscored' : `${r.band}–${r.band + SCORE_BAND_POINTS - 1}`,
        minScore: r.band,
        ...bucket(r),
      })),
  };
}

export interface StalledLead {
  id: string;
  name: string | null;
  company: string | null;
  stage: LeadStage;
  grade: Grade | null;
  assignedRep: string | null;
  stalledSince: string;
  stalledForSeconds: number;
}

/** R20: leads whose workflow raised the silence alert, longest silent first. */
export async function stalledLeads(db: Db, filter: { repId?: string; limit: number }): Promise<StalledLead[]> {
  const params: unknown[] = [];
  const param = (v: unknown) => `$${params.push(v)}`;
  const rows = await db.query(
    `SELECT id, first_name, last_name, company, stage, grade, assigned_rep_id, stalled_since,
            extract(epoch FROM now() - stalled_since)::float8 AS stalled_for
       FROM leads
      WHERE stalled_since IS NOT NULL ${filter.repId !== undefined ? `AND assigned_rep_id = ${param(filter.repId)}` : ''}
      ORDER BY stalled_since, id LIMIT ${param(filter.limit)}`,
    params,
  );
  return rows.map((r) => ({
    id: r.id,
    name: [r.first_name, r.last_name].filter(Boolean).join(' ') || null,
    company: r.company,
    stage: r.stage,
    grade: r.grade,
    assignedRep: r.assigned_rep_id,
    stalledSince: r.stalled_since.toISOString(),
    stalledForSeconds: Math.round(r.stalled_for),
  }));
}
