/** E-mail activities: to the lead (first touch, cadences) and to reps and managers. All go through the outbox (sendOnce). */
import { ApplicationFailure } from '@temporalio/common';
import type { Transporter } from 'nodemailer';
import type { Db } from '../db';
import { findRepContact, type RepContact } from '../db/lifecycle';
import { findLead, type LeadRow } from '../db/leads';
import { latestScore } from '../db/scores';
import { explainScore } from '../domain/scoring';
import { hasMarketingConsent, suppress, suppressionOf } from '../db/suppressions';
import {
  cadenceEmail,
  emailCategory,
  firstTouchEmail,
  managerNoticeEmail,
  repNoticeEmail,
  whyQualified,
  type EmailContent,
  type LeadCard,
  type ManagerNotice,
  type RepNotice,
} from '../domain/emails';
import { leadLocale, supportedLocale } from '../domain/i18n';
import { finished, instrument, unsubscribeHeaders, withMarketingFooter } from '../domain/outgoing';
import { timeZoneFor } from '../cadences/send-window';
import { addressHash, addressHashes, emailRefFor, signToken, type Secrets } from '../privacy/tokens';
import { claimIncidentAlerts, incidentAlertOwed, recordIncident, releaseIncidentAlert } from '../db/incidents';
import {
  messageIdFor,
  sendOnce,
  type OutgoingEmail,
  type SendOptions,
  type SendResult,
  type SmtpIncident,
} from './outbox';
import { leadNotFound } from './errors';

export interface MailSettings {
  from: string;
  messageIdDomain: string;
  /** Told about SLA breaches when the rep has no manager of their own. */
  managerEmail: string;
  /** Signs link tokens and keys suppression hashes. */
  secret: Secrets;
  /** Base URL of the public tracking and unsubscribe routes. */
  publicUrl: string;
  /** The team: signs e-mails to leads that have no rep (none could take them), and the marketing footer. */
  senderIdentity: string;
  postalAddress: string;
  unsubscribeMailto?: string;
}

export interface NotifyDeps {
  db: Db;
  mailer: Transporter;
  mail: MailSettings;
}

async function requireLead(db: Db, leadId: string): Promise<LeadRow> {
  const lead = await findLead(db, leadId);
  if (!lead) throw leadNotFound(leadId);
  return lead;
}

/** Notices about a lead are in its rep's first language, else English (also for the rep's manager). */
function repLocale(rep: RepContact | undefined) {
  return supportedLocale(rep?.languages[0]);
}

const MONTH_MS = 30.44 * 24 * 3600 * 1000;

function card(lead: LeadRow): LeadCard {
  const name = [lead.first_name, lead.last_name].filter(Boolean).join(' ') || lead.email || lead.phone || '';
  return {
    leadId: lead.id,
    name,
    company: lead.company,
    email: lead.email,
    phone: lead.phone,
    city: lead.city,
    country: lead.country,
    message: lead.message,
    source: lead.first_source.channel,
    firstTouchAt: new Date(lead.first_touch_at),
    timeZone: timeZoneFor({ timeZone: lead.time_zone, country: lead.country }, 'UTC'),
  };
}

/** The SMTP server a transport talks to (`host:port`), which provider incidents are kept per. */
export function providerOf(mailer: Transporter): string {
  const options = (mailer as unknown as { transporter?: { options?: { host?: string; port?: number } } }).transporter
    ?.options;
  return options?.host ? `${options.host}:${options.port ?? 25}` : 'smtp';
}

/**
 * Provider incidents (activities/outbox.ts, smtpFailure): each failure is counted into the
 * provider's incident of the hour, and the manager is told once per incident. The alert goes
 * straight through the transport (it is about no lead) with a Message-ID fixed by the incident; if
 * the provider refuses it too (a wrong password refuses everything), it is owed, and the next
 * attempt, failing or successful, sends it: the manager hears once mail flows.
 */
