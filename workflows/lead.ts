/**
 * One lead's whole journey as a durable workflow (R3–R20): captured and answered at once,
 * routed to a rep, five contact attempts, nurture, qualification, handoff, conversion — or
 * kept as not interested and checked on for a year. Events (rep outcomes, engagement,
 * re-captures, handoff and junk decisions) queue in an inbox; timers are absolute times in
 * the run's state, so the story survives continueAsNew unchanged.
 */
import { allHandlersFinished, condition, continueAsNew, patched, setHandler, workflowInfo } from '@temporalio/workflow';
import { completeStep } from '../cadences';
import { acceptsOutcomes, afterScore, isAdvanced, isClosed, outcomeEffect, watchesSilence } from '../domain/lifecycle';
import { activities, mail } from './activities';
import {
  captureSignal,
  closeOpportunityUpdate,
  decideHandoffUpdate,
  engagementSignal,
  engagementsSignal,
  flagJunkUpdate,
  leadStateQuery,
  mailStoppedSignal,
  reportOutcomeUpdate,
  reviewJunkUpdate,
  scheduleActivityUpdate,
  type ActivitySchedule,
  type Actor,
  type CaptureTouch,
  type CarriedState,
  type EngagementEvent,
  type EngagementSignal,
  type HandoffDecision,
  type JunkFlagRequest,
  type JunkReviewRequest,
  type LeadState,
  type LeadWorkflowInput,
  type OpportunityClose,
  type OutcomeReport,
} from './contracts';
import { LeadRun } from './lead-run';
import { reminderTimers, scheduleActivity } from './scheduled';
import { iso } from './time';

type LeadEvent =
  | { type: 'capture'; touch: CaptureTouch }
  | { type: 'engagement'; signal: EngagementSignal }
  | { type: 'outcome'; report: OutcomeReport }
  | { type: 'handoff'; decision: HandoffDecision }
  | { type: 'junkFlag'; request: JunkFlagRequest }
  | { type: 'junkReview'; request: JunkReviewRequest }
  | { type: 'opportunity'; close: OpportunityClose }
  | { type: 'schedule'; schedule: ActivitySchedule };

/** Past this many history events the run continues as new, well before Temporal's limits. */
const HISTORY_EVENTS_BEFORE_CONTINUE = 2_000;
/** How many answered requests to remember for idempotent repeats (Idempotency-Key). */
const REMEMBERED_REQUESTS = 200;

