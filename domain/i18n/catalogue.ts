/**
 * The shape of a message catalogue (one file per locale under locales/). Every text is an ICU
 * MessageFormat string (plural, select, number, date and time arguments), rendered by
 * intl-messageformat with the locale's own plural rules and Intl formats.
 */

/** A paragraph of an e-mail: text, or a link (tracked when sent). */
export type Paragraph = string | { label: string; url: string };

/** An e-mail's words: its subject and its paragraphs (the greeting and signature come from the frame). */
export interface EmailMessage {
  subject: string;
  body: readonly Paragraph[];
}

export type Message = string | EmailMessage;

export interface Catalogue<Id extends string = string> {
  /** The BCP 47 tag this catalogue is for (a base language: `fi`, `fa`). */
  locale: string;
  /** Written right to left (fa, ar, he …) or left to right. */
  direction: 'ltr' | 'rtl';
  messages: Record<Id, Message>;
}

/** Where the nurture content lives (marketing's site); the same links in every language. */
export const CONTENT = 'https://www.ripen.example/resources';
