/**
 * Send windows (business days, quiet hours) in the lead's time zone, computed with Intl alone:
 * pure and deterministic, so the workflow can call it directly. Daylight-saving changes are
 * handled by asking Intl for the offset at the instant itself, never by adding fixed hours.
 */
import type { BusinessCalendar, SendWindow } from './types';

/** A country's time zone when the lead gave none (ISO code or English name, lower case). Countries spanning zones use their capital's. */
const COUNTRY_TIME_ZONES: Record<string, string> = {
  fi: 'Europe/Helsinki',
  finland: 'Europe/Helsinki',
  se: 'Europe/Stockholm',
  sweden: 'Europe/Stockholm',
  no: 'Europe/Oslo',
  norway: 'Europe/Oslo',
  dk: 'Europe/Copenhagen',
  denmark: 'Europe/Copenhagen',
  ee: 'Europe/Tallinn',
  estonia: 'Europe/Tallinn',
  de: 'Europe/Berlin',
  germany: 'Europe/Berlin',
  gr: 'Europe/Athens',
  greece: 'Europe/Athens',
  ua: 'Europe/Kyiv',
  ukraine: 'Europe/Kyiv',
  ir: 'Asia/Tehran',
  iran: 'Asia/Tehran',
  gb: 'Europe/London',
  uk: 'Europe/London',
  'united kingdom': 'Europe/London',
  us: 'America/New_York',
  usa: 'America/New_York',
  'united states': 'America/New_York',
};

/** The lead's time zone: explicit if valid, else its country's, else the window's fallback. */
export function timeZoneFor(lead: { timeZone?: string | null; country?: string | null }, fallback: string): string {
  if (lead.timeZone && isTimeZone(lead.timeZone)) return lead.timeZone;
  return COUNTRY_TIME_ZONES[lead.country?.trim().toLowerCase() ?? ''] ?? fallback;
}

export function isTimeZone(name: string): boolean {
  try {
    formatter(name);
    return true;
  } catch {
    return false;
  }
}

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
      weekday: 'short',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

const WEEKDAYS: Record<string, number> = { Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6, Sun: 7 };

export interface LocalTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  /** ISO weekday, 1 = Monday. */
  weekday: number;
}

/** The wall-clock time at `at` (epoch ms) in `timeZone`. */
export function localTime(at: number, timeZone: string): LocalTime {
  const parts: Record<string, string> = {};
  for (const p of formatter(timeZone).formatToParts(new Date(at))) parts[p.type] = p.value;
  return {
    year: +parts.year!,
    month: +parts.month!,
    day: +parts.day!,
    hour: +parts.hour!,
    minute: +parts.minute!,
    second: +parts.second!,
    weekday: WEEKDAYS[parts.weekday!]!,
  };
}

/** `2026-03-29 09:00 Mon` style, for timelines. */
export function formatLocal(at: number, timeZone: string): string {
  const t = localTime(at, timeZone);
  const pad = (n: number) => String(n).padStart(2, '0');
  const day = Object.keys(WEEKDAYS)[t.weekday - 1];
  return `${t.year}-${pad(t.month)}-${pad(t.day)} ${pad(t.hour)}:${pad(t.minute)} ${day}`;
}

function offsetMs(at: number, timeZone: string): number {
  const t = localTime(at, timeZone);
  return Date.UTC(t.year, t.month - 1, t.day, t.hour, t.minute, t.second) - Math.floor(at / 1000) * 1000;
}

/** The instant the wall clock in `timeZone` shows this date and hour; in a DST gap (the hour does not exist), the first instant after it. */
export function zonedInstant(year: number, month: number, day: number, hour: number, timeZone: string): number {
  const wall = Date.UTC(year, month - 1, day, hour);
  const first = wall - offsetMs(wall, timeZone);
  const second = wall - offsetMs(first, timeZone);
  if (localTime(second, timeZone).hour === hour) return second;
  if (localTime(first, timeZone).hour === hour) return first;
  return Math.max(first, second);
}

const pad = (n: number) => String(n).padStart(2, '0');

/** Whether the local day is a business day: the lead's country works it, else it is one of the window's days. */
function businessDay(t: LocalTime, window: SendWindow, calendar: BusinessCalendar | undefined): boolean {
  if (!calendar) return window.days.includes(t.weekday);
  return (
    !calendar.weekend.includes(t.weekday) && !calendar.holidays.includes(`${t.year}-${pad(t.month)}-${pad(t.day)}`)
  );
}

function inWindow(t: LocalTime, window: SendWindow, calendar: BusinessCalendar | undefined): boolean {
  return businessDay(t, window, calendar) && t.hour >= window.startHour && t.hour < window.endHour;
}

/**
 * The earliest instant at or after `at` inside the send window in `timeZone`: `at` itself if it is
 * allowed, else the window's opening hour on the same or the next business day. With the lead's
 * country's calendar, business days are the ones it works (its weekend and public holidays skipped).
 */
export function nextAllowedInstant(
  at: number,
  window: SendWindow,
  timeZone: string,
  calendar?: BusinessCalendar,
): number {
  if (window.startHour >= window.endHour || (calendar ? calendar.weekend.length >= 7 : window.days.length === 0))
    throw new Error('The send window has no allowed hour');
  let t = at;
  // Five weeks: past any run of holidays and weekends a country has (Nowruz with its weekend is about a week).
  for (let i = 0; i < 36; i++) {
    const local = localTime(t, timeZone);
    if (inWindow(local, window, calendar)) return t;
    const sameDay = businessDay(local, window, calendar) && local.hour < window.startHour;
    const next = new Date(Date.UTC(local.year, local.month - 1, local.day + (sameDay ? 0 : 1)));
    t = Math.max(
      t + 1,
      zonedInstant(next.getUTCFullYear(), next.getUTCMonth() + 1, next.getUTCDate(), window.startHour, timeZone),
    );
  }
  throw new Error(`No allowed send time within five weeks of ${new Date(at).toISOString()}`);
}
