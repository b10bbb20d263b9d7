/** What a lead's history shows of its effects, decoded: each activity run, a batch's effects counted one by one. */
import { leadWorkflowId } from '../../workflows/contracts';
import { LeadPayloadCodec } from '../../privacy/codec';
import { decodeHistory } from '../../privacy/history';
import type { Stack } from './stack';

export interface ScheduledActivity {
  /** The activity, or for an effect in a batch (`runEffects`) the activity it ran there. */
  activity: string;
  taskQueue: string;
  /** Whether it ran inside a batch. */
  batched: boolean;
  /** The workflow task that scheduled it (its WorkflowTaskCompleted event id). */
  workflowTask: number;
}

export async function scheduledActivities(stack: Pick<Stack, 'client' | 'keys'>, leadId: string) {
  const history = await stack.client.workflow.getHandle(leadWorkflowId(leadId)).fetchHistory();
  await decodeHistory(history, new LeadPayloadCodec(stack.keys));
  const out: ScheduledActivity[] = [];
  for (const e of history.events ?? []) {
    const a = e.activityTaskScheduledEventAttributes;
    if (!a) continue;
    const base = { taskQueue: a.taskQueue?.name ?? '', workflowTask: Number(a.workflowTaskCompletedEventId) };
    if (a.activityType?.name !== 'runEffects') {
      out.push({ ...base, activity: a.activityType?.name ?? '', batched: false });
      continue;
    }
    const [input] = (a.input?.payloads ?? []).map(
      (p) => JSON.parse(Buffer.from(p.data ?? []).toString()) as { effects: { activity: string }[] },
    );
    for (const effect of input!.effects) out.push({ ...base, activity: effect.activity, batched: true });
  }
  return out;
}
