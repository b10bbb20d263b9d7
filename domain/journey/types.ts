/**
 * The lead's journey as data: the state a lead carries, every event it can get, and every
 * effect a decision can ask for. No Temporal import: the workflow feeds events in and runs the
 * effects; tests drive the same core with random event sequences.
 */
import type { BusinessCalendar, Position } from '../../cadences/types';
import type { ManagerNotice, RepNotice } from '../emails';
import type { Grade, LeadPolicy, LeadStage, RepOutcome } from '../lifecycle';

export type { Grade, LeadPolicy, LeadStage, RepOutcome };

/** Who asked for a change: an API key's role and rep id. */
export interface Actor {
  role: string;
  repId?: string | null;
}

/** Where a touch came from (R2): channel plus campaign and UTM parameters. */
export interface LeadSource {
  channel: string;
  campaign?: string;
  utm?: Partial<Record<'source' | 'medium' | 'campaign' | 'term' | 'content', string>>;
  form?: string;
  event?: string;
}

/** A capture of the person (first or returning), delivered by signalWithStart (R3). */
export interface CaptureTouch {
  touchId: string;
  at: string;
  source: LeadSource;
  buyerStage?: string;
  /** Marketing consent the capture recorded, given or withdrawn (R18: no marketing e-mail without it); absent when it recorded none. */
  marketingConsent?: boolean;
}

/** R12: an action that shows interest. */
export const ENGAGEMENT_EVENTS = [
  'email_open',
  'email_click',
  'page_visit',
  'pricing_page_visit',
  'download',
  'form_submit',
  'reply',
  'meeting',
] as const;
export type EngagementEvent = (typeof ENGAGEMENT_EVENTS)[number];

export interface EngagementSignal {
  requestId: string;
  event: EngagementEvent;
  at: string;
  path?: string;
  /** Already stored in PostgreSQL by the API (tracking links, events, inbound mail): not recorded again. */
  recorded?: boolean;
}

export interface OutcomeReport {
  requestId: string;
  outcome: RepOutcome;
  /** The buyer stage the rep found the lead in (R13). */
  buyerStage?: string;
  note?: string;
  nextActivity?: { kind: 'call' | 'meeting'; at: string };
  actor: Actor;
}

export interface HandoffDecision {
  requestId: string;
  decision: 'accept' | 'reject';
  reason?: string;
  actor: Actor;
}

export interface JunkFlagRequest {
  requestId: string;
  reason: string;
  actor: Actor;
}

export interface JunkReviewRequest {
  requestId: string;
  decision: 'confirm' | 'clear';
  actor: Actor;
}

/** R7: the rep schedules the next call or meeting; the lead reminds them when it is due. */
export interface ActivitySchedule {
  requestId: string;
  kind: 'call' | 'meeting';
  at: string;
  note?: string;
  actor: Actor;
}

export interface OpportunityClose {
  requestId: string;
  status: 'won' | 'lost';
  reason?: string;
  actor: Actor;
}

/** Unsubscribed, hard-bounced or complained: the address is suppressed and no e-mail goes to the lead. */
export type MailStop = 'unsubscribed' | 'hard_bounce' | 'complaint' | 'suppressed' | 'wrong_contact';

/** A lead's cadence as the rep, the manager and the preview see it. */
export interface CadenceView {
  id: string;
  version: number;
  /** The step the lead is on, or null once the cadence has ended. */
  step: string | null;
  /** Each send, task, wait, branch (and why), track switch and exit, with workflow time; the last 100. */
  log: { at: string; what: string }[];
}

