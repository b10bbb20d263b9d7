/**
 * Rep administration (issue 14.1): reps, their territories, languages and away windows, written by
 * the admin API (the CLI and the admin page go through it). Every change writes a `rep_audit` row
 * in the same transaction: who (the API key's id), when, and what changed.
 */
import type { AwayWindow, Territory } from '../domain/routing';
import type { Db, Tx } from './index';

export interface RepFields {
  name: string;
  email: string;
  managerEmail: string | null;
  territories: Territory[];
  languages: string[];
  weight: number;
  available: boolean;
  away: AwayWindow[];
}

export interface Rep extends RepFields {
  id: string;
  active: boolean;
  assignedCount: number;
  createdAt: string;
  updatedAt: string;
  deactivatedAt: string | null;
}

export interface RepAuditEntry {
  at: string;
  actor: string;
  action: 'created' | 'updated' | 'deactivated';
  changes: Record<string, unknown>;
}

interface RepRow {
  id: string;
  name: string;
  email: string;
  manager_email: string | null;
  languages: string[];
  weight: number;
  available: boolean;
  active: boolean;
  assigned_count: number;
  created_at: Date;
  updated_at: Date;
  deactivated_at: Date | null;
}

const REP_COLUMNS =
  'id, name, email, manager_email, languages, weight, available, active, assigned_count, created_at, updated_at, deactivated_at';

/** Territories as stored: a missing region or city is absent, not null. */
const territoryOf = (t: { country: string; region: string | null; city: string | null }): Territory => ({
  country: t.country,
  ...(t.region ? { region: t.region } : {}),
  ...(t.city ? { city: t.city } : {}),
});

async function load(q: Db | Tx, rows: RepRow[]): Promise<Rep[]> {
  if (rows.length === 0) return [];
  const ids = rows.map((r) => r.id);
  const territories = await q.query<{ rep_id: string; country: string; region: string | null; city: string | null }>(
    'SELECT rep_id, country, region, city FROM territories WHERE rep_id = ANY($1) ORDER BY id',
    [ids],
  );
  const away = await q.query<{ rep_id: string; from: Date; to: Date }>(
    'SELECT rep_id, starts_at AS "from", ends_at AS "to" FROM rep_away WHERE rep_id = ANY($1) ORDER BY starts_at, id',
    [ids],
  );
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    email: r.email,
    managerEmail: r.manager_email,
    territories: territories.filter((t) => t.rep_id === r.id).map(territoryOf),
    languages: r.languages,
    weight: r.weight,
    available: r.available,
    away: away.filter((w) => w.rep_id === r.id).map((w) => ({ from: w.from.toISOString(), to: w.to.toISOString() })),
    active: r.active,
    assignedCount: r.assigned_count,
    createdAt: r.created_at.toISOString(),
    updatedAt: r.updated_at.toISOString(),
    deactivatedAt: r.deactivated_at?.toISOString() ?? null,
  }));
}

export async function listReps(db: Db, { includeInactive = false } = {}): Promise<Rep[]> {
  const rows = await db.query<RepRow>(
    `SELECT ${REP_COLUMNS} FROM reps ${includeInactive ? '' : 'WHERE active'} ORDER BY id`,
  );
  return load(db, rows);
}

export async function findRep(q: Db | Tx, id: string, { lock = false } = {}): Promise<Rep | undefined> {
  const rows = await q.query<RepRow>(`SELECT ${REP_COLUMNS} FROM reps WHERE id = $1${lock ? ' FOR UPDATE' : ''}`, [id]);
  return (await load(q, rows))[0];
}

async function replaceTerritories(tx: Tx, repId: string, territories: Territory[]): Promise<void> {
  await tx.query('DELETE FROM territories WHERE rep_id = $1', [repId]);
  for (const t of territories)
    await tx.query('INSERT INTO territories (rep_id, country, region, city) VALUES ($1, $2, $3, $4)', [
      repId,
      t.country,
      t.region ?? null,
      t.city ?? null,
    ]);
}

async function replaceAway(tx: Tx, repId: string, away: AwayWindow[]): Promise<void> {
  await tx.query('DELETE FROM rep_away WHERE rep_id = $1', [repId]);
  for (const w of away)
    await tx.query('INSERT INTO rep_away (rep_id, starts_at, ends_at) VALUES ($1, $2, $3)', [repId, w.from, w.to]);
}

async function audit(tx: Tx, repId: string, actor: string, action: RepAuditEntry['action'], changes: object) {
  await tx.query('INSERT INTO rep_audit (rep_id, actor, action, changes) VALUES ($1, $2, $3, $4)', [
    repId,
    actor,
    action,
    changes,
  ]);
}

