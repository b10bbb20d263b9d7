/**
 * The cadence language: a cadence is typed data, reviewed like code, interpreted by a
 * pure function inside the lead workflow. Nothing here does I/O; the file is bundled with the
 * workflows, so everything in it must stay deterministic.
 */
import type { Duration } from '@temporalio/common';
import type { BuyerStage, Grade } from '../domain/lifecycle';

export type StepId = string;

/**
 * Wait a duration from the moment the step is reached, or until the next allowed send time.
 * Either way it never wakes into a quiet hour of the cadence's send window.
 */
export interface WaitStep {
  kind: 'wait';
  id: StepId;
  for?: Duration;
  until?: 'send_window';
  summary?: string;
}

/** An e-mail from a template; marketing templates need consent, which the send-time check enforces. */
export interface EmailStep {
  kind: 'email';
  id: StepId;
  template: string;
  summary: string;
  /** An answer the lead is waiting for right now (R6): goes at once, even in a quiet hour. Never on a step after a wait. */
  answersTheLead?: true;
}

/** A rep task (a call, or anything else), due within its own SLA. */
export interface TaskStep {
  kind: 'task';
  id: StepId;
  task: 'call' | 'other';
  summary: string;
  sla: Duration;
}

/** Goes to `then` when the condition holds, else to `otherwise` (default: the next step). */
export interface BranchStep {
  kind: 'branch';
  id: StepId;
  when: Condition;
  then: StepId;
  otherwise?: StepId;
  summary?: string;
}

/** Jumps back to `to` at most `times` times, then falls through: a loop with a bound. */
export interface GotoStep {
  kind: 'goto';
  id: StepId;
  to: StepId;
  times: number;
}

/** Ends the cadence here with an outcome (running off the last step ends it as `completed`). */
export interface ExitStep {
  kind: 'exit';
  id: StepId;
  reason: string;
}

export type Step = WaitStep | EmailStep | TaskStep | BranchStep | GotoStep | ExitStep;

/** What a branch may look at. */
export type Condition =
  | { grade: readonly Grade[] }
  | { scoreAtLeast: number }
  | { buyerStage: readonly BuyerStage[] }
  /** Any engagement (or one of `events`) since the step `since` was last reached. */
  | { engagedSince: StepId; events?: readonly string[] }
  | { attribute: string; in: readonly string[] }
  | { not: Condition };

/** Things that end a cadence at once, whatever step it is on. */
export const EXIT_CONDITIONS = ['replied', 'meeting_booked', 'unsubscribed', 'qualified', 'not_interested'] as const;
export type ExitCondition = (typeof EXIT_CONDITIONS)[number];

/** When e-mail may go out: business days and hours in the lead's time zone; every other hour is quiet. */
export interface SendWindow {
  /** ISO weekdays, 1 = Monday … 7 = Sunday. */
  days: readonly number[];
  /** Local hour the window opens (inclusive) and closes (exclusive), 0–24. */
  startHour: number;
  endHour: number;
  /** Used when the lead has no time zone and its country names none. */
  fallbackTimeZone: string;
}

/**
 * The lead's country's working days, computed outside the workflow (activities/business-days.ts) and
 * carried in its profile: the weekend from CLDR and the public holidays of its country and region.
 */
export interface BusinessCalendar {
  /** ISO weekdays off, 1 = Monday … 7 = Sunday (Iran: [5], Finland: [6, 7]). */
  weekend: readonly number[];
  /** Local dates (YYYY-MM-DD) that are public holidays, sorted. */
  holidays: readonly string[];
  /** The last year the holidays cover; after it only the weekend applies. */
  through: number;
}

/**
 * What a change to a running cadence does to leads already inside: `pinned` leaves them on the
 * version they started (keep it in `previous`), `migrate` moves them to this one at their next step.
 */
export type ChangePolicy = 'pinned' | 'migrate';

export interface Cadence {
  id: string;
  version: number;
  policy: ChangePolicy;
  title: string;
  /** R18: marketing's nurture (consent needed for every e-mail) or sales' own contact attempts. */
  purpose: 'marketing' | 'sales';
  /** R13: a decision-stage lead is never put on a slow track. */
  pace: 'fast' | 'slow';
  exitOn: readonly ExitCondition[];
  sendWindow?: SendWindow;
  steps: readonly Step[];
  /** Earlier versions that pinned leads still run. */
  previous?: readonly Cadence[];
}

/** Which cadence nurtures a lead in each buyer-journey stage (R13). */
export interface TrackSet {
  id: string;
  byStage: Readonly<Record<BuyerStage, string>>;
  /** For a lead whose stage nobody knows. */
  unknownStage: string;
}

/** Where one lead is in a cadence; plain data carried in the workflow's memory. */
export interface Position {
  cadence: string;
  version: number;
  /** Index of the current step. */
  at: number;
  /** When the cadence started (epoch ms). */
  startedAt: number;
  /** When the current step was reached (epoch ms): waits count from here. */
  reachedAt: number;
  /** When each step was last reached, for `engagedSince`. */
  reached: Record<StepId, number>;
  /** How many times each goto has jumped. */
  loops: Record<StepId, number>;
  /** Templates sent and tasks given in this journey, across track switches. */
  done: StepId[];
  /** Templates the lead had before a track switch: this track skips them (never the same content twice). */
  skip?: string[];
}

/** What the interpreter knows about the lead at this moment. */
export interface LeadFacts {
  now: number;
  score: number | null;
  grade: Grade | null;
  buyerStage: string | null;
  attributes: Readonly<Record<string, string | null | undefined>>;
  engagements: readonly { event: string; at: number }[];
  /** Exit conditions that have happened. */
  exits: readonly ExitCondition[];
  /** The lead's time zone (explicit, else from its country; see timeZoneFor). */
  timeZone?: string | null;
  /** The lead's country's weekend and holidays: when present, a business day is one it works (else the window's days). */
  businessDays?: BusinessCalendar;
  /** When each marketing e-mail went to this lead, across every cadence (frequency cap). */
  marketingSends: readonly number[];
  /** Whether a template is marketing mail (counts towards the cap). */
  isMarketing: (template: string) => boolean;
  /**
   * The lead's clock compression (RIPEN_TIME_SCALE, demos only; absent or 1 = real time): waits,
   * task SLAs and the frequency cap's period shrink by it, and send windows are not applied, since
   * a compressed day has no office hours.
   */
  timeScale?: number;
}
