/** Reps, territories and assignments (R16). */
import type { RepForRouting, Routing } from '../domain/routing';
import type { Tx } from './index';

/** Every rep with their territories, languages and away windows, locked so concurrent assignments see each other's counts. */
export async function lockRepsForRouting(tx: Tx): Promise<RepForRouting[]> {
  const reps = await tx.query<{
    id: string;
    active: boolean;
    available: boolean;
    weight: number;
    assigned_count: number;
    languages: string[];
  }>('SELECT id, active, available, weight, assigned_count, languages FROM reps ORDER BY id FOR UPDATE');
  const territories = await tx.query<{ rep_id: string; country: string; region: string | null; city: string | null }>(
    'SELECT rep_id, country, region, city FROM territories',
  );
  const away = await tx.query<{ rep_id: string; from: Date; to: Date }>(
    'SELECT rep_id, starts_at AS "from", ends_at AS "to" FROM rep_away',
  );
  return reps.map((r) => ({
    id: r.id,
    active: r.active,
    available: r.available,
    weight: r.weight,
    assignedCount: r.assigned_count,
    languages: r.languages,
    territories: territories.filter((t) => t.rep_id === r.id),
    away: away.filter((w) => w.rep_id === r.id).map((w) => ({ from: w.from.toISOString(), to: w.to.toISOString() })),
  }));
}

export interface Assignment {
  repId: string;
  repName: string;
  rule: Routing['rule'];
  reason: string;
}

export async function findAssignment(tx: Tx, assignmentKey: string): Promise<Assignment | undefined> {
  const [row] = await tx.query<Assignment>(
    `SELECT a.rep_id AS "repId", r.name AS "repName", a.rule, a.reason
     FROM lead_assignments a JOIN reps r ON r.id = a.rep_id WHERE a.assignment_key = $1`,
    [assignmentKey],
  );
  return row;
}

/** Records the assignment, counts it against the rep and sets the lead's owner. */
export async function recordAssignment(
  tx: Tx,
  a: { assignmentKey: string; leadId: string; routing: Routing; at: string },
): Promise<Assignment> {
  const [lead] = await tx.query<{ assigned_rep_id: string | null }>(
    'SELECT assigned_rep_id FROM leads WHERE id = $1 FOR UPDATE',
    [a.leadId],
  );
  await tx.query(
    `INSERT INTO lead_assignments (assignment_key, lead_id, rep_id, previous_rep_id, rule, reason, at) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
    [a.assignmentKey, a.leadId, a.routing.repId, lead?.assigned_rep_id ?? null, a.routing.rule, a.routing.reason, a.at],
  );
  const [rep] = await tx.query<{ name: string }>(
    'UPDATE reps SET assigned_count = assigned_count + 1 WHERE id = $1 RETURNING name',
    [a.routing.repId],
  );
  await tx.query('UPDATE leads SET assigned_rep_id = $2, updated_at = now() WHERE id = $1', [
    a.leadId,
    a.routing.repId,
  ]);
  return { repId: a.routing.repId, repName: rep!.name, rule: a.routing.rule, reason: a.routing.reason };
}
