/**
 * The message catalogues (issue 14.3, 14.4): every locale has every message with the same
 * placeholders (compared on the ICU syntax trees), plurals follow each language's rules, dates and
 * numbers come from Intl in the lead's locale and time zone, and right-to-left e-mail is marked
 * and isolated so it reads correctly.
 */
import fc from 'fast-check';
import { IntlMessageFormat } from 'intl-messageformat';
import { cadenceEmail, firstTouchEmail, managerNoticeEmail, repNoticeEmail, type LeadCard } from '../domain/emails';
import { FSI, isLanguageTag, LOCALES, PDI, supportedLocale, text } from '../domain/i18n';
import type { Message } from '../domain/i18n/catalogue';
import { CATALOGUES } from '../domain/i18n/locales';
import { finished, withMarketingFooter } from '../domain/outgoing';

/** Every argument of an ICU message, with its kind (and a select's keys): `firstName:argument`, `hasCompany:select(other|yes)`. */
function placeholders(source: string, locale: string): string[] {
  const found = new Set<string>();
  const KIND: Record<number, string> = { 1: 'argument', 2: 'number', 3: 'date', 4: 'time', 5: 'select', 6: 'plural' };
  const walk = (elements: unknown[]) => {
    for (const e of elements as { type: number; value?: unknown; options?: Record<string, { value: unknown[] }> }[]) {
      const kind = KIND[e.type];
      if (kind && typeof e.value === 'string')
        found.add(
          kind === 'select'
            ? `${e.value}:select(${Object.keys(e.options ?? {})
                .sort()
                .join('|')})`
            : `${e.value}:${kind}`,
        );
      for (const option of Object.values(e.options ?? {})) walk(option.value);
    }
  };
  walk(new IntlMessageFormat(source, locale, undefined, { ignoreTag: true }).getAst());
  return [...found];
}

function sources(message: Message): string[] {
  return typeof message === 'string'
    ? [message]
    : [message.subject, ...message.body.map((p) => (typeof p === 'string' ? p : p.label))];
}

function shape(message: Message, locale: string) {
  return {
    kind: typeof message === 'string' ? 'text' : 'email',
    placeholders: [...new Set(sources(message).flatMap((s) => placeholders(s, locale)))].sort(),
    links: typeof message === 'string' ? [] : message.body.flatMap((p) => (typeof p === 'string' ? [] : [p.url])),
  };
}

const card: LeadCard = {
  leadId: 'lead-1',
  name: 'Sara Ahmadi',
  company: 'Pars Co.',
  email: 'sara@pars.example',
  city: 'Tehran',
  country: 'IR',
  source: 'web',
  firstTouchAt: new Date('2026-06-19T06:30:00Z'),
  timeZone: 'Asia/Tehran',
};

