import { createHash } from 'node:crypto';
import { ApplicationFailure } from '@temporalio/activity';
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
  /** The recipient's hard bounce (see smtpFailure): e.g. suppress the address, in the same transaction as the outbox row. */
  onHardBounce?: (tx: Tx, responseCode: number) => Promise<void>;
  /** A provider incident (see smtpFailure), after the claim rolled back and before the attempt fails to be retried. */
  onIncident?: (incident: SmtpIncident) => Promise<void>;
}

/** What an SMTP failure says about whom (RFC 5321 reply codes, RFC 3463 enhanced status codes). */
export interface SmtpIncident {
  /** The SMTP command answered (`AUTH PLAIN`, `MAIL FROM`, `RCPT TO`, `DATA`, ...), or `CONN` for the greeting, a socket error or a timeout. */
  command: string;
  /** The reply code, if the server replied. */
  responseCode?: number;
  /** nodemailer's error code (`EAUTH`, `ETIMEDOUT`, `ECONNECTION`, `EENVELOPE`, `EMESSAGE`, ...). */
  code?: string;
}

/**
 * The recipient's hard bounce, or a provider incident. Only a permanent (5xx) refusal of `RCPT TO`,
 * or a 5xx after `DATA` whose enhanced status is 5.1.x (addressing: no such mailbox, bad address;
 * servers that check recipients late answer so) says the address is bad. Everything else says
 * nothing about the recipient: a 4xx, a timeout or hang, a dropped connection, a 5xx at the
 * greeting, at AUTH (e.g. 535: our credentials), at `MAIL FROM` (our sender) or after `DATA`
 * (content or policy) is the provider's incident.
 */
export function smtpFailure(
  err: unknown,
): { kind: 'bounce'; responseCode: number } | { kind: 'incident'; incident: SmtpIncident } {
  const { responseCode, command, code, response } = (err ?? {}) as {
    responseCode?: number;
    command?: string;
    code?: string;
    response?: string;
  };
  const permanent = typeof responseCode === 'number' && responseCode >= 500 && responseCode < 600;
  // 5.1.x names a bad destination address, except 5.1.7/5.1.8 (the sender's); at MAIL FROM or AUTH it is never the recipient's.
  const enhanced = typeof response === 'string' ? /^\d{3}[ -]5\.1\.(\d{1,3})\b/.exec(response) : null;
  const recipientAddressing =
    enhanced !== null && enhanced[1] !== '7' && enhanced[1] !== '8' && (command === 'DATA' || command === 'RCPT TO');
  if (permanent && (command === 'RCPT TO' || recipientAddressing)) return { kind: 'bounce', responseCode };
  return {
    kind: 'incident',
    incident: {
      command: typeof command === 'string' ? command : 'CONN',
      ...(typeof responseCode === 'number' ? { responseCode } : {}),
      ...(typeof code === 'string' ? { code } : {}),
    },
  };
}

/** An SMTP failure that is the provider's, not the recipient's: thrown inside the claim so it rolls back. */
class ProviderIncident extends Error {
  constructor(readonly incident: SmtpIncident) {
    super(
      `SMTP provider incident at ${incident.command}${incident.responseCode ? ` (${incident.responseCode})` : ''}${incident.code ? ` [${incident.code}]` : ''}`,
    );
  }
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
 * losing the e-mail. The recipient's hard bounce (smtpFailure) is stored, never retried; a
 * provider incident rolls the claim back, is reported (onIncident) and fails the attempt as a
 * retryable `SmtpProviderIncident`, so the activity retries with backoff and nothing is suppressed.
 *
 * The SMTP session runs inside the transaction (the claim's row lock is what keeps a concurrent
 * retry from sending too), so the transaction is bounded: a statement or a wait for the lock gives
 * up after 10 s, and PostgreSQL ends a session left idle in the transaction for 60 s (a worker hung
 * mid-send, longer than any attempt's 30 s), releasing the lock and the claim.
 */
export async function sendOnce(
  db: Db,
  transport: Transporter,
  messageIdDomain: string,
  email: OutgoingEmail,
  options: SendOptions = {},
): Promise<SendResult> {
  const messageId = messageIdFor(email.sendKey, messageIdDomain);
  try {
    return await claimAndSend(db, transport, messageId, email, options);
  } catch (err) {
    if (!(err instanceof ProviderIncident)) throw err;
    await options.onIncident?.(err.incident);
    throw ApplicationFailure.retryable(err.message, 'SmtpProviderIncident');
  }
}

function claimAndSend(
  db: Db,
  transport: Transporter,
  messageId: string,
  email: OutgoingEmail,
  options: SendOptions,
): Promise<SendResult> {
  return db.withTransaction(async (tx) => {
    await tx.query(
      `SELECT set_config('statement_timeout', '10s', true), set_config('lock_timeout', '10s', true),
              set_config('idle_in_transaction_session_timeout', '60s', true)`,
    );
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
      const failure = smtpFailure(err);
      if (failure.kind === 'incident') throw new ProviderIncident(failure.incident);
      await mark('bounced', String((err as { response?: string }).response ?? failure.responseCode));
      await options.onHardBounce?.(tx, failure.responseCode);
      return { messageId, status: 'bounced' };
    }
  });
}
