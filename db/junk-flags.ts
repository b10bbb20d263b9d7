/** The junk review list (R5): open flags with enough of each lead for an admin to decide. */
import type { Db } from './index';

export async function openJunkFlags(db: Db) {
  const rows = await db.query(
    `SELECT f.lead_id, f.reason, f.flagged_by, f.flagged_at, l.first_name, l.last_name, l.company, l.email, l.phone, l.stage
       FROM junk_flags f JOIN leads l ON l.id = f.lead_id
      WHERE f.decision IS NULL ORDER BY f.flagged_at`,
  );
  return rows.map((r) => ({
    leadId: r.lead_id,
    reason: r.reason,
    flaggedBy: r.flagged_by,
    flaggedAt: r.flagged_at,
    lead: {
      firstName: r.first_name,
      lastName: r.last_name,
      company: r.company,
      email: r.email,
      phone: r.phone,
      stage: r.stage,
    },
  }));
}
