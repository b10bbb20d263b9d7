/** E-mail content as pure functions of the lead and the rep (R6, R7, R10, R11). */
import { renderTemplate, TEMPLATES, type Locale } from './templates';

export { emailCategory } from './email-category';

export interface EmailContent {
  subject: string;
  text: string;
  html: string;
}

export interface Recipient {
  firstName?: string | null;
  company?: string | null;
  message?: string | null;
}

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Every lead-supplied value goes through this before it lands in HTML. */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c] ?? c);
}

/** A link in an e-mail: tracked when sent (see domain/outgoing.ts). */
export interface Link {
  label: string;
  url: string;
}

type Paragraph = string | Link | undefined;

/** Paragraphs → text and escaped HTML parts. */
function compose(subject: string, paragraphs: Paragraph[]): EmailContent {
  const kept = paragraphs.filter((p): p is string | Link => p !== undefined);
  return {
    subject,
    text: kept.map((p) => (typeof p === 'string' ? p : `${p.label}: ${p.url}`)).join('\n\n') + '\n',
    html: kept
      .map((p) =>
        typeof p === 'string'
          ? `<p>${escapeHtml(p).replace(/\n/g, '<br>')}</p>`
          : `<p><a href="${escapeHtml(p.url)}">${escapeHtml(p.label)}</a></p>`,
      )
      .join('\n'),
  };
}

const greetingName = (lead: Recipient) => lead.firstName?.trim() || 'there';

/**
 * R7: the first answer reads like a person wrote it: greeting by name (with a fallback), the
 * company, and the rep's signature. It quotes nothing else the form sent (issue 13.6): it goes to
 * whatever address was typed in, so quoting the message would let the form relay anyone's text.
 */
export function firstTouchEmail(lead: Pick<Recipient, 'firstName' | 'company'>, repName: string): EmailContent {
  const name = greetingName(lead);
  const about = lead.company?.trim() ? ` and what ${lead.company.trim()} is working on` : '';
  return compose(`Thanks for getting in touch, ${name}`, [
    `Hi ${name},`,
    `thank you for reaching out. I'm ${repName}, and I'll be your contact here. I have your message, and I'd like to hear more about what you need${about}.`,
    'When would suit you for a short call? Just reply to this e-mail with a time that works.',
    `Best regards,\n${repName}`,
  ]);
}

/** Every cadence template (each has an English version; see domain/templates.ts). */
export function cadenceTemplates(): string[] {
  return Object.keys(TEMPLATES.en);
}

/** The cadences' e-mails (R9, R10, R11): each with its own useful content, in the lead's locale (else English), signed by the rep. */
export function cadenceEmail(template: string, lead: Recipient, repName: string, locale: Locale = 'en'): EmailContent {
  const rendered = renderTemplate(template, locale, { firstName: lead.firstName, company: lead.company, repName });
  if (!rendered) throw Object.assign(new Error(`Unknown e-mail template: ${template}`), { name: 'TemplateError' });
  return compose(rendered.subject, rendered.paragraphs);
}

/** What a rep or manager is told about (R6, R15, R20). */
export type RepNotice =
  | 'new_lead'
  | 'returning_lead'
  | 'handoff'
  | 'handoff_reminder'
  | 'stalled'
  | 'replied'
  | 'activity_due'
  | 'calls_overdue';
export type ManagerNotice =
  | 'sla_breach'
  | 'handoff_overdue'
  | 'no_rep_available'
  | 'reply_unanswered'
  | 'attempts_unreported'
  | 'lead_reassigned'
  | 'effect_failed';

export interface LeadCard {
  leadId: string;
  name: string;
  company?: string | null;
  email?: string | null;
  phone?: string | null;
  city?: string | null;
  country?: string | null;
  message?: string | null;
  source: string;
}

function cardLines(lead: LeadCard): string {
  return [
    `Lead: ${lead.name}${lead.company ? `, ${lead.company}` : ''}`,
    lead.email ? `E-mail: ${lead.email}` : undefined,
    lead.phone ? `Phone: ${lead.phone}` : undefined,
    lead.city || lead.country ? `Location: ${[lead.city, lead.country].filter(Boolean).join(', ')}` : undefined,
    `Source: ${lead.source}`,
    lead.message ? `Message: "${lead.message}"` : undefined,
    `Lead id: ${lead.leadId}`,
  ]
    .filter(Boolean)
    .join('\n');
}

