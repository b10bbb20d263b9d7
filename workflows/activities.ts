import { proxyActivities } from '@temporalio/workflow';
import type { LeadActivities } from '../activities';

/**
 * All lead activities, retried with backoff until they succeed, so an SMTP or database outage
 * is ridden out (departs from the default: a 5-minute cap on the interval). A lead that does not
 * exist, or a message the SMTP server refused for good, is never retried. An attempt lost with
 * its worker (a crash mid-send) is retried after 30 seconds: each takes well under that (the
 * worker's SMTP socket timeout is 20 s).
 */
export const activities = proxyActivities<LeadActivities>({
  startToCloseTimeout: '30 seconds',
  retry: {
    initialInterval: '1 second',
    maximumInterval: '5 minutes',
    nonRetryableErrorTypes: ['LeadNotFound', 'NoEmailAddress', 'EmailRejected'],
  },
});