export async function leadWorkflow(input: LeadWorkflowInput): Promise<LeadState> {
  const run = new LeadRun(input);
  const carried = input.carried as CarriedState | undefined;
  const inbox: Inbox = (carried?.pending as Inbox | undefined) ?? [];
  const answered = new Map<string, LeadState>(carried?.seenRequests ?? []);
  const historyLimit = input.historyLimit ?? HISTORY_EVENTS_BEFORE_CONTINUE;

  // --- Temporal surface: a query, signals for fire-and-forget events, updates where the caller needs an answer.
  setHandler(leadStateQuery, () => run.state);
  setHandler(captureSignal, (touch) => void inbox.push({ event: { type: 'capture', touch } }));
  setHandler(engagementSignal, (signal) => void inbox.push({ event: { type: 'engagement', signal } }));
  setHandler(engagementsSignal, (signals) => signals.forEach((signal) => inbox.push({ event: { type: 'engagement', signal } })));
  setHandler(mailStoppedSignal, ({ reason }) => run.stopMail(reason));

  /** Queues a request and answers with the lead's state once it is handled; a repeated request id answers the first answer. */
  const submit = async (requestId: string, event: LeadEvent): Promise<LeadState> => {
    const earlier = answered.get(requestId);
    if (earlier) return earlier;
    if (!inbox.some((item) => item.requestId === requestId)) inbox.push({ event, requestId });
    await condition(() => answered.has(requestId));
    return answered.get(requestId)!;
  };
  const open = (requestId: string, allowed: boolean, why: string) => {
    if (!answered.has(requestId) && !allowed) throw new Error(why);
  };
  setHandler(reportOutcomeUpdate, (report) => submit(report.requestId, { type: 'outcome', report }), {
    validator: (r) => open(r.requestId, acceptsOutcomes(run.state.stage), `The lead is ${run.state.stage}: it takes no more outcomes`),
  });
  setHandler(decideHandoffUpdate, (decision) => submit(decision.requestId, { type: 'handoff', decision }), {
    validator: (d) => open(d.requestId, run.state.stage === 'qualified', `The lead is ${run.state.stage}, not waiting for a handoff decision`),
  });
  setHandler(flagJunkUpdate, (request) => submit(request.requestId, { type: 'junkFlag', request }), {
    validator: (r) => open(r.requestId, !isClosed(run.state.stage), `The lead is ${run.state.stage}`),
  });
  setHandler(reviewJunkUpdate, (request) => submit(request.requestId, { type: 'junkReview', request }), {
    validator: (r) => open(r.requestId, run.state.junkFlagged, 'The lead is not flagged as junk'),
  });
  setHandler(closeOpportunityUpdate, (close) => submit(close.requestId, { type: 'opportunity', close }), {
    validator: (c) => open(c.requestId, run.state.stage === 'handed_off', `The lead is ${run.state.stage}, it has no open opportunity`),
  });

  setHandler(scheduleActivityUpdate, (schedule) => submit(schedule.requestId, { type: 'schedule', schedule }), {
    validator: (s) => open(s.requestId, !isClosed(run.state.stage), `The lead is ${run.state.stage}: nothing more can be scheduled`),
  });

  // --- The story.
  if (!carried && run.state.stage === 'new') await welcome(run);
  await run.publish();

  while (!isClosed(run.state.stage) && !run.finished) {
    const timer = nextTimer(run);
    run.waitFor(timer?.what ?? 'the rep or the lead to act');
    await run.publish();
    const gotEvent = await run.waitUntil(() => inbox.length > 0, timer?.at, timer?.what ?? '');
    if (gotEvent) {
      const requestId = await handleNext(run, inbox);
      if (requestId) remember(answered, requestId, { ...run.state });
    } else {
      await timer!.fire();
    }

    const { historyLength, continueAsNewSuggested } = workflowInfo();
    if (continueAsNewSuggested || historyLength > historyLimit) {
      // Answer every queued request first, so no update is left waiting on this run. Signals need no
      // answer: they go to the next run with the rest of the inbox, so a steady stream of engagement
      // cannot hold this run open (patch coalesce-engagement; older runs drained everything).
      const carrySignals = patched('coalesce-engagement');
      const toHandle = () => (carrySignals ? inbox.some((item) => item.requestId !== undefined) : inbox.length > 0);
      for (;;) {
        while (toHandle()) {
          const requestId = await handleNext(run, inbox);
          if (requestId) remember(answered, requestId, { ...run.state });
        }
        if (allHandlersFinished()) break;
        await condition(() => toHandle() || allHandlersFinished());
      }
      await run.publish();
      return continueAsNew<typeof leadWorkflow>({ ...input, carried: run.carry(inbox, [...answered]) });
    }
  }
  run.waitFor(isClosed(run.state.stage) ? 'nothing: the lead is closed' : 'a new capture: the year of nurture is over');
  await run.publish();
  await condition(allHandlersFinished);
  return run.state;
}

type Inbox = { event: LeadEvent; requestId?: string }[];

/**
 * Handles the event at the head of the inbox and answers its request id. Engagement events
 * waiting together are handled as one batch (one re-score, one alert): a burst of a thousand
 * page views costs a few history events, not thousands (patch `coalesce-engagement`; leads
 * whose histories predate it replay one event at a time).
 */
async function handleNext(run: LeadRun, inbox: Inbox): Promise<string | undefined> {
  const { event, requestId } = inbox.shift()!;
  if (event.type === 'engagement' && patched('coalesce-engagement')) {
    const signals = [event.signal];
    while (inbox[0]?.event.type === 'engagement') signals.push((inbox.shift()!.event as { signal: EngagementSignal }).signal);
    await engagedTogether(run, signals);
  } else {
    await handle(run, event);
  }
  return requestId;
}

function remember(answered: Map<string, LeadState>, requestId: string, state: LeadState): void {
  answered.set(requestId, state);
  for (const oldest of answered.keys()) {
    if (answered.size <= REMEMBERED_REQUESTS) break;
    answered.delete(oldest);
  }
}

