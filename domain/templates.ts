/**
 * Cadence e-mail templates per locale, written in Handlebars (a kept, logic-less templating
 * library): personalisation with fallbacks (`{{#if firstName}}`), the company, the rep's
 * signature. Templates render to plain text; compose() in emails.ts makes the text part and the
 * HTML part from it, escaping every value on the way into HTML. A template missing in a locale
 * falls back to English.
 */
import Handlebars from 'handlebars';

export const LOCALES = ['en', 'fi'] as const;
export type Locale = (typeof LOCALES)[number];

/** A paragraph: text, or a link (tracked when sent). */
export type ParagraphSource = string | { label: string; url: string };

export interface TemplateSource {
  subject: string;
  body: ParagraphSource[];
}

/** Where the nurture content lives (marketing's site). */
const CONTENT = 'https://www.ripen.example/resources';

/** Greeting and signature around every cadence e-mail. */
const FRAME: Record<Locale, { greeting: string; signature: string }> = {
  en: { greeting: 'Hi {{name}},', signature: 'Best regards,\n{{repName}}' },
  fi: {
    greeting: '{{#if firstName}}Hei {{firstName}},{{else}}Hei,{{/if}}',
    signature: 'Ystävällisin terveisin\n{{repName}}',
  },
};

export const TEMPLATES: Record<Locale, Record<string, TemplateSource>> = {
  en: {
    'attempt-follow-up': {
      subject: 'Following up, {{name}}',
      body: [
        'I tried to reach you about your request. Is there a good time for a 15-minute call this week? A reply with a time is all it takes.',
      ],
    },
    'attempt-last-chance': {
      subject: 'Should I close your request, {{name}}?',
      body: [
        "I haven't managed to reach you. If the timing is wrong, no problem — reply 'later' and I'll check back in a few months.",
      ],
    },
    'nurture-info-pack': {
      subject: 'The information pack you asked for, {{name}}',
      body: [
        'As promised, here is our information pack{{#if company}} with the parts most relevant to {{company}}{{/if}}: what the product does, what it costs, and how a first project runs.',
        { label: 'Download the information pack', url: `${CONTENT}/information-pack.pdf` },
      ],
    },
    'nurture-week-1': {
      subject: 'How a company like yours got started',
      body: [
        'A short customer story: the problem they had, what they tried first, and what changed in the first three months.',
        { label: 'Read the story', url: `${CONTENT}/customer-story` },
      ],
    },
    'nurture-week-2': {
      subject: 'A practical guide for your first steps',
      body: [
        'A step-by-step guide our customers use to get the first results in a week, with the pitfalls to avoid.',
        { label: 'Open the guide', url: `${CONTENT}/first-steps-guide` },
      ],
    },
    'nurture-week-3': {
      subject: 'A checklist for comparing the alternatives',
      body: [
        'When you compare options, these are the ten questions worth asking every vendor — including us.',
        { label: 'Get the checklist', url: `${CONTENT}/vendor-checklist` },
      ],
    },
    'nurture-week-4': {
      subject: 'Would a short demo help, {{name}}?',
      body: [
        'If it would help to see it with your own data, I can show you in 30 minutes. Reply with a time that suits you.',
      ],
    },
    'nurture-week-5': {
      subject: 'What our customers measured in their first quarter',
      body: [
        'Numbers from three customers like you: time saved, errors avoided and what the first quarter cost them.',
        { label: 'Read the results', url: `${CONTENT}/customer-results` },
      ],
    },
    'long-term-check-in': {
      subject: 'Checking in, {{name}}',
      body: [
        "It's been a while since we last talked. Has anything changed on your side? Here is what is new with us, in case the timing is better now.",
      ],
    },
  },
  fi: {
    'attempt-follow-up': {
      subject: 'Palaan asiaan{{#if firstName}}, {{firstName}}{{/if}}',
      body: [
        'Yritin tavoittaa sinua pyyntösi tiimoilta. Sopisiko sinulle 15 minuutin puhelu tällä viikolla? Vastaa vain tähän viestiin sopivalla ajalla.',
      ],
    },
    'attempt-last-chance': {
      subject: 'Suljenko pyyntösi{{#if firstName}}, {{firstName}}{{/if}}?',
      body: [
        'En ole saanut sinua kiinni. Jos ajankohta ei nyt sovi, ei hätää — vastaa ”myöhemmin”, niin palaan asiaan muutaman kuukauden päästä.',
      ],
    },
    'nurture-info-pack': {
      subject: 'Pyytämäsi tietopaketti{{#if firstName}}, {{firstName}}{{/if}}',
      body: [
        'Kuten lupasin, tässä tietopakettimme{{#if company}} niine osineen, jotka koskevat eniten yritystä {{company}}{{/if}}: mitä tuote tekee, mitä se maksaa ja miten ensimmäinen projekti etenee.',
        { label: 'Lataa tietopaketti', url: `${CONTENT}/information-pack.pdf` },
      ],
    },
    'nurture-week-1': {
      subject: 'Näin kaltaisesi yritys pääsi alkuun',
      body: [
        'Lyhyt asiakastarina: mikä ongelma heillä oli, mitä he kokeilivat ensin ja mikä muuttui kolmen ensimmäisen kuukauden aikana.',
        { label: 'Lue tarina', url: `${CONTENT}/customer-story` },
      ],
    },
    'nurture-week-2': {
      subject: 'Käytännön opas ensimmäisiin askeliin',
      body: [
        'Vaiheittainen opas, jonka avulla asiakkaamme saavat ensimmäiset tulokset viikossa — ja sudenkuopat, joita kannattaa välttää.',
        { label: 'Avaa opas', url: `${CONTENT}/first-steps-guide` },
      ],
    },
    'nurture-week-3': {
      subject: 'Tarkistuslista vaihtoehtojen vertailuun',
      body: [
        'Kun vertailet vaihtoehtoja, nämä kymmenen kysymystä kannattaa esittää jokaiselle toimittajalle — myös meille.',
        { label: 'Hae tarkistuslista', url: `${CONTENT}/vendor-checklist` },
      ],
    },
    'nurture-week-4': {
      subject: 'Auttaisiko lyhyt esittely{{#if firstName}}, {{firstName}}{{/if}}?',
      body: [
        'Jos haluat nähdä ratkaisun omilla tiedoillasi, voin näyttää sen 30 minuutissa. Vastaa sinulle sopivalla ajalla.',
      ],
    },
    'nurture-week-5': {
      subject: 'Mitä asiakkaamme mittasivat ensimmäisen neljänneksen aikana',
      body: [
        'Luvut kolmelta kaltaiseltanne asiakkaalta: säästetty aika, vältetyt virheet ja ensimmäisen neljänneksen kustannukset.',
        { label: 'Lue tulokset', url: `${CONTENT}/customer-results` },
      ],
    },
    'long-term-check-in': {
      subject: 'Kuulumisia{{#if firstName}}, {{firstName}}{{/if}}',
      body: [
        'Edellisestä keskustelustamme on jo aikaa. Onko jokin muuttunut teillä? Tässä uutisemme siltä varalta, että ajankohta sopisi nyt paremmin.',
      ],
    },
  },
};

