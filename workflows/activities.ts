import { proxyActivities, workflowInfo, type ActivityOptions } from '@temporalio/workflow';
import type { LeadActivities, MailActivities } from '../activities';
import { emailTaskQueue, noticesTaskQueue } from './contracts';

/**
 * Retried with backoff until they succeed, so an SMTP or database outage is ridden out (departs
 * from the default: a 5-minute cap on the interval). No decision waits for them: each runs on
 * its own and reports back. A lead that does not exist, or has no e-mail address, is never
 * retried; a message the SMTP server refused for good is no error at all (the send ends
 * `bounced`). An attempt lost with its worker (a crash mid-send) is retried after 30 seconds:
 * each takes well under that (the worker's SMTP socket timeout is 20 s).
 */
const OPTIONS: ActivityOptions = {
  startToCloseTimeout: '30 seconds',
  retry: {
    initialInterval: '1 second',
    maximumInterval: '5 minutes',
    nonRetryableErrorTypes: ['LeadNotFound', 'NoEmailAddress'],
  },
};

/** All lead activities, on the lead's own task queue. */
export const activities = proxyActivities<LeadActivities>(OPTIONS);

/**
 * The e-mail activities, on a task queue of their own (`<queue>-email`) whose worker caps sends
 * per second for the mail provider, so a burst of captures cannot get the sender blocked.
 */
export function mail() {
  return proxyActivities<MailActivities>({ ...OPTIONS, taskQueue: emailTaskQueue(workflowInfo().taskQueue) });
}

/**
 * The notices to reps and managers (`notifyRep`, `notifyManager`), on `<queue>-notices`: internal
 * mail, not under the provider's rate, so it neither delays nor waits behind the leads' first touches.
 */
export function notices() {
  return proxyActivities<Pick<MailActivities, 'notifyRep' | 'notifyManager'>>({
    ...OPTIONS,
    taskQueue: noticesTaskQueue(workflowInfo().taskQueue),
  });
}