/** R16, R6, R7: route to a rep, answer personally at once, tell the rep, start the clock. */
async function welcome(run: LeadRun): Promise<void> {
  await assignRep(run, undefined);
  const mql = await run.rescore('captured');
  if (run.input.reachableBy.email) {
    const sent = await mail().sendFirstTouchEmail.executeWithOptions({ summary: 'send the personal first-touch e-mail' }, [
      { leadId: run.leadId, sendKey: `${workflowInfo().workflowId}/first-touch`, repId: run.state.assignedRep },
    ]);
    run.afterSend(sent);
    run.state.firstTouchEmailSent = sent.status === undefined || sent.status === 'sent' || sent.status === 'already_sent';
  }
  if (run.state.assignedRep) {
    await mail().notifyRep({ leadId: run.leadId, repId: run.state.assignedRep, kind: 'new_lead', sendKey: run.key('notify-new-lead') });
  }
  run.memory.slaHandled = false;
  run.state.slaDeadline = iso(Date.now() + run.ms(run.policy.firstContactSla));
  await run.moveTo('contacting', 'captured: first contact under way (R6)');
  if (isAdvanced(run.state.buyerStage ?? undefined, false)) await run.moveTo('qualified', 'captured in the decision stage (R13)');
  else if (mql) await run.moveTo('qualified', 'score at capture reached the MQL threshold (R14)');
}

async function assignRep(run: LeadRun, reason: string | undefined): Promise<boolean> {
  const assignment = await activities.assignRep({
    leadId: run.leadId,
    assignmentKey: run.key(`assign-${++run.memory.assignments}`),
    at: iso(),
    exclude: run.state.assignedRep ? [run.state.assignedRep] : [],
    reason,
  });
  if (!assignment) {
    await mail().notifyManager({ leadId: run.leadId, repId: run.state.assignedRep, kind: 'no_rep_available', sendKey: run.key('notify-no-rep') });
    return false;
  }
  run.state.assignedRep = assignment.repId;
  return true;
}

interface Timer {
  at: number;
  what: string;
  fire: () => Promise<void>;
}

/** The earliest thing the lead is waiting for, by stage. */
function nextTimer(run: LeadRun): Timer | undefined {
  const { state, memory, policy } = run;
  const timers: Timer[] = [];
  if (state.stage === 'contacting' && !memory.slaHandled && state.slaDeadline) {
    timers.push({ at: Date.parse(state.slaDeadline), what: `the rep's first contact (SLA ${policy.firstContactSla})`, fire: () => slaBreached(run) });
  }
  const step = run.nextCadenceStep();
  const flow = memory.flow ? flowTimer(run) : undefined;
  if (flow) {
    timers.push(flow.timer);
  } else if (step) {
    timers.push({ at: step.at, what: step.step.summary, fire: () => runCadenceStep(run) });
  } else if (memory.cadence && (state.stage === 'contacting' || state.stage === 'nurturing' || state.stage === 'not_interested')) {
    const grace = state.stage === 'contacting' ? policy.lastAttemptGrace : 0;
    const lastStep = run.cadence()?.steps.at(-1);
    const end = memory.cadence.startedAt + (lastStep ? run.ms(lastStep.after) : 0) + run.ms(grace);
    timers.push({ at: end, what: state.stage === 'contacting' ? 'the outcome of the last attempt' : 'the end of the nurture track', fire: () => cadenceDone(run) });
  }
  if (memory.handoff) {
    const sla = run.ms(policy.handoffSla);
    if (!memory.handoff.reminded) timers.push({ at: memory.handoff.since + sla, what: 'the rep to accept or reject the handoff', fire: () => handoffOverdue(run, 'remind') });
    else if (!memory.handoff.escalated) timers.push({ at: memory.handoff.since + 2 * sla, what: 'the rep to accept or reject the handoff (reminded)', fire: () => handoffOverdue(run, 'escalate') });
  }
  if (!state.stalled && watchesSilence(state.buyerStage ?? undefined, memory.meetingBooked, state.stage)) {
    timers.push({ at: memory.lastActivityAt + run.ms(policy.silenceAlertAfter), what: `a sign of life (silence alert after ${policy.silenceAlertAfter})`, fire: () => stalled(run) });
  }
  timers.push(...reminderTimers(run));
  timers.sort((a, b) => a.at - b.at);
  const first = timers[0];
  const upcoming = flow?.next ?? (step ? { what: step.step.summary, at: step.at } : first);
  run.state.nextAction = upcoming ? { what: upcoming.what, at: iso(upcoming.at) } : null;
  return first;
}

