/**
 * Rep administration without SQL (issue 14.1, R16): add, list, read, change and deactivate reps,
 * their territories, languages, weight and away windows. Admin keys only; `npm run reps` and the
 * /admin/reps page call these routes, so the rules live here once. Every change is audited
 * (db/rep-admin.ts). Deactivating a rep reassigns each of their open leads through its workflow,
 * which routes it to another rep and tells the manager (domain/journey/events.ts, `reassign`).
 */
import express, { type Request, type RequestHandler } from 'express';
import { z } from 'zod';
import type { Db } from '../db';
import type { RouteDeps } from './deps';
import { createRep, deactivateRep, findRep, listReps, repAudit, updateRep, type RepFields } from '../db/rep-admin';
import type { AwayWindow, Territory } from '../domain/routing';
import { reassignSignal } from '../workflows/contracts';
import { requireRole } from './auth';
import { HttpError, parseOr400 } from './errors';
import { emailAddress, instant, languageTag, text } from './fields';
import { idempotentWrite } from './idempotency';

export const REP_ID_PATTERN = '^[a-z0-9][a-z0-9._-]{0,63}$';
export const RepIdSchema = z
  .string()
  .regex(
    new RegExp(REP_ID_PATTERN),
    'must be 1–64 lower-case letters, digits, . _ or -, starting with a letter or digit',
  );

/** A BCP 47 language tag of the usual shape: language, then optional script and region (`fi`, `fa-IR`, `sr-Latn-RS`). */
export const TerritorySchema = z
  .object({
    country: z
      .string()
      .regex(/^[A-Za-z]{2}$/, 'must be an ISO 3166-1 alpha-2 country code, e.g. FI')
      .meta({ description: 'ISO 3166-1 alpha-2, e.g. FI (stored upper case)' }),
    region: text(100).optional(),
    city: text(100).optional(),
  })
  .strict()
  .meta({ description: 'A country, optionally narrowed to a region and a city; the most specific match wins (R16).' });

export const AwaySchema = z
  .object({ from: instant(), to: instant() })
  .strict()
  .refine((w) => Date.parse(w.to) > Date.parse(w.from), { message: 'must be after `from`', path: ['to'] })
  .meta({ description: 'The rep is away from `from` (inclusive) to `to` (exclusive): routing skips them then.' });

const fields = {
  name: text(200),
  email: emailAddress(),
  managerEmail: emailAddress()
    .nullable()
    .meta({ description: 'told about this rep’s SLA breaches and reassignments (else MANAGER_EMAIL)' }),
  territories: z.array(TerritorySchema).max(200).meta({ description: 'replaced as a whole' }),
  languages: z
    .array(languageTag())
    .max(20)
    .meta({ description: 'BCP 47 tags; routing prefers a speaker of the lead’s' }),
  weight: z.number().int().min(1).max(1000).meta({ description: 'share of the round robin (2: twice the leads of 1)' }),
  available: z.boolean().meta({ description: 'false: routing skips the rep until it is true again' }),
  away: z.array(AwaySchema).max(100).meta({ description: 'replaced as a whole' }),
};

export const CreateRepSchema = z
  .object({
    id: RepIdSchema,
    name: fields.name,
    email: fields.email,
    managerEmail: fields.managerEmail.optional(),
    territories: fields.territories.optional(),
    languages: fields.languages.optional(),
    weight: fields.weight.optional(),
    available: fields.available.optional(),
    away: fields.away.optional(),
  })
  .strict();

export const UpdateRepSchema = z.object(fields).partial().strict().meta({
  description: 'Any field; `territories` and `away` replace the lists as a whole; `managerEmail: null` clears it.',
});

export const RepListQuerySchema = z
  .object({
    includeInactive: z.enum(['true', 'false']).optional().meta({ description: 'true: deactivated reps too' }),
  })
  .strict();

const territory = (t: z.infer<typeof TerritorySchema>): Territory => ({
  country: t.country.toUpperCase(),
  ...(t.region ? { region: t.region } : {}),
  ...(t.city ? { city: t.city } : {}),
});
const away = (w: { from: string; to: string }): AwayWindow => ({
  from: new Date(w.from).toISOString(),
  to: new Date(w.to).toISOString(),
});
const language = (tag: string) => Intl.getCanonicalLocales(tag)[0]!;

/** The body's values as stored: country codes upper case, language tags canonical, times in UTC. */
function normalised(patch: z.infer<typeof UpdateRepSchema>): Partial<RepFields> {
  return {
    ...patch,
    ...(patch.territories ? { territories: patch.territories.map(territory) } : {}),
    ...(patch.languages ? { languages: [...new Set(patch.languages.map(language))] } : {}),
    ...(patch.away ? { away: patch.away.map(away) } : {}),
  };
}

