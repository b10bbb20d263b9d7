/**
 * Reps report what happened (R7, R8), decide handoffs (R15), flag junk (R5); admins review junk;
 * everyone with access reads a lead's state and timeline. Changes go to the lead's workflow as
 * Temporal updates, so the caller learns whether they were accepted.
 */
import { randomUUID } from 'node:crypto';
import express, { type Request } from 'express';
import type { Client } from '@temporalio/client';
import type { UpdateDefinition } from '@temporalio/common';
import { z } from 'zod';
import type { Db } from '../db';
import { findLead, type LeadRow } from '../db/leads';
import { addNote } from '../db/notes';
import { leadTimeline, openJunkFlags } from '../db/queries';
import { latestScore } from '../db/scores';
import {
  closeOpportunityUpdate,
  decideHandoffUpdate,
  flagJunkUpdate,
  leadStateQuery,
  leadWorkflowId,
  reportOutcomeUpdate,
  reviewJunkUpdate,
  scheduleActivityUpdate,
  type Actor,
  type LeadState,
} from '../workflows/contracts';
import { requireRole } from './auth';
import { HttpError, parseOr400 } from './errors';
import { CloseOpportunitySchema, FlagJunkSchema, HandoffDecisionSchema, NoteSchema, OutcomeSchema, ScheduleActivitySchema } from './schemas';

export interface LeadRouteDeps {
  db: Db;
  temporal: Client;
  temporalDeadlineMs: number;
}

const LeadIdSchema = z.string().uuid();
const IdempotencyKeySchema = z.string().regex(/^[\x21-\x7e]{1,200}$/, 'must be 1–200 visible ASCII characters');

/** The lead, if this caller may see it: a rep sees only their own leads; others get 404, as if it did not exist. */
async function leadFor(db: Db, req: Request): Promise<LeadRow> {
  const id = LeadIdSchema.safeParse(req.params.id);
  const lead = id.success ? await findLead(db, id.data) : undefined;
  const principal = req.principal!;
  if (!lead || (principal.role === 'rep' && lead.assigned_rep_id !== principal.repId)) {
    throw new HttpError(404, 'lead_not_found', `No lead ${String(req.params.id)}`);
  }
  return lead;
}

function actorOf(req: Request): Actor {
  return { role: req.principal!.role, repId: req.principal!.repId };
}

/** The request id a repeated request shares: the Idempotency-Key header, or a fresh one. */
function requestIdOf(req: Request): string {
  const header = req.get('idempotency-key');
  if (header === undefined) return randomUUID();
  const parsed = IdempotencyKeySchema.safeParse(header);
  if (!parsed.success) throw new HttpError(400, 'invalid_request', `Idempotency-Key: ${parsed.error.issues[0]!.message}`, [{ field: 'Idempotency-Key', message: parsed.error.issues[0]!.message }]);
  return `${req.principal!.keyId}:${parsed.data}`;
}

function isUpdateRejected(err: unknown): err is Error {
  return (err as Error | undefined)?.name === 'WorkflowUpdateFailedError';
}

function isWorkflowGone(err: unknown): boolean {
  const e = err as { name?: string; message?: string } | undefined;
  return e?.name === 'WorkflowNotFoundError' || /workflow execution already completed|not found/i.test(e?.message ?? '');
}