function incidentAlerts(db: Db, mailer: Transporter, mail: MailSettings) {
  const provider = providerOf(mailer);
  const alert = async (): Promise<void> => {
    for (const incident of await claimIncidentAlerts(db, provider)) {
      const since = incident.first_at.toISOString();
      try {
        await mailer.sendMail({
          from: mail.from,
          to: mail.managerEmail,
          subject: `E-mail provider incident since ${since}: sends failed and are retried`,
          text: [
            'Hello,',
            `Since ${since} the SMTP server (${provider}) has failed ${incident.failures} send attempt(s) in a way that is not the recipients' fault (last: ${incident.last_failure}).`,
            'Nothing was suppressed: every e-mail waits and is retried with backoff until the provider accepts it. If this goes on, check the SMTP credentials, the sender address and the provider’s status.',
            'You are told once per incident hour.',
          ].join('\n\n'),
          messageId: messageIdFor(
            `smtp-incident/${provider}/${incident.started_hour.toISOString()}`,
            mail.messageIdDomain,
          ),
        });
      } catch {
        await releaseIncidentAlert(db, incident);
      }
    }
  };
  return {
    async failed(incident: SmtpIncident): Promise<void> {
      const what = [incident.command, incident.responseCode, incident.code].filter(Boolean).join(' ');
      await recordIncident(db, provider, what);
      await alert();
    },
    /** After a successful send: an alert still owed goes now (a cheap indexed probe otherwise). */
    async succeeded(): Promise<void> {
      if (await incidentAlertOwed(db, provider)) await alert();
    },
  };
}

