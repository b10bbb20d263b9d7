import { ApplicationFailure, Context } from '@temporalio/activity';

/**
 * Attempts during which a missing lead row counts as "not visible yet". A capture commits its
 * transaction just after Temporal has accepted the workflow's signal (api/capture.ts: so a
 * capture Temporal refused leaves nothing behind), so the first activities can run before the
 * row is visible. With the 1 s initial retry interval doubling, five attempts wait ~15 s.
 */
export const LEAD_VISIBILITY_ATTEMPTS = 5;

/** The failure for a lead row that is not there: retried while it may still be committing, then final. */
export function leadNotFound(leadId: string): ApplicationFailure {
  const attempt = currentAttempt();
  if (attempt !== undefined && attempt < LEAD_VISIBILITY_ATTEMPTS) {
    return ApplicationFailure.retryable(
      `Lead ${leadId} is not visible yet (attempt ${attempt}); its capture may still be committing`,
      'LeadNotYetVisible',
    );
  }
  return ApplicationFailure.nonRetryable(`Lead ${leadId} does not exist`, 'LeadNotFound');
}

/** The running activity's attempt; undefined when called outside an activity (a direct call in a script or test). */
function currentAttempt(): number | undefined {
  try {
    return Context.current().info.attempt;
  } catch {
    return undefined;
  }
}
