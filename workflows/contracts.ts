/**
 * The one place that names what the API, the worker and the workflows share (STYLE 4):
 * workflow ids, signals, updates, queries, search attribute keys and payload types.
 */
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { Grade, LeadPolicy, LeadStage, RepOutcome } from '../domain/lifecycle';

export type { Grade, LeadPolicy, LeadStage, RepOutcome } from '../domain/lifecycle';

export const DEFAULT_TASK_QUEUE = 'ripen-leads';

/** Business workflow id: the lead id, never the e-mail (ids and search attributes are stored unencrypted). */
export function leadWorkflowId(leadId: string): string {
  return `lead-${leadId}`;
}

/** Where a touch came from (R2): channel plus campaign and UTM parameters. */
export interface LeadSource {
  channel: string;
  campaign?: string;
  utm?: Partial<Record<'source' | 'medium' | 'campaign' | 'term' | 'content', string>>;
  form?: string;
  event?: string;
}

/** What a lead workflow starts with: the lead id and what its decisions need, no personal data. */
export interface LeadWorkflowInput {
  leadId: string;
  source: LeadSource;
  /** Which ways of reaching the person exist (not the addresses themselves). */
  reachableBy: { email: boolean; phone: boolean };
  /** R13: the buyer's journey stage given at capture, if any. */
  buyerStage?: string;
  /** The stage PostgreSQL holds, for a new run of a lead whose earlier run has closed (R3, R4). */
  storedStage?: LeadStage;
  /** Overrides of the default policy (tests, and marketing ops' experiments). */
  policy?: Partial<LeadPolicy>;
  /** History events before the run continues as new (default 2,000; tests lower it). */
  historyLimit?: number;
  /** Divides every policy and cadence duration (RIPEN_TIME_SCALE, for demos; absent = real time). */
  timeScale?: number;
  /** State carried over by continueAsNew; absent on a fresh start. */
  carried?: CarriedState;
}

/** A capture of the person (first or returning), delivered by signalWithStart (R3). */
export interface CaptureTouch {
  touchId: string;
  at: string;
  source: LeadSource;
  buyerStage?: string;
}

/** R12: an action that shows interest. */
export const ENGAGEMENT_EVENTS = ['email_open', 'email_click', 'page_visit', 'pricing_page_visit', 'download', 'form_submit', 'reply', 'meeting'] as const;
export type EngagementEvent = (typeof ENGAGEMENT_EVENTS)[number];

export interface EngagementSignal {
  requestId: string;
  event: EngagementEvent;
  at: string;
  path?: string;
  /** Already stored in PostgreSQL by the API (tracking links, events, inbound mail): the workflow does not record it again. */
  recorded?: boolean;
}

/** Who asked for a change: an API key's role and rep id. */
export interface Actor {
  role: string;
  repId?: string | null;
}

