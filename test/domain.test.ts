/** Pure domain functions: no servers needed. */
import { escapeHtml, firstTouchEmail } from '../domain/emails';
import { identityKeys, normalizeEmail, normalizePhone } from '../domain/identity';

describe('recognising a returning person (R3)', () => {
  it('treats e-mail addresses that differ in case and spacing as one person', () => {
    expect(normalizeEmail('  Aino.Virtanen@Example.FI ')).toBe('aino.virtanen@example.fi');
  });

  it('treats phone numbers that differ in punctuation as one person, keeping the international +', () => {
    expect(normalizePhone('+358 (40) 123-4567')).toBe('+358401234567');
    expect(normalizePhone('040 123 4567')).toBe('0401234567');
  });

  it('orders identity keys the same way whatever the input, so concurrent captures lock in one order', () => {
    expect(identityKeys({ phone: '+358 40 1', email: 'B@x.fi' })).toEqual(['email:b@x.fi', 'phone:+358401']);
    expect(identityKeys({ email: 'b@x.fi' })).toEqual(['email:b@x.fi']);
    expect(identityKeys({})).toEqual([]);
  });
});

describe('the personal first-touch e-mail (R7)', () => {
  it('greets by first name, mentions the company, and is signed by the rep', () => {
    const mail = firstTouchEmail({ firstName: 'Dmytro', company: 'Kyiv Labs' }, 'Aino Virtanen');
    expect(mail.subject).toBe('Thanks for getting in touch, Dmytro');
    expect(mail.text).toMatch(/^Hi Dmytro,/);
    expect(mail.text).toContain('what Kyiv Labs is working on');
    expect(mail.text.trimEnd()).toMatch(/Best regards,\nAino Virtanen$/);
  });

  it('falls back to a neutral greeting when the first name is missing or blank', () => {
    expect(firstTouchEmail({ firstName: '  ' }, 'Aino').text).toMatch(/^Hi there,/);
  });

  it('escapes every lead-supplied value in the HTML part', () => {
    const mail = firstTouchEmail({ firstName: '<script>x</script>', company: 'A&B "Oy"' }, 'Aino');
    expect(mail.html).not.toMatch(/<script>|<b>/);
    expect(mail.html).toContain('&lt;script&gt;x&lt;/script&gt;');
    expect(mail.html).toContain('A&amp;B &quot;Oy&quot;');
    expect(escapeHtml(`&<>"'`)).toBe('&amp;&lt;&gt;&quot;&#39;');
  });
});