/**
 * The cadence language's next act (patch `cadence-language`): an e-mail or task now, a wait, or
 * the cadence's end. A cadence that ran its course is done (after the last attempt's grace when
 * contacting); one that exited for a reason (a reply, a meeting, an unsubscribe …) just stops.
 */
function flowTimer(run: LeadRun): { timer: Timer; next?: { what: string; at: number } } | undefined {
  const decided = run.decideFlow();
  if (!decided) return undefined;
  const { decision } = decided;
  const now = Date.now();
  switch (decision.type) {
    case 'email':
    case 'task':
      return { timer: { at: now, what: decision.step.summary, fire: () => runFlowStep(run) }, next: { what: decision.step.summary, at: now } };
    case 'wait': {
      const next = upcomingAct(decided.cadence, decision.position.at);
      run.logCadence(`wait until ${run.localTime(decision.until)}: ${decision.why}`);
      return { timer: { at: decision.until, what: decision.why, fire: async () => {} }, next: { what: next ?? decision.why, at: decision.until } };
    }
    case 'exit': {
      const { stage } = run.state;
      run.logCadence(`exit: ${decision.reason}`);
      if (decision.reason !== 'completed' || !(stage === 'contacting' || stage === 'nurturing' || stage === 'not_interested')) {
        run.memory.flow = null;
        return undefined;
      }
      run.memory.flowEndedAt ??= now;
      const grace = stage === 'contacting' ? run.ms(run.policy.lastAttemptGrace) : 0;
      const what = stage === 'contacting' ? 'the outcome of the last attempt' : `the end of ${decided.cadence.title}`;
      return { timer: { at: run.memory.flowEndedAt + grace, what, fire: () => cadenceDone(run) } };
    }
  }
}

/** The summary of the next e-mail or task from a step on, for the rep's board. */
function upcomingAct(cadence: { steps: readonly { kind: string; summary?: string }[] }, from: number): string | undefined {
  return cadence.steps.slice(from).find((s) => s.kind === 'email' || s.kind === 'task')?.summary;
}

// --- Timers.

/** R6: no logged contact within the SLA: tell the manager and, if the policy says so, give the lead to another rep once. */
async function slaBreached(run: LeadRun): Promise<void> {
  run.memory.slaHandled = true;
  await mail().notifyManager({ leadId: run.leadId, repId: run.state.assignedRep, kind: 'sla_breach', sendKey: run.key('notify-sla-breach') });
  if (run.policy.reassignOnSlaBreach && !run.memory.slaReassigned) {
    run.memory.slaReassigned = true;
    if (await assignRep(run, 'reassigned after first-contact SLA breach (R6)')) {
      await mail().notifyRep({ leadId: run.leadId, repId: run.state.assignedRep!, kind: 'new_lead', sendKey: run.key('notify-reassigned') });
      run.memory.slaHandled = false;
      run.state.slaDeadline = iso(Date.now() + run.ms(run.policy.firstContactSla));
    }
  }
}

async function runCadenceStep(run: LeadRun): Promise<void> {
  const next = run.nextCadenceStep()!;
  run.memory.cadence!.nextStep += 1;
  const { step } = next;
  if (step.action === 'email') {
    if (!run.input.reachableBy.email || run.memory.stopMail) return;
    const sent = await mail().sendLeadEmail.executeWithOptions({ summary: step.summary }, [
      { leadId: run.leadId, repId: run.state.assignedRep, template: step.template, sendKey: run.key(step.template) },
    ]);
    run.afterSend(sent);
    if (run.state.stage === 'contacting') run.state.attempts += 1; // an e-mail attempt (R8)
  } else if (run.state.assignedRep && run.input.reachableBy.phone) {
    await activities.createTask.executeWithOptions({ summary: `call task: ${step.summary}` }, [
      { leadId: run.leadId, repId: run.state.assignedRep, taskKey: run.key('call-task'), kind: 'call', title: step.summary, dueAt: iso() },
    ]);
  }
}

