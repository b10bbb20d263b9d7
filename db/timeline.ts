/** A lead's timeline for the API (R21): every stage, touch, score, e-mail, note, task and assignment. */
import type { Db } from './index';

export type TimelineEntry =
  | { at: string; type: 'stage'; from: string | null; to: string; reason: string; actor: string }
  | {
      at: string;
      type: 'touch';
      kind: string;
      channel: string | null;
      details: Record<string, unknown> | null;
      source: Record<string, unknown> | null;
    }
  | { at: string; type: 'score'; score: number; previousScore: number | null; grade: string; reason: string }
  | { at: string; type: 'email'; template: string; subject: string; status: string }
  | { at: string; type: 'note'; author: string; body: string }
  | { at: string; type: 'task'; kind: string; title: string; dueAt: string; doneAt: string | null }
  | { at: string; type: 'assignment'; repId: string; previousRepId: string | null; rule: string; reason: string };

/**
 * Every stage change with its actor, every touch across channels (R21), every score change with its reason, every
 * e-mail, the rep's notes and scheduled calls and meetings (R7) and every assignment (R16), oldest first.
 */
export async function leadTimeline(db: Db, leadId: string): Promise<TimelineEntry[]> {
  const [stages, touches, scores, emails, notes, tasks, assignments] = await Promise.all([
    db.query('SELECT at, from_stage, to_stage, reason, actor FROM stage_changes WHERE lead_id = $1', [leadId]),
    db.query('SELECT at, kind, channel, details, source FROM touches WHERE lead_id = $1', [leadId]),
    db.query('SELECT at, score, previous_score, grade, reason FROM score_changes WHERE lead_id = $1', [leadId]),
    db.query(
      'SELECT coalesce(sent_at, claimed_at) AS at, template, subject, status FROM sent_emails WHERE lead_id = $1',
      [leadId],
    ),
    db.query('SELECT at, author, body FROM notes WHERE lead_id = $1', [leadId]),
    db.query('SELECT created_at AS at, kind, title, due_at, done_at FROM tasks WHERE lead_id = $1', [leadId]),
    db.query('SELECT at, rep_id, previous_rep_id, rule, reason FROM lead_assignments WHERE lead_id = $1', [leadId]),
  ]);
  const entries: TimelineEntry[] = [
    ...stages.map((r) => ({
      at: r.at.toISOString(),
      type: 'stage' as const,
      from: r.from_stage,
      to: r.to_stage,
      reason: r.reason,
      actor: r.actor,
    })),
    ...touches.map((r) => ({
      at: r.at.toISOString(),
      type: 'touch' as const,
      kind: r.kind,
      channel: r.channel,
      details: r.details,
      source: r.source,
    })),
    ...scores.map((r) => ({
      at: r.at.toISOString(),
      type: 'score' as const,
      score: r.score,
      previousScore: r.previous_score,
      grade: r.grade,
      reason: r.reason,
    })),
    ...emails.map((r) => ({
      at: r.at.toISOString(),
      type: 'email' as const,
      template: r.template,
      subject: r.subject,
      status: r.status,
    })),
    ...notes.map((r) => ({ at: r.at.toISOString(), type: 'note' as const, author: r.author, body: r.body })),
    ...tasks.map((r) => ({
      at: r.at.toISOString(),
      type: 'task' as const,
      kind: r.kind,
      title: r.title,
      dueAt: r.due_at.toISOString(),
      doneAt: r.done_at?.toISOString() ?? null,
    })),
    ...assignments.map((r) => ({
      at: r.at.toISOString(),
      type: 'assignment' as const,
      repId: r.rep_id,
      previousRepId: r.previous_rep_id,
      rule: r.rule,
      reason: r.reason,
    })),
  ];
  return entries.sort((a, b) => a.at.localeCompare(b.at));
}
