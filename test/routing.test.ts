/** R16: routing rules, pure. */
import fc from 'fast-check';
import { defaultLanguageFor, primaryLanguage, speaks } from '../domain/language';
import { canTakeLeads, coverage, routeLead as route, type LeadLocation, type RepForRouting } from '../domain/routing';

const AT = '2026-05-04T09:00:00.000Z';
const routeLead = (lead: LeadLocation, reps: RepForRouting[], exclude: string[] = [], at = AT) =>
  route(lead, reps, { exclude, at });

const rep = (
  id: string,
  territories: RepForRouting['territories'] = [],
  extra: Partial<RepForRouting> = {},
): RepForRouting => ({
  id,
  active: true,
  available: true,
  weight: 1,
  assignedCount: 0,
  territories,
  languages: [],
  away: [],
  ...extra,
});

describe('routing a lead to the rep most likely to convert it (R16)', () => {
  const oulu = rep('oulu', [{ country: 'FI', city: 'Oulu' }]);
  const helsinki = rep('helsinki', [{ country: 'FI', city: 'Helsinki' }]);
  const finland = rep('finland', [{ country: 'FI' }]);
  const lapland = rep('lapland', [{ country: 'FI', region: 'Lapland' }]);

  it('sends a lead from Oulu to the Oulu rep, not to Helsinki, whatever the case and spacing', () => {
    expect(routeLead({ country: 'fi', city: ' OULU ' }, [helsinki, finland, oulu])).toEqual({
      repId: 'oulu',
      rule: 'territory',
      reason: 'territory Oulu, FI',
    });
  });

  it('prefers a city over a region over a whole country', () => {
    expect(coverage({ country: 'FI', city: 'Oulu' }, { country: 'FI', city: 'Oulu' })).toBe(3);
    expect(coverage({ country: 'FI', region: 'Lapland' }, { country: 'FI', region: 'lapland' })).toBe(2);
    expect(coverage({ country: 'FI' }, { country: 'FI', city: 'Oulu' })).toBe(1);
    expect(coverage({ country: 'FI', city: 'Oulu' }, { country: 'FI' })).toBe(0);
    expect(routeLead({ country: 'FI', region: 'Lapland', city: 'Rovaniemi' }, [finland, lapland])?.repId).toBe(
      'lapland',
    );
    expect(routeLead({ country: 'FI', city: 'Tampere' }, [oulu, helsinki, finland])?.repId).toBe('finland');
  });

  it('never picks an excluded or unavailable rep, and falls back to the next most specific territory', () => {
    expect(routeLead({ country: 'FI', city: 'Oulu' }, [oulu, finland], ['oulu'])).toMatchObject({
      repId: 'finland',
      rule: 'territory',
    });
    expect(routeLead({ country: 'FI', city: 'Oulu' }, [{ ...oulu, available: false }, finland])?.repId).toBe('finland');
  });

  it('shares leads outside every territory by weighted round robin', () => {
    const reps = [rep('a', [], { weight: 2 }), rep('b')];
    const picks: string[] = [];
    for (let i = 0; i < 9; i++) {
      const routing = routeLead({ country: 'SE' }, reps)!;
      expect(routing.rule).toBe('round_robin');
      picks.push(routing.repId);
      reps.find((r) => r.id === routing.repId)!.assignedCount += 1;
    }
    expect(picks.filter((p) => p === 'a')).toHaveLength(6);
    expect(picks.filter((p) => p === 'b')).toHaveLength(3);
  });

  it('shares a territory covered by two reps by load', () => {
    const busy = rep('busy', [{ country: 'FI' }], { assignedCount: 5 });
    const idle = rep('idle', [{ country: 'FI' }], { assignedCount: 1 });
    expect(routeLead({ country: 'FI' }, [busy, idle])?.repId).toBe('idle');
  });

  it('answers null when no rep is available, so the manager is told', () => {
    expect(routeLead({ country: 'FI' }, [])).toBeNull();
    expect(routeLead({ country: 'FI' }, [oulu], ['oulu'])).toBeNull();
  });
});

describe("the lead's language (issue 14)", () => {
  it("is the country's for Ripen's first markets, English elsewhere", () => {
    expect(['FI', 'ua', ' IR ', 'Gr', 'SE', '', null, undefined].map(defaultLanguageFor)).toEqual([
      'fi',
      'uk',
      'fa',
      'el',
      'en',
      'en',
      'en',
      'en',
    ]);
  });

  it('matches by primary subtag, whatever the case', () => {
    expect(primaryLanguage('fa-IR')).toBe('fa');
    expect(speaks(['FA', 'en'], 'fa-IR')).toBe(true);
    expect(speaks(['en-GB'], 'fi')).toBe(false);
  });
});