/** Sends the e-mail or gives the task the language cadence wants now, then moves on to its next step. */
async function runFlowStep(run: LeadRun): Promise<void> {
  const decided = run.decideFlow();
  if (!decided || (decided.decision.type !== 'email' && decided.decision.type !== 'task')) return;
  const { cadence, decision } = decided;
  if (decision.type === 'email') {
    const { step } = decision;
    if (run.input.reachableBy.email && !run.memory.stopMail) {
      const sent = await mail().sendLeadEmail.executeWithOptions({ summary: step.summary }, [
        { leadId: run.leadId, repId: run.state.assignedRep, template: step.template, sendKey: run.key(step.template) },
      ]);
      run.afterSend(sent);
      run.noteSent(step.template);
      run.logCadence(`email ${step.template}: ${sent.status ?? 'sent'}`);
      if (run.state.stage === 'contacting') run.state.attempts += 1; // an e-mail attempt (R8)
    } else {
      run.logCadence(`email ${step.template}: skipped, ${run.memory.stopMail ? 'mail stopped' : 'no e-mail address'}`);
    }
  } else if (run.state.assignedRep && (decision.step.task !== 'call' || run.input.reachableBy.phone)) {
    await activities.createTask.executeWithOptions({ summary: `${decision.step.task} task: ${decision.step.summary}` }, [
      { leadId: run.leadId, repId: run.state.assignedRep, taskKey: run.key(`${decision.step.task}-task`), kind: decision.step.task, title: decision.step.summary, dueAt: iso(decision.dueAt) },
    ]);
    run.logCadence(`task ${decision.step.task} for ${run.state.assignedRep}: ${decision.step.summary}, due ${run.localTime(decision.dueAt)}`);
  } else {
    run.logCadence(`task ${decision.step.task}: skipped, ${run.state.assignedRep ? 'no phone number' : 'no rep'}`);
  }
  // The position may have moved while the activity ran (a track switch): complete only the step that acted.
  const flow = run.memory.flow;
  if (flow && flow.cadence === decision.position.cadence && flow.at === decision.position.at) run.memory.flow = completeStep(cadence, flow, Date.now());
}

async function cadenceDone(run: LeadRun): Promise<void> {
  if (run.state.stage === 'contacting') {
    await run.moveTo('not_interested', `no reach after ${run.state.attempts} attempts (R8)`);
  } else if (run.state.stage === 'nurturing' && !run.onLongTerm()) {
    run.startCadence('long-term');
    await run.loadProfile();
  } else {
    run.finished = true; // a year of long-term nurture without a sign: the run ends, the lead stays (R4)
  }
}

async function handoffOverdue(run: LeadRun, step: 'remind' | 'escalate'): Promise<void> {
  const handoff = run.memory.handoff!;
  if (step === 'remind') {
    handoff.reminded = true;
    await mail().notifyRep({ leadId: run.leadId, repId: run.state.assignedRep!, kind: 'handoff_reminder', sendKey: run.key('notify-handoff-reminder') });
  } else {
    handoff.escalated = true;
    await mail().notifyManager({ leadId: run.leadId, repId: run.state.assignedRep, kind: 'handoff_overdue', sendKey: run.key('notify-handoff-overdue') });
  }
}

/** R20: silence after the evaluation stage: alert the rep. */
async function stalled(run: LeadRun): Promise<void> {
  run.state.stalled = true;
  if (run.state.assignedRep) {
    await mail().notifyRep({ leadId: run.leadId, repId: run.state.assignedRep, kind: 'stalled', sendKey: run.key('notify-stalled') });
  }
}

// --- Events.

async function handle(run: LeadRun, event: LeadEvent): Promise<void> {
  switch (event.type) {
    case 'capture':
      return recaptured(run, event.touch);
    case 'engagement':
      return engaged(run, event.signal);
    case 'outcome':
      return outcomeReported(run, event.report);
    case 'handoff':
      return handoffDecided(run, event.decision);
    case 'junkFlag':
      return junkFlagged(run, event.request);
    case 'junkReview':
      return junkReviewed(run, event.request);
    case 'opportunity':
      return opportunityClosed(run, event.close);
    case 'schedule':
      return scheduleActivity(run, event.schedule, { taskCreated: false });
  }
}

function actorName(actor: Actor): string {
  return actor.repId ? `${actor.role}:${actor.repId}` : actor.role;
}

/** R3, R4: a returning person re-enters the pipeline; a not-interested lead goes back to contacting. */
async function recaptured(run: LeadRun, touch: CaptureTouch): Promise<void> {
  run.state.captures += 1;
  if (touch.buyerStage) run.state.buyerStage = touch.buyerStage;
  run.followBuyerStage(); // R13: another stage, another track, progress kept
  const returning = run.state.captures > 1 || run.input.storedStage !== undefined;
  if (!returning) return;
  run.noteActivity();
  const mql = await run.rescore('captured again');
  if (run.state.stage === 'not_interested') await run.moveTo('contacting', 're-engaged: captured again (R4)');
  const qualify = afterScore(run.state.stage, mql) ?? (isAdvanced(run.state.buyerStage ?? undefined, run.memory.meetingBooked) ? { stage: 'qualified' as const, reason: 'returned in the decision stage (R13)' } : undefined);
  if (qualify && run.state.stage !== 'qualified' && run.state.stage !== 'handed_off') await run.moveTo(qualify.stage, qualify.reason);
}

