/**
 * R22: the rep's board — the state of each relationship and the next calls and meetings — read
 * from the lead rows the workflow keeps in step (stage, score, grade, attempts, SLA deadline,
 * next step, stalled) and the rep's open tasks. The most urgent lead comes first: an SLA breached,
 * then a call or meeting due, then a hot lead; within each, the earliest deadline.
 */
import type { Grade, LeadStage } from '../domain/lifecycle';
import type { Db } from './index';

export const LEAD_STAGES = [
  'new',
  'contacting',
  'nurturing',
  'qualified',
  'handed_off',
  'converted',
  'not_interested',
  'disqualified',
] as const satisfies readonly LeadStage[];
export const GRADES = ['cold', 'warm', 'hot'] as const satisfies readonly Grade[];

/** Why a card is where it is in the order: 0 SLA breached, 1 call or meeting due, 2 hot, 3 the rest. */
export const URGENCY = ['sla_breached', 'activity_due', 'hot', 'none'] as const;
export type Urgency = (typeof URGENCY)[number];

export interface BoardFilter {
  /** Only this rep's leads (always set for a rep; a manager may leave it out for everyone's). */
  repId?: string;
  stages?: LeadStage[];
  grade?: Grade;
  /** The channel of the lead's first source (R2). */
  source?: string;
}

/** Where the previous page ended; `asOf` keeps the order (which depends on the time) the same across pages. */
export interface BoardCursor {
  asOf: string;
  urgency: number;
  sortAt: string;
  id: string;
}

export interface BoardCard {
  id: string;
  name: string | null;
  company: string | null;
  city: string | null;
  stage: LeadStage;
  grade: Grade | null;
  score: number | null;
  attempts: number;
  source: string | null;
  assignedRep: string | null;
  lastTouchAt: string;
  /** The rep's next call or meeting if one is open, else the workflow's next step. */
  nextActivity: { what: string; kind: string | null; at: string } | null;
  slaDeadline: string | null;
  slaBreached: boolean;
  stalled: boolean;
  stalledSince: string | null;
  urgency: Urgency;
}

export interface BoardPage {
  asOf: string;
  cards: BoardCard[];
  /** Leads per stage over the whole filter (not only this page). */
  counts: Partial<Record<LeadStage, number>>;
  total: number;
  next: BoardCursor | null;
}

interface BoardRow {
  id: string;
  first_name: string | null;
  last_name: string | null;
  company: string | null;
  city: string | null;
  stage: LeadStage;
  grade: Grade | null;
  score: number | null;
  attempts: number;
  source: string | null;
  assigned_rep_id: string | null;
  last_touch_at: Date;
  next_activity: string | null;
  next_activity_at: Date | null;
  task_kind: string | null;
  task_title: string | null;
  task_due: Date | null;
  sla_deadline: Date | null;
  stalled_since: Date | null;
  urgency: number;
  sort_at: Date | string;
}

function where(filter: BoardFilter, param: (v: unknown) => string): string {
  const conditions = ['TRUE'];
  if (filter.repId !== undefined) conditions.push(`l.assigned_rep_id = ${param(filter.repId)}`);
  if (filter.stages?.length) conditions.push(`l.stage = ANY(${param(filter.stages)}::text[])`);
  if (filter.grade) conditions.push(`l.grade = ${param(filter.grade)}`);
  if (filter.source) conditions.push(`l.first_source->>'channel' = ${param(filter.source)}`);
  return conditions.join(' AND ');
}