export function createNotifyActivities({ db, mailer, mail }: NotifyDeps) {
  const alerts = incidentAlerts(db, mailer, mail);
  /** Every e-mail goes through the outbox; a provider incident is counted and alerted, an owed alert goes after a success. */
  const send = async (email: OutgoingEmail, options: SendOptions = {}): Promise<SendResult> => {
    const result = await sendOnce(db, mailer, mail.messageIdDomain, email, { ...options, onIncident: alerts.failed });
    // The e-mail is out whatever happens to the alert: its failure must not fail (and resend) the e-mail.
    if (result.status === 'sent') await alerts.succeeded().catch(() => undefined);
    return result;
  };
  const repName = async (repId: string | null | undefined) =>
    (repId && (await findRepContact(db, repId))?.name) || mail.senderIdentity;
  /**
   * Every e-mail to a lead: tracked links and open pixel; marketing e-mail also needs consent and
   * carries the footer and one-click unsubscribe. Suppression and consent are checked at send time,
   * inside the outbox claim, so no cadence, retry or re-capture can mail a suppressed address.
   */
  const toLead = async (
    lead: LeadRow,
    sendKey: string,
    template: string,
    content: EmailContent,
  ): Promise<SendResult> => {
    if (!lead.email) throw ApplicationFailure.nonRetryable(`Lead ${lead.id} has no e-mail address`, 'NoEmailAddress');
    const to = lead.email;
    const category = emailCategory(template);
    const ref = emailRefFor(sendKey);
    const url = (path: string) => `${mail.publicUrl.replace(/\/$/, '')}${path}`;
    const unsubscribeUrl = url(`/u/${signToken(mail.secret, { kind: 'unsubscribe', emailRef: ref })}`);
    const { links, ...instrumented } = instrument(content, {
      click: (link) => url(`/t/c/${signToken(mail.secret, { kind: 'click', emailRef: ref, link })}`),
      open: url(`/t/o/${signToken(mail.secret, { kind: 'open', emailRef: ref })}`),
    });
    // The footer after the tracking: its unsubscribe link is not a click to count.
    const { headers, ...tracked } = {
      links,
      ...finished(category === 'marketing' ? withMarketingFooter(instrumented, mail, unsubscribeUrl) : instrumented),
    };
    const hash = addressHash(mail.secret, to);
    return send(
      {
        sendKey,
        leadId: lead.id,
        template,
        from: mail.from,
        to,
        category,
        ref,
        ...tracked,
        headers: {
          ...headers,
          ...(category === 'marketing' ? unsubscribeHeaders(unsubscribeUrl, mail.unsubscribeMailto) : {}),
        },
      },
      {
        blockedBy: async (tx) => {
          if (await suppressionOf(tx, addressHashes(mail.secret, to))) return 'suppressed';
          if (category === 'marketing' && !(await hasMarketingConsent(tx, lead.id))) return 'no_consent';
          return undefined;
        },
        onHardBounce: (tx) => suppress(tx, { addressHash: hash, reason: 'hard_bounce', source: `smtp:${sendKey}` }),
      },
    );
  };

  return {
    /** R6, R7: the personal first answer, sent within seconds of the capture and signed by the lead's rep. */
    async sendFirstTouchEmail(input: { leadId: string; sendKey: string; repId?: string | null }): Promise<SendResult> {
      const lead = await requireLead(db, input.leadId);
      const rep = input.repId ? await findRepContact(db, input.repId) : undefined;
      const content = firstTouchEmail(
        { firstName: lead.first_name, company: lead.company },
        rep?.name || mail.senderIdentity,
        leadLocale(lead),
        !rep?.name,
      );
      return toLead(lead, input.sendKey, 'first-touch', content);
    },

    /** A cadence's e-mail (R9, R10), signed by the lead's rep. */
    async sendLeadEmail(input: {
      leadId: string;
      sendKey: string;
      template: string;
      repId: string | null;
    }): Promise<SendResult> {
      const lead = await requireLead(db, input.leadId);
      const months = Math.round((Date.now() - new Date(lead.last_touch_at).getTime()) / MONTH_MS);
      const content = cadenceEmail(
        input.template,
        { firstName: lead.first_name, company: lead.company, months },
        await repName(input.repId),
        leadLocale(lead),
      );
      return toLead(lead, input.sendKey, input.template, content);
    },

    /** Tells the rep about their lead, with its details (which stay out of workflow history). */
    async notifyRep(input: {
      leadId: string;
      repId: string;
      kind: RepNotice;
      sendKey: string;
      why?: string;
    }): Promise<SendResult | null> {
      const [lead, rep] = await Promise.all([requireLead(db, input.leadId), findRepContact(db, input.repId)]);
      if (!rep) return null; // the rep was removed; the manager sees the lead unassigned on the board
      // R15, R18: a handoff says why the lead qualified: the score breakdown.
      const score = input.kind === 'handoff' ? await latestScore(db, lead.id) : undefined;
      const locale = repLocale(rep);
      const content = finished(
        repNoticeEmail(
          input.kind,
          card(lead),
          rep.name,
          input.why ?? (score && whyQualified(explainScore(score), locale)),
          locale,
        ),
      );
      return send({
        sendKey: input.sendKey,
        leadId: lead.id,
        template: `rep-${input.kind}`,
        from: mail.from,
        to: rep.email,
        category: 'internal',
        ...content,
      });
    },

    /** Escalations (R6): to the rep's manager, or the configured sales manager. */
    async notifyManager(input: {
      leadId: string;
      repId: string | null;
      kind: ManagerNotice;
      sendKey: string;
      why?: string;
    }): Promise<SendResult> {
      const [lead, rep] = await Promise.all([
        requireLead(db, input.leadId),
        input.repId ? findRepContact(db, input.repId) : undefined,
      ]);
      const content = finished(
        managerNoticeEmail(input.kind, card(lead), rep?.name ?? null, repLocale(rep), input.why),
      );
      const to = rep?.manager_email ?? mail.managerEmail;
      return send({
        sendKey: input.sendKey,
        leadId: lead.id,
        template: `manager-${input.kind}`,
        from: mail.from,
        to,
        category: 'internal',
        ...content,
      });
    },
  };
}
