/**
 * What-if scoring (N5, issue 15): a cohort's recorded history — each lead's profile, its scored
 * touches and how it really ended — read in three statements (no query per lead), for the pure
 * replay of domain/whatif.ts.
 */
import type { LeadAction } from '../domain/scoring';
import type { LeadHistory } from '../domain/whatif';
import { analytic, cohortWhere, type FunnelFilter } from './funnel';
import type { Db } from './index';
import { actionOf } from './scores';

export async function loadHistories(db: Db, filter: FunnelFilter): Promise<LeadHistory[]> {
  const params: unknown[] = [];
  const where = cohortWhere(filter, (v) => `$${params.push(v)}`);
  return analytic(db, async (tx) => {
    const leads = await tx.query<{
      id: string;
      industry: string | null;
      company_size: string | null;
      country: string | null;
      revenue: string | null;
      title: string | null;
      sql: boolean;
      won: boolean;
    }>(
      `SELECT l.id, l.industry, l.company_size, l.country, l.revenue, l.title,
              EXISTS (SELECT 1 FROM stage_changes s WHERE s.lead_id = l.id AND s.to_stage = 'handed_off') AS sql,
              EXISTS (SELECT 1 FROM stage_changes s WHERE s.lead_id = l.id AND s.to_stage = 'converted') AS won
         FROM leads l WHERE ${where}`,
      params,
    );
    const touches = await tx.query<{
      lead_id: string;
      kind: LeadAction['kind'];
      name: string | null;
      at: Date;
      ref: string | null;
      link: string | null;
      uncounted: string | null;
    }>(
      `SELECT t.lead_id, t.kind, coalesce(t.details->>'event', t.details->>'outcome', '') AS name, t.at,
              t.details->>'emailRef' AS ref, t.details->>'link' AS link, t.details->>'uncounted' AS uncounted
         FROM touches t JOIN leads l ON l.id = t.lead_id
        WHERE ${where} AND t.kind IN ('capture', 'engagement', 'outcome') AND t.at < $2`,
      params,
    );
    const byLead = new Map<string, LeadHistory>();
    for (const l of leads) {
      byLead.set(l.id, {
        id: l.id,
        profile: {
          industry: l.industry,
          companySize: l.company_size,
          country: l.country,
          revenue: l.revenue === null ? null : Number(l.revenue),
          title: l.title,
        },
        actions: [],
        sql: l.sql,
        won: l.won,
      });
    }
    for (const t of touches) byLead.get(t.lead_id)?.actions.push(actionOf(t));
    return [...byLead.values()];
  });
}
