/**
 * One lead's whole journey as a durable workflow (R3–R20). Every event — a capture, a rep's
 * outcome, engagement, a handoff decision, a timer, an effect's result — is applied the moment it
 * arrives by the pure decision core (domain/journey); the effects it decides run concurrently
 * (effects.ts) and report back as events. No decision waits on an effect, so a retrying e-mail
 * never holds up the rep's updates or the lead's timers.
 */
import {
  allHandlersFinished,
  condition,
  continueAsNew,
  patched,
  setCurrentDetails,
  setHandler,
  sleep,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { UpdateDefinition } from '@temporalio/common';
import {
  decide,
  initialState,
  refusal,
  rememberedAnswer,
  REMEMBERED_ANSWERS,
  runIsOver,
  type JourneyConfig,
  type JourneyEvent,
  type JourneyState,
} from '../domain/journey';
import { DEFAULT_POLICY } from '../domain/lifecycle';
import {
  captureSignal,
  closeOpportunityUpdate,
  decideHandoffUpdate,
  engagementSignal,
  engagementsSignal,
  eraseSignal,
  flagJunkUpdate,
  leadStateQuery,
  mailStoppedSignal,
  reassignSignal,
  reportOutcomeUpdate,
  resyncSignal,
  reviewJunkUpdate,
  scheduleActivityUpdate,
  SearchAttributes,
  type LeadState,
  type LeadWorkflowInput,
} from './contracts';
import { EffectRunner } from './effects';
import { LeadClock } from './timers';

/** Past this many history events the run continues as new, well before Temporal's limits. */
const HISTORY_EVENTS_BEFORE_CONTINUE = 2_000;

export async function leadWorkflow(input: LeadWorkflowInput): Promise<LeadState> {
  const config: JourneyConfig = {
    policy: { ...DEFAULT_POLICY, ...input.policy },
    timeScale: input.timeScale ?? 1,
    // N3: a running lead moves to a cadence's newer version only where the code that records the move ran (pinned vs migrate).
    mayMigrate: (cadenceId, version) => patched(`cadence-${cadenceId}-v${version}`),
    // Issue 15: a score's "next grade change" sets a re-score timer only where the code that records it ran.
    timedScores: () => patched('scores-over-time'),
    buyerStageMoves: () => patched('buyer-stage-moves'),
    // Issue 12: an effect that failed for good is recorded as a touch and alerted; older runs replay without.
    recordFailures: () => patched('record-effect-failures'),
    contentByStage: () => patched('content-by-stage'),
    // An engagement re-sent by the sweep after an unconfirmed answer counts once; older runs replay as they ran.
    engagementOnce: () => patched('engagement-once'),
    // A reassignment sent again after a late answer moves the lead once; older runs replay as they ran.
    reassignFromOwnerOnly: () => patched('reassign-from-owner-only'),
    // R6: a new lead's SLA runs from the request (this run's start: the API's signalWithStart); older runs replay as they ran.
    requestedAt: () => (!input.carried && patched('sla-from-request') ? workflowInfo().startTime.getTime() : null),
  };
  const { workflowId, firstExecutionRunId } = workflowInfo();
  let state: JourneyState =
    input.carried?.journey ??
    initialState(
      {
        leadId: input.leadId,
        workflowId,
        firstRunId: firstExecutionRunId,
        reachableBy: input.reachableBy,
        buyerStage: input.buyerStage,
        marketingConsent: input.marketingConsent,
        storedStage: input.storedStage,
      },
      Date.now(),
    );
  const answered = new Map<string, LeadState>(input.carried?.answered ?? []);
  const runner = new EffectRunner(input.leadId, (event) => void apply(event));
  let published = '';

  /** Decides, starts the effects, shows the result. */
  function apply(event: JourneyEvent): LeadState {
    const decided = decide(state, event, Date.now(), config);
    state = decided.state;
    runner.startAll(decided.effects);
    publish(state);
    return state.lead;
  }

  /** An update: refused by its validator if the lead cannot take it; a repeated request id answers the first answer. */
  function onRequest<T extends { requestId: string }>(
    update: UpdateDefinition<LeadState, [T]>,
    toEvent: (body: T) => JourneyEvent,
  ): void {
    setHandler(update, (body) => answered.get(body.requestId) ?? remember(body.requestId, apply(toEvent(body))), {
      validator: (body) => {
        const why = answered.has(body.requestId) ? null : refusal(state, toEvent(body));
        if (why) throw new Error(why);
      },
    });
  }
  function remember(requestId: string, answer: LeadState): LeadState {
    answered.set(requestId, rememberedAnswer(answer));
    for (const oldest of answered.keys()) {
      if (answered.size <= REMEMBERED_ANSWERS) break;
      answered.delete(oldest);
    }
    return answer;
  }

  // Effects a previous run started and never heard back from run again (their keys make that safe),
  // before any handler is set: a buffered signal is applied the moment its handler is.
  runner.startAll(state.inFlight);

  setHandler(leadStateQuery, () => state.lead);
  setHandler(captureSignal, (touch) => void apply({ type: 'capture', touch }));
  setHandler(engagementSignal, (signal) => void apply({ type: 'engagement', signals: [signal] }));
  setHandler(engagementsSignal, (signals) => void apply({ type: 'engagement', signals }));
  setHandler(mailStoppedSignal, ({ reason }) => void apply({ type: 'mailStopped', reason }));
  setHandler(reassignSignal, ({ reason, fromRep }) => void apply({ type: 'reassign', reason, fromRep }));
  setHandler(eraseSignal, () => void apply({ type: 'erase' }));
  setHandler(resyncSignal, () => void apply({ type: 'resync' }));
  onRequest(reportOutcomeUpdate, (report) => ({ type: 'outcome', report }));
  onRequest(decideHandoffUpdate, (decision) => ({ type: 'handoff', decision }));
  onRequest(flagJunkUpdate, (request) => ({ type: 'junkFlag', request }));
  onRequest(reviewJunkUpdate, (request) => ({ type: 'junkReview', request }));
  onRequest(closeOpportunityUpdate, (close) => ({ type: 'opportunity', close }));
  onRequest(scheduleActivityUpdate, (schedule) => ({ type: 'schedule', schedule }));

  apply({ type: 'tick' });

  const historyLimit = input.historyLimit ?? HISTORY_EVENTS_BEFORE_CONTINUE;
  const mustContinue = () => workflowInfo().continueAsNewSuggested || workflowInfo().historyLength > historyLimit;
  const clock = new LeadClock();
  while (!runIsOver(state)) {
    if (
      await clock.sleepUntilWake(
        () => state,
        () => runIsOver(state) || mustContinue(),
      )
    )
      apply({ type: 'tick' });
    else if (mustContinue() && !runIsOver(state)) {
      // The effects under way now get a minute to report back (new ones may start meanwhile); any still
      // retrying then (an outage) start again in the next run.
      const underWay = new Set(state.inFlight.map((effect) => effect.key));
      let minuteOver = false;
      void sleep('1 minute').then(() => (minuteOver = true)); // not cancelled either (see timers.ts)
      await condition(() => minuteOver || !state.inFlight.some((effect) => underWay.has(effect.key)));
      await condition(allHandlersFinished);
      return continueAsNew<typeof leadWorkflow>({ ...input, carried: { journey: state, answered: [...answered] } });
    }
  }
  // The lead's story is over for this run; its last writes still land before the run closes.
  await condition(() => state.inFlight.length === 0 && allHandlersFinished());
  return state.lead;

  /** Search attributes and current details a manager filters and reads in the Temporal UI (no personal data). */
  function publish(s: JourneyState): void {
    const lead = s.lead;
    const attributes = [
      lead.stage,
      input.source.channel,
      lead.grade,
      lead.score,
      lead.assignedRep,
      lead.attempts,
      lead.slaDeadline,
      lead.stalled,
    ];
    // Issue 15: the buyer stage and its clock, where the code that publishes them ran.
    const stageClock = patched('stage-clock-attributes');
    if (stageClock) attributes.push(lead.buyerStage, lead.buyerStageSince ?? null);
    const fingerprint = JSON.stringify(attributes);
    if (fingerprint !== published) {
      published = fingerprint;
      const since = lead.buyerStageSince ? new Date(lead.buyerStageSince) : null;
      upsertSearchAttributes([
        ...(stageClock
          ? [
              { key: SearchAttributes.BuyerStage, value: lead.buyerStage },
              { key: SearchAttributes.StageEnteredAt, value: since },
            ]
          : []),
        { key: SearchAttributes.LeadStage, value: lead.stage },
        { key: SearchAttributes.LeadSource, value: input.source.channel },
        { key: SearchAttributes.LeadGrade, value: lead.grade },
        { key: SearchAttributes.LeadScore, value: lead.score },
        { key: SearchAttributes.AssignedRep, value: lead.assignedRep },
        { key: SearchAttributes.AttemptCount, value: lead.attempts },
        { key: SearchAttributes.SlaDeadline, value: lead.slaDeadline ? new Date(lead.slaDeadline) : null },
        { key: SearchAttributes.Stalled, value: lead.stalled },
      ]);
    }
    setCurrentDetails(`**${lead.stage}** · waiting for ${lead.waitingFor}`);
  }
}
