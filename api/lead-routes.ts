/**
 * Reps report what happened (R7, R8), decide handoffs (R15), flag junk (R5); admins review junk;
 * everyone with access reads a lead's state and timeline. Changes go to the lead's workflow as
 * Temporal updates, so the caller learns whether they were accepted.
 */
import express, { type Request } from 'express';
import type { WorkflowUpdateHandle } from '@temporalio/client';
import type { UpdateDefinition } from '@temporalio/common';
import { z } from 'zod';
import type { Db } from '../db';
import { findLead, type LeadRow } from '../db/leads';
import { addNote } from '../db/notes';
import { openJunkFlags } from '../db/junk-flags';
import { leadTimeline } from '../db/timeline';
import { latestScore } from '../db/scores';
import {
  closeOpportunityUpdate,
  decideHandoffUpdate,
  flagJunkUpdate,
  reportOutcomeUpdate,
  reviewJunkUpdate,
  scheduleActivityUpdate,
  type Actor,
  type LeadState,
} from '../workflows/contracts';
import { requireRole } from './auth';
import type { RouteDeps } from './deps';
import { HttpError, parseOr400 } from './errors';
import { isUpdateLate, isUpdateRejected, isWorkflowGone, refusalMessage } from './lead-client';
import { openRequest, RequestKeyParamSchema } from './idempotency';
import { answerRequest, findRequest, forgetRequest } from '../db/requests';
import {
  CloseOpportunitySchema,
  FlagJunkSchema,
  HandoffDecisionSchema,
  NoteSchema,
  OutcomeSchema,
  ScheduleActivitySchema,
} from './schemas';

const LeadIdSchema = z.string().uuid();

/** How long a read of a late request's answer waits for the workflow. */
const LATE_ANSWER_WAIT_MS = 2_000;

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

/** The answer for a request the workflow received but has not answered in time: where to read it. */
function lateAnswer(leadId: string, requestKey: string) {
  const location = `/v1/leads/${leadId}/requests/${encodeURIComponent(requestKey)}`;
  return {
    location,
    body: {
      requestId: requestKey,
      status: 'pending' as const,
      message: `The lead's workflow received the request and has not answered yet: read the answer at ${location}, or send the request again with the same Idempotency-Key (it applies once).`,
      location,
    },
  };
}

/** What each route that changes a lead answers when the change is done, by the route's last segment. */
const OK_STATUS = {
  outcomes: 200,
  activities: 201,
  handoff: 200,
  opportunity: 200,
  flags: 202,
  disqualify: 200,
  'clear-flag': 200,
} as const;
type ChangeRoute = keyof typeof OK_STATUS;
const CHANGE_PATH: Record<ChangeRoute, string> = {
  outcomes: '/v1/leads/:id/outcomes',
  activities: '/v1/leads/:id/activities',
  handoff: '/v1/leads/:id/handoff',
  opportunity: '/v1/leads/:id/opportunity',
  flags: '/v1/leads/:id/flags',
  disqualify: '/v1/admin/leads/:id/disqualify',
  'clear-flag': '/v1/admin/leads/:id/clear-flag',
};
const isChangeRoute = (route: string): route is ChangeRoute => route in OK_STATUS;

