/**
 * E-mail content as pure functions of the lead, the rep and the language (R6, R7, R10, R11): the words
 * come from the message catalogues (domain/i18n/locales/), the parts are composed here. Every e-mail
 * has a plain-text and an HTML part; in a right-to-left language each text line starts with a
 * right-to-left mark and the values a person supplied are isolated (Unicode isolates in the text,
 * `<bdi>` in the HTML), so a Latin name reads correctly inside Persian text.
 */
import { directionOf, email, emailIds, FSI, PDI, text, type Locale, type Paragraph } from './i18n';

export { emailCategory } from './email-category';

export interface EmailContent {
  subject: string;
  text: string;
  /** The HTML body (a fragment; domain/outgoing.ts makes the document with `lang` and `dir` on its root). */
  html: string;
  /** The catalogue it was written from (Content-Language); absent means English. */
  language?: Locale;
}

export interface Recipient {
  firstName?: string | null;
  company?: string | null;
}

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Every lead-supplied value goes through this before it lands in HTML. */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c] ?? c);
}

/** Text for the HTML part: escaped, with the renderer's isolates as `<bdi>` elements. */
export function htmlText(value: string): string {
  return escapeHtml(value)
    .replace(new RegExp(FSI, 'g'), '<bdi>')
    .replace(new RegExp(PDI, 'g'), '</bdi>')
    .replace(/\n/g, '<br>');
}

const RLM = '\u200f';

/** The plain-text part's lines: in a right-to-left language each starts with a right-to-left mark, so every line (even one that begins with a Latin name) is laid out right to left. */
export function textLines(value: string, locale: Locale = 'en'): string {
  if (directionOf(locale) !== 'rtl') return value;
  return value
    .split('\n')
    .map((line) => (line === '' || line === '--' ? line : `${RLM}${line}`))
    .join('\n');
}

/** A URL inside right-to-left text: isolated, so its slashes and dots stay in order. */
export function inlineUrl(url: string, locale: Locale = 'en'): string {
  return directionOf(locale) === 'rtl' ? `${FSI}${url}${PDI}` : url;
}

/** Paragraphs → the text part and the escaped HTML part. */
function compose(locale: Locale, subject: string, paragraphs: (Paragraph | undefined)[]): EmailContent {
  const kept = paragraphs.filter((p): p is Paragraph => p !== undefined);
  return {
    subject,
    language: locale,
    text: textLines(
      kept.map((p) => (typeof p === 'string' ? p : `${p.label}: ${inlineUrl(p.url, locale)}`)).join('\n\n') + '\n',
      locale,
    ),
    html: kept
      .map((p) =>
        typeof p === 'string'
          ? `<p>${htmlText(p)}</p>`
          : `<p><a href="${escapeHtml(p.url)}">${htmlText(p.label)}</a></p>`,
      )
      .join('\n'),
  };
}

/** What an e-mail to a lead may say about them; `months` is for `long-term-check-in`. */
export interface LeadEmailValues extends Recipient {
  repName: string;
  months?: number;
  /** Signed by the team (`SENDER_IDENTITY`) because no rep could take the lead: the text says "we", never "I". */
  fromTeam?: boolean;
}

function leadValues(values: LeadEmailValues) {
  const firstName = values.firstName?.trim() || '';
  const company = values.company?.trim() || '';
  return {
    firstName,
    hasFirstName: firstName !== '',
    company,
    hasCompany: company !== '',
    repName: values.repName,
    months: Math.max(1, values.months ?? 1),
    fromTeam: values.fromTeam === true,
  };
}

/** Any e-mail to a lead from the catalogue, greeting and signature around it; undefined for an unknown id. */
function leadEmail(id: string, locale: Locale, values: LeadEmailValues): EmailContent | undefined {
  const v = leadValues(values);
  const rendered = email(locale, id, v);
  if (!rendered) return undefined;
  return compose(locale, rendered.subject, [
    text(locale, 'lead.greeting', v),
    ...rendered.paragraphs,
    text(locale, 'lead.signature', v),
  ]);
}

/**
 * R7: the first answer reads like a person wrote it: greeting by name (with a fallback), the
 * company, and the rep's signature (or the team's, in the first person plural, when no rep could take the lead). It quotes nothing else the form sent (issue 13.6): it goes to
 * whatever address was typed in, so quoting the message would let the form relay anyone's text.
 */
export function firstTouchEmail(
  lead: Recipient,
  repName: string,
  locale: Locale = 'en',
  fromTeam = false,
): EmailContent {
  return leadEmail('first-touch', locale, { ...lead, repName, fromTeam })!;
}