/** R12: interest shows in actions; a reply stops every cadence and goes to the rep. */
async function engaged(run: LeadRun, signal: EngagementSignal): Promise<void> {
  await activities.recordTouch({ leadId: run.leadId, touchKey: run.key(`engagement-${signal.requestId}`), at: signal.at, kind: 'engagement', channel: signal.event.startsWith('email') || signal.event === 'reply' ? 'email' : 'web', details: { event: signal.event, path: signal.path } });
  run.noteActivity();
  run.noteEngagement(signal.event);
  if (signal.event === 'meeting') run.memory.meetingBooked = true;
  const mql = await run.rescore(`engagement ${signal.event}`);
  const strong = signal.event === 'reply' || signal.event === 'meeting' || signal.event === 'form_submit';
  if (signal.event === 'reply' && run.state.assignedRep) {
    await mail().notifyRep({ leadId: run.leadId, repId: run.state.assignedRep, kind: 'replied', sendKey: run.key('notify-replied') });
  }
  let next = afterScore(run.state.stage, mql);
  if (!next && run.memory.meetingBooked && run.state.stage !== 'qualified' && run.state.stage !== 'handed_off') next = { stage: 'qualified', reason: 'meeting booked: skips the slow nurture track (R13)' };
  if (!next && signal.event === 'reply' && (run.state.stage === 'contacting' || run.state.stage === 'not_interested')) next = { stage: 'nurturing', reason: 'replied: reached, not ready yet (R17)' };
  if (!next && strong && run.state.stage === 'not_interested') next = { stage: 'contacting', reason: `re-engaged: ${signal.event} (R4)` };
  if (next) await run.moveTo(next.stage, next.reason);
  else if (signal.event === 'reply' && run.state.stage === 'nurturing') run.startCadence(null); // exits the cadence at once
}

/**
 * R12: engagement events that arrived together, handled once: events the API already stored are
 * not written again, one re-score counts them all (as of the latest event), and a reply stops
 * every cadence (the rep answers a person, not a sequence) and alerts the rep once.
 */
async function engagedTogether(run: LeadRun, signals: EngagementSignal[]): Promise<void> {
  for (const signal of signals.filter((s) => !s.recorded)) {
    await activities.recordTouch({ leadId: run.leadId, touchKey: run.key(`engagement-${signal.requestId}`), at: signal.at, kind: 'engagement', channel: signal.event.startsWith('email') || signal.event === 'reply' ? 'email' : 'web', details: { event: signal.event, path: signal.path } });
  }
  const events = signals.map((s) => s.event);
  const has = (event: EngagementEvent) => events.includes(event);
  run.noteActivity();
  for (const event of events) run.noteEngagement(event); // for the cadence language's engagedSince branches
  if (has('meeting')) run.memory.meetingBooked = true;
  const latest = Math.max(Date.now(), ...signals.map((s) => Date.parse(s.at)).filter((t) => Number.isFinite(t)));
  const mql = await run.rescore(`engagement ${describeEvents(events)}`, iso(latest));
  const strong = events.find((e) => e === 'reply' || e === 'meeting' || e === 'form_submit');
  if (has('reply') && run.state.assignedRep) {
    await mail().notifyRep({ leadId: run.leadId, repId: run.state.assignedRep, kind: 'replied', sendKey: run.key('notify-replied') });
  }
  let next = afterScore(run.state.stage, mql);
  if (!next && run.memory.meetingBooked && run.state.stage !== 'qualified' && run.state.stage !== 'handed_off') next = { stage: 'qualified', reason: 'meeting booked: skips the slow nurture track (R13)' };
  if (!next && has('reply') && (run.state.stage === 'contacting' || run.state.stage === 'not_interested')) next = { stage: 'nurturing', reason: 'replied: reached, not ready yet (R17)' };
  if (!next && strong && run.state.stage === 'not_interested') next = { stage: 'contacting', reason: `re-engaged: ${strong} (R4)` };
  if (next) await run.moveTo(next.stage, next.reason);
  if (has('reply')) run.startCadence(null); // no automated e-mail after a person wrote back: over to the rep
}