/** What a manager or rep sees of a running lead (R22). */
export interface LeadState {
  leadId: string;
  stage: LeadStage;
  assignedRep: string | null;
  attempts: number;
  score: number | null;
  grade: Grade | null;
  buyerStage: string | null;
  /** Each move of the buyer stage with its reason, newest last (the last 10); absent in older runs' state. */
  buyerStageMoves?: { at: string; from: string | null; to: string; reason: string }[];
  /** When the lead entered its buyer stage (the StageEnteredAt search attribute); absent in older runs' state. */
  buyerStageSince?: string | null;
  captures: number;
  /** The touch of the last capture the workflow got (the sweep re-sends one it missed); absent in older runs' state. */
  lastCaptureTouchId?: string;
  firstTouchEmailSent: boolean;
  firstContactAt: string | null;
  /** R15: when the lead showed interest after the first contact and became a contact. */
  contactSince: string | null;
  slaDeadline: string | null;
  handoffDeadline: string | null;
  stalled: boolean;
  junkFlagged: boolean;
  recycleCount: number;
  nextAction: { what: string; at: string } | null;
  waitingFor: string;
  /** Why the lead gets no more e-mail (phone tasks go on); null while mail may go out. */
  mailStopped: MailStop | null;
  /** The cadence the lead is in, and what it did (newest last). */
  cadence: CadenceView | null;
  /** Effects that failed for good (an error retrying cannot fix), newest last: the rep and the manager see them. */
  problems: { at: string; what: string }[];
}

/** Why an assignment is asked for: it decides whom to tell once the rep is known. */
export type AssignPurpose = 'sla_breach' | 'returning' | 'reassign';

/**
 * Something for the workflow to do outside itself. Each has a key unique in the lead's run chain
 * (its idempotency key) and may name effects it must follow (`after`: e.g. the handoff notice
 * explains the score still being computed).
 */
export type Effect = { key: string; after?: string[] } & EffectBody;
export type EffectBody =
  /** Route the lead and send the personal first touch signed by that rep, in one activity (R6, R7, R16). */
  | { kind: 'welcome'; at: string; sendFirstTouch: boolean; sendKey: string }
  | { kind: 'assignRep'; at: string; exclude: string[]; preferFormer: boolean; purpose: AssignPurpose; reason: string }
  | { kind: 'sendEmail'; template: string; repId: string | null; summary: string }
  | { kind: 'notifyRep'; repId: string; notice: RepNotice; why?: string }
  | { kind: 'notifyManager'; repId: string | null; notice: ManagerNotice; why?: string }
  | { kind: 'createTask'; repId: string | null; taskKind: string; title: string; dueAt: string }
  | { kind: 'recordStage'; from: LeadStage; to: LeadStage; reason: string; actor: string; at: string }
  | { kind: 'recordTouch'; at: string; touchKind: string; channel: string; details: Record<string, unknown> }
  | { kind: 'score'; at: string; reason: string }
  | { kind: 'loadProfile' }
  | { kind: 'openOpportunity'; repId: string | null; at: string }
  | { kind: 'closeOpportunity'; status: 'won' | 'lost'; at: string }
  | { kind: 'recordJunkFlag'; reason: string; by: string; at: string }
  | { kind: 'decideJunkFlag'; decision: 'confirmed' | 'cleared'; by: string; at: string }
  | { kind: 'syncLead'; board: BoardFields };

/** The lead row's board fields the workflow keeps in step (R22). */
export interface BoardFields {
  /** Written only by a resync (the stage is otherwise written with its audit row, the rep by routing). */
  stage?: LeadStage;
  assignedRep?: string | null;
  attempts: number;
  recycleCount: number;
  slaDeadline: string | null;
  nextActivity: string | null;
  nextActivityAt: string | null;
  stalled: boolean;
}

export interface Assignment {
  repId: string;
}
export interface SendOutcome {
  status?: string;
}
export interface ScoreOutcome {
  score: number;
  grade: Grade;
  mql: boolean;
  /** When the grade would next change with no new action (decay, the window); absent from scores of older workers. */
  nextChangeAt?: string | null;
}
export interface Profile {
  timeZone: string;
  attributes: Record<string, string | null>;
  /** The country's weekend and holidays (profiles loaded before patch `business-days-by-country` have none). */
  businessDays?: BusinessCalendar;
}

