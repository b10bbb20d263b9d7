/**
 * R7: the rep keeps notes and schedules the next activity. A scheduled call or meeting is a task
 * for the rep at once and a timer in the lead's workflow that reminds the rep when it is due.
 * Leads whose histories predate this keep their old course (patch `scheduled-activities`).
 */
import { patched } from '@temporalio/workflow';
import type { Actor } from './contracts';
import { activities, mail } from './activities';
import type { LeadRun, ScheduledActivity } from './lead-run';
import { iso } from './time';

/** A reminder the run waits for, shaped like the other timers of lead.ts. */
export interface ReminderTimer {
  at: number;
  what: string;
  fire: () => Promise<void>;
}

/** The rep's task for the activity (unless the caller made it already), and its reminder. */
export async function scheduleActivity(
  run: LeadRun,
  activity: { kind: 'call' | 'meeting'; at: string; note?: string; actor?: Actor },
  options: { taskCreated: boolean },
): Promise<void> {
  if (!options.taskCreated) {
    const title = `${activity.kind} scheduled by the rep${activity.note ? `: ${activity.note}` : ''}`;
    await activities.createTask.executeWithOptions({ summary: `${activity.kind} task at ${activity.at}` }, [
      { leadId: run.leadId, repId: run.state.assignedRep, taskKey: run.key('scheduled-activity'), kind: activity.kind, title, dueAt: activity.at },
    ]);
  }
  if (!patched('scheduled-activities')) return;
  (run.memory.scheduled ??= []).push({ kind: activity.kind, at: Date.parse(activity.at), note: activity.note });
}

/** One timer per scheduled activity still to be reminded. */
export function reminderTimers(run: LeadRun): ReminderTimer[] {
  return (run.memory.scheduled ?? []).map((activity) => ({
    at: activity.at,
    what: `the ${activity.kind} the rep scheduled for ${iso(activity.at)} (reminder)`,
    fire: () => remind(run, activity),
  }));
}

async function remind(run: LeadRun, activity: ScheduledActivity): Promise<void> {
  run.memory.scheduled = (run.memory.scheduled ?? []).filter((a) => a !== activity);
  if (!run.state.assignedRep) return;
  const why = `Scheduled ${activity.kind} at ${iso(activity.at)}${activity.note ? `: ${activity.note}` : ''}`;
  await mail().notifyRep({ leadId: run.leadId, repId: run.state.assignedRep, kind: 'activity_due', sendKey: run.key('notify-activity-due'), why });
}