describe('routing by language and availability (R16, issue 14)', () => {
  const finnish = rep('finnish', [{ country: 'FI' }], { languages: ['fi', 'en'], assignedCount: 9 });
  const english = rep('english', [{ country: 'FI' }], { languages: ['en'] });

  it("prefers, among the reps a territory yields, one who speaks the lead's language, even when busier", () => {
    expect(routeLead({ country: 'FI' }, [english, finnish])).toEqual({
      repId: 'finnish',
      rule: 'territory',
      reason: 'territory FI, speaks fi',
    });
    expect(routeLead({ country: 'FI', language: 'en' }, [english, finnish])?.repId).toBe('english');
  });

  it('keeps territory before language: a city rep who does not speak it beats a country rep who does', () => {
    const oulu = rep('oulu', [{ country: 'FI', city: 'Oulu' }], { languages: ['en'] });
    expect(routeLead({ country: 'FI', city: 'Oulu' }, [finnish, oulu])?.repId).toBe('oulu');
  });

  it('shares by load when nobody speaks the language, and prefers speakers in the round robin too', () => {
    expect(routeLead({ country: 'FI', language: 'uk' }, [english, finnish])).toMatchObject({
      repId: 'english',
      reason: 'territory FI',
    });
    expect(
      routeLead({ country: 'IR' }, [english, rep('persian', [], { languages: ['fa'], assignedCount: 3 })]),
    ).toEqual({ repId: 'persian', rule: 'round_robin', reason: 'round robin (weight 1, 3 leads before), speaks fa' });
  });

  it('skips a rep who is away (from inclusive, to exclusive), deactivated or unavailable', () => {
    const away = { ...finnish, away: [{ from: '2026-05-01T00:00:00Z', to: AT }] };
    expect(routeLead({ country: 'FI' }, [english, away], [], '2026-05-04T08:59:59.999Z')?.repId).toBe('english');
    expect(routeLead({ country: 'FI' }, [english, away], [], AT)?.repId).toBe('finnish');
    expect(routeLead({ country: 'FI' }, [english, { ...finnish, active: false }])?.repId).toBe('english');
    expect(
      routeLead({ country: 'FI' }, [
        { ...english, available: false },
        { ...finnish, active: false },
      ]),
    ).toBeNull();
  });
});

describe('routing properties (R16)', () => {
  const COUNTRIES = ['FI', 'IR', 'SE'];
  const CITIES = ['Oulu', 'Tehran', null];
  const LANGUAGES = ['fi', 'fa', 'en', 'uk'];
  const DAY = 24 * 60 * 60 * 1000;
  const base = Date.parse(AT);
  const territoryArb = fc.record({ country: fc.constantFrom(...COUNTRIES), city: fc.constantFrom(...CITIES) });
  const repArb = (id: string) =>
    fc.record({
      id: fc.constant(id),
      active: fc.boolean(),
      available: fc.boolean(),
      weight: fc.integer({ min: 1, max: 4 }),
      assignedCount: fc.integer({ min: 0, max: 20 }),
      territories: fc.array(territoryArb, { maxLength: 3 }),
      languages: fc.subarray(LANGUAGES),
      away: fc.array(
        fc.tuple(fc.integer({ min: -5, max: 5 }), fc.integer({ min: 1, max: 5 })).map(([start, days]) => ({
          from: new Date(base + start * DAY).toISOString(),
          to: new Date(base + (start + days) * DAY).toISOString(),
        })),
        { maxLength: 2 },
      ),
    });
  const repsArb = fc
    .integer({ min: 0, max: 6 })
    .chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => repArb(`rep-${i}`))));
  const leadArb = fc.record({
    country: fc.constantFrom(...COUNTRIES),
    city: fc.constantFrom(...CITIES),
    language: fc.option(fc.constantFrom(...LANGUAGES), { nil: null }),
  });

  it('picks a rep who can take leads and is not excluded, from the most specific territory, a speaker first', () => {
    fc.assert(
      fc.property(repsArb, leadArb, fc.subarray(['rep-0', 'rep-1']), (reps, lead, exclude) => {
        const eligible = reps.filter((r) => canTakeLeads(r, AT) && !exclude.includes(r.id));
        const routing = routeLead(lead, reps, exclude);
        if (eligible.length === 0) return expect(routing).toBeNull();
        const chosen = eligible.find((r) => r.id === routing?.repId);
        expect(chosen).toBeDefined();
        const cover = (r: RepForRouting) => Math.max(0, ...r.territories.map((t) => coverage(t, lead)));
        const best = Math.max(...eligible.map(cover));
        expect(cover(chosen!)).toBe(best);
        expect(routing!.rule).toBe(best > 0 ? 'territory' : 'round_robin');
        const language = lead.language ?? defaultLanguageFor(lead.country);
        if (eligible.some((r) => cover(r) === best && speaks(r.languages, language)))
          expect(speaks(chosen!.languages, language)).toBe(true);
      }),
    );
  });

  it('keeps every rep within one lead of their weighted share over any run of leads', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 1, maxLength: 5 }),
        fc.integer({ min: 1, max: 60 }),
        (weights, leads) => {
          const reps = weights.map((weight, i) => rep(`rep-${i}`, [], { weight }));
          for (let n = 0; n < leads; n++) {
            reps.find((r) => r.id === routeLead({ country: 'SE' }, reps)!.repId)!.assignedCount += 1;
            for (const a of reps)
              for (const b of reps)
                expect(a.assignedCount / a.weight).toBeLessThanOrEqual((b.assignedCount + 1) / b.weight);
          }
        },
      ),
    );
  });
});
