/**
 * `POST /v1/events` (capture role): the web site's signs of interest (R12) — page visits, pricing
 * page visits, downloads, form submits — up to 100 a request, for leads named by id or e-mail.
 * Each event is stored as a touch and the lead's workflow gets them as one signal; a signal
 * refused rolls the touches back. When Temporal cannot be reached or answers late the touches are
 * kept and the answer is 202: the reconciliation sweep gives the workflow what it may not have got
 * (api/engagement.ts). A `requestId` makes an event count once however often it is sent.
 */
import { randomUUID } from 'node:crypto';
import express from 'express';
import type { RouteDeps } from './deps';
import { z } from 'zod';
import { findLeads, recordTouches, type EngagementTouch } from '../db/engagements';
import { normalizeEmail } from '../domain/identity';
import type { EngagementSignal } from '../workflows/contracts';
import { requireRole } from './auth';
import { ENGAGEMENT_NOT_CONFIRMED, forwardStored, type Forwarded } from './engagement';
import { parseOr400 } from './errors';
import { idempotentWrite } from './idempotency';
import { emailAddress, instant, opaqueId, text } from './fields';

export const MAX_EVENTS_PER_REQUEST = 100;
/** Clocks differ: an event up to this far ahead of ours is taken as it is. */
const CLOCK_SKEW_MS = 5 * 60_000;

export const WEB_EVENTS = ['page_visit', 'pricing_page_visit', 'download', 'form_submit'] as const;

const EventSchema = z
  .object({
    type: z.enum(WEB_EVENTS),
    at: instant().optional(),
    leadId: z.uuid().optional(),
    email: emailAddress().optional(),
    path: text(2000).optional(),
    requestId: opaqueId().optional(),
  })
  .strict()
  .refine((e) => (e.leadId === undefined) !== (e.email === undefined), {
    message: 'give the lead as leadId or email (exactly one)',
    path: ['leadId'],
  })
  .refine((e) => e.type !== 'page_visit' || e.path !== undefined, {
    message: 'a page_visit needs the path visited',
    path: ['path'],
  })
  .refine((e) => e.at === undefined || Date.parse(e.at) <= Date.now() + CLOCK_SKEW_MS, {
    message: 'must not be in the future',
    path: ['at'],
  })
  .meta({
    allOf: [
      { oneOf: [{ required: ['leadId'] }, { required: ['email'] }] },
      {
        anyOf: [
          { properties: { type: { enum: WEB_EVENTS.filter((t) => t !== 'page_visit') } } },
          { required: ['path'] },
        ],
      },
    ],
    description:
      'The lead by `leadId` or `email` (exactly one); a `page_visit` needs its `path`; `at` is not in the future (5 minutes of clock skew allowed).',
  });

export const EventBatchSchema = z.object({ events: z.array(EventSchema).min(1).max(MAX_EVENTS_PER_REQUEST) }).strict();

export type EventResult =
  | { index: number; status: 'recorded' | 'duplicate'; leadId: string; requestId: string; forwarded: boolean }
  | { index: number; status: 'unknown_lead' | 'lead_erased'; requestId?: string };

export function eventRoutes(deps: RouteDeps, json: express.RequestHandler[]): express.Router {
  const router = express.Router();

  router.post(
    '/events',
    requireRole('capture'),
    ...json,
    idempotentWrite(deps.db, 'POST /v1/events'),
    async (req, res) => {
      const { events } = parseOr400(EventBatchSchema, req.body);
      const now = new Date().toISOString();
      const leads = await findLeads(
        deps.db,
        events.flatMap((e) => (e.leadId ? [e.leadId] : [])),
        events.flatMap((e) => (e.email ? [normalizeEmail(e.email)] : [])),
      );
      const byId = new Map(leads.map((l) => [l.id, l]));
      const byEmail = new Map(leads.filter((l) => l.emailNormalized).map((l) => [l.emailNormalized!, l]));

      const results: EventResult[] = [];
      const touches: (EngagementTouch & { index: number; requestId: string; signal: EngagementSignal })[] = [];
      for (const [index, event] of events.entries()) {
        const lead = event.leadId ? byId.get(event.leadId) : byEmail.get(normalizeEmail(event.email!));
        if (!lead || lead.erased) {
          results[index] = {
            index,
            status: lead ? 'lead_erased' : 'unknown_lead',
            ...(event.requestId ? { requestId: event.requestId } : {}),
          };
          continue;
        }
        const requestId = event.requestId ?? randomUUID();
        const touchKey = `event:${lead.id}:${requestId}`;
        const at = event.at ? new Date(event.at).toISOString() : now;
        touches.push({
          index,
          requestId,
          touchKey,
          leadId: lead.id,
          at,
          kind: 'engagement',
          channel: 'web',
          details: { event: event.type, ...(event.path ? { path: event.path } : {}), via: 'api' },
          // No path in the signal: the touch holds it, and a URL may carry personal data that has no place in workflow history.
          signal: { requestId: touchKey, event: event.type, at },
        });
      }

      const forwarded = new Map<string, Forwarded>();
      await deps.db.withTransaction(async (tx) => {
        const fresh = await recordTouches(tx, touches);
        // The same requestId twice in one batch: the first counts.
        const counted = new Set<string>();
        const newByLead = new Map<string, (typeof touches)[number][]>();
        const status = new Map<number, 'recorded' | 'duplicate'>();
        for (const t of touches) {
          const recorded = fresh.has(t.touchKey) && !counted.has(t.touchKey);
          counted.add(t.touchKey);
          status.set(t.index, recorded ? 'recorded' : 'duplicate');
          if (recorded) newByLead.set(t.leadId, [...(newByLead.get(t.leadId) ?? []), t]);
        }
        for (const [leadId, list] of newByLead) {
          forwarded.set(
            leadId,
            await forwardStored(
              tx,
              deps.leads,
              leadId,
              list.map((t) => t.signal),
            ),
          );
        }
        for (const t of touches) {
          const s = status.get(t.index)!;
          results[t.index] = {
            index: t.index,
            status: s,
            leadId: t.leadId,
            requestId: t.requestId,
            forwarded: s === 'recorded' && forwarded.get(t.leadId) === true,
          };
        }
      });

      const count = (s: EventResult['status']) => results.filter((r) => r.status === s).length;
      const unconfirmed = [...forwarded.values()].includes('unconfirmed');
      // Stored, but Temporal did not confirm every signal: 202, never a 503 that says nothing was stored.
      res.status(unconfirmed ? 202 : 200).json({
        recorded: count('recorded'),
        duplicate: count('duplicate'),
        unknownLead: count('unknown_lead') + count('lead_erased'),
        results,
        ...(unconfirmed ? { message: ENGAGEMENT_NOT_CONFIRMED } : {}),
      });
    },
  );

  return router;
}