/** What an effect reported back (by kind); effects that report nothing carry `null`. */
export interface EffectResults {
  welcome: { assignment: Assignment | null; email: SendOutcome | null };
  assignRep: Assignment | null;
  sendEmail: SendOutcome;
  score: ScoreOutcome;
  loadProfile: Profile;
}

/** Everything that can happen to a lead. */
export type JourneyEvent =
  | { type: 'capture'; touch: CaptureTouch }
  /** The reconciliation sweep found the lead's row out of step with this state: write it again. */
  | { type: 'resync' }
  | { type: 'outcome'; report: OutcomeReport }
  | { type: 'engagement'; signals: EngagementSignal[] }
  | { type: 'mailStopped'; reason: MailStop }
  | { type: 'handoff'; decision: HandoffDecision }
  | { type: 'opportunity'; close: OpportunityClose }
  | { type: 'junkFlag'; request: JunkFlagRequest }
  | { type: 'junkReview'; request: JunkReviewRequest }
  | { type: 'schedule'; schedule: ActivitySchedule }
  /**
   * The rep can no longer have the lead (deactivated or away): another rep, the manager told. `fromRep`: the rep
   * it is taken from; a lead moved, or being moved, away from them already (a request sent again after an answer
   * that came too late) stays as it is. Absent (signals from before it): from whoever has it.
   */
  | { type: 'reassign'; reason: string; fromRep?: string }
  /** A data-protection erasure: nothing more is done for this person. */
  | { type: 'erase' }
  /** Time passed: every timer due by now fires. */
  | { type: 'tick' }
  | { type: 'effectDone'; key: string; result: unknown }
  | { type: 'effectFailed'; key: string; error: string };

/** A call or meeting the rep scheduled, waiting for its reminder. */
export interface ScheduledActivity {
  kind: 'call' | 'meeting';
  at: number;
  note?: string;
}

/** Waiting for the rep after the lead wrote back (R17): the manager is told if the rep stays silent. */
export interface RepWait {
  since: number;
  deadline: number;
  managerTold: boolean;
}

/** The whole of a lead's state: what is shown (`lead`) and what decisions remember. Carried across continueAsNew. */
export interface JourneyState {
  lead: LeadState;
  /** Prefix of every effect key: the workflow id and the chain's first run id. */
  keyPrefix: string;
  /** The first touch's send key: one per lead, whatever its runs (R7: one first touch ever). */
  firstTouchKey: string;
  seq: number;
  reachable: { email: boolean; phone: boolean };
  marketingConsent: boolean;
  /** R3: the first capture, never rewritten. */
  firstTouch: { at: string; channel: string } | null;
  /** The stage stored for a lead whose earlier run closed: the next capture is a return. */
  returning: boolean;
  /** The welcome (routing and first touch) is in flight: other effects wait behind it (R6). */
  welcoming: boolean;
  held: Effect[];
  /** Effects started and not yet reported back: a new run starts them again (their keys make that safe). */
  inFlight: Effect[];
  /** An assignment is in flight: the lead's owner is being decided. */
  routing: boolean;
  /** Notices for the rep decided while the rep was being routed. */
  repNotices: { notice: RepNotice; why?: string }[];
  /** No rep was available: the manager has been told and owns the lead until a rep is found. */
  noRepEscalation: boolean;
  /** The manager was told that an effect failed for good on this lead (once per lead; later ones go to the timeline only). */
  failureAlerted?: boolean;
  /** The current contacting spell has no logged first contact yet (R6). */
  awaitingFirstContact: boolean;
  slaHandled: boolean;
  slaReassigned: boolean;
  handoff: { since: number; reminded: boolean; escalated: boolean } | null;
  lastActivityAt: number;
  /** A meeting booked since the last rejected handoff or lost opportunity (new evidence). */
  meetingBooked: boolean;
  /** Whether the last score was at or above the MQL threshold: qualifying needs a crossing from below. */
  mql: boolean;
  /** One score at a time (each reads what the one before wrote); reasons waiting meanwhile, engagement bursts merged into one. */
  scoring: { inFlight: boolean; queue: { reason: string; at: string }[] };
  /** What waits for the scores under way (the handoff notice, which explains the score). */
  afterScoring: EffectBody[];
  /** When the last score said the grade would change on its own (epoch ms): the lead re-scores then. Absent in older runs' state. */
  regradeAt?: number | null;
  erased: boolean;
  /** The lead's run is over (a year of long-term nurture without a sign, or erased): the run ends, the lead stays (R4). */
  finished: boolean;
  /** Where the lead is in its cadence (the cadence language), or null when no cadence runs. */
  position: Position | null;
  cadenceEndedAt: number | null;
  profile: Profile | null;
  profileRequested: boolean;
  engagements: { event: string; at: number }[];
  /**
   * The request ids of the last engagement signals the API had stored (`recorded`) that this lead applied
   * (RECORDED_ENGAGEMENTS): one sent again after an unconfirmed answer is applied once. Absent in older runs' state.
   */
  recordedEngagements?: string[];
  marketingSends: number[];
  sentTemplates: string[];
  scheduled: ScheduledActivity[];
  repWait: RepWait | null;
  /** The contact cadence ran out with fewer than five counted attempts: the rep is reminded, then the manager told. */
  unreportedCalls: { since: number; managerTold: boolean } | null;
  /** The board fields last sent to PostgreSQL. */
  board: string;
  /** The earliest timer (epoch ms), or null when only an event can move the lead. */
  wake: number | null;
}

