/** bench/sdk-memory.ts's workflow: one activity, then a month asleep on a timer (no I/O, no state to speak of). */
import { proxyActivities, sleep } from '@temporalio/workflow';

const { started } = proxyActivities<{ started(): Promise<void> }>({ startToCloseTimeout: '1 minute' });

export async function sleeperWorkflow(): Promise<void> {
  await started();
  await sleep('30 days');
}
