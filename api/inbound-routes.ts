/**
 * `POST /v1/inbound` (role `inbound`, or admin): the mail provider's webhook for mail that comes
 * back — replies, bounces and complaints — mapped to one documented JSON shape (README). A
 * person's reply stops every cadence and alerts the rep; an out-of-office or other automatic reply
 * (domain/inbound.ts) changes nothing. A hard bounce or a complaint suppresses the address at once
 * (no path can mail it again) and tells the workflow, which stops planning e-mail. A retried
 * webhook applies once (by `id`, or by the body's hash).
 */
import { createHash } from 'node:crypto';
import express from 'express';
import type { RouteDeps } from './deps';
import { z } from 'zod';
import { findLeads, recordTouches, sentEmailByMessageId } from '../db/engagements';
import { suppress } from '../db/suppressions';
import { normalizeEmail } from '../domain/identity';
import { inboundEffect } from '../domain/inbound';
import { addressHash } from '../privacy/tokens';
import { mailStoppedSignal } from '../workflows/contracts';
import { requireRole } from './auth';
import { ENGAGEMENT_NOT_CONFIRMED, forwardStored } from './engagement';
import { parseOr400 } from './errors';
import { idempotentWrite } from './idempotency';
import { emailAddress, instant, opaqueId, text } from './fields';

const address = emailAddress();
const headerValue = text(4000, { allowEmpty: true });

export const InboundSchema = z
  .object({
    type: z.enum(['reply', 'bounce', 'complaint']),
    /** The provider's event id: a retried webhook with the same id applies once. */
    id: opaqueId().optional(),
    /** The Message-ID of our e-mail this answers, bounced or was complained about. */
    messageId: text(998).optional(),
    /** Who wrote: the lead, for a reply. */
    from: address.optional(),
    /** The address our e-mail went to: for a bounce or a complaint. */
    to: address.optional(),
    subject: text(998, { allowEmpty: true }).optional(),
    headers: z.record(z.string(), z.union([headerValue, z.array(headerValue).max(50)])).optional(),
    text: text(200_000, { allowEmpty: true, multiline: true }).optional(),
    bounce: z.enum(['hard', 'soft']).optional(),
    at: instant().optional(),
  })
  .strict()
  .refine((m) => m.type === 'bounce' || m.bounce === undefined, {
    message: 'only a bounce has a bounce type',
    path: ['bounce'],
  })
  .meta({
    anyOf: [{ properties: { type: { enum: ['bounce'] } } }, { not: { required: ['bounce'] } }],
    description: 'Only a bounce has a `bounce` type.',
  });

export type InboundBody = z.infer<typeof InboundSchema>;

/** Our Message-ID as the body or the reply's own headers give it (In-Reply-To, then the last of References). */
function referencedMessageId(body: InboundBody): string | undefined {
  if (body.messageId) return body.messageId;
  const header = (name: string) => {
    const entry = Object.entries(body.headers ?? {}).find(([key]) => key.toLowerCase() === name);
    return entry ? [entry[1]].flat()[0] : undefined;
  };
  return (
    header('in-reply-to')?.match(/<[^<>\s]+>/)?.[0] ??
    header('references')
      ?.match(/<[^<>\s]+>/g)
      ?.at(-1)
  );
}

