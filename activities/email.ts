import { createHash } from 'node:crypto';
import { ApplicationFailure } from '@temporalio/common';
import type { Transporter } from 'nodemailer';
import type { Db } from '../db';

export interface OutgoingEmail {
  /** Unique per workflow + step, derived in the workflow (STYLE 5). */
  sendKey: string;
  leadId: string;
  template: string;
  from: string;
  to: string;
  subject: string;
  text: string;
  html: string;
}

export interface SendResult {
  messageId: string;
  /** True when an earlier attempt had already sent it: nothing was sent this time. */
  alreadySent: boolean;
}

/** A fixed Message-ID per send key: a resend after a crash carries the same id, so receivers can drop it. */
export function messageIdFor(sendKey: string, domain: string): string {
  return `<${createHash('sha256').update(sendKey).digest('hex').slice(0, 32)}@${domain}>`;
}

/**
 * Sends an e-mail at most once per send key, as far as any SMTP client can:
 * claim the key in the outbox (row-locked, so a concurrent retry waits), return the stored
 * result if it was already sent, else send with the fixed Message-ID and mark it sent in the
 * same transaction. The one window left open: a crash after the SMTP server's 250 reply and
 * before COMMIT. The claim then rolls back and the retry sends again with the same Message-ID
 * (at-least-once delivery, de-duplicable by Message-ID); we prefer that to losing the e-mail.
 */
export async function sendOnce(db: Db, transport: Transporter, messageIdDomain: string, email: OutgoingEmail): Promise<SendResult> {
  const messageId = messageIdFor(email.sendKey, messageIdDomain);
  return db.withTransaction(async (tx) => {
    await tx.query(
      `INSERT INTO sent_emails (send_key, lead_id, message_id, template, to_address, subject, status)
       VALUES ($1, $2, $3, $4, $5, $6, 'claimed') ON CONFLICT (send_key) DO NOTHING`,
      [email.sendKey, email.leadId, messageId, email.template, email.to, email.subject],
    );
    const [row] = await tx.query<{ status: string }>(
      'UPDATE sent_emails SET attempts = attempts + 1 WHERE send_key = $1 RETURNING status',
      [email.sendKey],
    );
    if (row?.status === 'sent') return { messageId, alreadySent: true };
    let response: string;
    try {
      const info = await transport.sendMail({
        from: email.from,
        to: email.to,
        subject: email.subject,
        text: email.text,
        html: email.html,
        messageId,
      });
      response = info.response;
    } catch (err) {
      const code = (err as { responseCode?: number }).responseCode;
      // 5xx: the server refused for good; retrying would not help. 4xx and connection errors are retried.
      if (code !== undefined && code >= 500) {
        throw ApplicationFailure.nonRetryable(`SMTP server rejected the message (${code})`, 'EmailRejected', { responseCode: code });
      }
      throw err;
    }
    await tx.query("UPDATE sent_emails SET status = 'sent', sent_at = now(), smtp_response = $2 WHERE send_key = $1", [email.sendKey, response]);
    return { messageId, alreadySent: false };
  });
}
