/** Writes the lead workflow makes through its activities: audit rows, touches, tasks, flags, opportunities. Each is keyed, so a retried activity writes once. */
import type { BoardFields as JourneyBoardFields } from '../domain/journey';
import type { LeadStage } from '../domain/lifecycle';
import type { Db } from './index';

export async function recordStageChange(
  db: Db,
  change: {
    leadId: string;
    changeKey: string;
    from: LeadStage | null;
    to: LeadStage;
    reason: string;
    actor: string;
    at: string;
  },
): Promise<void> {
  await db.withTransaction(async (tx) => {
    const inserted = await tx.query(
      `INSERT INTO stage_changes (change_key, lead_id, from_stage, to_stage, reason, actor, at)
       VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (change_key) DO NOTHING RETURNING id`,
      [change.changeKey, change.leadId, change.from, change.to, change.reason, change.actor, change.at],
    );
    if (inserted.length > 0)
      await tx.query('UPDATE leads SET stage = $2, updated_at = now() WHERE id = $1', [change.leadId, change.to]);
  });
}

export async function recordTouch(
  db: Db,
  touch: {
    leadId: string;
    touchKey: string;
    at: string;
    kind: string;
    channel: string;
    details: Record<string, unknown>;
  },
): Promise<void> {
  await db.withTransaction(async (tx) => {
    const inserted = await tx.query(
      `INSERT INTO touches (touch_key, lead_id, at, kind, channel, details) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (touch_key) DO NOTHING RETURNING id`,
      [touch.touchKey, touch.leadId, touch.at, touch.kind, touch.channel, touch.details],
    );
    if (inserted.length === 0) return;
    // A move of the buyer stage (R13) is the lead's new stage on the board, not a touch by the person.
    if (touch.kind === 'buyer_stage') {
      await tx.query('UPDATE leads SET buyer_stage = $2, updated_at = now() WHERE id = $1', [
        touch.leadId,
        touch.details.to,
      ]);
      return;
    }
    await tx.query('UPDATE leads SET last_touch_at = greatest(last_touch_at, $2) WHERE id = $1', [
      touch.leadId,
      touch.at,
    ]);
    // A reported outcome answers the calls the cadence had given the rep by then, whether due yet or not
    // (the first call is due within the speed-to-lead SLA), and anything overdue; a call or meeting
    // the rep scheduled for later stays on the board (R7, R22: the board shows what is still to do).
    if (touch.kind === 'outcome') {
      await tx.query(
        `UPDATE tasks SET done_at = $2 WHERE lead_id = $1 AND done_at IS NULL
           AND (due_at <= $2 OR (created_at <= $2 AND task_key NOT LIKE '%-next-activity' AND task_key NOT LIKE '%-scheduled-activity'))`,
        [touch.leadId, touch.at],
      );
    }
  });
}

/** The fields a rep's board shows (R22), kept in step with the workflow, for one lead. */
export type BoardFields = { leadId: string } & JourneyBoardFields;

export async function syncBoardFields(db: Db, f: BoardFields): Promise<void> {
  await db.query(
    `UPDATE leads SET attempts = $2, recycle_count = $3, sla_deadline = $4, next_activity = $5, next_activity_at = $6,
       stalled_since = CASE WHEN $7 THEN coalesce(stalled_since, now()) ELSE NULL END, updated_at = now(),
       stage = coalesce($8, stage), assigned_rep_id = CASE WHEN $9 THEN $10 ELSE assigned_rep_id END
     WHERE id = $1`,
    [
      f.leadId,
      f.attempts,
      f.recycleCount,
      f.slaDeadline,
      f.nextActivity,
      f.nextActivityAt,
      f.stalled,
      f.stage ?? null,
      f.assignedRep !== undefined,
      f.assignedRep ?? null,
    ],
  );
}

export async function createTask(
  db: Db,
  task: { leadId: string; repId: string | null; taskKey: string; kind: string; title: string; dueAt: string },
): Promise<void> {
  await db.query(
    `INSERT INTO tasks (task_key, lead_id, rep_id, kind, title, due_at, created_at) VALUES ($1, $2, $3, $4, $5, $6, now())
     ON CONFLICT (task_key) DO NOTHING`,
    [task.taskKey, task.leadId, task.repId, task.kind, task.title, task.dueAt],
  );
}

/** R15: the lead becomes a contact (once) and gets a new opportunity. */
export async function openOpportunity(
  db: Db,
  o: { leadId: string; repId: string | null; opportunityKey: string; at: string },
): Promise<void> {
  await db.withTransaction(async (tx) => {
    const [contact] = await tx.query<{ id: string }>(
      `INSERT INTO contacts (lead_id, rep_id, created_at) VALUES ($1, $2, $3)
       ON CONFLICT (lead_id) DO UPDATE SET rep_id = excluded.rep_id RETURNING id`,
      [o.leadId, o.repId, o.at],
    );
    await tx.query(
      `INSERT INTO opportunities (opportunity_key, lead_id, contact_id, rep_id, opened_at) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (opportunity_key) DO NOTHING`,
      [o.opportunityKey, o.leadId, contact!.id, o.repId, o.at],
    );
  });
}

export async function closeOpportunity(
  db: Db,
  c: { leadId: string; status: 'won' | 'lost'; at: string },
): Promise<void> {
  await db.query(`UPDATE opportunities SET status = $2, closed_at = $3 WHERE lead_id = $1 AND status = 'open'`, [
    c.leadId,
    c.status,
    c.at,
  ]);
}

export async function recordJunkFlag(
  db: Db,
  f: { leadId: string; flagKey: string; reason: string; by: string; at: string },
): Promise<void> {
  await db.query(
    `INSERT INTO junk_flags (flag_key, lead_id, reason, flagged_by, flagged_at) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT DO NOTHING`,
    [f.flagKey, f.leadId, f.reason, f.by, f.at],
  );
}

export async function decideJunkFlag(
  db: Db,
  d: { leadId: string; decision: 'confirmed' | 'cleared'; by: string; at: string },
): Promise<void> {
  await db.query(
    `UPDATE junk_flags SET decision = $2, decided_by = $3, decided_at = $4 WHERE lead_id = $1 AND decision IS NULL`,
    [d.leadId, d.decision, d.by, d.at],
  );
}

export interface RepContact {
  id: string;
  name: string;
  email: string;
  manager_email: string | null;
  /** The languages the rep works in, preferred first (their notices are in the first). */
  languages: string[];
}

export async function findRepContact(db: Db, repId: string): Promise<RepContact | undefined> {
  const [rep] = await db.query<RepContact>('SELECT id, name, email, manager_email, languages FROM reps WHERE id = $1', [
    repId,
  ]);
  return rep;
}
