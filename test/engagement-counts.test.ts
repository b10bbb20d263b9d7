/**
 * Issue 15, item 2, pure: engagement that counts once. An e-mail's first open scores, later opens
 * score nothing; a link's clicks count once a day; a machine's hit (HEAD, a mail proxy's or
 * scanner's user agent, seconds after delivery) scores nothing. Properties over random bursts.
 */
import fc from 'fast-check';
import { HUMAN_DELAY_SECONDS, machineHit } from '../domain/engagement-counts';
import { DEFAULT_MODEL, explain, type LeadAction } from '../domain/scoring';

const DAY = 24 * 60 * 60 * 1000;
const now = Date.parse('2026-06-30T12:00:00.000Z');
const iso = (t: number) => new Date(t).toISOString();
const OPEN = DEFAULT_MODEL.actions['engagement:email_open']!;
const CLICK = DEFAULT_MODEL.actions['engagement:email_click']!;

const hitArb = fc.record({
  kind: fc.constantFrom('email_open', 'email_click'),
  email: fc.integer({ min: 0, max: 3 }),
  link: fc.integer({ min: 0, max: 2 }),
  ageMs: fc.integer({ min: 0, max: 60 * DAY }),
  machine: fc.boolean(),
});

describe('engagement that counts once (issue 15)', () => {
  it('scores each e-mail opened once, each link clicked once a day, and no machine hit, however many hits', () => {
    fc.assert(
      fc.property(fc.array(hitArb, { maxLength: 300 }), (hits) => {
        const actions: LeadAction[] = hits.map((h) => ({
          kind: 'engagement',
          name: h.kind,
          at: iso(now - h.ageMs),
          ref: h.kind === 'email_open' ? `e${h.email}` : `e${h.email}#${h.link}`,
          ...(h.machine ? { uncounted: 'Mimecast scanner (user agent)' } : {}),
        }));
        const people = hits.filter((h) => !h.machine);
        const opened = new Set(people.filter((h) => h.kind === 'email_open').map((h) => h.email));
        const clicked = new Set(
          people
            .filter((h) => h.kind === 'email_click')
            .map((h) => `${h.email}#${h.link} ${iso(now - h.ageMs).slice(0, 10)}`),
        );
        const e = explain(DEFAULT_MODEL, {}, actions, iso(now));
        expect(e.engagement).toBe(opened.size * OPEN + clicked.size * CLICK);
        // Every hit is accounted for: counted, or ignored with its reason.
        expect(e.breakdown.length + e.ignored.length).toBe(hits.length);
        expect(e.ignored.filter((i) => i.why === 'not a person')).toHaveLength(hits.length - people.length);
      }),
      { numRuns: 300 },
    );
  });

  it('adds one open\u2019s points for 1,000 loads of one pixel', () => {
    const opens: LeadAction[] = Array.from({ length: 1_000 }, (_, i) => ({
      kind: 'engagement',
      name: 'email_open',
      at: iso(now - i * 1000),
      ref: 'e1',
    }));
    expect(explain(DEFAULT_MODEL, {}, opens, iso(now)).engagement).toBe(OPEN);
  });

  it('counts opens and clicks without an e-mail reference (events from the site) each time, as before', () => {
    const visits: LeadAction[] = [0, 1, 2].map((i) => ({ kind: 'engagement', name: 'email_open', at: iso(now - i) }));
    expect(explain(DEFAULT_MODEL, {}, visits, iso(now)).engagement).toBe(3 * OPEN);
  });

  it('judges a hit a machine on HEAD, on a known proxy or scanner signature, or within seconds of delivery', () => {
    const person = { method: 'GET', userAgent: 'Mozilla/5.0 (X11; Linux x86_64) Firefox/130.0', sentAt: 0, at: 60_000 };
    expect(machineHit(person)).toBeNull();
    expect(machineHit({ ...person, method: 'HEAD' })).toBe('HEAD request (a link scanner)');
    expect(
      machineHit({
        ...person,
        userAgent: 'Mozilla/5.0 (Windows NT 5.1; rv:11.0) Gecko Firefox/11.0 (via ggpht.com GoogleImageProxy)',
      }),
    ).toBe('Gmail image proxy (user agent)');
    expect(machineHit({ ...person, userAgent: 'Barracuda Sentinel (EE)' })).toBe('Barracuda scanner (user agent)');
    expect(machineHit({ ...person, at: HUMAN_DELAY_SECONDS * 1000 - 1 })).toBe(
      `within ${HUMAN_DELAY_SECONDS} s of delivery`,
    );
    expect(machineHit({ ...person, at: HUMAN_DELAY_SECONDS * 1000 })).toBeNull();
    expect(machineHit({ ...person, sentAt: null })).toBe(`within ${HUMAN_DELAY_SECONDS} s of delivery`);
  });
});
