/**
 * The one place that names what the API, the worker and the workflows share (STYLE 4):
 * workflow ids, signals, queries, search attribute keys and payload types.
 */
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import { defineQuery, defineSignal } from '@temporalio/workflow';

export const DEFAULT_TASK_QUEUE = 'ripen-leads';

/** Business workflow id: the lead id, never the e-mail (ids and search attributes are stored unencrypted). */
export function leadWorkflowId(leadId: string): string {
  return `lead-${leadId}`;
}

export type LeadStage =
  | 'new'
  | 'contacting'
  | 'nurturing'
  | 'qualified'
  | 'handed_off'
  | 'converted'
  | 'not_interested'
  | 'disqualified';

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
}

/** A capture of the person (first or returning), delivered by signalWithStart (R3). */
export interface CaptureTouch {
  touchId: string;
  at: string;
  source: LeadSource;
}

export interface LeadState {
  leadId: string;
  stage: LeadStage;
  captures: number;
  firstTouchEmailSent: boolean;
  waitingFor: string;
}

export const captureSignal = defineSignal<[CaptureTouch]>('capture');
export const firstContactSignal = defineSignal<[{ at: string; repId?: string }]>('firstContact');
export const leadStateQuery = defineQuery<LeadState>('leadState');

/** Custom search attributes managers filter on in the Temporal UI; registered by the dev server start. */
export const SearchAttributes = {
  LeadStage: defineSearchAttributeKey('LeadStage', SearchAttributeType.KEYWORD),
  LeadSource: defineSearchAttributeKey('LeadSource', SearchAttributeType.KEYWORD),
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