function repIdOf(req: Request): string {
  const id = RepIdSchema.safeParse(req.params.id);
  if (!id.success) throw new HttpError(404, 'rep_not_found', `No rep ${String(req.params.id)}`);
  return id.data;
}

const notFound = (id: string) => new HttpError(404, 'rep_not_found', `No rep ${id}`);

/** Idempotency per rep: the same key on another rep's route is a 422, not a replay. */
const idempotentPerRep =
  (db: Db, method: string): RequestHandler =>
  (req, res, next) =>
    idempotentWrite(db, `${method} /v1/admin/reps/${String(req.params.id)}`)(req, res, next);

/** Leads signalled at a time: enough to be quick, few enough not to flood the Temporal server. */
const SIGNALS_IN_FLIGHT = 8;

export function repAdminRoutes({ db, leads }: Pick<RouteDeps, 'db' | 'leads'>, json: RequestHandler[]): express.Router {
  const router = express.Router();
  const admin = requireRole('admin');
  const actor = (req: Request) => req.principal!.keyId;

  /** Asks each lead's workflow to route it again; a lead whose workflow has ended needs nothing. */
  async function reassign(leadIds: string[], fromRep: string, reason: string) {
    const result = { reassigning: [] as string[], ended: [] as string[], failed: [] as string[] };
    const queue = [...leadIds];
    const next = async (): Promise<void> => {
      for (let leadId = queue.shift(); leadId; leadId = queue.shift()) {
        try {
          const running = await leads.signal(leadId, reassignSignal, { reason, fromRep });
          (running ? result.reassigning : result.ended).push(leadId);
        } catch {
          result.failed.push(leadId);
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(SIGNALS_IN_FLIGHT, leadIds.length) }, next));
    return result;
  }

  router.post('/admin/reps', admin, ...json, idempotentWrite(db, 'POST /v1/admin/reps'), async (req, res) => {
    const { id, ...body } = parseOr400(CreateRepSchema, req.body);
    const given = normalised(body);
    const rep = await createRep(db, actor(req), id, {
      name: body.name,
      email: body.email,
      managerEmail: given.managerEmail ?? null,
      territories: given.territories ?? [],
      languages: given.languages ?? [],
      weight: given.weight ?? 1,
      available: given.available ?? true,
      away: given.away ?? [],
    });
    if (!rep)
      throw new HttpError(409, 'rep_exists', `A rep with id ${id} exists: change it with PATCH /v1/admin/reps/${id}`);
    res.status(201).json(rep);
  });

  router.get('/admin/reps', admin, async (req, res) => {
    const query = parseOr400(RepListQuerySchema, req.query);
    res.json({ reps: await listReps(db, { includeInactive: query.includeInactive === 'true' }) });
  });

  router.get('/admin/reps/:id', admin, async (req, res) => {
    const id = repIdOf(req);
    const rep = await findRep(db, id);
    if (!rep) throw notFound(id);
    res.json(rep);
  });

  router.get('/admin/reps/:id/audit', admin, async (req, res) => {
    const id = repIdOf(req);
    if (!(await findRep(db, id))) throw notFound(id);
    res.json({ repId: id, entries: await repAudit(db, id) });
  });

  router.patch('/admin/reps/:id', admin, ...json, idempotentPerRep(db, 'PATCH'), async (req, res) => {
    const id = repIdOf(req);
    const patch = parseOr400(UpdateRepSchema, req.body);
    const result = await updateRep(db, actor(req), id, normalised(patch));
    if ('missing' in result) throw notFound(id);
    if ('inactive' in result)
      throw new HttpError(409, 'rep_deactivated', `Rep ${id} is deactivated; add a rep with another id instead`);
    res.json({ ...result.rep, changed: result.changed });
  });

  /**
   * Deactivates the rep and reassigns their open leads. Sent again, it signals the leads still
   * assigned to the rep once more (e.g. those Temporal could not be reached for the first time); the
   * signal names the rep, so a lead an earlier signal already moved stays where it went.
   */
  router.delete('/admin/reps/:id', admin, idempotentPerRep(db, 'DELETE'), async (req, res) => {
    const id = repIdOf(req);
    const done = await deactivateRep(db, actor(req), id);
    if (!done) throw notFound(id);
    const leads = await reassign(done.openLeads, id, `rep ${id} deactivated`);
    res.json({
      rep: done.rep,
      alreadyDeactivated: done.already,
      leads,
      ...(leads.failed.length > 0
        ? {
            message: `${leads.failed.length} lead(s) could not be reached for reassignment now: send DELETE again to retry`,
          }
        : {}),
    });
  });

  return router;
}
