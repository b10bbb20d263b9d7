/** Telling a lead's workflow about engagement the API has recorded (R12): one signal per lead per request. */
import type { Client } from '@temporalio/client';
import { engagementSignal, engagementsSignal, leadWorkflowId, type EngagementSignal } from '../workflows/contracts';

/** A closed lead (converted, disqualified, its year over) or an erased one has no workflow to tell. */
export function isWorkflowGone(err: unknown): boolean {
  const e = err as { name?: string; message?: string } | undefined;
  return (
    e?.name === 'WorkflowNotFoundError' || /workflow execution already completed|not found/i.test(e?.message ?? '')
  );
}

/**
 * Signals the lead's workflow with events already stored in PostgreSQL (`recorded`): one event as
 * `engagement`, several as one `engagements` signal. Answers false when the workflow has ended;
 * a Temporal outage throws (the caller answers 503 or lets the next re-score count the events).
 */
export async function forwardEngagements(
  temporal: Client,
  deadlineMs: number,
  leadId: string,
  signals: EngagementSignal[],
): Promise<boolean> {
  if (signals.length === 0) return true;
  const handle = temporal.workflow.getHandle(leadWorkflowId(leadId));
  const recorded = signals.map((s) => ({ ...s, recorded: true }));
  try {
    await temporal.connection.withDeadline(Date.now() + deadlineMs, () =>
      recorded.length === 1
        ? handle.signal(engagementSignal, recorded[0]!)
        : handle.signal(engagementsSignal, recorded),
    );
    return true;
  } catch (err) {
    if (isWorkflowGone(err)) return false;
    throw err;
  }
}
