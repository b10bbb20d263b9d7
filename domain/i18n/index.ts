/**
 * Rendering from the message catalogues: pure and deterministic (a message, a locale, values and a
 * time zone in; text out). Plurals, selects, numbers, dates and times come from intl-messageformat and
 * Intl in the given locale (Persian digits and the Persian calendar for `fa`, as Intl gives them).
 * In a right-to-left locale every value a person supplied is wrapped in Unicode isolates (FSI … PDI),
 * so a Latin name or address inside Persian text keeps its own direction; compose() turns them into
 * `<bdi>` in the HTML part.
 */
import { IntlMessageFormat } from 'intl-messageformat';
import type { EmailMessage, Message, Paragraph } from './catalogue';
import { defaultLanguageFor } from '../language';
import { CATALOGUES, type MessageId } from './locales';

export type Locale = keyof typeof CATALOGUES;
export type { MessageId, Paragraph };
export const LOCALES = Object.keys(CATALOGUES) as Locale[];

export const FSI = '\u2068';
export const PDI = '\u2069';
/** Embedding, override and isolate controls a value could bring in to unbalance the text around it. */
const BIDI_CONTROLS = /[\u202a-\u202e\u2066-\u2069]/g;

/** A well-formed BCP 47 tag (`fi`, `fa-IR`, `uk-UA`, `zh-Hant-TW`)? */
export function isLanguageTag(tag: string): boolean {
  try {
    return Intl.getCanonicalLocales(tag).length === 1;
  } catch {
    return false;
  }
}

/** The catalogue for a BCP 47 tag: the tag's base language if shipped (fa-IR → fa), else English. */
export function supportedLocale(tag: string | null | undefined): Locale {
  if (!tag || !isLanguageTag(tag)) return 'en';
  const language = new Intl.Locale(tag).language;
  return language in CATALOGUES ? (language as Locale) : 'en';
}

/** The language of every e-mail to a lead and of its pages: its own (set at capture), else its country's. */
export function leadLocale(lead: { language?: string | null; country?: string | null }): Locale {
  return supportedLocale(lead.language ?? defaultLanguageFor(lead.country));
}

export function directionOf(locale: Locale): 'ltr' | 'rtl' {
  return CATALOGUES[locale].direction;
}

/** Values a message may use: text (isolated in RTL), flags for `select` (yes/no), numbers and instants (Intl). */
export type Values = Record<string, string | number | boolean | Date | null | undefined>;

const formatters = new Map<string, IntlMessageFormat>();

/** Date and time styles in the given time zone (intl-messageformat merges them over its defaults). */
function formatsIn(timeZone: string) {
  const z = { timeZone };
  return {
    date: { short: z, medium: z, long: z, full: z },
    time: { short: z, medium: z, long: z, full: z },
  };
}

/** One ICU message rendered in `locale` and `timeZone`. */
export function format(locale: Locale, source: string, values: Values = {}, timeZone = 'UTC'): string {
  const key = `${locale}\u0000${timeZone}\u0000${source}`;
  let formatter = formatters.get(key);
  if (!formatter) {
    // ignoreTag: the text is plain; HTML escaping happens once, in compose().
    formatter = new IntlMessageFormat(source, locale, formatsIn(timeZone), { ignoreTag: true });
    formatters.set(key, formatter);
  }
  const rtl = directionOf(locale) === 'rtl';
  const prepared: Record<string, string | number | Date> = {};
  for (const [name, value] of Object.entries(values)) {
    if (value === null || value === undefined) prepared[name] = '';
    else if (typeof value === 'boolean') prepared[name] = value ? 'yes' : 'no';
    else if (typeof value === 'string') {
      const clean = value.replace(BIDI_CONTROLS, '');
      prepared[name] = rtl && clean !== '' ? `${FSI}${clean}${PDI}` : clean;
    } else prepared[name] = value;
  }
  try {
    return String(formatter.format(prepared));
  } catch (err) {
    // Named so the activity fails for good (activities/errors.ts): a retry renders the same message the same way.
    throw Object.assign(new Error(`Message does not render: ${(err as Error).message}`), { name: 'TemplateError' });
  }
}

function message(locale: Locale, id: MessageId): Message {
  return CATALOGUES[locale].messages[id];
}

/** A text message of the catalogue. */
export function text(locale: Locale, id: MessageId, values?: Values, timeZone?: string): string {
  const source = message(locale, id);
  if (typeof source !== 'string') throw new Error(`Message ${id} is an e-mail, not a text`);
  return format(locale, source, values, timeZone);
}

export function isEmailMessage(source: Message | undefined): source is EmailMessage {
  return typeof source === 'object' && source !== null && 'subject' in source;
}

/** Every e-mail message id of the catalogue (English is the reference; every locale has the same). */
export function emailIds(): string[] {
  return Object.entries(CATALOGUES.en.messages)
    .filter(([, m]) => isEmailMessage(m))
    .map(([id]) => id);
}

export interface RenderedEmail {
  locale: Locale;
  subject: string;
  paragraphs: Paragraph[];
}

/** An e-mail message of the catalogue: its subject and paragraphs rendered; undefined for an unknown id. */
export function email(locale: Locale, id: string, values: Values, timeZone?: string): RenderedEmail | undefined {
  const source = (CATALOGUES[locale].messages as Record<string, Message>)[id];
  if (!isEmailMessage(source)) return undefined;
  return {
    locale,
    subject: format(locale, source.subject, values, timeZone),
    paragraphs: source.body.map((p) =>
      typeof p === 'string'
        ? format(locale, p, values, timeZone)
        : { label: format(locale, p.label, values, timeZone), url: p.url },
    ),
  };
}
