/**
 * R6, R7, R16: the welcome in one activity — route the lead, then send the personal first touch
 * signed by that rep — so nothing waits between the capture and the first touch. Both halves
 * are idempotent by their keys, so a retry after a crash repeats neither.
 */
import type { Assignment } from '../db/reps';
import type { SendResult } from './outbox';
import type { createNotifyActivities } from './send-email';
import type { createRoutingActivities } from './routing';

interface WelcomeDeps {
  routing: ReturnType<typeof createRoutingActivities>;
  notify: ReturnType<typeof createNotifyActivities>;
}

export function createWelcomeActivities({ routing, notify }: WelcomeDeps) {
  return {
    async welcomeLead(input: {
      leadId: string;
      assignmentKey: string;
      at: string;
      sendFirstTouch: boolean;
      sendKey: string;
    }): Promise<{ assignment: Assignment | null; email: SendResult | null }> {
      const assignment = await routing.assignRep({
        leadId: input.leadId,
        assignmentKey: input.assignmentKey,
        at: input.at,
      });
      const email = input.sendFirstTouch
        ? await notify.sendFirstTouchEmail({
            leadId: input.leadId,
            sendKey: input.sendKey,
            repId: assignment?.repId ?? null,
          })
        : null;
      return { assignment, email };
    },
  };
}