/** Adds a rep; undefined when the id is taken (the caller answers 409). */
export async function createRep(db: Db, actor: string, id: string, fields: RepFields): Promise<Rep | undefined> {
  return db.withTransaction(async (tx) => {
    const inserted = await tx.query(
      `INSERT INTO reps (id, name, email, manager_email, languages, weight, available)
       VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (id) DO NOTHING RETURNING id`,
      [id, fields.name, fields.email, fields.managerEmail, fields.languages, fields.weight, fields.available],
    );
    if (inserted.length === 0) return undefined;
    await replaceTerritories(tx, id, fields.territories);
    await replaceAway(tx, id, fields.away);
    const rep = (await findRep(tx, id))!;
    await audit(tx, id, actor, 'created', fields);
    return rep;
  });
}

const COLUMN: Partial<Record<keyof RepFields, string>> = {
  name: 'name',
  email: 'email',
  managerEmail: 'manager_email',
  languages: 'languages',
  weight: 'weight',
  available: 'available',
};

/** Values compared as JSON: territories and away windows are lists, replaced as a whole. */
const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

export type UpdateResult = { rep: Rep; changed: string[] } | { missing: true } | { inactive: Rep };

/**
 * Changes the given fields (territories and away windows replaced as a whole) and audits each
 * change as `{ field: { from, to } }`; a field given with its current value is no change.
 */
export async function updateRep(db: Db, actor: string, id: string, patch: Partial<RepFields>): Promise<UpdateResult> {
  return db.withTransaction(async (tx) => {
    const before = await findRep(tx, id, { lock: true });
    if (!before) return { missing: true as const };
    if (!before.active) return { inactive: before };
    const changes: Record<string, { from: unknown; to: unknown }> = {};
    for (const [field, value] of Object.entries(patch) as [keyof RepFields, unknown][]) {
      if (value === undefined || same(before[field], value)) continue;
      changes[field] = { from: before[field], to: value };
      const column = COLUMN[field];
      if (column) await tx.query(`UPDATE reps SET ${column} = $2 WHERE id = $1`, [id, value]);
      else if (field === 'territories') await replaceTerritories(tx, id, value as Territory[]);
      else if (field === 'away') await replaceAway(tx, id, value as AwayWindow[]);
    }
    const changed = Object.keys(changes);
    if (changed.length > 0) {
      await tx.query('UPDATE reps SET updated_at = now() WHERE id = $1', [id]);
      await audit(tx, id, actor, 'updated', changes);
    }
    return { rep: (await findRep(tx, id))!, changed };
  });
}

/** Stages whose leads still need an owner: every one but the closed ones. */
const CLOSED_STAGES = ['converted', 'disqualified'];

/**
 * Deactivates the rep: routing never picks them again. Answers the open leads still assigned to
 * them, to be reassigned through their workflows. The rep's row is locked first, so an assignment
 * running meanwhile either lands before (and its lead is in the list) or sees the rep inactive.
 */
export async function deactivateRep(
  db: Db,
  actor: string,
  id: string,
): Promise<{ rep: Rep; openLeads: string[]; already: boolean } | undefined> {
  return db.withTransaction(async (tx) => {
    const before = await findRep(tx, id, { lock: true });
    if (!before) return undefined;
    const openLeads = (
      await tx.query<{ id: string }>(
        'SELECT id FROM leads WHERE assigned_rep_id = $1 AND erased_at IS NULL AND stage <> ALL($2) ORDER BY id',
        [id, CLOSED_STAGES],
      )
    ).map((l) => l.id);
    if (!before.active) return { rep: before, openLeads, already: true };
    await tx.query('UPDATE reps SET active = false, deactivated_at = now(), updated_at = now() WHERE id = $1', [id]);
    await audit(tx, id, actor, 'deactivated', { active: { from: true, to: false }, openLeads: openLeads.length });
    return { rep: (await findRep(tx, id))!, openLeads, already: false };
  });
}

export async function repAudit(db: Db, id: string): Promise<RepAuditEntry[]> {
  const rows = await db.query<{ at: Date; actor: string; action: RepAuditEntry['action']; changes: object }>(
    'SELECT at, actor, action, changes FROM rep_audit WHERE rep_id = $1 ORDER BY id',
    [id],
  );
  return rows.map((r) => ({ at: r.at.toISOString(), actor: r.actor, action: r.action, changes: { ...r.changes } }));
}
