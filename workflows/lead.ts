import {
  condition,
  proxyActivities,
  setCurrentDetails,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { LeadActivities } from '../activities';
import {
  captureSignal,
  firstContactSignal,
  leadStateQuery,
  SearchAttributes,
  type CaptureTouch,
  type LeadStage,
  type LeadState,
  type LeadWorkflowInput,
} from './contracts';

/** R6: the rep's first logged contact is due within this. */
export const FIRST_CONTACT_SLA = '20 minutes';

const { sendFirstTouchEmail, recordStage } = proxyActivities<LeadActivities>({
  startToCloseTimeout: '1 minute',
  // Departs from the default: back off up to 5 minutes so an SMTP or database outage is ridden out,
  // and never retry a lead that does not exist or a message the SMTP server refused for good.
  retry: { initialInterval: '1 second', maximumInterval: '5 minutes', nonRetryableErrorTypes: ['LeadNotFound', 'NoEmailAddress', 'EmailRejected'] },
});

/** One lead's life as a durable workflow: captured, answered at once, then waiting for the rep. */
export async function leadWorkflow(input: LeadWorkflowInput): Promise<LeadState> {
  const { workflowId } = workflowInfo();
  const captures: CaptureTouch[] = [];
  let stage: LeadStage = 'new';
  let firstTouchEmailSent = false;
  let firstContactAt: string | undefined;
  let waitingFor = 'the first-touch e-mail';

  const state = (): LeadState => ({ leadId: input.leadId, stage, captures: captures.length, firstTouchEmailSent, waitingFor });
  setHandler(leadStateQuery, state);
  setHandler(captureSignal, (touch) => {
    captures.push(touch);
  });
  setHandler(firstContactSignal, ({ at }) => {
    firstContactAt ??= at;
  });

  const waitFor = (what: string) => {
    waitingFor = what;
    setCurrentDetails(`Waiting for ${what}`);
  };
  const moveTo = async (next: LeadStage) => {
    stage = next;
    upsertSearchAttributes([{ key: SearchAttributes.LeadStage, value: next }]);
    await recordStage.executeWithOptions({ summary: `record stage ${next}` }, [{ leadId: input.leadId, stage: next }]);
  };

  // R6, R7: a personal answer goes out at once, before anything else.
  if (input.reachableBy.email) {
    await sendFirstTouchEmail.executeWithOptions(
      { summary: 'send the personal first-touch e-mail' },
      [{ leadId: input.leadId, sendKey: `${workflowId}/first-touch` }],
    );
    firstTouchEmailSent = true;
  }
  await moveTo('contacting');

  // R6: wait for the rep's first logged contact, or the SLA timer.
  waitFor(`the rep's first contact (SLA ${FIRST_CONTACT_SLA})`);
  const contacted = await condition(() => firstContactAt !== undefined, FIRST_CONTACT_SLA, { summary: `first-contact SLA of ${FIRST_CONTACT_SLA}` });
  waitFor(contacted ? 'the next step of the lifecycle' : 'the rep: the first-contact SLA was breached');
  return state();
}