/** Ids of the catalogue that are not cadence templates: the first touch and the notices. */
const NOT_CADENCE = /^(first-touch$|rep\.|manager\.)/;

/** Every cadence template: each e-mail message of the catalogue but the first touch and the notices. */
export function cadenceTemplates(): string[] {
  return emailIds().filter((id) => !NOT_CADENCE.test(id));
}

/** The cadences' e-mails (R9, R10, R11): each with its own useful content, in the lead's language, signed by the rep. */
export function cadenceEmail(
  template: string,
  lead: Recipient & { months?: number },
  repName: string,
  locale: Locale = 'en',
): EmailContent {
  const content = NOT_CADENCE.test(template) ? undefined : leadEmail(template, locale, { ...lead, repName });
  // Named so the activity fails for good: retrying cannot make a template exist (activities/errors.ts).
  if (!content) throw Object.assign(new Error(`Unknown e-mail template: ${template}`), { name: 'TemplateError' });
  return content;
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
  | 'sla_missed_unseen'
  | 'handoff_overdue'
  | 'no_rep_available'
  | 'reply_unanswered'
  | 'attempts_unreported'
  | 'lead_reassigned'
  | 'effect_failed';

export interface LeadCard {
  leadId: string;
  /** The lead's name, else e-mail or phone; empty: the catalogue's "unnamed lead". */
  name: string;
  company?: string | null;
  email?: string | null;
  phone?: string | null;
  city?: string | null;
  country?: string | null;
  message?: string | null;
  source: string;
  /** The lead's first contact, shown in the lead's time zone. */
  firstTouchAt?: Date;
  timeZone?: string;
}

function leadName(lead: LeadCard, locale: Locale): string {
  return lead.name.trim() || text(locale, 'notice.unnamed-lead');
}

function cardLines(lead: LeadCard, locale: Locale): string {
  const company = lead.company?.trim() || '';
  const location = [lead.city, lead.country].filter(Boolean).join(', ');
  return [
    text(locale, 'card.lead', { name: leadName(lead, locale), company, hasCompany: company !== '' }),
    lead.email ? text(locale, 'card.email', { email: lead.email }) : undefined,
    lead.phone ? text(locale, 'card.phone', { phone: lead.phone }) : undefined,
    location ? text(locale, 'card.location', { location }) : undefined,
    text(locale, 'card.source', { source: lead.source }),
    lead.firstTouchAt ? text(locale, 'card.captured', { at: lead.firstTouchAt }, lead.timeZone) : undefined,
    lead.message ? text(locale, 'card.message', { message: lead.message }) : undefined,
    text(locale, 'card.id', { id: lead.leadId }),
  ]
    .filter(Boolean)
    .join('\n');
}

function notice(locale: Locale, id: `rep.${RepNotice}` | `manager.${ManagerNotice}`, lead: LeadCard, rep: string) {
  const rendered = email(locale, id, { lead: leadName(lead, locale), rep })!;
  return { subject: rendered.subject, paragraphs: rendered.paragraphs };
}

/** A notice to the rep, in the rep's language; `why` (already in words) is appended as it is. */
export function repNoticeEmail(
  kind: RepNotice,
  lead: LeadCard,
  repName: string,
  why?: string,
  locale: Locale = 'en',
): EmailContent {
  const { subject, paragraphs } = notice(locale, `rep.${kind}`, lead, repName);
  return compose(locale, subject, [
    text(locale, 'notice.rep-greeting', { rep: repName }),
    ...paragraphs,
    cardLines(lead, locale),
    why,
  ]);
}

/** A notice to the manager about a rep's lead, in the rep's language; `repName` null: the lead has no rep; `why` as it is. */
export function managerNoticeEmail(
  kind: ManagerNotice,
  lead: LeadCard,
  repName: string | null,
  locale: Locale = 'en',
  why?: string,
): EmailContent {
  const rep = repName ?? text(locale, 'notice.no-rep');
  const { subject, paragraphs } = notice(locale, `manager.${kind}`, lead, rep);
  return compose(locale, subject, [
    text(locale, 'notice.manager-greeting'),
    ...paragraphs,
    why,
    cardLines(lead, locale),
  ]);
}

/** The heading of a handoff's score explanation (the explanation itself is in English, see docs/languages.md). */
export function whyQualified(explanation: string, locale: Locale = 'en'): string {
  return `${text(locale, 'notice.why-qualified')}\n${explanation}`;
}
