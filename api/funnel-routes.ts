/**
 * R19: the funnel figures and the scoring check for managers; R20: the stalled leads, for managers
 * and for a rep (their own). Everything is read from PostgreSQL's audit rows (db/funnel.ts).
 */
import express from 'express';
import { z } from 'zod';
import type { RouteDeps } from './deps';
import { funnel, scoringReport, stalledLeads } from '../db/funnel';
import { loadHistories } from '../db/whatif';
import { DEFAULT_MODEL, SCORING_MODELS, type ScoringModel } from '../domain/scoring';
import { compareModels } from '../domain/whatif';
import { requireRole } from './auth';
import { HttpError, parseOr400 } from './errors';
import { instant, text } from './fields';

const DAY_MS = 24 * 60 * 60 * 1000;
/** Without `from`, the funnel covers this many days up to `to`. */
export const DEFAULT_FUNNEL_DAYS = 30;

/** The cohort: leads first touched in [from, to), optionally one rep's or one source's. */
export const FunnelQuerySchema = z
  .object({
    from: instant().optional(),
    to: instant().optional(),
    rep: text(100).optional(),
    source: text(64).optional(),
  })
  .strict()
  .transform((q, ctx) => {
    const to = q.to ? new Date(q.to) : new Date();
    const from = q.from ? new Date(q.from) : new Date(to.getTime() - DEFAULT_FUNNEL_DAYS * DAY_MS);
    if (from >= to) ctx.addIssue({ code: 'custom', path: ['from'], message: 'must be before to' });
    return { from, to, repId: q.rep, source: q.source };
  });

/** The scoring report's query: the cohort, and a candidate model to replay it through (what-if, N5). */
export const ScoringQuerySchema = FunnelQuerySchema.in.extend({
  model: z
    .string()
    .refine((key) => SCORING_MODELS.has(key), {
      message: `must be a scoring model as <id>@<version>: ${[...SCORING_MODELS.keys()].join(', ')}`,
    })
    .optional()
    .meta({
      description: 'A candidate model (`<id>@<version>`): the answer is the what-if comparison with the current one',
    }),
});

export const StalledQuerySchema = z
  .object({
    rep: z.string().trim().min(1).max(100).optional(),
    limit: z.coerce.number().int().min(1).max(500).default(100),
  })
  .strict();

export function funnelRoutes({
  db,
  scoringModel,
}: Pick<RouteDeps, 'db'> & { scoringModel?: ScoringModel }): express.Router {
  const router = express.Router();

  router.get('/funnel', requireRole('manager'), async (req, res) => {
    res.json(await funnel(db, parseOr400(FunnelQuerySchema, req.query)));
  });

  router.get('/funnel/scoring', requireRole('manager'), async (req, res) => {
    const { model, ...cohort } = parseOr400(ScoringQuerySchema, req.query);
    const filter = parseOr400(FunnelQuerySchema, cohort);
    if (!model) return void res.json(await scoringReport(db, filter));
    // What-if (N5): the cohort's recorded history replayed through the candidate next to the current model.
    const histories = await loadHistories(db, filter);
    const current = scoringModel ?? DEFAULT_MODEL;
    res.json({
      from: filter.from.toISOString(),
      to: filter.to.toISOString(),
      ...compareModels(current, SCORING_MODELS.get(model)!, histories, filter.to.toISOString()),
    });
  });

  router.get('/stalled', requireRole('rep', 'manager'), async (req, res) => {
    const query = parseOr400(StalledQuerySchema, req.query);
    const principal = req.principal!;
    let repId = query.rep;
    if (principal.role === 'rep') {
      if (repId !== undefined && repId !== principal.repId)
        throw new HttpError(403, 'forbidden', 'A rep sees only their own leads: leave out rep or give your own');
      repId = principal.repId!;
    }
    res.json({ rep: repId ?? null, leads: await stalledLeads(db, { repId, limit: query.limit }) });
  });

  return router;
}