export function leadRoutes({ db, leads }: RouteDeps, json: express.RequestHandler[]): express.Router {
  const router = express.Router();

  /**
   * Sends a change to the lead's workflow as an update, recorded first in the request ledger, and
   * answers honestly (issue 12): done → the route's status with the state; refused or lead closed →
   * 409; received but not answered within the deadline → 202 with where to read the answer; not
   * received → 503 with nothing stored (an update Temporal only admitted is not durable).
   */
  async function change<A extends { requestId: string }>(
    req: Request,
    res: express.Response,
    route: ChangeRoute,
    definition: UpdateDefinition<LeadState, [A]>,
    args: object,
  ): Promise<void> {
    const lead = await leadFor(db, req);
    const request = (await openRequest(db, req, `POST ${CHANGE_PATH[route]}`, lead.id, args))!;
    if (request.replay) return void res.status(request.replay.status).json(request.replay.body);
    const refusal = (err: unknown) => {
      if (isUpdateRejected(err)) return new HttpError(409, 'conflict', refusalMessage(err));
      if (isWorkflowGone(err))
        return new HttpError(
          409,
          'lead_closed',
          `The lead is ${lead.stage} and its workflow has ended: nothing more can be recorded on it`,
        );
      return undefined;
    };
    const refuse = async (error: HttpError) => {
      await answerRequest(db, request.keyId, request.requestKey, 'rejected', {
        status: error.status,
        body: { error: { code: error.code, message: error.message } },
      });
      throw error;
    };
    const late = () => {
      const { location, body } = lateAnswer(lead.id, request.requestKey);
      res.status(202).location(location).json(body);
    };

    const deadline = leads.deadline();
    // The request id is the update id: Temporal, and the workflow's memory of answered requests, apply a repeat once.
    const updateArgs = { ...args, requestId: request.requestId, actor: actorOf(req) } as unknown as A;
    let updateHandle: WorkflowUpdateHandle<LeadState>;
    try {
      updateHandle = await leads.startUpdate(lead.id, definition, updateArgs, {
        updateId: request.requestId,
        until: deadline,
      });
    } catch (err) {
      const refused = refusal(err);
      if (refused) return refuse(refused);
      if (isUpdateLate(err) && (await leads.updateReceived(lead.id, request.requestId, LATE_ANSWER_WAIT_MS)))
        return late();
      if (isUpdateLate(err) && request.earlier === undefined)
        await forgetRequest(db, request.keyId, request.requestKey).catch(() => undefined);
      throw err; // 503: nothing was stored
    }
    let state: LeadState;
    try {
      state = await leads.updateResult(lead.id, updateHandle, { until: deadline });
    } catch (err) {
      const refused = refusal(err);
      if (refused) return refuse(refused);
      if (isUpdateLate(err)) return late(); // accepted: the change is in the workflow's history; only its answer is late
      throw err;
    }
    const answer = { state };
    await answerRequest(db, request.keyId, request.requestKey, 'done', { status: OK_STATUS[route], body: answer });
    res.status(OK_STATUS[route]).json(answer);
  }

  router.get('/leads/:id', requireRole('rep', 'manager'), async (req, res) => {
    const lead = await leadFor(db, req);
    const state = await leads.state(lead.id);
    const [timeline, score] = await Promise.all([leadTimeline(db, lead.id), latestScore(db, lead.id)]);
    // R14: the score with its explanation: each fit rule and each action with its decayed points.
    res.json({ lead: publicLead(lead), state, running: state !== null, timeline, score: score ?? null });
  });

  router.post('/leads/:id/outcomes', requireRole('rep', 'manager'), ...json, async (req, res) => {
    await change(req, res, 'outcomes', reportOutcomeUpdate, parseOr400(OutcomeSchema, req.body));
  });

  /** R7: a note on the lead's timeline; stored at once, the workflow is not involved. */
  router.post('/leads/:id/notes', requireRole('rep', 'manager'), ...json, async (req, res) => {
    const lead = await leadFor(db, req);
    const body = parseOr400(NoteSchema, req.body);
    const actor = actorOf(req);
    // With an Idempotency-Key, a retried request stores the note once (the key is scoped to the API key and the lead).
    const request = await openRequest(db, req, 'POST /v1/leads/:id/notes', lead.id, body, { always: false });
    if (request?.replay) return void res.status(request.replay.status).json(request.replay.body);
    const requestKey = request ? `${request.requestId}:${lead.id}` : undefined;
    const answer = {
      note: await addNote(db, {
        leadId: lead.id,
        author: actor.repId ? `${actor.role}:${actor.repId}` : actor.role,
        body: body.body,
        requestKey,
      }),
    };
    if (request) await answerRequest(db, request.keyId, request.requestKey, 'done', { status: 201, body: answer });
    res.status(201).json(answer);
  });

  /** R7: the next call or meeting: a task for the rep and a timer in the lead's workflow that reminds them when due. */
  router.post('/leads/:id/activities', requireRole('rep', 'manager'), ...json, async (req, res) => {
    await change(req, res, 'activities', scheduleActivityUpdate, parseOr400(ScheduleActivitySchema, req.body));
  });

  router.post('/leads/:id/handoff', requireRole('rep', 'manager'), ...json, async (req, res) => {
    await change(req, res, 'handoff', decideHandoffUpdate, parseOr400(HandoffDecisionSchema, req.body));
  });

  router.post('/leads/:id/opportunity', requireRole('rep', 'manager'), ...json, async (req, res) => {
    await change(req, res, 'opportunity', closeOpportunityUpdate, parseOr400(CloseOpportunitySchema, req.body));
  });

  router.post('/leads/:id/flags', requireRole('rep', 'manager'), ...json, async (req, res) => {
    await change(req, res, 'flags', flagJunkUpdate, parseOr400(FlagJunkSchema, req.body));
  });

  router.get('/admin/flags', requireRole('admin'), async (_req, res) => {
    res.json({ flags: await openJunkFlags(db) });
  });

  for (const [path, decision] of [
    ['disqualify', 'confirm'],
    ['clear-flag', 'clear'],
  ] as const) {
    router.post(`/admin/leads/:id/${path}`, requireRole('admin'), async (req, res) => {
      await change(req, res, path, reviewJunkUpdate, { decision });
    });
  }

  /**
   * The answer to a write by this key on this lead, by its Idempotency-Key or the id a 202 gave:
   * done with its answer, rejected with the refusal, pending, or unknown to the workflow's current
   * run (send the request again with the same Idempotency-Key: it applies once).
   */
  router.get('/leads/:id/requests/:requestId', requireRole('rep', 'manager'), async (req, res) => {
    const lead = await leadFor(db, req);
    const key = RequestKeyParamSchema.safeParse(req.params.requestId);
    const request = key.success ? await findRequest(db, req.principal!.keyId, key.data) : undefined;
    if (!request || request.leadId !== lead.id)
      throw new HttpError(
        404,
        'request_not_found',
        `No request ${String(req.params.requestId)} by this key on lead ${lead.id}`,
      );
    let { status, answer } = request;
    let known = true;
    const route = request.route.split('/').at(-1)!;
    if (status === 'pending' && isChangeRoute(route)) {
      try {
        const state = await leads.updateResult(lead.id, `${request.keyId}:${request.requestKey}`, {
          waitMs: LATE_ANSWER_WAIT_MS,
        });
        [status, answer] = ['done', { status: OK_STATUS[route], body: { state } }];
        await answerRequest(db, request.keyId, request.requestKey, status, answer);
      } catch (err) {
        if (isUpdateRejected(err)) {
          [status, answer] = [
            'rejected',
            {
              status: 409,
              body: { error: { code: 'conflict', message: refusalMessage(err) } },
            },
          ];
          await answerRequest(db, request.keyId, request.requestKey, status, answer);
        } else if (!isUpdateLate(err)) {
          known = false; // not in the workflow's current run: lost before it was accepted, or answered before a continue-as-new
        }
      }
    }
    if (status === 'pending' && known) res.set('Retry-After', '1');
    res.json({
      requestId: request.requestKey,
      route: request.route.replace(':id', lead.id),
      status: known ? status : 'unknown',
      ...(answer ? { answer } : {}),
      ...(known
        ? {}
        : {
            message:
              "The lead's workflow has no record of this request in its current run: send it again with the same Idempotency-Key (it applies once).",
          }),
      receivedAt: request.createdAt,
      answeredAt: request.answeredAt,
    });
  });

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
