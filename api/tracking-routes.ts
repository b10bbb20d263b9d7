/**
 * The open pixel and tracked links of every lead e-mail (R12): public, no key, no cookie. A token
 * names an e-mail by its opaque reference and is signed (privacy/tokens.ts), so a tampered, foreign
 * or unknown token is 404 before anything is written. A click only ever redirects to a link the
 * e-mail contained (sent_emails.links): no open redirect.
 *
 * Recording: the touch commits first (the lead's timeline), then the workflow is told; if
 * Temporal is unreachable the reader still gets the image or the page, and the workflow counts
 * the touch at its next re-score.
 */
import { randomUUID } from 'node:crypto';
import express, { type Request } from 'express';
import type { RouteDeps } from './deps';
import { markUnconfirmed, recordTouches, sentEmailByRef, type SentEmail } from '../db/engagements';
import { verifyToken, type TokenKind } from '../privacy/tokens';
import { machineHit } from '../domain/engagement-counts';
import type { EngagementEvent } from '../workflows/contracts';
import { forwardEngagements } from './engagement';
import { HttpError } from './errors';
import { isTemporalUnavailable } from './lead-client';

/** A 1×1 transparent GIF (43 bytes). */
export const TRANSPARENT_GIF = Buffer.from('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7', 'base64');

const NO_STORE = { 'Cache-Control': 'no-store, no-cache, must-revalidate, private', Pragma: 'no-cache', Expires: '0' };

export function trackingRoutes({ db, leads, secret }: RouteDeps): express.Router {
  /** The e-mail a token of this kind names, or 404 for anything else. */
  async function emailOf(token: string, kind: TokenKind): Promise<{ email: SentEmail; ref: string; link?: number }> {
    const claims = verifyToken(secret, token);
    if (claims?.kind !== kind) throw new HttpError(404, 'not_found', 'Unknown link');
    const email = await sentEmailByRef(db, claims.emailRef);
    if (!email) throw new HttpError(404, 'not_found', 'Unknown link');
    return { email, ref: claims.emailRef, link: claims.link };
  }

  /**
   * Stores the touch and tells the workflow (best effort). A HEAD (link scanners) and an erased
   * person's e-mail record nothing. The touch names its e-mail (`emailRef`: the scoring model counts
   * an e-mail's first open and a link's clicks once a day) and, for a machine's hit (a mail proxy or
   * scanner, or one within seconds of delivery), why it scores nothing (`uncounted`).
   */
  async function record(
    req: Request,
    email: SentEmail,
    event: EngagementEvent,
    details: Record<string, unknown>,
  ): Promise<void> {
    if (req.method === 'HEAD' || email.toAddress === '(erased)') return;
    const requestId = randomUUID();
    const now = Date.now();
    const at = new Date(now).toISOString();
    const uncounted = machineHit({
      method: req.method,
      userAgent: req.get('user-agent'),
      sentAt: email.sentAt?.getTime() ?? null,
      at: now,
    });
    const touchKey = `${event}:${email.leadId}:${requestId}`;
    await db.withTransaction((tx) =>
      recordTouches(tx, [
        {
          touchKey,
          leadId: email.leadId,
          at,
          kind: 'engagement',
          channel: 'email',
          details: { event, template: email.template, ...details, ...(uncounted ? { uncounted } : {}) },
        },
      ]),
    );
    await forwardEngagements(leads, email.leadId, [{ requestId: touchKey, event, at }]).catch(async (err: Error) => {
      // Temporal unreachable or late: the sweep sends it again (the workflow applies it once).
      if (isTemporalUnavailable(err)) await markUnconfirmed(db, [touchKey]).catch(() => undefined);
      req.log.warn({ leadId: email.leadId, event, err }, 'engagement recorded, workflow not told');
    });
  }

  const router = express.Router();

  router.get('/t/o/:token', async (req, res) => {
    const { email, ref } = await emailOf(req.params.token!, 'open');
    await record(req, email, 'email_open', { emailRef: ref });
    res.set(NO_STORE).type('image/gif').send(TRANSPARENT_GIF);
  });

  router.get('/t/c/:token', async (req, res) => {
    const { email, ref, link } = await emailOf(req.params.token!, 'click');
    const url = link === undefined ? undefined : email.links[link];
    // Only a link the e-mail contained, and only http(s): never where the request says.
    if (typeof url !== 'string' || !/^https?:\/\//i.test(url)) throw new HttpError(404, 'not_found', 'Unknown link');
    await record(req, email, 'email_click', { emailRef: ref, link, url });
    res.set(NO_STORE).redirect(302, url);
  });

  return router;
}
