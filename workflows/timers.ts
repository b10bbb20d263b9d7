/**
 * The lead's clock: the run sleeps until the journey's earliest timer (`wake`), and wakes early
 * when a decision moves that timer or the run must continue as new. One Temporal timer per
 * distinct wake time, so effects reporting back cost no timers. A timer is never cancelled: one
 * the wake moved away from fires later and changes nothing. (The time-skipping test server can
 * refuse a CancelTimer for a timer that fired during the same workflow task and then never hands
 * the run another task: temporalio/sdk-java #2606, #3088.)
 */
import { condition, sleep } from '@temporalio/workflow';
import type { JourneyState } from '../domain/journey';

export class LeadClock {
  /** Timers started and not yet fired, by the wake time they were started for. */
  private readonly timers = new Map<number, { fired: boolean }>();

  /** Waits until the state's wake time (true: due now) or until the wake moves or `interrupt` holds (false). */
  async sleepUntilWake(state: () => JourneyState, interrupt: () => boolean): Promise<boolean> {
    const { wake, lead } = state();
    const moved = () => state().wake !== wake || interrupt();
    if (wake === null) {
      await condition(moved);
      return false;
    }
    if (wake <= Date.now()) return true;
    let timer = this.timers.get(wake);
    if (!timer) {
      const started = { fired: false };
      this.timers.set(wake, started);
      void sleep(wake - Date.now(), { summary: `wait for ${lead.waitingFor}` }).then(() => {
        started.fired = true;
        this.timers.delete(wake);
      });
      timer = started;
    }
    const due = timer;
    await condition(() => due.fired || moved());
    return due.fired && state().wake === wake;
  }
}
