import { identityKeys, normalizeEmail, normalizePhone } from '../domain/identity';
import { defaultLanguageFor } from '../domain/language';
import type { LeadSource, LeadStage, LeadWorkflowInput } from '../workflows/contracts';
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
  timeZone?: string;
  /** A supported catalogue's BCP 47 tag (the API normalises it); without it a new lead gets its country's. */
  language?: string;
  consent?: Consent;
}

/** Consent as the person gave it: its basis, when (default: the capture's time), and the capture's source is recorded with it. */
export interface Consent {
  marketing: boolean;
  basis?: string;
  text?: string;
  at?: string;
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
  time_zone: string | null;
  /** BCP 47, a supported catalogue's (see domain/i18n); NULL only on rows captured before it existed: the country's. */
  language: string | null;
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
  timeZone: 'time_zone',
  language: 'language',
  consent: 'consent',
};

export interface CaptureResult {
  lead: LeadRow;
  created: boolean;
  touchId: string;
  /** The consent this capture recorded, if any: a returning person's without a stated basis is not (issue 13.5). */
  consentRecorded?: Consent;
}

/** The capture of a person who asked for their data to be erased: nothing is stored (issue 13.4). */
export class PersonErasedError extends Error {
  override readonly name = 'PersonErasedError';
  constructor() {
    super('this person asked for their data to be erased');
  }
}

/** The SQLSTATE capture_match raises for an erased person (db/migrations/1700000013000_capture_match.sql). */
const ERASED_SQLSTATE = 'RPERA';

/**
 * R3: one row per person. capture_match (one round trip) refuses an erased person, takes a
 * transaction-scoped advisory lock on each identity key (sorted, so concurrent captures cannot deadlock),
 * then matches by e-mail, else by phone, else this inserts. A phone matches only a lead without e-mail,
 * or a capture without e-mail (a shared office phone is not one person). A returning person keeps the
 * first touch, and their capture never overwrites silently (issue 13.5): its touch records what it
 * brought; a stored field changes only where it is empty, or with `update`; consent changes only with a
 * consent object stating its basis, recorded with time and source.
 * `erasedHashes`: the capture's address hashes under every suppression key; any of them erased throws
 * PersonErasedError.
 */