/** What the core needs beyond the state: the policy and the lead's clock, and the guard for cadence migrations. */
export interface JourneyConfig {
  policy: LeadPolicy;
  /** Divides every policy and cadence duration (RIPEN_TIME_SCALE); 1 = real time. */
  timeScale: number;
  /** Whether a position may move to a cadence's newer version (the workflow guards this with `patched`). */
  mayMigrate: (cadenceId: string, version: number) => boolean;
  /** Whether the lead re-scores when its grade changes with time (the workflow guards this with `patched`); absent = yes. */
  timedScores?: () => boolean;
  /** Whether engagement and reps' outcomes move the buyer stage, each move recorded (the workflow guards this with `patched`); absent = yes. */
  buyerStageMoves?: () => boolean;
  /**
   * Whether an effect that failed for good is recorded on the lead's timeline and alerted to the manager
   * (the workflow guards this with `patched`: runs that failed an effect before it replay without); default yes.
   */
  recordFailures?: () => boolean;
  /**
   * Whether each buyer stage's nurture track has content of its own, and a track switch starts the
   * new track's content (the workflow guards this with `patched`); absent = yes. Otherwise the tracks
   * as they were: shared templates, and a switch keeps the lead's progress.
   */
  contentByStage?: () => boolean;
  /**
   * Whether an engagement the API stored and this lead already applied is left out when it comes again (the
   * reconciliation sweep re-sends those Temporal did not confirm; the workflow guards this with `patched`); absent = yes.
   */
  engagementOnce?: () => boolean;
  /**
   * Whether a reassignment from a rep the lead was moved, or is being moved, away from is left out (an admin's
   * request sent again after Temporal answered it too late; the workflow guards this with `patched`); absent = yes.
   */
  reassignFromOwnerOnly?: () => boolean;
  /**
   * R6: when the request that created the lead reached Temporal (its run's start), for an SLA that runs from the
   * request rather than from when a worker first saw the lead; absent or null = from the first sight (runs that
   * welcomed their lead before the workflow guarded this with `patched` replay so).
   */
  requestedAt?: () => number | null;
}

/** The result of one decision: the next state and what to do. */
export interface Decided {
  state: JourneyState;
  effects: Effect[];
}
