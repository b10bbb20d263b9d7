/**
 * Send windows per country (issue 14.5): the weekend from CLDR, public holidays from date-holidays,
 * both computed in the cadence-profile activity and applied by the pure interpreter. A Tehran lead is
 * mailed on Saturdays and never on a Friday; a Finnish lead is not mailed on Midsummer Eve or on
 * Independence Day.
 */
import fc from 'fast-check';
import { businessCalendar, countryCode, holidaysOf, weekendOf } from '../activities/business-days';
import { email, loop, OFFICE_HOURS, wait } from '../cadences/builder';
import { completeStep, decide, startPosition } from '../cadences/interpreter';
import { localTime, nextAllowedInstant, zonedInstant } from '../cadences/send-window';
import type { BusinessCalendar, Cadence, LeadFacts } from '../cadences/types';

const iso = (t: { year: number; month: number; day: number }) =>
  `${t.year}-${String(t.month).padStart(2, '0')}-${String(t.day).padStart(2, '0')}`;

/** An e-mail every day, for eight weeks: where the calendar lets it go decides every send. */
const DAILY: Cadence = {
  id: 'daily-test',
  version: 1,
  policy: 'pinned',
  title: 'daily',
  purpose: 'sales',
  pace: 'fast',
  exitOn: [],
  sendWindow: OFFICE_HOURS,
  steps: [wait('day', '1 day'), email('send', 'attempt-follow-up', 'a daily e-mail'), loop('again', 'day', 56)],
};

/** The local dates the cadence mails on, run purely from `start`. */
function mailedOn(start: number, timeZone: string, businessDays?: BusinessCalendar): LocalDate[] {
  const facts: LeadFacts = {
    now: start,
    score: 0,
    grade: 'cold',
    buyerStage: null,
    attributes: {},
    engagements: [],
    exits: [],
    timeZone,
    businessDays,
    marketingSends: [],
    isMarketing: () => false,
  };
  let position = startPosition(DAILY, start);
  const sent: LocalDate[] = [];
  for (let i = 0; i < 500; i++) {
    const d = decide(DAILY, position, facts);
    position = d.position;
    if (d.type === 'exit') return sent;
    if (d.type === 'wait') {
      facts.now = d.until;
      continue;
    }
    const local = localTime(facts.now, timeZone);
    sent.push({ date: iso(local), weekday: local.weekday, hour: local.hour });
    position = completeStep(DAILY, position, facts.now);
  }
  throw new Error('did not end');
}
interface LocalDate {
  date: string;
  weekday: number;
  hour: number;
}

describe('the weekend from CLDR', () => {
  it("knows Iran's weekend is Friday (Node 20's ICU for und-IR) and Europe's Saturday and Sunday", () => {
    expect(weekendOf('IR')).toEqual([5]);
    expect(['FI', 'UA', 'GR', 'GB'].map(weekendOf)).toEqual([
      [6, 7],
      [6, 7],
      [6, 7],
      [6, 7],
    ]);
    expect(weekendOf(undefined)).toEqual([6, 7]);
  });

  it('reads captured countries as codes or names', () => {
    expect(['FI', 'finland', 'Suomi', 'ir', 'Iran', 'ایران', 'UK', 'Ελλάδα', 'Atlantis', ''].map(countryCode)).toEqual([
      'FI',
      'FI',
      'FI',
      'IR',
      'IR',
      'IR',
      'GB',
      'GR',
      undefined,
      undefined,
    ]);
  });
});

describe('public holidays from date-holidays', () => {
  it("closes Finland's Midsummer Eve and Independence Day, and Nowruz in Iran", () => {
    const fi = holidaysOf('FI', null, 2026);
    expect(fi).toEqual(expect.arrayContaining(['2026-06-19', '2026-12-06', '2027-06-25', '2027-12-06', '2028-12-06']));
    expect(holidaysOf('IR', null, 2026)).toEqual(expect.arrayContaining(['2026-03-21', '2026-03-24']));
    expect(holidaysOf('GR', null, 2026)).toContain('2026-03-25');
    expect(holidaysOf('UA', null, 2026).length).toBeGreaterThan(0);
    expect(holidaysOf(undefined, null, 2026)).toEqual([]);
  });

  it('computes a country once and hands each caller a list of its own', () => {
    const first = holidaysOf('GR', null, 2031);
    first.push('not-a-holiday');
    expect(holidaysOf('GR', null, 2031)).not.toContain('not-a-holiday');
    expect(holidaysOf('GR', null, 2031)).toEqual(first.slice(0, -1));
    expect(holidaysOf('GR', null, 2032)).not.toEqual(first.slice(0, -1)); // another year is another entry
  });

  it('adds the holidays of the lead’s region', () => {
    // Epiphany is a holiday in Bavaria, not in Berlin.
    expect(holidaysOf('DE', 'BY', 2026)).toContain('2026-01-06');
    expect(holidaysOf('DE', 'Bayern', 2026)).toContain('2026-01-06');
    expect(holidaysOf('DE', 'BE', 2026)).not.toContain('2026-01-06');
  });
});

