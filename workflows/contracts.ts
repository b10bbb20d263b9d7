/**
 * The one place that names what the API, the worker and the workflows share, so neither side ever restates a name:
 * workflow ids, signals, updates, queries, search attribute keys and payload types.
 */
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type {
  ActivitySchedule,
  CaptureTouch,
  EngagementSignal,
  HandoffDecision,
  JourneyState,
  JunkFlagRequest,
  JunkReviewRequest,
  LeadPolicy,
  LeadSource,
  LeadStage,
  LeadState,
  MailStop,
  OpportunityClose,
  OutcomeReport,
} from '../domain/journey';

export type {
  Actor,
  ActivitySchedule,
  CadenceView,
  CaptureTouch,
  EngagementEvent,
  EngagementSignal,
  Grade,
  HandoffDecision,
  JunkFlagRequest,
  JunkReviewRequest,
  LeadPolicy,
  LeadSource,
  LeadStage,
  LeadState,
  MailStop,
  OpportunityClose,
  OutcomeReport,
  RepOutcome,
} from '../domain/journey';
export { ENGAGEMENT_EVENTS } from '../domain/journey';

/** Business workflow id: the lead id, never the e-mail (ids and search attributes are stored unencrypted). */
export function leadWorkflowId(leadId: string): string {
  return `lead-${leadId}`;
}

/** What a lead workflow starts with: the lead id and what its decisions need, no personal data. */
export interface LeadWorkflowInput {
  leadId: string;
  source: LeadSource;
  /** Which ways of reaching the person exist (not the addresses themselves). */
  reachableBy: { email: boolean; phone: boolean };
  /** R13: the buyer's journey stage given at capture, if any. */
  buyerStage?: string;
  /** R18: the lead gave marketing consent (no marketing e-mail without it). */
  marketingConsent?: boolean;
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

/** Everything a run hands to the next across continueAsNew: the journey's state and the answers to remember. */
export interface CarriedState {
  journey: JourneyState;
  answered: [string, LeadState][];
}

/** The task queue of a lead queue's e-mail activities (rate-limited per provider). */
export function emailTaskQueue(leadTaskQueue: string): string {
  return `${leadTaskQueue}-email`;
}

/**
 * The task queue of a lead queue's notices to reps and managers: internal mail, not under the
 * provider's marketing rate, so a rep's notice never waits behind a burst of first touches and a
 * first touch never waits behind notices.
 */
export function noticesTaskQueue(leadTaskQueue: string): string {
  return `${leadTaskQueue}-notices`;
}

/** The patch that moved notices from the e-mail queue to the notices queue (runs started before it keep the e-mail queue). */
export const NOTICES_QUEUE_PATCH = 'notices-queue';

export const captureSignal = defineSignal<[CaptureTouch]>('capture');
/** From the reconciliation sweep: the lead's row disagrees with the workflow; the workflow writes it again. */
export const resyncSignal = defineSignal('resync');
export const engagementSignal = defineSignal<[EngagementSignal]>('engagement');
/** Many engagement events at once (POST /v1/events): one signal per batch keeps a burst's history short. */
export const engagementsSignal = defineSignal<[EngagementSignal[]]>('engagements');
export const mailStoppedSignal = defineSignal<[{ reason: MailStop; at: string }]>('mailStopped');
/**
 * The lead's rep can no longer have it (deactivated): another rep takes it, the manager is told. `fromRep`: the
 * rep it is taken from; a lead moved, or being moved, away from them stays as it is (the request sent again after
 * a late answer).
 */
export const reassignSignal = defineSignal<[{ reason: string; fromRep?: string }]>('reassign');
/** A data-protection erasure: the lead's run does nothing more for the person and ends. */
export const eraseSignal = defineSignal<[]>('erase');
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
  /** R13: the buyer stage the lead is in (issue 15). */
  BuyerStage: defineSearchAttributeKey('BuyerStage', SearchAttributeType.KEYWORD),
  /** When the lead entered its buyer stage: "in evaluation for more than 14 days" (issue 15). */
  StageEnteredAt: defineSearchAttributeKey('StageEnteredAt', SearchAttributeType.DATETIME),
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
  return Object.values(SearchAttributes).map((key) => ({
    name: key.name,
    type: SEARCH_ATTRIBUTE_TYPE_NAMES[key.type]!,
  }));
}

/** `--search-attribute` arguments for `temporal server start-dev`. */
export function searchAttributeServerArgs(): string[] {
  return searchAttributeDefinitions().flatMap(({ name, type }) => ['--search-attribute', `${name}=${type}`]);
}