export function leadRoutes({ db, temporal, temporalDeadlineMs }: LeadRouteDeps, json: express.RequestHandler[]): express.Router {
  const router = express.Router();
  const withDeadline = <T>(fn: () => Promise<T>) => temporal.connection.withDeadline(Date.now() + temporalDeadlineMs, fn);

  /** Sends an update to the lead's workflow; a closed lead or a refused change is 409 with the workflow's reason. */
  async function update<A>(lead: LeadRow, definition: UpdateDefinition<LeadState, [A]>, args: A, requestId: string): Promise<LeadState> {
    const handle = temporal.workflow.getHandle(leadWorkflowId(lead.id));
    try {
      // The request id is the update id: Temporal answers a repeated update with the first one's result.
      return await withDeadline(() => handle.executeUpdate(definition, { args: [args], updateId: requestId }));
    } catch (err) {
      if (isUpdateRejected(err)) throw new HttpError(409, 'conflict', (err.cause as Error | undefined)?.message ?? err.message);
      if (isWorkflowGone(err)) throw new HttpError(409, 'lead_closed', `The lead is ${lead.stage} and its workflow has ended: nothing more can be recorded on it`);
      throw err;
    }
  }

  router.get('/leads/:id', requireRole('rep', 'manager'), async (req, res) => {
    const lead = await leadFor(db, req);
    let state: LeadState | null = null;
    try {
      const handle = temporal.workflow.getHandle(leadWorkflowId(lead.id));
      const description = await withDeadline(() => handle.describe());
      if (description.status.name === 'RUNNING') state = await withDeadline(() => handle.query(leadStateQuery));
    } catch (err) {
      if (!isWorkflowGone(err)) throw err;
    }
    const [timeline, score] = await Promise.all([leadTimeline(db, lead.id), latestScore(db, lead.id)]);
    // R14: the score with its explanation: each fit rule and each action with its decayed points.
    res.json({ lead: publicLead(lead), state, running: state !== null, timeline, score: score ?? null });
  });

  router.post('/leads/:id/outcomes', requireRole('rep', 'manager'), ...json, async (req, res) => {
    const lead = await leadFor(db, req);
    const body = parseOr400(OutcomeSchema, req.body);
    const requestId = requestIdOf(req);
    const state = await update(lead, reportOutcomeUpdate, { requestId, ...body, actor: actorOf(req) }, requestId);
    res.status(200).json({ state });
  });

  /** R7: a note on the lead's timeline; stored at once, the workflow is not involved. */
  router.post('/leads/:id/notes', requireRole('rep', 'manager'), ...json, async (req, res) => {
    const lead = await leadFor(db, req);
    const body = parseOr400(NoteSchema, req.body);
    const actor = actorOf(req);
    // With an Idempotency-Key, a retried request stores the note once (the key is scoped to the API key and the lead).
    const requestKey = req.get('idempotency-key') === undefined ? undefined : `${requestIdOf(req)}:${lead.id}`;
    res.status(201).json({ note: await addNote(db, { leadId: lead.id, author: actor.repId ? `${actor.role}:${actor.repId}` : actor.role, body: body.body, requestKey }) });
  });

  /** R7: the next call or meeting: a task for the rep and a timer in the lead's workflow that reminds them when due. */
  router.post('/leads/:id/activities', requireRole('rep', 'manager'), ...json, async (req, res) => {
    const lead = await leadFor(db, req);
    const body = parseOr400(ScheduleActivitySchema, req.body);
    const requestId = requestIdOf(req);
    res.status(201).json({ state: await update(lead, scheduleActivityUpdate, { requestId, ...body, actor: actorOf(req) }, requestId) });
  });

  router.post('/leads/:id/handoff', requireRole('rep', 'manager'), ...json, async (req, res) => {
    const lead = await leadFor(db, req);
    const body = parseOr400(HandoffDecisionSchema, req.body);
    const requestId = requestIdOf(req);
    res.json({ state: await update(lead, decideHandoffUpdate, { requestId, ...body, actor: actorOf(req) }, requestId) });
  });

  router.post('/leads/:id/opportunity', requireRole('rep', 'manager'), ...json, async (req, res) => {
    const lead = await leadFor(db, req);
    const body = parseOr400(CloseOpportunitySchema, req.body);
    const requestId = requestIdOf(req);
    res.json({ state: await update(lead, closeOpportunityUpdate, { requestId, ...body, actor: actorOf(req) }, requestId) });
  });

  router.post('/leads/:id/flags', requireRole('rep', 'manager'), ...json, async (req, res) => {
    const lead = await leadFor(db, req);
    const body = parseOr400(FlagJunkSchema, req.body);
    const requestId = requestIdOf(req);
    res.status(202).json({ state: await update(lead, flagJunkUpdate, { requestId, ...body, actor: actorOf(req) }, requestId) });
  });

  router.get('/admin/flags', requireRole('admin'), async (_req, res) => {
    res.json({ flags: await openJunkFlags(db) });
  });

  for (const [path, decision] of [['disqualify', 'confirm'], ['clear-flag', 'clear']] as const) {
    router.post(`/admin/leads/:id/${path}`, requireRole('admin'), async (req, res) => {
      const lead = await leadFor(db, req);
      const requestId = requestIdOf(req);
      res.json({ state: await update(lead, reviewJunkUpdate, { requestId, decision, actor: actorOf(req) }, requestId) });
    });
  }

  return router;
}

/** The lead as the API shows it: camelCase, no internal columns. */
function publicLead(lead: LeadRow) {
  return {
    id: lead.id,
    email: lead.email,
    phone: lead.phone,
    firstName: lead.first_name,
    lastName: lead.last_name,
    company: lead.company,
    title: lead.title,
    country: lead.country,
    city: lead.city,
    industry: lead.industry,
    companySize: lead.company_size,
    buyerStage: lead.buyer_stage,
    stage: lead.stage,
    assignedRep: lead.assigned_rep_id,
    firstTouchAt: lead.first_touch_at,
    firstSource: lead.first_source,
    lastTouchAt: lead.last_touch_at,
  };
}
