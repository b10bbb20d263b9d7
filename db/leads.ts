import { identityKeys, normalizeEmail, normalizePhone } from '../domain/identity';
import type { LeadSource, LeadStage } from '../workflows/contracts';
import type { Db, Tx } from './index';

/** The person's details as captured (R1: all optional but a way to reach them). */
export interface LeadDetails {
  email?: string;
  phone?: string;
  firstName?: string;
  lastName?: string;
  company?: string;
  title?: string;
  country?: string;
  region?: string;
  city?: string;
  industry?: string;
  companySize?: string;
  revenue?: number;
  message?: string;
  buyerStage?: string;
  consent?: Record<string, unknown>;
}

export interface LeadRow {
  id: string;
  email: string | null;
  phone: string | null;
  first_name: string | null;
  last_name: string | null;
  company: string | null;
  title: string | null;
  country: string | null;
  region: string | null;
  city: string | null;
  industry: string | null;
  company_size: string | null;
  revenue: string | null;
  message: string | null;
  buyer_stage: string | null;
  consent: Record<string, unknown> | null;
  stage: LeadStage;
  assigned_rep_id: string | null;
  first_touch_at: Date;
  first_source: LeadSource;
  last_touch_at: Date;
}

const COLUMNS: Record<Exclude<keyof LeadDetails, 'email' | 'phone'>, string> = {
  firstName: 'first_name',
  lastName: 'last_name',
  company: 'company',
  title: 'title',
  country: 'country',
  region: 'region',
  city: 'city',
  industry: 'industry',
  companySize: 'company_size',
  revenue: 'revenue',
  message: 'message',
  buyerStage: 'buyer_stage',
  consent: 'consent',
};

export interface CaptureResult {
  lead: LeadRow;
  created: boolean;
  touchId: string;
}

/**
 * R3: one row per person. Takes a transaction-scoped advisory lock on each identity key (in sorted
 * order, so concurrent captures cannot deadlock), then matches by e-mail, else by phone, else inserts.
 * A phone matches only a lead without e-mail, or a capture without e-mail (a shared office phone is
 * not one person). A returning person keeps the first touch; fields they give again fill in or update the row.
 */
export async function captureLead(tx: Tx, details: LeadDetails, source: LeadSource, at: Date): Promise<CaptureResult> {
  for (const key of identityKeys(details)) {
    await tx.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [key]);
  }
  const email = details.email ? normalizeEmail(details.email) : null;
  const phone = details.phone ? normalizePhone(details.phone) : null;
  const [existing] = await tx.query<LeadRow>(
    `SELECT * FROM leads
      WHERE email_normalized = $1
         OR (phone_normalized = $2 AND (email_normalized IS NULL OR $1::text IS NULL))
      ORDER BY (email_normalized = $1) IS TRUE DESC, created_at
      LIMIT 1`,
    [email, phone],
  );

  const fields = Object.entries(COLUMNS)
    .filter(([key]) => details[key as keyof LeadDetails] !== undefined)
    .map(([key, column]) => [column, details[key as keyof LeadDetails]] as const);

  let lead: LeadRow;
  if (existing) {
    const sets = ['last_touch_at = $2', 'updated_at = now()'];
    const params: unknown[] = [existing.id, at];
    const set = (column: string, value: unknown) => {
      params.push(value);
      sets.push(`${column} = $${params.length}`);
    };
    if (details.email && !existing.email) {
      set('email', details.email.trim());
      set('email_normalized', email);
    }
    if (details.phone) {
      set('phone', details.phone.trim());
      set('phone_normalized', phone);
    }
    for (const [column, value] of fields) set(column, value);
    [lead] = (await tx.query<LeadRow>(`UPDATE leads SET ${sets.join(', ')} WHERE id = $1 RETURNING *`, params)) as [LeadRow];
  } else {
    const columns = ['email', 'email_normalized', 'phone', 'phone_normalized', 'first_touch_at', 'first_source', 'last_touch_at'];
    const values: unknown[] = [details.email?.trim() ?? null, email, details.phone?.trim() ?? null, phone, at, source, at];
    for (const [column, value] of fields) {
      columns.push(column);
      values.push(value);
    }
    const placeholders = values.map((_, i) => `$${i + 1}`).join(', ');
    [lead] = (await tx.query<LeadRow>(`INSERT INTO leads (${columns.join(', ')}) VALUES (${placeholders}) RETURNING *`, values)) as [LeadRow];
  }

  const [touch] = await tx.query<{ id: string }>(
    `INSERT INTO touches (lead_id, at, kind, channel, source, details) VALUES ($1, $2, 'capture', $3, $4, $5) RETURNING id`,
    [lead.id, at, source.channel, source, { returning: Boolean(existing) }],
  );
  return { lead, created: !existing, touchId: String(touch!.id) };
}

export async function findLead(db: Db | Tx, leadId: string): Promise<LeadRow | undefined> {
  const [lead] = await db.query<LeadRow>('SELECT * FROM leads WHERE id = $1', [leadId]);
  return lead;
}

export async function setLeadStage(db: Db | Tx, leadId: string, stage: LeadStage): Promise<void> {
  await db.query('UPDATE leads SET stage = $2, updated_at = now() WHERE id = $1', [leadId, stage]);
}