/** One page of the board, most urgent first, and the count per stage. */
export async function boardPage(
  db: Db,
  filter: BoardFilter,
  page: { limit: number; cursor?: BoardCursor; now?: Date },
): Promise<BoardPage> {
  const asOf = page.cursor?.asOf ?? (page.now ?? new Date()).toISOString();
  const params: unknown[] = [];
  const param = (v: unknown) => `$${params.push(v)}`;
  const filterSql = where(filter, param);
  const asOfParam = param(asOf);
  const after = page.cursor
    ? `WHERE (urgency, sort_at, id) > (${param(page.cursor.urgency)}, ${param(page.cursor.sortAt)}::timestamptz, ${param(page.cursor.id)}::uuid)`
    : '';
  const rows = await db.query<BoardRow>(
    `WITH cards AS (
       SELECT l.id, l.first_name, l.last_name, l.company, l.city, l.stage, l.grade, l.score, l.attempts,
              l.first_source->>'channel' AS source, l.assigned_rep_id, l.last_touch_at, l.next_activity, l.next_activity_at,
              l.sla_deadline, l.stalled_since, t.kind AS task_kind, t.title AS task_title, t.due_at AS task_due,
              CASE WHEN l.stage = 'contacting' AND l.sla_deadline < ${asOfParam}::timestamptz THEN 0
                   WHEN t.due_at <= ${asOfParam}::timestamptz THEN 1
                   WHEN l.grade = 'hot' THEN 2
                   ELSE 3 END AS urgency
         FROM leads l
         LEFT JOIN LATERAL (
           SELECT kind, title, due_at FROM tasks WHERE lead_id = l.id AND done_at IS NULL ORDER BY due_at LIMIT 1
         ) t ON TRUE
        WHERE ${filterSql}
     ), ordered AS (
       SELECT *, coalesce(CASE WHEN urgency = 0 THEN sla_deadline ELSE least(task_due, next_activity_at) END, 'infinity'::timestamptz) AS sort_at
         FROM cards
     )
     SELECT * FROM ordered ${after}
      ORDER BY urgency, sort_at, id
      LIMIT ${param(page.limit + 1)}`,
    params,
  );
  const countParams: unknown[] = [];
  const counted = await db.query<{ stage: LeadStage; n: string }>(
    `SELECT l.stage, count(*) AS n FROM leads l WHERE ${where(filter, (v) => `$${countParams.push(v)}`)} GROUP BY l.stage`,
    countParams,
  );
  const counts: Partial<Record<LeadStage, number>> = {};
  for (const c of counted) counts[c.stage] = Number(c.n);
  const more = rows.length > page.limit;
  const shown = rows.slice(0, page.limit);
  const last = shown.at(-1);
  return {
    asOf,
    cards: shown.map((r) => toCard(r)),
    counts,
    total: Object.values(counts).reduce((a, b) => a + b, 0),
    next: more && last ? { asOf, urgency: last.urgency, sortAt: sortAtText(last.sort_at), id: last.id } : null,
  };
}

function sortAtText(value: Date | string): string {
  // 'infinity' comes back from pg as the string 'infinity', a date otherwise.
  return value instanceof Date ? value.toISOString() : value;
}

function toCard(r: BoardRow): BoardCard {
  const task = r.task_due && (!r.next_activity_at || r.task_due <= r.next_activity_at);
  const name = [r.first_name, r.last_name].filter(Boolean).join(' ');
  return {
    id: r.id,
    name: name || null,
    company: r.company,
    city: r.city,
    stage: r.stage,
    grade: r.grade,
    score: r.score,
    attempts: r.attempts,
    source: r.source,
    assignedRep: r.assigned_rep_id,
    lastTouchAt: r.last_touch_at.toISOString(),
    nextActivity: task
      ? { what: r.task_title!, kind: r.task_kind, at: r.task_due!.toISOString() }
      : r.next_activity && r.next_activity_at
        ? { what: r.next_activity, kind: null, at: r.next_activity_at.toISOString() }
        : null,
    slaDeadline: r.sla_deadline?.toISOString() ?? null,
    slaBreached: r.urgency === 0,
    stalled: r.stalled_since !== null,
    stalledSince: r.stalled_since?.toISOString() ?? null,
    urgency: URGENCY[r.urgency]!,
  };
}
