/**
 * R22: what a rep sees — their board by stage, most urgent first — and the lead search with the
 * same filters. A rep sees only their own leads; a manager or admin any rep's (`?rep=`) or all.
 */
import express, { type Request } from 'express';
import { z } from 'zod';
import type { Db } from '../db';
import type { RouteDeps } from './deps';
import { boardPage, GRADES, LEAD_STAGES, type BoardCursor, type BoardFilter, type BoardPage } from '../db/board';
import { requireRole } from './auth';
import { HttpError, parseOr400 } from './errors';
import { INSTANT_PATTERN, text } from './fields';

const INSTANT = INSTANT_PATTERN.slice(1, -1);
/** `<asOf>~<urgency>~<sortAt>~<id>`: where the previous page ended, readable, and as the OpenAPI document says. */
const CURSOR_PATTERN = `^(${INSTANT})~([0-3])~(${INSTANT}|infinity)~([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})$`;

/** The board's and the search's query string: filters and a page. */
export const BoardQuerySchema = z
  .object({
    rep: text(100).optional(),
    stage: z
      .string()
      .transform((s) => s.split(',').map((x) => x.trim()))
      .pipe(z.array(z.enum(LEAD_STAGES)).min(1))
      .optional()
      .meta({
        pattern: `^[${' \\t'}]*(?:${LEAD_STAGES.join('|')})[${' \\t'}]*(?:,[${' \\t'}]*(?:${LEAD_STAGES.join('|')})[${' \\t'}]*)*$`,
        description: 'stages, comma-separated',
      }),
    grade: z.enum(GRADES).optional(),
    source: text(64).optional(),
    limit: z.coerce.number().int().min(1).max(200).default(50),
    cursor: z
      .string()
      .regex(new RegExp(CURSOR_PATTERN), "must be the previous page's nextCursor")
      .optional()
      .meta({ description: "the previous page's `nextCursor`, as given: `<asOf>~<urgency>~<sortAt>~<id>`" }),
  })
  .strict();

export function encodeCursor(cursor: BoardCursor): string {
  return [cursor.asOf, cursor.urgency, cursor.sortAt, cursor.id].join('~');
}

function decodeCursor(text: string): BoardCursor {
  const [, asOf, urgency, sortAt, id] = new RegExp(CURSOR_PATTERN).exec(text)!; // the query schema checked the pattern
  return { asOf: asOf!, urgency: Number(urgency), sortAt: sortAt!, id: id! };
}

/** The filter a caller may use: a rep is held to their own leads and may not ask for another rep's (403). */
export function boardFilterFor(req: Request, query: z.infer<typeof BoardQuerySchema>): BoardFilter {
  const principal = req.principal!;
  let repId = query.rep;
  if (principal.role === 'rep') {
    if (repId !== undefined && repId !== principal.repId)
      throw new HttpError(403, 'forbidden', 'A rep sees only their own leads: leave out rep or give your own');
    repId = principal.repId!;
  }
  return { repId, stages: query.stage, grade: query.grade, source: query.source };
}

async function pageFor(db: Db, req: Request): Promise<{ filter: BoardFilter; page: BoardPage }> {
  const query = parseOr400(BoardQuerySchema, req.query);
  const filter = boardFilterFor(req, query);
  const page = await boardPage(db, filter, {
    limit: query.limit,
    cursor: query.cursor === undefined ? undefined : decodeCursor(query.cursor),
  });
  return { filter, page };
}

export function boardRoutes({ db }: Pick<RouteDeps, 'db'>): express.Router {
  const router = express.Router();

  router.get('/board', requireRole('rep', 'manager'), async (req, res) => {
    const { filter, page } = await pageFor(db, req);
    const stages = filter.stages ?? LEAD_STAGES;
    res.json({
      rep: filter.repId ?? null,
      asOf: page.asOf,
      total: page.total,
      columns: stages.map((stage) => ({
        stage,
        count: page.counts[stage] ?? 0,
        cards: page.cards.filter((c) => c.stage === stage),
      })),
      nextCursor: page.next && encodeCursor(page.next),
    });
  });

  router.get('/leads', requireRole('rep', 'manager'), async (req, res) => {
    const { page } = await pageFor(db, req);
    res.json({
      asOf: page.asOf,
      total: page.total,
      leads: page.cards,
      nextCursor: page.next && encodeCursor(page.next),
    });
  });

  return router;
}
