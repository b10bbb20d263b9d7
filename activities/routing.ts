/** R16: the routing activity, a thin adapter: the rules are domain/routing.ts, the data is PostgreSQL. */
import type { Db } from '../db';
import { findAssignment, lockRepsForRouting, recordAssignment, type Assignment } from '../db/reps';
import { canTakeLeads, routeLead } from '../domain/routing';
import { leadNotFound } from './errors';

export function createRoutingActivities({ db }: { db: Db }) {
  return {
    /**
     * Assigns the lead to a rep and records why; a retry with the same key returns the first
     * assignment. Null when no rep is available (the workflow tells the manager).
     */
    async assignRep(input: {
      leadId: string;
      assignmentKey: string;
      at: string;
      exclude?: string[];
      reason?: string;
      preferFormer?: boolean;
    }): Promise<Assignment | null> {
      return db.withTransaction(async (tx) => {
        const earlier = await findAssignment(tx, input.assignmentKey);
        if (earlier) return earlier;
        const reps = await lockRepsForRouting(tx);
        const [lead] = await tx.query<{
          country: string | null;
          region: string | null;
          city: string | null;
          language: string | null;
          assigned_rep_id: string | null;
        }>('SELECT country, region, city, language, assigned_rep_id FROM leads WHERE id = $1', [input.leadId]);
        if (!lead) throw leadNotFound(input.leadId);
        // R4, R16: a returning lead goes back to the rep who knows them, while that rep can take leads.
        const former = input.preferFormer
          ? reps.find(
              (r) => r.id === lead.assigned_rep_id && canTakeLeads(r, input.at) && !input.exclude?.includes(r.id),
            )
          : undefined;
        const routing = former
          ? { repId: former.id, rule: 'former_rep' as const, reason: 'the former rep of a returning lead' }
          : routeLead(lead, reps, { exclude: input.exclude, at: input.at });
        if (!routing) return null;
        const reason = input.reason ? `${input.reason}: ${routing.reason}` : routing.reason;
        return recordAssignment(tx, {
          assignmentKey: input.assignmentKey,
          leadId: input.leadId,
          routing: { ...routing, reason },
          at: input.at,
        });
      });
    },
  };
}
