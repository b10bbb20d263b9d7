/** Cadence e-mail templates (R7, R11): Handlebars per locale, plain-text and escaped HTML parts, fallbacks. */
import { cadenceEmail, cadenceTemplates } from '../domain/emails';
import { localeFor, renderTemplate, TEMPLATES } from '../domain/templates';
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
    const mail = cadenceEmail('nurture-week-4', { firstName: '<b>Eve</b> & "co"', company: '{{repName}}' }, 'Rep');
    expect(mail.html).toContain('Hi &lt;b&gt;Eve&lt;/b&gt; &amp; &quot;co&quot;,');
    expect(mail.html).not.toContain('<b>Eve');
    expect(mail.text).toContain('Hi <b>Eve</b> & "co",');
    const pack = cadenceEmail('nurture-info-pack', { firstName: 'A', company: '{{repName}}' }, 'Rep');
    expect(pack.text).toContain('relevant to {{repName}}:');
  });

  it('ships every template of the shipped cadences in English and Finnish', () => {
    const used = [
      ...new Set(CADENCES.flatMap((c) => c.steps.flatMap((s) => (s.kind === 'email' ? [s.template] : [])))),
    ];
    expect(used.length).toBeGreaterThan(5);
    for (const template of used) {
      expect(TEMPLATES.en[template]).toBeDefined();
      expect(TEMPLATES.fi[template]).toBeDefined();
      const fi = renderTemplate(template, 'fi', { firstName: 'Aino', repName: 'Rep' })!;
      expect(fi.locale).toBe('fi');
      expect(fi.subject).not.toBe(renderTemplate(template, 'en', { firstName: 'Aino', repName: 'Rep' })!.subject);
      expect(fi.paragraphs[0]).toBe('Hei Aino,');
      expect(fi.paragraphs.at(-1)).toBe('Ystävällisin terveisin\nRep');
    }
    expect(cadenceTemplates().sort()).toEqual(Object.keys(TEMPLATES.en).sort());
  });

  it('falls back to English for a template a locale lacks, and refuses an unknown one', () => {
    TEMPLATES.en['only-english'] = { subject: 'Hello {{name}}', body: ['Only in English.'] };
    try {
      expect(renderTemplate('only-english', 'fi', { firstName: 'Aino', repName: 'Rep' })).toMatchObject({
        locale: 'en',
        subject: 'Hello Aino',
        paragraphs: ['Hi Aino,', 'Only in English.', 'Best regards,\nRep'],
      });
    } finally {
      delete TEMPLATES.en['only-english'];
    }
    expect(() => cadenceEmail('no-such-template', {}, 'Rep')).toThrow('Unknown e-mail template: no-such-template');
  });

  it('writes to Finnish leads in Finnish, to everyone else in English', () => {
    expect(['FI', ' finland ', 'Suomi', 'AX'].map(localeFor)).toEqual(['fi', 'fi', 'fi', 'fi']);
    expect(['SE', 'US', null, undefined, ''].map(localeFor)).toEqual(['en', 'en', 'en', 'en', 'en']);
  });
});