export interface OutcomeReport {
  requestId: string;
  outcome: RepOutcome;
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

/** R7: the rep schedules the next call or meeting; the workflow reminds them when it is due. */
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

/** What a manager or rep sees of a running lead (R22). */
export interface LeadState {
  leadId: string;
  stage: LeadStage;
  assignedRep: string | null;
  attempts: number;
  score: number | null;
  grade: Grade | null;
  buyerStage: string | null;
  captures: number;
  firstTouchEmailSent: boolean;
  firstContactAt: string | null;
  slaDeadline: string | null;
  handoffDeadline: string | null;
  stalled: boolean;
  junkFlagged: boolean;
  recycleCount: number;
  nextAction: { what: string; at: string } | null;
  waitingFor: string;
  /** Why the lead gets no more e-mail (phone tasks go on); absent or null while mail may go out. */
  mailStopped?: MailStop | null;
  /** The cadence-language cadence the lead is in, and what it did (newest last); absent on older runs. */
  cadence?: CadenceView | null;
}

/** A lead's cadence as the rep, the manager and the preview see it. */
export interface CadenceView {
  id: string;
  version: number;
  /** The step the lead is on, or null once the cadence has ended. */
  step: string | null;
  /** Each send, task, wait, branch (and why), track switch and exit, with workflow time; the last 100. */
  log: { at: string; what: string }[];
}

/** Unsubscribed, hard-bounced or complained: the address is suppressed and the workflow stops e-mailing. */
export type MailStop = 'unsubscribed' | 'hard_bounce' | 'complaint' | 'suppressed';

/** Everything a run hands to the next across continueAsNew. */
export interface CarriedState {
  state: LeadState;
  memory: Record<string, unknown>;
  pending: unknown[];
  seenRequests: [string, LeadState][];
}

/** The task queue of a lead queue's e-mail activities (rate-limited per provider). */
export function emailTaskQueue(leadTaskQueue: string): string {
  return `${leadTaskQueue}-email`;
}

export const captureSignal = defineSignal<[CaptureTouch]>('capture');
export const engagementSignal = defineSignal<[EngagementSignal]>('engagement');
/** Many engagement events at once (POST /v1/events): one signal per batch keeps a burst's history short. */
export const engagementsSignal = defineSignal<[EngagementSignal[]]>('engagements');
export const mailStoppedSignal = defineSignal<[{ reason: MailStop; at: string }]>('mailStopped');
export const reportOutcomeUpdate = defineUpdate<LeadState, [OutcomeReport]>('reportOutcome');
export const decideHandoffUpdate = defineUpdate<LeadState, [HandoffDecision]>('decideHandoff');
export const flagJunkUpdate = defineUpdate<LeadState, [JunkFlagRequest]>('flagJunk');
export const reviewJunkUpdate = defineUpdate<LeadState, [JunkReviewRequest]>('reviewJunk');
export const closeOpportunityUpdate = defineUpdate<LeadState, [OpportunityClose]>('closeOpportunity');
export const scheduleActivityUpdate = defineUpdate<LeadState, [ActivitySchedule]>('scheduleActivity');
export const leadStateQuery = defineQuery<LeadState>('leadState');

/** Custom search attributes managers filter on in the Temporal UI; registered by the dev server start. */
export const SearchAttributes = {
  LeadStage: defineSearchAttributeKey('LeadStage', SearchAttributeType.KEYWORD),
  LeadSource: defineSearchAttributeKey('LeadSource', SearchAttributeType.KEYWORD),
  LeadGrade: defineSearchAttributeKey('LeadGrade', SearchAttributeType.KEYWORD),
  LeadScore: defineSearchAttributeKey('LeadScore', SearchAttributeType.INT),
  AssignedRep: defineSearchAttributeKey('AssignedRep', SearchAttributeType.KEYWORD),
  AttemptCount: defineSearchAttributeKey('AttemptCount', SearchAttributeType.INT),
  SlaDeadline: defineSearchAttributeKey('SlaDeadline', SearchAttributeType.DATETIME),
  Stalled: defineSearchAttributeKey('Stalled', SearchAttributeType.BOOL),
} as const;

const SEARCH_ATTRIBUTE_TYPE_NAMES: Record<string, string> = {
  KEYWORD: 'Keyword',
  INT: 'Int',
  DOUBLE: 'Double',
  BOOL: 'Bool',
  DATETIME: 'Datetime',
  TEXT: 'Text',
  KEYWORD_LIST: 'KeywordList',
};

/** Each custom search attribute with its type as the CLI spells it (`Keyword`, `Int`, …). */
export function searchAttributeDefinitions(): { name: string; type: string }[] {
  return Object.values(SearchAttributes).map((key) => ({ name: key.name, type: SEARCH_ATTRIBUTE_TYPE_NAMES[key.type]! }));
}

/** `--search-attribute` arguments for `temporal server start-dev`. */
export function searchAttributeServerArgs(): string[] {
  return searchAttributeDefinitions().flatMap(({ name, type }) => ['--search-attribute', `${name}=${type}`]);
}
