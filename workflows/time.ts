/** Deterministic time helpers for workflow code (Date.now() is the SDK's workflow clock there). */
import type { Duration } from '@temporalio/common';
import { msToNumber } from '@temporalio/common/lib/time';

export function durationMs(duration: Duration): number {
  return msToNumber(duration);
}

/** Workflow time (or the given epoch ms) as an ISO string. */
export function iso(at: number = Date.now()): string {
  return new Date(at).toISOString();
}