describe('business days in the cadence (R9)', () => {
  it('mails a Tehran lead on Saturdays and never on a Friday or an Iranian holiday', () => {
    const calendar = businessCalendar({ country: 'IR' }, new Date('2026-01-01T00:00:00Z'));
    const start = zonedInstant(2026, 3, 2, 10, 'Asia/Tehran'); // a Monday, three weeks before Nowruz
    const sent = mailedOn(start, 'Asia/Tehran', calendar);
    expect(sent.length).toBeGreaterThan(30);
    expect(sent.some((d) => d.weekday === 6)).toBe(true);
    expect(sent.filter((d) => d.weekday === 5)).toEqual([]);
    expect(sent.filter((d) => calendar.holidays.includes(d.date))).toEqual([]);
    expect(sent.map((d) => d.date)).not.toContain('2026-03-21'); // Nowruz
    // Without the country's calendar the old Monday–Friday window would have mailed on Fridays.
    expect(mailedOn(start, 'Asia/Tehran').some((d) => d.weekday === 5)).toBe(true);
  });

  it('does not mail a Finnish lead on Midsummer Eve or Independence Day', () => {
    const calendar = businessCalendar({ country: 'FI' }, new Date('2026-01-01T00:00:00Z'));
    const june = mailedOn(zonedInstant(2026, 6, 1, 10, 'Europe/Helsinki'), 'Europe/Helsinki', calendar);
    expect(june.map((d) => d.date)).toContain('2026-06-18');
    expect(june.map((d) => d.date)).not.toContain('2026-06-19'); // Midsummer Eve, a Friday
    expect(june.map((d) => d.date)).toContain('2026-06-22');
    const december = mailedOn(zonedInstant(2027, 11, 15, 10, 'Europe/Helsinki'), 'Europe/Helsinki', calendar);
    expect(december.map((d) => d.date)).toContain('2027-12-03');
    expect(december.map((d) => d.date)).not.toContain('2027-12-06'); // Independence Day, a Monday
    expect(december.map((d) => d.date)).toContain('2027-12-07');
  });

  it('moves a send due on Midsummer Eve to the next business day, the Monday after', () => {
    const calendar = businessCalendar({ country: 'FI' }, new Date('2026-01-01T00:00:00Z'));
    const thursdayEvening = zonedInstant(2026, 6, 18, 17, 'Europe/Helsinki');
    expect(new Date(nextAllowedInstant(thursdayEvening, OFFICE_HOURS, 'Europe/Helsinki', calendar)).toISOString()).toBe(
      '2026-06-22T06:00:00.000Z',
    );
  });

  it('always lands on the earliest business hour, whatever the instant and country', () => {
    const calendars = {
      IR: { zone: 'Asia/Tehran', calendar: businessCalendar({ country: 'IR' }, new Date('2026-01-01T00:00:00Z')) },
      FI: { zone: 'Europe/Helsinki', calendar: businessCalendar({ country: 'FI' }, new Date('2026-01-01T00:00:00Z')) },
      GR: { zone: 'Europe/Athens', calendar: businessCalendar({ country: 'GR' }, new Date('2026-01-01T00:00:00Z')) },
    };
    const allowed = (at: number, zone: string, calendar: BusinessCalendar) => {
      const t = localTime(at, zone);
      return (
        !calendar.weekend.includes(t.weekday) &&
        !calendar.holidays.includes(iso(t)) &&
        t.hour >= OFFICE_HOURS.startHour &&
        t.hour < OFFICE_HOURS.endHour
      );
    };
    fc.assert(
      fc.property(
        fc.constantFrom(...Object.values(calendars)),
        fc.integer({ min: Date.UTC(2026, 0, 1), max: Date.UTC(2028, 10, 1) }),
        ({ zone, calendar }, at) => {
          const next = nextAllowedInstant(at, OFFICE_HOURS, zone, calendar);
          expect(next).toBeGreaterThanOrEqual(at);
          expect(allowed(next, zone, calendar)).toBe(true);
          expect(nextAllowedInstant(next, OFFICE_HOURS, zone, calendar)).toBe(next);
          // Nothing allowed in between, checked on the hour.
          for (let h = Math.ceil(at / 3600_000) * 3600_000; h < next; h += 3600_000)
            expect(allowed(h, zone, calendar)).toBe(false);
        },
      ),
      { numRuns: 300 },
    );
  });
});
