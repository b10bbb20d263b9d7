/** The Temporal Schedule that runs the reconciliation sweep (activities/reconcile.ts) every few minutes. */
import { ScheduleAlreadyRunning, ScheduleOverlapPolicy, type Client } from '@temporalio/client';
import type { reconcileWorkflow } from '../workflows';

/** The schedule's id for a task queue (one sweep per deployment). */
export const reconcileScheduleId = (taskQueue: string) => `ripen-reconcile-${taskQueue}`;

/**
 * Creates the schedule if it is not there (every worker calls this at start; the first one wins,
 * the others find it). A run still going when the next is due is not doubled (SKIP).
 */
export async function ensureReconcileSchedule(
  client: Client,
  options: { taskQueue: string; every: string },
): Promise<'created' | 'exists'> {
  const scheduleId = reconcileScheduleId(options.taskQueue);
  try {
    await client.schedule.create({
      scheduleId,
      spec: { intervals: [{ every: options.every as `${number} minutes` }] },
      action: {
        type: 'startWorkflow',
        workflowType: 'reconcileWorkflow' satisfies (typeof reconcileWorkflow)['name'],
        workflowId: `${scheduleId}-run`,
        taskQueue: options.taskQueue,
        args: [{}],
      },
      policies: { overlap: ScheduleOverlapPolicy.SKIP },
      memo: { what: 'Finds lead rows without a workflow and rows that disagree with theirs, and repairs them' },
    });
    return 'created';
  } catch (err) {
    if (err instanceof ScheduleAlreadyRunning) return 'exists';
    throw err;
  }
}