const REP_NOTICES: Record<RepNotice, (lead: LeadCard) => { subject: string; lead: string }> = {
  new_lead: (lead) => ({
    subject: `New lead: ${lead.name} — call within 20 minutes`,
    lead: 'A new lead is yours. Call now: after 20 minutes a first response is half as effective (R6).',
  }),
  handoff: (lead) => ({
    subject: `Qualified lead for you: ${lead.name}`,
    lead: 'Marketing has qualified this lead. Please accept or reject it.',
  }),
  handoff_reminder: (lead) => ({
    subject: `Reminder: accept or reject ${lead.name}`,
    lead: 'This qualified lead is still waiting for your decision.',
  }),
  stalled: (lead) => ({
    subject: `Gone quiet: ${lead.name}`,
    lead: 'This lead was evaluating and has gone silent. Silence after urgency is a bad sign: react now (R20).',
  }),
  replied: (lead) => ({
    subject: `${lead.name} replied`,
    lead: 'The lead replied to an e-mail; every cadence has stopped. Over to you.',
  }),
  returning_lead: (lead) => ({
    subject: `Returning lead: ${lead.name} — call within 20 minutes`,
    lead: 'This lead came back to us and is yours again. Call now: they are showing interest (R4, R6).',
  }),
  calls_overdue: (lead) => ({
    subject: `Report your calls: ${lead.name}`,
    lead: 'The contact cadence is over but not every call was reported. Report each attempt: a lead is closed as not interested only after five (R8).',
  }),
  activity_due: (lead) => ({
    subject: `Due now: your scheduled activity with ${lead.name}`,
    lead: 'You scheduled this call or meeting (R7); it is due now.',
  }),
};

export function repNoticeEmail(kind: RepNotice, lead: LeadCard, repName: string, why?: string): EmailContent {
  const notice = REP_NOTICES[kind](lead);
  return compose(notice.subject, [`Hi ${repName},`, notice.lead, cardLines(lead), why]);
}

const MANAGER_NOTICES: Record<ManagerNotice, (lead: LeadCard, rep: string) => { subject: string; lead: string }> = {
  sla_breach: (lead, rep) => ({
    subject: `SLA breached: ${lead.name} not contacted in time`,
    lead: `${rep} has not logged a first contact within the speed-to-lead SLA (R6).`,
  }),
  handoff_overdue: (lead, rep) => ({
    subject: `Handoff overdue: ${lead.name}`,
    lead: `${rep} has neither accepted nor rejected this qualified lead, even after a reminder.`,
  }),
  reply_unanswered: (lead, rep) => ({
    subject: `Unanswered reply: ${lead.name}`,
    lead: `The lead wrote back and ${rep} has not reported an outcome since (R17).`,
  }),
  attempts_unreported: (lead, rep) => ({
    subject: `Contact attempts unreported: ${lead.name}`,
    lead: `${rep} was reminded to report the contact attempts and has not (R8).`,
  }),
  lead_reassigned: (lead, rep) => ({
    subject: `Lead reassigned: ${lead.name}`,
    lead: `The lead's rep is no longer available; it now belongs to ${rep}.`,
  }),
  effect_failed: (lead) => ({
    subject: `Action needed: a step failed for good on ${lead.name}`,
    lead: "A step of this lead's journey failed in a way retrying cannot fix; it was skipped and the journey goes on. The lead's timeline shows what failed (later failures on this lead are recorded there without another e-mail).",
  }),
  no_rep_available: (lead) => ({
    subject: `No rep available for ${lead.name}`,
    lead: 'Routing found no available rep for this lead. Please assign one.',
  }),
};

export function managerNoticeEmail(kind: ManagerNotice, lead: LeadCard, repName: string, why?: string): EmailContent {
  const notice = MANAGER_NOTICES[kind](lead, repName);
  return compose(notice.subject, ['Hello,', notice.lead, why, cardLines(lead)]);
}
