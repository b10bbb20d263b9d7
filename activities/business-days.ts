/**
 * A lead's country's working days (issue 14.5): the weekend from CLDR (Intl.Locale's week info) and
 * the public holidays of its country and region from date-holidays.
 *
 * Computed here, in an activity, and not in the workflow: the result is recorded in the lead's
 * history, so a later upgrade of date-holidays' rules or of Node's ICU data can never make a running
 * lead replay differently, and the workflow bundle stays free of a 1 MB rules library (and of
 * date-holidays' own time-zone code). The workflow gets plain data and decides purely.
 */
import Holidays from 'date-holidays';
import type { BusinessCalendar } from '../cadences/types';

/** Country names leads are captured with (English and the country's own), to ISO 3166 codes. */
const BY_NAME: Record<string, string> = {
  finland: 'FI',
  suomi: 'FI',
  åland: 'AX',
  ukraine: 'UA',
  україна: 'UA',
  iran: 'IR',
  ایران: 'IR',
  greece: 'GR',
  ελλάδα: 'GR',
  sweden: 'SE',
  norway: 'NO',
  denmark: 'DK',
  estonia: 'EE',
  germany: 'DE',
  'united kingdom': 'GB',
  uk: 'GB',
  'united states': 'US',
  usa: 'US',
};

/** The ISO 3166-1 alpha-2 code of a captured country (code or name), if known. */
export function countryCode(country: string | null | undefined): string | undefined {
  const key = country?.trim().toLowerCase() ?? '';
  if (BY_NAME[key]) return BY_NAME[key];
  return /^[a-z]{2}$/.test(key) ? key.toUpperCase() : undefined;
}

interface WeekInfo {
  weekend: number[];
}

/** CLDR's weekend for a country (Iran: Friday; most of Europe: Saturday and Sunday); ISO weekdays. */
export function weekendOf(code: string | undefined): number[] {
  if (!code) return [6, 7];
  try {
    // Node 20 (V8 11) has the `weekInfo` getter; later versions the `getWeekInfo()` method.
    const locale = new Intl.Locale(`und-${code}`) as Intl.Locale & {
      weekInfo?: WeekInfo;
      getWeekInfo?: () => WeekInfo;
    };
    return [...((locale.getWeekInfo?.() ?? locale.weekInfo)?.weekend ?? [6, 7])].sort();
  } catch {
    return [6, 7];
  }
}

/** Holidays on which businesses are closed: public ones, and bank holidays (Finland's Midsummer Eve and Christmas Eve). */
const CLOSED = new Set(['public', 'bank']);

/**
 * Computed holiday lists, by country, region and years: date-holidays builds a country's rules on every
 * `init` (about 10 ms of CPU, the largest part of a new lead's activities before this cache). The rules
 * are fixed for the process's life, so an entry never goes stale; the bound only keeps odd regions from
 * growing the map.
 */
const HOLIDAYS_CACHE = new Map<string, string[]>();
const HOLIDAYS_CACHE_MAX = 1000;

/** The local dates of the country's (and region's) closed holidays in `fromYear` … `fromYear + years - 1`. */
export function holidaysOf(code: string | undefined, region: string | null | undefined, fromYear: number, years = 3) {
  if (!code) return [];
  const key = `${code}|${region?.trim().toLowerCase() ?? ''}|${fromYear}|${years}`;
  const cached = HOLIDAYS_CACHE.get(key);
  if (cached) return [...cached];
  const dates = computeHolidays(code, region, fromYear, years);
  if (HOLIDAYS_CACHE.size >= HOLIDAYS_CACHE_MAX) HOLIDAYS_CACHE.delete(HOLIDAYS_CACHE.keys().next().value!);
  HOLIDAYS_CACHE.set(key, dates);
  return [...dates];
}

function computeHolidays(code: string, region: string | null | undefined, fromYear: number, years: number): string[] {
  const calendar = new Holidays();
  const states = calendar.getStates(code) ?? {};
  const wanted = region?.trim().toLowerCase();
  const state = Object.entries(states).find(
    ([id, name]) => id.toLowerCase() === wanted || name.toLowerCase() === wanted,
  )?.[0];
  if (state) calendar.init(code, state);
  else calendar.init(code); // an unknown country has no holidays: only its weekend applies
  const dates = new Set<string>();
  for (let year = fromYear; year < fromYear + years; year++)
    for (const holiday of calendar.getHolidays(year))
      if (CLOSED.has(holiday.type)) dates.add(holiday.date.slice(0, 10));
  return [...dates].sort();
}

/** The business calendar for a lead: this year's and the next two years' holidays. */
export function businessCalendar(
  lead: { country?: string | null; region?: string | null },
  now: Date,
  years = 3,
): BusinessCalendar {
  const code = countryCode(lead.country);
  const fromYear = now.getUTCFullYear();
  return {
    weekend: weekendOf(code),
    holidays: holidaysOf(code, lead.region, fromYear, years),
    through: fromYear + years - 1,
  };
}
