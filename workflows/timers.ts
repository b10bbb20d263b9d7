/**
 * The lead's clock: the run sleeps until the journey's earliest timer (`wake`), and wakes early
 * when a decision moves that timer or the run must continue as new. One Temporal timer per
 * distinct wake time, so effects reporting back cost no timers.
 */
import { condition } from '@temporalio/workflow';
import type { JourneyState } from '../domain/journey';

/** Waits until the state's wake time (true: due now) or until `interrupt` holds (false). */
export async function sleepUntilWake(state: () => JourneyState, interrupt: () => boolean): Promise<boolean> {
  const { wake, lead } = state();
  const moved = () => state().wake !== wake || interrupt();
  if (wake === null) {
    await condition(moved);
    return false;
  }
  const ms = wake - Date.now();
  if (ms <= 0) return true;
  return !(await condition(moved, ms, { summary: `wait for ${lead.waitingFor}` }));
}
