import { createHash } from 'node:crypto';
import type { Transporter } from 'nodemailer';
import type { Db, Tx } from '../db';

export interface OutgoingEmail {
  /** Unique per workflow + step, derived in the workflow, so a retry or a replay sends under the same key. */
  sendKey: string;
  leadId: string;
  template: string;
  from: string;
  to: string;
  subject: string;
  text: string;
  html: string;
  category?: 'personal' | 'marketing' | 'internal';
  /** The opaque reference its tracking and unsubscribe tokens name. */
  ref?: string;
  /** The original URLs of its tracked links. */
  links?: string[];
  headers?: Record<string, string>;
}

/** Why an e-mail was not sent, decided at send time inside the claim (so no retry or concurrent path slips past it). */
export type SendBlock = 'suppressed' | 'no_consent';

export interface SendOptions {
  /** Checked after the claim, before sending: the suppression list and consent. */
  blockedBy?: (tx: Tx) => Promise<SendBlock | undefined>;
  /** A hard bounce (SMTP 5xx): e.g. suppress the address, in the same transaction as the outbox row. */
  onHardBounce?: (tx: Tx, responseCode: number) => Promise<void>;
}

export type SendStatus = 'sent' | 'already_sent' | SendBlock | 'bounced';

export interface SendResult {
  messageId: string;
  /** `already_sent`: an earlier attempt sent it and nothing was sent this time; `bounced`: refused for good (5xx). */
  status: SendStatus;
}

/** A fixed Message-ID per send key: a resend after a crash carries the same id, so receivers can drop it. */
export function messageIdFor(sendKey: string, domain: string): string {
  return `<${createHash('sha256').update(sendKey).digest('hex').slice(0, 32)}@${domain}>`;
}

const FINAL: Record<string, SendStatus> = {
  sent: 'already_sent',
  suppressed: 'suppressed',
  no_consent: 'no_consent',
  bounced: 'bounced',
};

/**
 * Sends an e-mail at most once per send key, as far as any SMTP client can:
 * claim the key in the outbox (row-locked, so a concurrent retry waits), return the stored
 * outcome if there is one, check suppression and consent, send with the fixed Message-ID and
 * mark it sent in the same transaction. The one window left open: a crash after the SMTP
 * server's 250 reply and before COMMIT. The claim then rolls back and the retry sends again with
 * the same Message-ID (at-least-once delivery, de-duplicable by Message-ID); we prefer that to
 * losing the e-mail. A 5xx is a hard bounce: stored, never retried. 4xx and connection errors
 * throw, so the activity retries with backoff.
 */
export async function sendOnce(
  db: Db,
  transport: Transporter,
  messageIdDomain: string,
  email: OutgoingEmail,
  options: SendOptions = {},
): Promise<SendResult> {
  const messageId = messageIdFor(email.sendKey, messageIdDomain);
  return db.withTransaction(async (tx) => {
    await tx.query(
      `INSERT INTO sent_emails (send_key, lead_id, message_id, template, to_address, subject, status, category, ref, links)
       VALUES ($1, $2, $3, $4, $5, $6, 'claimed', $7, $8, $9) ON CONFLICT (send_key) DO NOTHING`,
      [
        email.sendKey,
        email.leadId,
        messageId,
        email.template,
        email.to,
        email.subject,
        email.category ?? 'personal',
        email.ref ?? null,
        JSON.stringify(email.links ?? []),
      ],
    );
    const [row] = await tx.query<{ status: string }>(
      'UPDATE sent_emails SET attempts = attempts + 1 WHERE send_key = $1 RETURNING status',
      [email.sendKey],
    );
    const stored = FINAL[row!.status];
    if (stored) return { messageId, status: stored };

    const mark = (status: string, response: string | null) =>
      tx.query(
        `UPDATE sent_emails SET status = $2, smtp_response = $3, sent_at = CASE WHEN $2 = 'sent' THEN now() END WHERE send_key = $1`,
        [email.sendKey, status, response],
      );
    const block = await options.blockedBy?.(tx);
    if (block) {
      await mark(block, null);
      return { messageId, status: block };
    }
    try {
      const info = await transport.sendMail({
        from: email.from,
        to: email.to,
        subject: email.subject,
        text: email.text,
        html: email.html,
        messageId,
        headers: email.headers,
      });
      await mark('sent', info.response);
      return { messageId, status: 'sent' };
    } catch (err) {
      const code = (err as { responseCode?: number }).responseCode;
      if (code === undefined || code < 500) throw err;
      await mark('bounced', String((err as { response?: string }).response ?? code));
      await options.onHardBounce?.(tx, code);
      return { messageId, status: 'bounced' };
    }
  });
}
