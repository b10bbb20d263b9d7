/**
 * The rules of one lead's life as data and pure functions, testable without Temporal: cadences, the policy's
 * numbers, and what each rep outcome does. The workflow calls these; nothing here does I/O,
 * so it is deterministic and safe inside workflow code.
 */
import type { Duration } from '@temporalio/common';

export type LeadStage =
  'new' | 'contacting' | 'nurturing' | 'qualified' | 'handed_off' | 'converted' | 'not_interested' | 'disqualified';

export const REP_OUTCOMES = [
  'reached',
  'no_answer',
  'voicemail',
  'replied',
  'meeting_booked',
  'not_interested',
  'wrong_contact',
] as const;
export type RepOutcome = (typeof REP_OUTCOMES)[number];

export const BUYER_STAGES = [
  'problem_recognition',
  'information_search',
  'evaluation',
  'decision',
  'post_purchase',
] as const;
export type BuyerStage = (typeof BUYER_STAGES)[number];

export type Grade = 'cold' | 'warm' | 'hot';

/** The numbers of R6, R8, R10, R20 and the handoff: defaults marketing ops can change in code. */
export interface LeadPolicy {
  /** R6: the rep's first logged contact is due within this. */
  firstContactSla: Duration;
  /** R6: on an SLA breach, give the lead to another rep (once) as well as telling the manager. */
  reassignOnSlaBreach: boolean;
  /** R8: attempts without reaching the person before the lead is marked not interested. */
  maxAttempts: number;
  /** After the last scheduled attempt, how long the rep has to report its outcome. */
  lastAttemptGrace: Duration;
  /** How long a rep has to accept or reject a handed-off lead before a reminder, and again before escalation. */
  handoffSla: Duration;
  /** R20: silence for this long after the evaluation stage raises a stall alert. */
  silenceAlertAfter: Duration;
  /** R17: after the lead wrote back, the rep has this long to report an outcome before the manager is told. */
  replySla: Duration;
}

export const DEFAULT_POLICY: LeadPolicy = {
  firstContactSla: '20 minutes',
  reassignOnSlaBreach: true,
  maxAttempts: 5,
  lastAttemptGrace: '2 days',
  handoffSla: '24 hours',
  silenceAlertAfter: '14 days',
  replySla: '1 day',
};

/** What a rep's outcome does to the lead. */
export interface OutcomeEffect {
  /** A logged contact attempt (R8): counts towards the five. */
  countsAsAttempt: boolean;
  /** The person was reached (R15: interest after the first contact). */
  reached: boolean;
  next?: { stage: LeadStage; reason: string };
  /** wrong_contact: the lead is kept (R4) but never mailed again. */
  stopMail?: boolean;
}

/** R13: an advanced-stage lead never lands in a slow nurture track. */
export function isAdvanced(buyerStage: string | undefined, meetingBooked: boolean): boolean {
  return meetingBooked || buyerStage === 'decision';
}

/** R20: silence matters from the evaluation stage on, or after a meeting. */
export function watchesSilence(buyerStage: string | undefined, meetingBooked: boolean, stage: LeadStage): boolean {
  const evaluating = meetingBooked || buyerStage === 'evaluation' || buyerStage === 'decision';
  return evaluating && (stage === 'nurturing' || stage === 'qualified' || stage === 'handed_off');
}

export function isClosed(stage: LeadStage): boolean {
  return stage === 'converted' || stage === 'disqualified';
}

/**
 * Stages in which a rep may still report outcomes. A lead still being welcomed (`new`: routing
 * and the first-touch e-mail, which can queue behind the e-mail rate limit) takes them too: a rep
 * who calls at once is not turned away; the outcome is applied once the lead is contacting.
 */
export function acceptsOutcomes(stage: LeadStage): boolean {
  return !isClosed(stage);
}

/**
 * R8, R13, R15: the effect of a rep's outcome, given where the lead is. Stage moves here are the
 * direct ones; a score crossing the MQL threshold can qualify the lead on top (see afterScore).
 */
export function outcomeEffect(
  stage: LeadStage,
  outcome: RepOutcome,
  lead: { attempts: number; maxAttempts: number; buyerStage?: string; recycled?: boolean },
): OutcomeEffect {
  switch (outcome) {
    case 'no_answer':
    case 'voicemail': {
      const exhausted = stage === 'contacting' && lead.attempts + 1 >= lead.maxAttempts;
      return {
        countsAsAttempt: stage === 'contacting',
        reached: false,
        next: exhausted
          ? { stage: 'not_interested', reason: `no reach after ${lead.maxAttempts} attempts (R8)` }
          : undefined,
      };
    }
    case 'reached':
    case 'replied': {
      const counts = stage === 'contacting';
      // The decision stage qualifies at the first reach; once sales has turned the lead back, only new evidence does (a meeting, a score crossing, a capture).
      if (
        isAdvanced(lead.buyerStage, false) &&
        !lead.recycled &&
        (stage === 'contacting' || stage === 'not_interested')
      ) {
        return {
          countsAsAttempt: counts,
          reached: true,
          next: { stage: 'qualified', reason: `${outcome} in the decision stage (R13)` },
        };
      }
      if (stage === 'contacting' || stage === 'not_interested') {
        return {
          countsAsAttempt: counts,
          reached: true,
          next: { stage: 'nurturing', reason: `${outcome}: reached, not ready yet (R17)` },
        };
      }
      return { countsAsAttempt: counts, reached: true };
    }
    case 'meeting_booked':
      return {
        countsAsAttempt: stage === 'contacting',
        reached: true,
        next:
          stage === 'qualified' || stage === 'handed_off'
            ? undefined
            : { stage: 'qualified', reason: 'meeting booked: skips the slow nurture track (R13)' },
      };
    case 'not_interested':
      return {
        countsAsAttempt: stage === 'contacting',
        reached: true,
        next:
          stage === 'not_interested'
            ? undefined
            : { stage: 'not_interested', reason: 'the lead said not interested (R4: kept)' },
      };
    case 'wrong_contact': {
      // An attempt that could not reach the person: counted, and no more e-mail to the address; not the lead's own word (R8).
      const exhausted = stage === 'contacting' && lead.attempts + 1 >= lead.maxAttempts;
      return {
        countsAsAttempt: stage === 'contacting',
        reached: false,
        stopMail: true,
        next: exhausted
          ? { stage: 'not_interested', reason: `no reach after ${lead.maxAttempts} attempts (R8)` }
          : undefined,
      };
    }
  }
}

/** R14: crossing the MQL threshold qualifies a lead that marketing still holds (R18). */
export function afterScore(stage: LeadStage, mql: boolean): { stage: LeadStage; reason: string } | undefined {
  if (!mql) return undefined;
  if (stage === 'contacting' || stage === 'nurturing' || stage === 'not_interested') {
    return { stage: 'qualified', reason: 'score crossed the MQL threshold (R14)' };
  }
  return undefined;
}