describe('message catalogues', () => {
  it('has every message in every locale, with the same placeholders, selects and links as English', () => {
    const reference = CATALOGUES.en.messages as Record<string, Message>;
    for (const locale of LOCALES) {
      const messages = CATALOGUES[locale].messages as Record<string, Message>;
      expect(Object.keys(messages).sort()).toEqual(Object.keys(reference).sort());
      for (const [id, message] of Object.entries(reference)) {
        expect({ locale, id, ...shape(messages[id]!, locale) }).toEqual({ locale, id, ...shape(message, 'en') });
      }
    }
  });

  it('has a plural for every count in every language (Ukrainian one/few/many, Finnish and Greek one/other)', () => {
    const month = (locale: (typeof LOCALES)[number], months: number) =>
      cadenceEmail('long-term-check-in', { months }, 'Rep', locale).text.split('\n\n')[1]!;
    expect(month('en', 1)).toMatch(/^It's been a month since/);
    expect(month('en', 5)).toMatch(/^It's been 5 months since/);
    expect(month('fi', 1)).toMatch(/on kulunut kuukausi\./);
    expect(month('fi', 7)).toMatch(/on kulunut 7 kuukautta\./);
    expect(month('uk', 1)).toMatch(/минув 1 місяць\./);
    expect(month('uk', 3)).toMatch(/минуло 3 місяці\./);
    expect(month('uk', 5)).toMatch(/минуло 5 місяців\./);
    expect(month('uk', 21)).toMatch(/минув 21 місяць\./);
    expect(month('el', 1)).toMatch(/^Έχει περάσει ένας μήνας/);
    expect(month('el', 4)).toMatch(/^Έχουν περάσει 4 μήνες/);
    // Persian: the count in Persian digits, as Intl gives them.
    expect(month('fa', 14)).toMatch(/۱۴ ماه/);
  });

  it("formats dates and times through Intl in the reader's locale and the lead's time zone", () => {
    const at = new Date('2026-06-19T06:30:00Z'); // 10:00 in Tehran, 09:30 in Helsinki
    expect(text('en', 'card.captured', { at }, 'Asia/Tehran')).toBe('First contact: June 19, 2026, 10:00 AM');
    expect(text('fi', 'card.captured', { at }, 'Europe/Helsinki')).toBe(
      'Ensimmäinen yhteydenotto: 19. kesäkuuta 2026 klo 9.30',
    );
    // The Persian (solar hijri) calendar and Persian digits.
    expect(text('fa', 'card.captured', { at }, 'Asia/Tehran')).toBe('نخستین تماس: ۲۹ خرداد ۱۴۰۵، ساعت ۱۰:۰۰');
  });

  it('accepts BCP 47 tags and falls back to the base language, then English', () => {
    expect(['fi', 'fa-IR', 'uk-UA', 'EL-gr', 'zh-Hant-TW', 'en-GB'].every(isLanguageTag)).toBe(true);
    expect(['', 'fi_FI', 'x', '12', 'fa--IR', 'en-', 'toolongtag1'].some(isLanguageTag)).toBe(false);
    expect(['fi-FI', 'fa-Arab-IR', 'uk', 'el-CY', 'de-AT', 'pt', null].map(supportedLocale)).toEqual([
      'fi',
      'fa',
      'uk',
      'el',
      'en',
      'en',
      'en',
    ]);
  });
});

describe('a first touch no rep could sign (issue 14.1: signed by the team, never by a made-up person)', () => {
  it.each(LOCALES)('%s: the team writes in the plural, a rep in the singular', (locale) => {
    const lead = { firstName: 'Sara', company: 'Pars Co.' };
    const team = firstTouchEmail(lead, 'Ripen Oy', locale, true).text;
    const rep = firstTouchEmail(lead, 'Ripen Oy', locale, false).text;
    expect(team).toContain('Ripen Oy');
    expect(team).not.toEqual(rep);
  });

  it('en: "We are the team", not "I\'m the team"', () => {
    const team = firstTouchEmail({ firstName: 'Sara' }, 'Ripen Oy', 'en', true).text;
    expect(team).toContain("We are Ripen Oy, and we'll be your contact here.");
    expect(team).not.toContain("I'm");
  });
});

describe('right to left (fa)', () => {
  const mail = finished(firstTouchEmail({ firstName: 'Sara', company: 'Pars Co.' }, 'Rep Tehran', 'fa'));

  it('puts lang and dir on the HTML root and says Content-Language', () => {
    expect(mail.html).toMatch(/^<!doctype html>\n<html lang="fa" dir="rtl">/);
    expect(mail.headers).toEqual({ 'Content-Language': 'fa' });
    const en = finished(firstTouchEmail({ firstName: 'Sara' }, 'Rep', 'en'));
    expect(en.html).toContain('<html lang="en" dir="ltr">');
    expect(en.headers).toEqual({ 'Content-Language': 'en' });
  });

  it('isolates Latin names inside Persian text: <bdi> in HTML, Unicode isolates in the text part', () => {
    expect(mail.subject).toBe(`از تماس شما سپاسگزاریم، ${FSI}Sara${PDI}`);
    expect(mail.html).toContain('<bdi>Sara</bdi> گرامی،');
    expect(mail.html).toContain('من <bdi>Rep Tehran</bdi> هستم');
    expect(mail.text).toContain(`${FSI}Pars Co.${PDI}`);
  });

  it('starts every line of the plain-text part with a right-to-left mark', () => {
    const lines = mail.text.split('\n').filter((l) => l !== '');
    expect(lines.length).toBeGreaterThan(3);
    for (const line of lines) expect(line.startsWith('\u200f')).toBe(true);
    // The signature's Latin rep name on its own line still lays out right to left.
    expect(lines.at(-1)).toBe(`\u200f${FSI}Rep Tehran${PDI}`);
  });

  it('writes the marketing footer in the language, the unsubscribe URL isolated', () => {
    const pack = withMarketingFooter(
      cadenceEmail('nurture-week-1', { firstName: 'Sara' }, 'Rep', 'fa'),
      { senderIdentity: 'Ripen Oy', postalAddress: 'Kauppakatu 1, Oulu' },
      'https://ripen.test/u/t',
    );
    expect(pack.text).toContain(`\u200fلغو اشتراک: ${FSI}https://ripen.test/u/t${PDI}`);
    expect(pack.html).toContain('این ایمیل را از <bdi>Ripen Oy</bdi>، <bdi>Kauppakatu 1, Oulu</bdi> دریافت کرده‌اید.');
    expect(pack.html).toContain('>لغو اشتراک</a>');
  });

  it('keeps <bdi> balanced and strips bidi controls whatever a person types as their name', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 40 }), fc.string({ maxLength: 40 }), (first, company) => {
        const out = finished(firstTouchEmail({ firstName: first + '\u202e', company }, 'Rep', 'fa'));
        const opens = out.html.split('<bdi>').length - 1;
        expect(out.html.split('</bdi>').length - 1).toBe(opens);
        expect(out.text).not.toMatch(/[\u202a-\u202e]/);
        expect(out.text.split(FSI).length).toBe(out.text.split(PDI).length);
      }),
    );
  });
});

describe('notices in the rep’s language', () => {
  it('tells a Persian-speaking rep in Persian, with the lead’s first contact in Tehran time', () => {
    const mail = repNoticeEmail('new_lead', card, 'Reza', undefined, 'fa');
    expect(mail.subject).toBe(`سرنخ جدید: ${FSI}Sara Ahmadi${PDI} — ظرف ۲۰ دقیقه تماس بگیرید`);
    expect(mail.text).toContain('نخستین تماس: ۲۹ خرداد ۱۴۰۵، ساعت ۱۰:۰۰');
    expect(mail.language).toBe('fa');
  });

  it('keeps English notices as they were, and names a missing rep and an unnamed lead in the language', () => {
    const mail = repNoticeEmail('handoff', { ...card, firstTouchAt: undefined }, 'Aino');
    expect(mail.subject).toBe('Qualified lead for you: Sara Ahmadi');
    expect(mail.text).toBe(
      'Hi Aino,\n\nMarketing has qualified this lead. Please accept or reject it.\n\n' +
        'Lead: Sara Ahmadi, Pars Co.\nE-mail: sara@pars.example\nLocation: Tehran, IR\nSource: web\nLead id: lead-1\n',
    );
    expect(managerNoticeEmail('no_rep_available', { ...card, name: '' }, null, 'uk').subject).toBe(
      'Немає доступного менеджера: Лід без імені',
    );
    expect(managerNoticeEmail('sla_breach', card, null, 'el').text).toContain('από Χωρίς πωλητή');
  });
});
