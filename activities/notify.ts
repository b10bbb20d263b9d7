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
import { sendOnce, type SendResult } from './email';
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

export function createNotifyActivities({ db, mailer, mail }: NotifyDeps) {
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
    return sendOnce(
      db,
      mailer,
      mail.messageIdDomain,
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
      const content = firstTouchEmail(
        { firstName: lead.first_name, company: lead.company },
        await repName(input.repId),
        leadLocale(lead),
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
      return sendOnce(db, mailer, mail.messageIdDomain, {
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
    }): Promise<SendResult> {
      const [lead, rep] = await Promise.all([
        requireLead(db, input.leadId),
        input.repId ? findRepContact(db, input.repId) : undefined,
      ]);
      const content = finished(managerNoticeEmail(input.kind, card(lead), rep?.name ?? null, repLocale(rep)));
      const to = rep?.manager_email ?? mail.managerEmail;
      return sendOnce(db, mailer, mail.messageIdDomain, {
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
