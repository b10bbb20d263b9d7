/**
 * Every e-mail in the lead's own language (issue 14.2–14.4), end to end on the real API, dev server,
 * database and SMTP server: a lead from each of the five markets (Oulu, Kyiv, Tehran, Athens and an
 * English one) gets its first touch and a cadence e-mail in its language, with Content-Language and
 * (for Persian) a right-to-left HTML root, its rep is told in the rep's language, and its
 * unsubscribe page speaks the lead's language.
 */
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { supportedLocale } from '../domain/i18n';
import { defaultLanguageFor } from '../domain/language';
import { createCadenceActivities } from '../activities/cadence';
import type { ReceivedMail } from './helpers/smtp';
import { leadStateQuery, leadWorkflowId, reportOutcomeUpdate, type LeadState } from '../workflows/contracts';
import { MAIL, startStack, type Stack } from './helpers/stack';
import { waitUntil } from './helpers/wait';

let stack: Stack;
let tag: string;
let capture: Record<string, string>;

interface Market {
  key: string;
  country: string;
  city: string;
  /** What the capture states; none: the country's. */
  language?: string;
  expected: 'en' | 'fi' | 'uk' | 'fa' | 'el';
  repLanguages: string[];
  firstName: string;
  /** The start of the first touch's subject, the information pack's subject, and the unsubscribe page's title. */
  firstTouch: string;
  pack: string;
  unsubscribe: string;
  notice: string;
}

const MARKETS: Market[] = [
  {
    key: 'oulu',
    country: 'FI',
    city: 'Oulu',
    expected: 'fi',
    repLanguages: ['fi', 'en'],
    firstName: 'Aino',
    firstTouch: 'Kiitos yhteydenotostasi, Aino',
    pack: 'Pyytämäsi tietopaketti, Aino',
    unsubscribe: 'Tilauksen peruminen',
    notice: 'Uusi liidi:',
  },
  {
    key: 'kyiv',
    country: 'UA',
    city: 'Kyiv',
    language: 'uk-UA',
    expected: 'uk',
    repLanguages: ['uk'],
    firstName: 'Олена',
    firstTouch: 'Дякуємо за звернення, Олена',
    pack: 'Інформаційний пакет, який Ви запитували, Олена',
    unsubscribe: 'Відписка від розсилки',
    notice: 'Новий лід:',
  },
  {
    key: 'tehran',
    country: 'IR',
    city: 'Tehran',
    expected: 'fa',
    repLanguages: ['fa'],
    firstName: 'Sara',
    firstTouch: 'از تماس شما سپاسگزاریم، \u2068Sara\u2069',
    pack: 'بستهٔ اطلاعاتی درخواستی شما، \u2068Sara\u2069',
    unsubscribe: 'لغو اشتراک',
    notice: 'سرنخ جدید:',
  },
  {
    key: 'athens',
    country: 'GR',
    city: 'Athens',
    language: 'el',
    expected: 'el',
    repLanguages: ['el'],
    firstName: 'Ελένη',
    firstTouch: 'Σας ευχαριστούμε για την επικοινωνία, Ελένη',
    pack: 'Το ενημερωτικό υλικό που ζητήσατε, Ελένη',
    unsubscribe: 'Διαγραφή από τη λίστα',
    notice: 'Νέος δυνητικός πελάτης:',
  },
  {
    key: 'london',
    country: 'GB',
    city: 'London',
    expected: 'en',
    repLanguages: [],
    firstName: 'Emma',
    firstTouch: 'Thanks for getting in touch, Emma',
    pack: 'The information pack you asked for, Emma',
    unsubscribe: 'Unsubscribe',
    notice: 'New lead:',
  },
];

const repId = (m: Market) => `lang-${m.key}-${tag}`;
const repEmail = (m: Market) => `${repId(m)}@reps.ripen.test`;
const city = (m: Market) => `${m.city}-${tag}`;

beforeAll(async () => {
  stack = await startStack('languages');
  tag = stack.taskQueue.slice(-6);
  for (const m of MARKETS) {
    await stack.db.query('INSERT INTO reps (id, name, email, languages) VALUES ($1, $2, $3, $4)', [
      repId(m),
      `Rep ${m.city}`,
      repEmail(m),
      m.repLanguages,
    ]);
    // City territories: only this test's leads (with tagged cities) are routed to these reps.
    await stack.db.query('INSERT INTO territories (rep_id, country, city) VALUES ($1, $2, $3)', [
      repId(m),
      m.country,
      city(m),
    ]);
  }
  capture = await stack.authAs('capture');
});
afterAll(() => stack?.close());

