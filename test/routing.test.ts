/** R16: routing rules, pure. */
import { coverage, routeLead, type RepForRouting } from '../domain/routing';

const rep = (
  id: string,
  territories: RepForRouting['territories'] = [],
  extra: Partial<RepForRouting> = {},
): RepForRouting => ({
  id,
  available: true,
  weight: 1,
  assignedCount: 0,
  territories,
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
