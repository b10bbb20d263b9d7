/**
 * The rules of one lead's life as data and pure functions (STYLE 3): cadences, the policy's
 * numbers, and what each rep outcome does. The workflow calls these; nothing here does I/O,
 * so it is deterministic and safe inside workflow code.
 */
import type { Duration } from '@temporalio/common';

export type LeadStage =
  | 'new'
  | 'contacting'
  | 'nurturing'
  | 'qualified'
  | 'handed_off'
  | 'converted'
  | 'not_interested'
  | 'disqualified';

export const REP_OUTCOMES = ['reached', 'no_answer', 'voicemail', 'replied', 'meeting_booked', 'not_interested', 'wrong_contact'] as const;
export type RepOutcome = (typeof REP_OUTCOMES)[number];

export const BUYER_STAGES = ['problem_recognition', 'information_search', 'evaluation', 'decision', 'post_purchase'] as const;
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
  /** R4: not-interested leads get a re-engagement check this often … (only leads whose cadence started before patch `cadence-language`; since then cadences/library/long-term-nurture.ts decides) */
  longTermCheckEvery: Duration;
  /** … this many times (four 90-day checks: a year). */
  longTermChecks: number;
}

export const DEFAULT_POLICY: LeadPolicy = {
  firstContactSla: '20 minutes',
  reassignOnSlaBreach: true,
  maxAttempts: 5,
  lastAttemptGrace: '2 days',
  handoffSla: '24 hours',
  silenceAlertAfter: '14 days',
  longTermCheckEvery: '90 days',
  longTermChecks: 4,
};

/**
 * The list-of-steps runner's cadences, kept for leads whose cadence started before patch
 * `cadence-language`; new cadences are written in the cadence language (cadences/). Remove
 * with the patch once no such lead runs.
 */
/** One step of a cadence: at `after` (from the cadence's start) send an e-mail or give the rep a call task. */
export type CadenceStep =
  | { after: Duration; action: 'email'; template: string; summary: string }
  | { after: Duration; action: 'call'; summary: string };

export interface Cadence {
  id: string;
  steps: CadenceStep[];
}

/** R8, R9: five attempts over two weeks across phone and e-mail (the first-touch e-mail is the first one). */
export const CONTACT_ATTEMPTS: Cadence = {
  id: 'contact-attempts',
  steps: [
    { after: '0 seconds', action: 'call', summary: 'call the lead within 20 minutes (R6)' },
    { after: '1 day', action: 'email', template: 'attempt-follow-up', summary: 'follow-up e-mail' },
    { after: '3 days', action: 'call', summary: 'second call' },
    { after: '7 days', action: 'email', template: 'attempt-last-chance', summary: 'last-chance e-mail' },
    { after: '14 days', action: 'call', summary: 'final call' },
  ],
};

/** R10: information pack at once, a call after 3 days, then an e-mail a week for a month, each with other content. */
export const R10_NURTURE: Cadence = {
  id: 'r10-hard-lead',
  steps: [
    { after: '0 seconds', action: 'email', template: 'nurture-info-pack', summary: 'personal e-mail with the information pack' },
    { after: '3 days', action: 'call', summary: 'follow-up call after the information pack' },
    { after: '7 days', action: 'email', template: 'nurture-week-1', summary: 'week 1: customer story' },
    { after: '14 days', action: 'email', template: 'nurture-week-2', summary: 'week 2: how-to guide' },
    { after: '21 days', action: 'email', template: 'nurture-week-3', summary: 'week 3: comparison checklist' },
    { after: '28 days', action: 'email', template: 'nurture-week-4', summary: 'week 4: invitation to a demo' },
  ],
};

/** What a rep's outcome does to the lead. */
export interface OutcomeEffect {
  /** A logged contact attempt (R8): counts towards the five. */
  countsAsAttempt: boolean;
  /** The person was reached (R15: interest after the first contact). */
  reached: boolean;
  next?: { stage: LeadStage; reason: string };
  /** wrong_contact: the lead is kept (R4) but never mailed again by long-term nurture. */
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
  lead: { attempts: number; maxAttempts: number; buyerStage?: string },
): OutcomeEffect {
  switch (outcome) {
    case 'no_answer':
    case 'voicemail': {
      const exhausted = stage === 'contacting' && lead.attempts + 1 >= lead.maxAttempts;
      return {
        countsAsAttempt: stage === 'contacting',
        reached: false,
        next: exhausted ? { stage: 'not_interested', reason: `no reach after ${lead.maxAttempts} attempts (R8)` } : undefined,
      };
    }
    case 'reached':
    case 'replied': {
      const counts = stage === 'contacting';
      if (isAdvanced(lead.buyerStage, false) && stage !== 'qualified' && stage !== 'handed_off') {
        return { countsAsAttempt: counts, reached: true, next: { stage: 'qualified', reason: `${outcome} in the decision stage (R13)` } };
      }
      if (stage === 'contacting' || stage === 'not_interested') {
        return { countsAsAttempt: counts, reached: true, next: { stage: 'nurturing', reason: `${outcome}: reached, not ready yet (R17)` } };
      }
      return { countsAsAttempt: counts, reached: true };
    }
    case 'meeting_booked':
      return {
        countsAsAttempt: stage === 'contacting',
        reached: true,
        next: stage === 'qualified' || stage === 'handed_off' ? undefined : { stage: 'qualified', reason: 'meeting booked: skips the slow nurture track (R13)' },
      };
    case 'not_interested':
      return { countsAsAttempt: stage === 'contacting', reached: true, next: stage === 'not_interested' ? undefined : { stage: 'not_interested', reason: 'the lead said not interested (R4: kept)' } };
    case 'wrong_contact':
      return { countsAsAttempt: false, reached: false, stopMail: true, next: stage === 'not_interested' ? undefined : { stage: 'not_interested', reason: 'wrong contact details (R4: kept)' } };
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
