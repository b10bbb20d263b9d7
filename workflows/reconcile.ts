/** The reconciliation sweep as a workflow, so a Temporal Schedule can run it (worker/reconcile.ts). */
import { proxyActivities } from '@temporalio/workflow';
import type { ReconcileActivities, ReconcileReport } from '../activities/reconcile';

const { reconcileLeads } = proxyActivities<ReconcileActivities>({
  startToCloseTimeout: '10 minutes',
  // The next scheduled run picks up where this one failed; no need to retry for long.
  retry: { initialInterval: '10 seconds', maximumAttempts: 3 },
});

export async function reconcileWorkflow(input: { leadIds?: string[] } = {}): Promise<ReconcileReport> {
  return reconcileLeads(input);
}
