/** What every e-mail to a lead carries: tracked links, open pixel, marketing footer and list headers (R12). */
import { cadenceEmail, emailCategory } from '../domain/emails';
import { instrument, unsubscribeHeaders, withMarketingFooter } from '../domain/outgoing';

const urls = { click: (i: number) => `https://ripen.test/t/c/token-${i}`, open: 'https://ripen.test/t/o/open-token' };

describe('outgoing e-mail', () => {
  it('rewrites every link to its tracked URL, in both parts, and remembers the originals in order', () => {
    const content = {
      subject: 's',
      text: 'See https://a.example/x?y=1&z=2 and https://b.example/\nAgain https://a.example/x?y=1&z=2\n',
      html: '<p><a href="https://a.example/x?y=1&amp;z=2">A</a> <a href="https://b.example/">B</a> <a href="https://a.example/x?y=1&amp;z=2">A again</a> <a href="mailto:x@y.fi">mail</a></p>',
    };
    const out = instrument(content, urls);
    expect(out.links).toEqual(['https://a.example/x?y=1&z=2', 'https://b.example/']);
    expect(out.html).toContain(
      'href="https://ripen.test/t/c/token-0">A</a> <a href="https://ripen.test/t/c/token-1">B</a> <a href="https://ripen.test/t/c/token-0">A again',
    );
    expect(out.html).toContain('href="mailto:x@y.fi"');
    expect(out.html).toContain('<img src="https://ripen.test/t/o/open-token" width="1" height="1"');
    expect(out.text).toBe(
      'See https://ripen.test/t/c/token-0 and https://ripen.test/t/c/token-1\nAgain https://ripen.test/t/c/token-0\n',
    );
  });

  it('tracks the information pack link of the R10 nurture e-mail', () => {
    const out = instrument(cadenceEmail('nurture-info-pack', { firstName: 'Aino' }, 'Rep'), urls);
    expect(out.links).toEqual(['https://www.ripen.example/resources/information-pack.pdf']);
  });

  it('marks nurture and long-term e-mail as marketing, and replies to a request as personal', () => {
    expect(['nurture-info-pack', 'nurture-week-2', 'long-term-check-in'].map(emailCategory)).toEqual([
      'marketing',
      'marketing',
      'marketing',
    ]);
    expect(['first-touch', 'attempt-follow-up', 'attempt-last-chance'].map(emailCategory)).toEqual([
      'personal',
      'personal',
      'personal',
    ]);
  });

  it('prints sender identity, postal address and an escaped unsubscribe link in the marketing footer', () => {
    const out = withMarketingFooter(
      { subject: 's', text: 'Body\n', html: '<p>Body</p>' },
      { senderIdentity: 'Ripen <Oy>', postalAddress: 'Katu 1, Oulu' },
      'https://ripen.test/u/t?a=1&b=2',
    );
    expect(out.text).toBe(
      'Body\n\n--\nYou get this e-mail from Ripen <Oy>, Katu 1, Oulu.\nUnsubscribe: https://ripen.test/u/t?a=1&b=2\n',
    );
    expect(out.html).toContain('Ripen &lt;Oy&gt;');
    expect(out.html).toContain('href="https://ripen.test/u/t?a=1&amp;b=2"');
  });

  it('offers one-click and mailto unsubscribe in the list headers (RFC 2369, RFC 8058)', () => {
    expect(unsubscribeHeaders('https://ripen.test/u/t')).toEqual({
      'List-Unsubscribe': '<https://ripen.test/u/t>',
      'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
    });
    expect(unsubscribeHeaders('https://ripen.test/u/t', 'no@ripen.test')['List-Unsubscribe']).toBe(
      '<https://ripen.test/u/t>, <mailto:no@ripen.test?subject=unsubscribe>',
    );
  });
});