export async function captureLead(
  tx: Tx,
  details: LeadDetails,
  source: LeadSource,
  at: Date,
  options: { update?: boolean; erasedHashes?: string[] } = {},
): Promise<CaptureResult> {
  const email = details.email ? normalizeEmail(details.email) : null;
  const phone = details.phone ? normalizePhone(details.phone) : null;
  const [existing] = await tx
    .query<LeadRow>('SELECT * FROM capture_match($1, $2, $3, $4)', [
      identityKeys(details),
      options.erasedHashes ?? [],
      email,
      phone,
    ])
    .catch((err: unknown) => {
      throw (err as { code?: unknown }).code === ERASED_SQLSTATE ? new PersonErasedError() : err;
    });

  // Every lead has a language: the capture's, else (for a new lead, or one from before languages) its country's,
  // the country the row will hold after this capture.
  const country =
    existing?.country && options.update !== true ? existing.country : (details.country ?? existing?.country);
  const language =
    details.language ?? (!existing || existing.language === null ? defaultLanguageFor(country) : undefined);
  const stated = { ...details, language };
  const given = Object.entries(COLUMNS)
    .filter(([key]) => key !== 'consent' && stated[key as keyof LeadDetails] !== undefined)
    .map(([key, column]) => [column, stated[key as keyof LeadDetails]] as const);
  // A returning person's consent changes only when the capture states its basis; a new person's is recorded as given.
  const consent = details.consent && (!existing || details.consent.basis !== undefined) ? details.consent : undefined;
  const fields = consent ? [...given, ['consent', consent] as const] : given;
  // A language the person states is their preference now: a later capture changes it without `update`.
  const changes = (column: string) =>
    !existing ||
    options.update === true ||
    existing[column as keyof LeadRow] === null ||
    (column === 'language' && details.language !== undefined);

  /** A returning person's touch: everything the capture brought, and which stored fields it left as they were. */
  const touchDetails = () => {
    if (!existing) return { returning: false };
    const { email: _email, ...rest } = details;
    const kept = [
      ...(details.phone && !changes('phone') ? ['phone'] : []),
      ...given.filter(([column]) => !changes(column)).map(([column]) => column),
    ];
    return {
      returning: true,
      brought: rest,
      ...(kept.length > 0 ? { kept } : {}),
      ...(options.update ? { update: true } : {}),
      ...(details.consent && !consent
        ? { consentIgnored: 'a returning person’s consent changes only with its basis stated' }
        : {}),
    };
  };
  // The lead row, the capture touch and the consent it states in one statement: the hot path's round trips.
  let write: string;
  const params: unknown[] = [];
  const param = (value: unknown) => `$${params.push(value)}`;
  if (existing) {
    const sets = [`last_touch_at = ${param(at)}`, 'updated_at = now()'];
    if (details.email && !existing.email)
      sets.push(`email = ${param(details.email.trim())}`, `email_normalized = ${param(email)}`);
    if (details.phone && changes('phone'))
      sets.push(`phone = ${param(details.phone.trim())}`, `phone_normalized = ${param(phone)}`);
    for (const [column, value] of fields)
      if (column === 'consent' || changes(column)) sets.push(`${column} = ${param(value)}`);
    write = `UPDATE leads SET ${sets.join(', ')} WHERE id = ${param(existing.id)} RETURNING *`;
  } else {
    const columns = [
      'email',
      'email_normalized',
      'phone',
      'phone_normalized',
      'first_touch_at',
      'first_source',
      'last_touch_at',
    ];
    const values = [details.email?.trim() ?? null, email, details.phone?.trim() ?? null, phone, at, source, at].map(
      param,
    );
    for (const [column, value] of fields) {
      columns.push(column);
      values.push(param(value));
    }
    write = `INSERT INTO leads (${columns.join(', ')}) VALUES (${values.join(', ')}) RETURNING *`;
  }
  // Consent as stated, with basis, time and source; the latest statement counts at send time.
  const consentInsert = consent
    ? `, consent AS (INSERT INTO consents (lead_id, marketing, basis, text, source, at)
                     SELECT id, ${[consent.marketing, consent.basis ?? 'consent', consent.text ?? null, source, consent.at ?? at].map(param).join(', ')} FROM lead)`
    : '';
  const [row] = await tx.query<LeadRow & { touch_id: string }>(
    `WITH lead AS (${write}),
          touch AS (INSERT INTO touches (lead_id, at, kind, channel, source, details)
                    SELECT id, ${param(at)}, 'capture', ${param(source.channel)}, ${param(source)}, ${param(touchDetails())} FROM lead RETURNING id)${consentInsert}
     SELECT lead.*, touch.id AS touch_id FROM lead, touch`,
    params,
  );
  const { touch_id: touchId, ...lead } = row!;
  return { lead, created: !existing, touchId: String(touchId), consentRecorded: consent };
}

export async function findLead(db: Db | Tx, leadId: string): Promise<LeadRow | undefined> {
  const [lead] = await db.query<LeadRow>('SELECT * FROM leads WHERE id = $1', [leadId]);
  return lead;
}

/** What a lead's run starts with, from its row: the capture's start, and the reconciliation sweep's for a missing run. */
export function leadWorkflowInput(
  lead: {
    id: string;
    first_source: LeadSource;
    email: string | null;
    phone: string | null;
    buyer_stage: string | null;
    consent: Record<string, unknown> | null;
    stage: LeadStage;
  },
  options: { created: boolean; workflowOptions?: Pick<LeadWorkflowInput, 'policy' | 'historyLimit' | 'timeScale'> },
): LeadWorkflowInput {
  return {
    ...options.workflowOptions,
    leadId: lead.id,
    source: lead.first_source,
    reachableBy: { email: lead.email !== null, phone: lead.phone !== null },
    buyerStage: lead.buyer_stage ?? undefined,
    marketingConsent: (lead.consent as { marketing?: boolean } | null)?.marketing === true,
    // Used only if the lead's earlier run has closed: the new run continues from the stored stage (R3, R4).
    storedStage: options.created ? undefined : lead.stage,
  };
}
