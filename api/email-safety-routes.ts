/**
 * Unsubscribe (RFC 8058 one-click, no login, no cookie) and erasure. An unsubscribe suppresses the
 * address at once, so no path can mail it again whatever the workflow is doing; the workflow is
 * told too, so it stops planning e-mail.
 */
import express from 'express';
import type { RouteDeps } from './deps';
import { z } from 'zod';
import { eraseLead } from '../db/erasure';
import { suppress, suppressionOf } from '../db/suppressions';
import { escapeHtml, htmlText } from '../domain/emails';
import { directionOf, leadLocale, text, type Locale } from '../domain/i18n';
import { addressHash, addressHashes, verifyToken } from '../privacy/tokens';
import { mailStoppedSignal } from '../workflows/contracts';
import { requireRole } from './auth';
import { HttpError } from './errors';
import { idempotentWrite } from './idempotency';

export interface EmailSafetyDeps extends RouteDeps {
  /** Drops this process's cached data key of an erased lead (other processes' copies expire within 30 s). */
  forgetDataKey?: (leadId: string) => void;
}

/** Stands in for the address while the question is rendered, so the address itself can be wrapped in markup. */
const ADDRESS = '\u0000address\u0000';

/** a***@example.fi: enough for the person to recognise their address, not enough to leak it. */
function masked(address: string): string {
  const [local = '', domain = ''] = address.split('@');
  return `${local.slice(0, 1)}***@${domain}`;
}

/** A page in the lead's language: `lang` and `dir` on its root, every word from the catalogue. */
function page(locale: Locale, title: string, body: string): string {
  return `<!doctype html><html lang="${locale}" dir="${directionOf(locale)}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>${htmlText(title)}</title></head>
<body style="font-family:system-ui,sans-serif;max-width:32rem;margin:3rem auto;padding:0 1rem"><h1 style="font-size:1.4rem">${htmlText(title)}</h1>${body}</body></html>`;
}

/** The confirmation, in the lead's language. */
function unsubscribed(locale: Locale): string {
  return page(
    locale,
    text(locale, 'unsubscribe.done-title'),
    `<p>${htmlText(text(locale, 'unsubscribe.done-body'))}</p>`,
  );
}

export function emailSafetyRoutes(deps: EmailSafetyDeps): {
  publicRoutes: express.Router;
  adminRoutes: express.Router;
} {
  const { db, leads, secret } = deps;

  /** The e-mail an unsubscribe token names; 404 for anything else, before any write. */
  async function emailOf(token: string) {
    const claims = verifyToken(secret, token);
    if (claims?.kind !== 'unsubscribe') throw new HttpError(404, 'not_found', 'Unknown unsubscribe link');
    const [email] = await db.query<{
      lead_id: string;
      to_address: string;
      send_key: string;
      language: string | null;
      country: string | null;
    }>(
      `SELECT e.lead_id, e.to_address, e.send_key, l.language, l.country
         FROM sent_emails e LEFT JOIN leads l ON l.id = e.lead_id WHERE e.ref = $1`,
      [claims.emailRef],
    );
    if (!email) throw new HttpError(404, 'not_found', 'Unknown unsubscribe link');
    return { ...email, locale: leadLocale(email) };
  }

  const publicRoutes = express.Router();
  publicRoutes.get('/u/:token', async (req, res) => {
    const email = await emailOf(req.params.token!);
    const erased = email.to_address === '(erased)';
    const done = erased || (await suppressionOf(db, addressHashes(secret, email.to_address))) !== undefined;
    const { locale } = email;
    res.set('Cache-Control', 'no-store').set('Content-Language', locale).type('html');
    if (done) return void res.send(unsubscribed(locale));
    // The address is isolated (<bdi>) so it keeps its own direction inside right-to-left text.
    const [before = '', after = ''] = text(locale, 'unsubscribe.question', { address: ADDRESS }).split(ADDRESS);
    res.send(
      page(
        locale,
        text(locale, 'unsubscribe.title'),
        `<p>${htmlText(before)}<strong><bdi>${escapeHtml(masked(email.to_address))}</bdi></strong>${htmlText(after)}</p>
<form method="post"><input type="hidden" name="List-Unsubscribe" value="One-Click"><button type="submit">${htmlText(text(locale, 'unsubscribe.button'))}</button></form>`,
      ),
    );
  });

  /** RFC 8058: the mail client POSTs `List-Unsubscribe=One-Click`; whatever the body, a valid token unsubscribes. */
  publicRoutes.post('/u/:token', async (req, res) => {
    const email = await emailOf(req.params.token!);
    if (email.to_address !== '(erased)') {
      const at = new Date().toISOString();
      await db.withTransaction(async (tx) => {
        await suppress(tx, {
          addressHash: addressHash(secret, email.to_address),
          reason: 'unsubscribed',
          source: `one-click:${email.send_key}`,
        });
        await tx.query(
          `INSERT INTO touches (touch_key, lead_id, at, kind, channel, details) VALUES ($1, $2, $3, 'unsubscribe', 'email', $4) ON CONFLICT (touch_key) DO NOTHING`,
          [`unsubscribe:${email.lead_id}`, email.lead_id, at, { via: 'one-click' }],
        );
      });
      // Best effort: the suppression above already stops every send; the signal stops the planning.
      await leads.signal(email.lead_id, mailStoppedSignal, { reason: 'unsubscribed', at }).catch(() => undefined);
    }
    res
      .set('Cache-Control', 'no-store')
      .set('Content-Language', email.locale)
      .type('html')
      .send(unsubscribed(email.locale));
  });

  const adminRoutes = express.Router();
  adminRoutes.post(
    '/admin/leads/:id/erase',
    requireRole('admin'),
    idempotentWrite(db, 'POST /v1/admin/leads/:id/erase'),
    async (req, res) => {
      const id = z.string().uuid().safeParse(req.params.id);
      const [lead] = id.success ? await db.query<{ id: string }>('SELECT id FROM leads WHERE id = $1', [id.data]) : [];
      if (!lead) throw new HttpError(404, 'lead_not_found', `No lead ${String(req.params.id)}`);
      // The workflow ends first, so no workflow task of it is in flight when its key goes. Then the key is deleted:
      // what its history holds (every run) is encrypted under that key, so nothing of it can be read again.
      await leads.terminate(lead.id, 'erased on request (data protection)');
      const erased = await db.withTransaction((tx) =>
        eraseLead(tx, lead.id, (address) => addressHashes(secret, address)),
      );
      deps.forgetDataKey?.(lead.id);
      res.json({ leadId: lead.id, erased: true, alreadyErased: !erased });
    },
  );

  return { publicRoutes, adminRoutes };
}
