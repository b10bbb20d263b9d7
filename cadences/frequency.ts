/** The frequency cap across every cadence (R11 quality over frequency): at most `max` marketing e-mails per lead per `periodMs`. */
export interface FrequencyCap {
  max: number;
  periodMs: number;
}

/** At most 2 marketing e-mails per lead per 7 days. */
export const DEFAULT_FREQUENCY_CAP: FrequencyCap = { max: 2, periodMs: 7 * 24 * 60 * 60 * 1000 };

/** The earliest instant at or after `now` when one more marketing e-mail stays within the cap. */
export function nextUnderCap(
  sentAt: readonly number[],
  now: number,
  cap: FrequencyCap = DEFAULT_FREQUENCY_CAP,
): number {
  const recent = sentAt.filter((t) => t > now - cap.periodMs && t <= now).sort((a, b) => a - b);
  if (recent.length < cap.max) return now;
  // The send that must fall out of the period before another may go.
  return recent[recent.length - cap.max]! + cap.periodMs;
}
