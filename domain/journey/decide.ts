/**
 * The decision core: `decide(state, event, now) → { state, effects }`. Pure and deterministic —
 * the workflow applies each event as it arrives and runs the effects; the model tests drive it
 * with random event sequences and check the journey's invariants after every step.
 */
import { acceptsOutcomes, isClosed } from '../lifecycle';
import { Draft } from './draft';
import { apply, MAX_SCHEDULED } from './events';
import { settle } from './timers';
import type { Decided, JourneyConfig, JourneyEvent, JourneyState, LeadStage, LeadState } from './types';

export interface NewLead {
  leadId: string;
  /** The workflow id. */
  workflowId: string;
  /** The chain's first run id: with the workflow id, every effect key starts with it. */
  firstRunId: string;
  reachableBy: { email: boolean; phone: boolean };
  buyerStage?: string;
  marketingConsent?: boolean;
  /** The stage PostgreSQL holds, for a new run of a lead whose earlier run has closed (R3, R4). */
  storedStage?: LeadStage;
}

export function initialState(lead: NewLead, now: number): JourneyState {
  return {
    lead: {
      leadId: lead.leadId,
      stage: lead.storedStage ?? 'new',
      assignedRep: null,
      attempts: 0,
      score: null,
      grade: null,
      buyerStage: lead.buyerStage ?? null,
      buyerStageMoves: [],
      buyerStageSince: lead.buyerStage ? new Date(now).toISOString() : null,
      captures: 0,
      firstTouchEmailSent: false,
      firstContactAt: null,
      contactSince: null,
      slaDeadline: null,
      handoffDeadline: null,
      stalled: false,
      junkFlagged: false,
      recycleCount: 0,
      nextAction: null,
      waitingFor: 'the first steps after capture',
      mailStopped: null,
      cadence: null,
      problems: [],
    },
    keyPrefix: `${lead.workflowId}/${lead.firstRunId}`,
    firstTouchKey: `${lead.workflowId}/first-touch`,
    seq: 0,
    reachable: lead.reachableBy,
    marketingConsent: lead.marketingConsent ?? false,
    firstTouch: null,
    returning: lead.storedStage !== undefined,
    welcoming: false,
    held: [],
    inFlight: [],
    routing: false,
    repNotices: [],
    noRepEscalation: false,
    awaitingFirstContact: false,
    slaHandled: false,
    slaReassigned: false,
    handoff: null,
    lastActivityAt: now,
    meetingBooked: false,
    mql: false,
    scoring: { inFlight: false, queue: [] },
    afterScoring: [],
    regradeAt: null,
    erased: false,
    finished: false,
    position: null,
    cadenceEndedAt: null,
    profile: null,
    profileRequested: false,
    engagements: [],
    marketingSends: [],
    sentTemplates: [],
    scheduled: [],
    repWait: null,
    unreportedCalls: null,
    board: '',
    wake: null,
  };
}

/** Applies one event at `now`: the next state (the given one is not changed) and the effects to start. */
export function decide(state: JourneyState, event: JourneyEvent, now: number, config: JourneyConfig): Decided {
  const d = new Draft(JSON.parse(JSON.stringify(state)) as JourneyState, config, now);
  if (state.erased) {
    // Nothing more is done for an erased person: results still coming in are only struck off.
    if (event.type === 'effectDone' || event.type === 'effectFailed')
      d.s.inFlight = d.s.inFlight.filter((e) => e.key !== event.key);
    return { state: d.s, effects: [] };
  }
  apply(d, event);
  settle(d);
  d.s.inFlight.push(...d.effects);
  return { state: d.s, effects: d.effects };
}

/** How many answered requests a lead remembers for idempotent repeats (Idempotency-Key), across continueAsNew. */
export const REMEMBERED_ANSWERS = 100;

/** An update's answer as remembered for a repeat: the state without all but the last lines of its cadence log (bounds the carried state). */
export function rememberedAnswer(lead: LeadState): LeadState {
  return { ...lead, cadence: lead.cadence ? { ...lead.cadence, log: lead.cadence.log.slice(-3) } : null };
}

/** Whether the lead's run is over: closed, erased, or its year of nurture done. */
export function runIsOver(state: JourneyState): boolean {
  return state.finished || state.erased || isClosed(state.lead.stage);
}

/** Why a request cannot be taken in this state (the update's validator rejects it), or null. */
export function refusal(state: JourneyState, event: JourneyEvent): string | null {
  const { stage } = state.lead;
  const closed = runIsOver(state) ? `The lead is ${state.erased ? 'erased' : stage}` : null;
  const updates: JourneyEvent['type'][] = ['outcome', 'handoff', 'opportunity', 'junkFlag', 'junkReview', 'schedule'];
  if (state.erased && updates.includes(event.type)) return 'The lead is erased: nothing more is done for this person';
  switch (event.type) {
    case 'outcome':
      return closed || !acceptsOutcomes(stage)
        ? `${closed ?? `The lead is ${stage}`}: it takes no more outcomes`
        : null;
    case 'handoff':
      return stage === 'qualified' && !closed ? null : `The lead is ${stage}, not waiting for a handoff decision`;
    case 'opportunity':
      return stage === 'handed_off' && !closed ? null : `The lead is ${stage}, it has no open opportunity`;
    case 'junkFlag':
      return closed;
    case 'junkReview':
      return state.lead.junkFlagged ? null : 'The lead is not flagged as junk';
    case 'schedule':
      if (closed) return `${closed}: nothing more can be scheduled`;
      return state.scheduled.length >= MAX_SCHEDULED
        ? `The lead has ${MAX_SCHEDULED} scheduled activities waiting: report one first`
        : null;
    default:
      return null;
  }
}