export function inboundRoutes({ db, leads, secret }: RouteDeps, json: express.RequestHandler[]): express.Router {
  const router = express.Router();

  router.post(
    '/inbound',
    requireRole('inbound'),
    ...json,
    idempotentWrite(db, 'POST /v1/inbound'),
    async (req, res) => {
      const body = parseOr400(InboundSchema, req.body);
      const at = body.at ? new Date(body.at).toISOString() : new Date().toISOString();
      const effect = inboundEffect({
        type: body.type,
        subject: body.subject,
        headers: body.headers,
        bounce: body.bounce,
      });

      // Which lead and which address: our e-mail by Message-ID, else the lead's address (from for a reply, to otherwise).
      const messageId = referencedMessageId(body);
      const email = messageId ? await sentEmailByMessageId(db, messageId) : undefined;
      const given = body.type === 'reply' ? (body.from ?? body.to) : (body.to ?? body.from);
      const [byAddress] = !email && given ? await findLeads(db, [], [normalizeEmail(given)]) : [];
      const leadId = email?.leadId ?? byAddress?.id;
      const erased = email ? email.toAddress === '(erased)' : (byAddress?.erased ?? false);
      const recipient = email && !erased ? email.toAddress : given;

      const eventKey = body.id ?? createHash('sha256').update(JSON.stringify(body)).digest('base64url').slice(0, 32);
      const touchKey = `inbound:${body.type}:${leadId ?? 'unknown'}:${eventKey}`;
      const base = { type: body.type, leadId: leadId ?? null, matched: leadId !== undefined && !erased };

      if (effect.action === 'suppress') {
        if (!recipient || erased) return void res.json({ ...base, action: 'unmatched', suppressed: false });
        const fresh = await db.withTransaction(async (tx) => {
          await suppress(tx, {
            addressHash: addressHash(secret, recipient),
            reason: effect.reason,
            source: `inbound:${body.type}:${eventKey}`,
          });
          return leadId
            ? recordTouches(tx, [
                {
                  touchKey,
                  leadId,
                  at,
                  kind: body.type === 'bounce' ? 'bounce' : 'complaint',
                  channel: 'email',
                  details: { reason: effect.reason, via: 'inbound' },
                },
              ])
            : new Set<string>();
        });
        let told = false;
        if (leadId && fresh.has(touchKey)) {
          // Best effort, as for an unsubscribe: the suppression already stops every send; the signal stops the planning.
          told = await leads.signal(leadId, mailStoppedSignal, { reason: effect.reason, at }).catch((err: unknown) => {
            req.log.warn({ leadId, err }, 'address suppressed, workflow not told');
            return false;
          });
        }
        return void res.json({
          ...base,
          action: 'suppressed',
          reason: effect.reason,
          suppressed: true,
          duplicate: leadId !== undefined && !fresh.has(touchKey),
          forwarded: told,
        });
      }

      if (!leadId || erased) return void res.json({ ...base, action: 'unmatched' });
      const subject = body.subject?.slice(0, 200);
      if (effect.action === 'ignore' || effect.action === 'note') {
        const kind = effect.action === 'ignore' ? 'auto_reply' : 'bounce';
        const fresh = await db.withTransaction((tx) =>
          recordTouches(tx, [
            {
              touchKey,
              leadId,
              at,
              kind,
              channel: 'email',
              details: { why: effect.why, ...(subject ? { subject } : {}), via: 'inbound' },
            },
          ]),
        );
        return void res.json({
          ...base,
          action: effect.action === 'ignore' ? 'ignored' : 'noted',
          autoReply: effect.action === 'ignore',
          why: effect.why,
          duplicate: !fresh.has(touchKey),
        });
      }

      // A person replied: a signal refused rolls the touch back (the provider's retry is not lost); one Temporal did
      // not confirm keeps it, answered 202, and the reconciliation sweep gives the workflow the reply once.
      const result = await db.withTransaction(async (tx) => {
        const fresh = await recordTouches(tx, [
          {
            touchKey,
            leadId,
            at,
            kind: 'engagement',
            channel: 'email',
            details: { event: 'reply', ...(subject ? { subject } : {}), via: 'inbound' },
          },
        ]);
        if (!fresh.has(touchKey)) return { duplicate: true, forwarded: false as const };
        return {
          duplicate: false,
          forwarded: await forwardStored(tx, leads, leadId, [{ requestId: touchKey, event: 'reply', at }]),
        };
      });
      const unconfirmed = result.forwarded === 'unconfirmed';
      res.status(unconfirmed ? 202 : 200).json({
        ...base,
        action: 'engaged',
        autoReply: false,
        duplicate: result.duplicate,
        forwarded: result.forwarded === true,
        ...(unconfirmed ? { message: ENGAGEMENT_NOT_CONFIRMED } : {}),
      });
    },
  );

  return router;
}