const address = (m: Market) => `${m.key}.${tag}.${randomUUID().slice(0, 6)}@example.fi`;
const contentLanguage = (mail: ReceivedMail) => mail.parsed.headers.get('content-language');
const state = (leadId: string) => stack.client.workflow.getHandle(leadWorkflowId(leadId)).query(leadStateQuery);
async function stateWhen(leadId: string, predicate: (s: LeadState) => boolean): Promise<LeadState> {
  await waitUntil(async () => predicate(await state(leadId)));
  return state(leadId);
}

describe('a lead from each market, in its own language', () => {
  it('answers 400 naming language for a tag that is not BCP 47, and stores nothing', async () => {
    const to = `bad-language.${tag}@example.fi`;
    const res = await stack.call('POST', '/v1/leads', capture, { email: to, language: 'english_UK' });
    expect(res.status).toBe(400);
    expect(res.body.error.fields).toEqual([{ field: 'language', message: expect.stringContaining('BCP 47') }]);
    expect(await stack.db.query('SELECT id FROM leads WHERE email = $1', [to])).toEqual([]);
  });

  it.each(MARKETS.map((m) => [m.key, m] as const))(
    '%s: first touch, cadence e-mail, rep notice and unsubscribe page',
    async (_key, m) => {
      const to = address(m);
      const res = await stack.call('POST', '/v1/leads', capture, {
        email: to,
        firstName: m.firstName,
        country: m.country,
        city: city(m),
        ...(m.language ? { language: m.language } : {}),
        consent: { marketing: true, basis: 'consent', text: 'Send me news' },
      });
      expect(res.status).toBe(201);
      const leadId: string = res.body.leadId;
      expect(await stack.db.query('SELECT language FROM leads WHERE id = $1', [leadId])).toEqual([
        { language: m.expected },
      ]);

      // The first touch, signed by the lead's rep, in the lead's language.
      const [firstTouch] = await stack.smtp.waitFor((mail) => mail.envelopeTo.includes(to));
      expect(firstTouch!.parsed.subject).toBe(m.firstTouch);
      expect(contentLanguage(firstTouch!)).toBe(m.expected);
      expect(firstTouch!.parsed.html).toContain(
        `<html lang="${m.expected}" dir="${m.expected === 'fa' ? 'rtl' : 'ltr'}">`,
      );
      expect(firstTouch!.parsed.text).toContain(`Rep ${m.city}`);

      // The rep is told in the rep's first language (English when they list none).
      const [notice] = await stack.smtp.waitFor(
        (mail) => mail.envelopeTo.includes(repEmail(m)) && mail.parsed.text?.includes(leadId) === true,
      );
      expect(notice!.parsed.subject?.startsWith(m.notice)).toBe(true);
      expect(contentLanguage(notice!)).toBe(m.repLanguages[0] ?? 'en');

      // Reached but not ready: R10's nurture starts with the information pack, a marketing e-mail.
      await stateWhen(leadId, (s) => s.stage === 'contacting');
      await stack.client.workflow.getHandle(leadWorkflowId(leadId)).executeUpdate(reportOutcomeUpdate, {
        args: [{ requestId: randomUUID(), outcome: 'reached', actor: { role: 'rep', repId: repId(m) } }],
      });
      const [pack] = await stack.smtp.waitFor((mail) => mail.envelopeTo.includes(to) && mail !== firstTouch, {
        count: 1,
      });
      expect(pack!.parsed.subject).toBe(m.pack);
      expect(contentLanguage(pack!)).toBe(m.expected);
      // The marketing footer in the language too.
      const footer = {
        en: 'You get this e-mail from',
        fi: 'Saat tämän viestin lähettäjältä',
        uk: 'Ви отримали цей лист від',
        fa: 'این ایمیل را از',
        el: 'Λαμβάνετε αυτό το μήνυμα από',
      }[m.expected];
      expect(pack!.parsed.text).toContain(footer);
      expect(pack!.parsed.text).toContain(MAIL.postalAddress);

      // The unsubscribe page and its confirmation in the lead's language, once the outbox has committed the
      // e-mail (the SMTP server has it a moment before: the send runs inside the outbox transaction).
      await waitUntil(
        async () =>
          (
            await stack.db.query(
              "SELECT 1 FROM sent_emails WHERE lead_id = $1 AND template = 'nurture-info-pack' AND status = 'sent'",
              [leadId],
            )
          ).length === 1,
      );
      const listUnsubscribe = pack!.parsed.headerLines.find((h) => h.key === 'list-unsubscribe')!.line;
      const link = /<(https:\/\/ripen\.test\/u\/[^>]+)>/.exec(listUnsubscribe.replace(/\r?\n\s+/g, ' '))![1]!;
      const url = link.replace(MAIL.publicUrl, stack.apiUrl);
      const page = await fetch(url);
      expect(page.headers.get('content-language')).toBe(m.expected);
      const html = await page.text();
      expect(html).toContain(`<html lang="${m.expected}" dir="${m.expected === 'fa' ? 'rtl' : 'ltr'}">`);
      expect(html).toContain(`<h1 style="font-size:1.4rem">${m.unsubscribe}</h1>`);
      const done = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'List-Unsubscribe=One-Click',
      });
      expect(done.status).toBe(200);
      expect(done.headers.get('content-language')).toBe(m.expected);
      const confirmation = {
        en: 'You are unsubscribed',
        fi: 'Tilauksesi on peruttu',
        uk: 'Вас відписано',
        fa: 'اشتراک شما لغو شد',
        el: 'Η διαγραφή σας ολοκληρώθηκε',
      }[m.expected];
      expect(await done.text()).toContain(confirmation);
    },
  );

  it("gives a Tehran lead's cadences Iran's calendar: Friday off, Nowruz closed", async () => {
    const [lead] = (await stack.db.query('SELECT id FROM leads WHERE city = $1', [`Tehran-${tag}`])) as [
      { id: string },
    ];
    const profile = await createCadenceActivities({ db: stack.db }).cadenceProfile({
      leadId: lead.id,
      fallbackTimeZone: 'Europe/Helsinki',
      businessDays: true,
    });
    expect(profile.timeZone).toBe('Asia/Tehran');
    expect(profile.businessDays!.weekend).toEqual([5]);
    const year = new Date().getUTCFullYear();
    expect(profile.businessDays!.holidays).toContain(`${year + 1}-03-21`);
    expect(profile.businessDays!.through).toBe(year + 2);
  });

  it('lets a later capture change the language, and keeps it when the capture names none', async () => {
    const m = MARKETS[0]!;
    const to = address(m);
    const first = await stack.call('POST', '/v1/leads', capture, { email: to, country: 'FI', city: city(m) });
    expect(first.status).toBe(201);
    const language = async () =>
      (
        (await stack.db.query('SELECT language FROM leads WHERE id = $1', [first.body.leadId])) as [
          { language: string },
        ]
      )[0].language;
    expect(await language()).toBe('fi');
    expect((await stack.call('POST', '/v1/leads', capture, { email: to, language: 'fa-IR' })).status).toBe(200);
    expect(await language()).toBe('fa');
    expect((await stack.call('POST', '/v1/leads', capture, { email: to, country: 'GR' })).status).toBe(200);
    expect(await language()).toBe('fa');
  });

  it('stores the last stated language, else the first capture’s country’s, over any sequence of captures', async () => {
    const step = fc.record({
      language: fc.option(fc.constantFrom('fi', 'fa-IR', 'uk-UA', 'el', 'en-GB', 'de-AT', 'pt'), { nil: undefined }),
      country: fc.option(fc.constantFrom('FI', 'UA', 'IR', 'GR', 'SE'), { nil: undefined }),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 4 }), async (captures) => {
        const to = `seq.${tag}.${randomUUID().slice(0, 8)}@example.fi`;
        let leadId = '';
        for (const c of captures) {
          const res = await stack.call('POST', '/v1/leads', capture, { email: to, ...c });
          expect([200, 201]).toContain(res.status);
          leadId = res.body.leadId;
        }
        const stated = captures.filter((c) => c.language !== undefined).at(-1)?.language;
        const expected = stated ? supportedLocale(stated) : defaultLanguageFor(captures[0]!.country);
        expect(await stack.db.query('SELECT language FROM leads WHERE id = $1', [leadId])).toEqual([
          { language: expected },
        ]);
      }),
      { numRuns: 12 },
    );
  });
});