/** `page_visit`, or `1000 events: 998 × page_visit, 2 × email_open` for a batch. */
function describeEvents(events: EngagementEvent[]): string {
  if (events.length === 1) return events[0]!;
  const counts = new Map<string, number>();
  for (const e of events) counts.set(e, (counts.get(e) ?? 0) + 1);
  return `${events.length} events: ${[...counts].map(([e, n]) => `${n} × ${e}`).join(', ')}`;
}

/** R8, R13, R15: what the rep reports moves the lead. */
async function outcomeReported(run: LeadRun, report: OutcomeReport): Promise<void> {
  const at = iso();
  await activities.recordTouch({ leadId: run.leadId, touchKey: run.key(`outcome-${report.requestId}`), at, kind: 'outcome', channel: 'phone', details: { outcome: report.outcome, note: report.note, by: actorName(report.actor) } });
  const effect = outcomeEffect(run.state.stage, report.outcome, { attempts: run.state.attempts, maxAttempts: run.policy.maxAttempts, buyerStage: run.state.buyerStage ?? undefined });
  run.state.firstContactAt ??= at;
  if (run.state.stage === 'contacting' && run.state.slaDeadline && !run.memory.slaHandled) run.clearSla(); // R6 met
  if (effect.countsAsAttempt) run.state.attempts += 1;
  if (report.outcome === 'meeting_booked') run.memory.meetingBooked = true;
  if (effect.stopMail) run.memory.stopMail = true;
  run.noteActivity();
  if (report.nextActivity) {
    await activities.createTask({ leadId: run.leadId, repId: run.state.assignedRep, taskKey: run.key('next-activity'), kind: report.nextActivity.kind, title: `${report.nextActivity.kind} scheduled by the rep`, dueAt: report.nextActivity.at });
    await scheduleActivity(run, report.nextActivity, { taskCreated: true }); // R7: and a reminder when it is due
  }
  const mql = await run.rescore(`outcome ${report.outcome}`);
  const closing = effect.next?.stage === 'not_interested';
  const next = closing ? effect.next : (afterScore(effect.next?.stage ?? run.state.stage, mql) ?? effect.next);
  if (next) await run.moveTo(next.stage, next.reason, actorName(report.actor));
}

/** R15, R18: sales accepts (a contact and an opportunity) or rejects back to nurture. */
async function handoffDecided(run: LeadRun, decision: HandoffDecision): Promise<void> {
  if (decision.decision === 'accept') {
    await activities.openOpportunity({ leadId: run.leadId, repId: run.state.assignedRep, opportunityKey: run.key('opportunity'), at: iso() });
    await run.moveTo('handed_off', 'accepted by sales (SQL)', actorName(decision.actor));
  } else {
    run.state.recycleCount += 1;
    await run.moveTo('nurturing', `handoff rejected: ${decision.reason ?? 'no reason given'}`, actorName(decision.actor));
  }
}

async function opportunityClosed(run: LeadRun, close: OpportunityClose): Promise<void> {
  await activities.closeOpportunity({ leadId: run.leadId, status: close.status, at: iso() });
  if (close.status === 'won') {
    await run.moveTo('converted', 'opportunity won', actorName(close.actor));
  } else {
    run.state.recycleCount += 1;
    await run.moveTo('nurturing', `opportunity lost: ${close.reason ?? 'no reason given'}`, actorName(close.actor));
  }
}

/** R5: anyone with a rep role flags "please delete"; an admin decides. */
async function junkFlagged(run: LeadRun, request: JunkFlagRequest): Promise<void> {
  await activities.recordJunkFlag({ leadId: run.leadId, flagKey: run.key('junk-flag'), reason: request.reason, by: actorName(request.actor), at: iso() });
  run.state.junkFlagged = true;
}

async function junkReviewed(run: LeadRun, request: JunkReviewRequest): Promise<void> {
  await activities.decideJunkFlag({ leadId: run.leadId, decision: request.decision === 'confirm' ? 'confirmed' : 'cleared', by: actorName(request.actor), at: iso() });
  run.state.junkFlagged = false;
  if (request.decision === 'confirm') await run.moveTo('disqualified', 'junk confirmed by an admin (R5)', actorName(request.actor));
}