/** The lead's locale: Finnish for Finland (and Åland), else English. */
export function localeFor(country: string | null | undefined): Locale {
  return ['fi', 'finland', 'suomi', 'ax', 'åland'].includes(country?.trim().toLowerCase() ?? '') ? 'fi' : 'en';
}

/** What templates may use: first name (empty when unknown), `name` (first name, else the locale's fallback), company, rep name. */
export interface TemplateValues {
  firstName?: string | null;
  company?: string | null;
  repName: string;
}

const compiled = new Map<string, HandlebarsTemplateDelegate>();
function render(source: string, values: object): string {
  try {
    let template = compiled.get(source);
    if (!template) {
      // Plain text out: HTML escaping happens once, in compose(), for the HTML part only.
      template = Handlebars.compile(source, { noEscape: true, strict: false });
      compiled.set(source, template);
    }
    return template(values);
  } catch (err) {
    // Named so the activity fails for good (activities/errors.ts): a retry renders the same template the same way.
    throw Object.assign(new Error(`Template does not render: ${(err as Error).message}`), { name: 'TemplateError' });
  }
}

/** The template in the lead's locale, else English; its subject and paragraphs rendered with the lead's values, greeting and signature around. */
export function renderTemplate(
  name: string,
  locale: Locale,
  values: TemplateValues,
): { locale: Locale; subject: string; paragraphs: ParagraphSource[] } | undefined {
  const used: Locale = TEMPLATES[locale][name] ? locale : 'en';
  const source = TEMPLATES[used][name];
  if (!source) return undefined;
  const firstName = values.firstName?.trim() || '';
  const context = {
    firstName,
    name: firstName || 'there',
    company: values.company?.trim() || '',
    repName: values.repName,
  };
  const frame = FRAME[used];
  return {
    locale: used,
    subject: render(source.subject, context),
    paragraphs: [
      render(frame.greeting, context),
      ...source.body.map((p) =>
        typeof p === 'string' ? render(p, context) : { label: render(p.label, context), url: p.url },
      ),
      render(frame.signature, context),
    ],
  };
}
