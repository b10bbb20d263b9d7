/** Cadence e-mail templates (R7, R11): ICU messages per locale, plain-text and escaped HTML parts, fallbacks. */
import { cadenceEmail, cadenceTemplates } from '../domain/emails';
import { leadLocale, LOCALES } from '../domain/i18n';
import { CATALOGUES } from '../domain/i18n/locales';
import { defaultLanguageFor } from '../domain/language';
import { CADENCES } from '../cadences';

describe('cadence e-mail templates', () => {
  it("personalises with first name, company and the rep's signature, in a plain-text and an HTML part", () => {
    const mail = cadenceEmail('nurture-info-pack', { firstName: 'Aino', company: 'Oulun Kone Oy' }, 'Rep Oulu');
    expect(mail.subject).toBe('The information pack you asked for, Aino');
    expect(mail.text).toBe(
      'Hi Aino,\n\nAs promised, here is our information pack with the parts most relevant to Oulun Kone Oy: what the product does, what it costs, and how a first project runs.\n\n' +
        'Download the information pack: https://www.ripen.example/resources/information-pack.pdf\n\nBest regards,\nRep Oulu\n',
    );
    expect(mail.html).toContain(
      '<p><a href="https://www.ripen.example/resources/information-pack.pdf">Download the information pack</a></p>',
    );
    expect(mail.html).toContain('<p>Best regards,<br>Rep Oulu</p>');
  });

  it('falls back when the lead gave no first name or company', () => {
    const en = cadenceEmail('nurture-info-pack', {}, 'Rep');
    expect(en.subject).toBe('The information pack you asked for, there');
    expect(en.text.startsWith('Hi there,\n\nAs promised, here is our information pack: what')).toBe(true);
    const fi = cadenceEmail('nurture-info-pack', { firstName: '  ' }, 'Myyjä', 'fi');
    expect(fi.subject).toBe('Pyytämäsi tietopaketti');
    expect(fi.text.startsWith('Hei,\n\nKuten lupasin, tässä tietopakettimme: mitä')).toBe(true);
  });

  it('escapes every lead-supplied value in the HTML part, and never evaluates it as a template', () => {
    const mail = cadenceEmail('nurture-week-4', { firstName: '<b>Eve</b> & "co"', company: '{repName}' }, 'Rep');
    expect(mail.html).toContain('Hi &lt;b&gt;Eve&lt;/b&gt; &amp; &quot;co&quot;,');
    expect(mail.html).not.toContain('<b>Eve');
    expect(mail.text).toContain('Hi <b>Eve</b> & "co",');
    const pack = cadenceEmail('nurture-info-pack', { firstName: 'A', company: '{repName}' }, 'Rep');
    expect(pack.text).toContain('relevant to {repName}:');
  });

  it('ships every template of the shipped cadences in every locale, each in its own words', () => {
    const used = [
      ...new Set(CADENCES.flatMap((c) => c.steps.flatMap((s) => (s.kind === 'email' ? [s.template] : [])))),
    ];
    expect(used.length).toBeGreaterThan(5);
    expect(cadenceTemplates()).toEqual(expect.arrayContaining(used));
    for (const template of used) {
      const subjects = LOCALES.map((locale) => cadenceEmail(template, { firstName: 'Aino' }, 'Rep', locale).subject);
      expect(new Set(subjects).size).toBe(LOCALES.length);
    }
    const fi = cadenceEmail('nurture-week-1', { firstName: 'Aino' }, 'Rep', 'fi');
    expect(fi.text.startsWith('Hei Aino,\n\n')).toBe(true);
    expect(fi.text.endsWith('Ystävällisin terveisin\nRep\n')).toBe(true);
    expect(cadenceTemplates()).not.toContain('first-touch');
    expect(cadenceTemplates().some((t) => t.startsWith('rep.') || t.startsWith('manager.'))).toBe(false);
  });

  it('refuses an unknown template, and a notice or the first touch as a template', () => {
    for (const template of ['no-such-template', 'rep.new_lead', 'first-touch'])
      expect(() => cadenceEmail(template, {}, 'Rep')).toThrow(`Unknown e-mail template: ${template}`);
    expect(Object.keys(CATALOGUES)).toEqual(LOCALES);
  });

  it("writes in the lead's own language, else its country's, else English", () => {
    expect(['FI', ' finland ', 'Suomi', 'AX', 'UA', 'ir', 'Greece', 'GR'].map(defaultLanguageFor)).toEqual([
      'fi',
      'fi',
      'fi',
      'fi',
      'uk',
      'fa',
      'el',
      'el',
    ]);
    expect(['SE', 'US', null, undefined, ''].map(defaultLanguageFor)).toEqual(['en', 'en', 'en', 'en', 'en']);
    expect(leadLocale({ language: null, country: 'IR' })).toBe('fa');
    expect(leadLocale({ language: 'en', country: 'IR' })).toBe('en');
    expect(leadLocale({ language: 'fa-IR', country: 'FI' })).toBe('fa');
    expect(leadLocale({ language: 'de', country: 'FI' })).toBe('en');
  });
});
