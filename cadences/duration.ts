/** A duration string (`'3 days'`) or milliseconds as milliseconds: pure, safe in workflow code and the decision core. */
import type { Duration } from '@temporalio/common';
import { msToNumber } from '@temporalio/common/lib/time';

export type { Duration };

export function durationMs(duration: Duration): number {
  return msToNumber(duration);
}
