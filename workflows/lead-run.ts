/**
 * The state of one lead's run and the moves that change it. The story that drives it is in
 * lead.ts; the rules it applies are pure functions in domain/lifecycle.ts.
 */
import { condition, setCurrentDetails, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import {
  CONTACT_ATTEMPTS,
  DEFAULT_POLICY,
  R10_NURTURE,
  type Cadence,
  type CadenceStep,
  type LeadPolicy,
  type LeadStage,
} from '../domain/lifecycle';
import { activities, mail } from './activities';
import { SearchAttributes, type CarriedState, type LeadState, type LeadWorkflowInput, type MailStop } from './contracts';
import type { Duration } from '@temporalio/common';
import { durationMs, iso } from './time';

/** Where the lead is in a cadence: steps run at `startedAt + step.after`. */
interface CadencePosition {
  id: string;
  startedAt: number;
  nextStep: number;
}

/** What the run remembers beyond what it shows (LeadState); carried across continueAsNew. */
export interface Memory {
  cadence: CadencePosition | null;
  /** The first-contact SLA has been handled (breached and escalated), so its timer is off. */
  slaHandled: boolean;
  slaReassigned: boolean;
  handoff: { since: number; reminded: boolean; escalated: boolean } | null;
  lastActivityAt: number;
  meetingBooked: boolean;
  /** wrong_contact: kept (R4) but never mailed again. */
  stopMail: boolean;
  /** Counter for keys derived in the workflow (STYLE 5), unique across the run chain. */
  seq: number;
  assignments: number;
  /** R7: calls and meetings the rep scheduled, each reminded once when due (absent in runs from before patch scheduled-activities). */
  scheduled?: ScheduledActivity[];
}

/** A call or meeting the rep scheduled, waiting for its reminder. */
export interface ScheduledActivity {
  kind: 'call' | 'meeting';
  at: number;
  note?: string;
}

/** The long-term track (R4, R17): a re-engagement check every 90 days, for a year. */
export function longTermCadence(policy: LeadPolicy): Cadence {
  const every = durationMs(policy.longTermCheckEvery);
  return {
    id: 'long-term',
    steps: Array.from({ length: policy.longTermChecks }, (_, i) => ({
      after: (i + 1) * every,
      action: 'email' as const,
      template: 'long-term-check-in',
      summary: `re-engagement check ${i + 1} of ${policy.longTermChecks}`,
    })),
  };
}

export class LeadRun {
  readonly policy: LeadPolicy;
  readonly state: LeadState;
  readonly memory: Memory;
  /** Set when the long-term track ends: the run completes, the lead stays (R4). */
  finished = false;
  private published = '';

  /**
   * A policy or cadence duration on this lead's clock: compressed by the input's timeScale (a demo
   * setting of the stack, RIPEN_TIME_SCALE), real time otherwise.
   */
  ms(duration: Duration): number {
    return durationMs(duration) / (this.input.timeScale ?? 1);
  }

  constructor(readonly input: LeadWorkflowInput) {
    this.policy = { ...DEFAULT_POLICY, ...input.policy };
    const carried = input.carried as CarriedState | undefined;
    this.state = carried?.state ?? {
      leadId: input.leadId,
      stage: input.storedStage ?? 'new',
      assignedRep: null,
      attempts: 0,
      score: null,
      grade: null,
      buyerStage: input.buyerStage ?? null,
      captures: 0,
      firstTouchEmailSent: false,
      firstContactAt: null,
      slaDeadline: null,
      handoffDeadline: null,
      stalled: false,
      junkFlagged: false,
      recycleCount: 0,
      nextAction: null,
      waitingFor: 'the first steps after capture',
      mailStopped: null,
    };
    this.memory = (carried?.memory as unknown as Memory | undefined) ?? {
      cadence: null,
      slaHandled: false,
      slaReassigned: false,
      handoff: null,
      lastActivityAt: Date.now(),
      meetingBooked: false,
      stopMail: false,
      seq: 0,
      assignments: 0,
    };
  }

  get leadId(): string {
    return this.input.leadId;
  }

  /** A key unique to this lead's run chain, for an idempotent activity (STYLE 5). */
  key(what: string): string {
    const { workflowId, firstExecutionRunId } = workflowInfo();
    return `${workflowId}/${firstExecutionRunId}/${++this.memory.seq}-${what}`;
  }

  cadence(): Cadence | undefined {
    switch (this.memory.cadence?.id) {
      case CONTACT_ATTEMPTS.id:
        return CONTACT_ATTEMPTS;
      case R10_NURTURE.id:
        return R10_NURTURE;
      case 'long-term':
        return longTermCadence(this.policy);
      default:
        return undefined;
    }
  }

  nextCadenceStep(): { step: CadenceStep; at: number } | undefined {
    const position = this.memory.cadence;
    const step = this.cadence()?.steps[position?.nextStep ?? Infinity];
    return position && step ? { step, at: position.startedAt + this.ms(step.after) } : undefined;
  }

  startCadence(cadence: Cadence | null): void {
    this.memory.cadence = cadence && { id: cadence.id, startedAt: Date.now(), nextStep: 0 };
  }

  /** Moves the lead to another stage: audit row in PostgreSQL (from, to, reason, actor, time), then what the new stage starts. */
  async moveTo(stage: LeadStage, reason: string, actor = 'workflow'): Promise<void> {
    const from = this.state.stage;
    if (from === stage) return;
    this.state.stage = stage;
    await activities.recordStage({ leadId: this.leadId, changeKey: this.key(`stage-${stage}`), from, to: stage, reason, actor, at: iso() });
    this.memory.handoff = null;
    this.state.handoffDeadline = null;
    switch (stage) {
      case 'contacting':
        if (from === 'not_interested') this.state.attempts = 0; // re-engaged: five fresh attempts (R4, R8)
        this.startCadence(CONTACT_ATTEMPTS);
        break;
      case 'nurturing':
        this.startCadence(R10_NURTURE);
        break;
      case 'qualified':
        // R15, R18: marketing hands the lead to sales with why it qualified (the score breakdown).
        this.startCadence(null);
        this.memory.handoff = { since: Date.now(), reminded: false, escalated: false };
        this.state.handoffDeadline = iso(Date.now() + this.ms(this.policy.handoffSla));
        if (this.state.assignedRep) {
          await mail().notifyRep({ leadId: this.leadId, repId: this.state.assignedRep, kind: 'handoff', sendKey: this.key('notify-handoff') });
        }
        break;
      case 'not_interested':
        this.startCadence(longTermCadence(this.policy));
        break;
      default:
        this.startCadence(null);
    }
    if (stage !== 'contacting') this.clearSla();
  }

  clearSla(): void {
    this.state.slaDeadline = null;
    this.memory.slaHandled = true;
  }

  /** Re-scores the lead (R14) as of `at` (default now) and returns whether it is now marketing-qualified. */
  async rescore(reason: string, at = iso()): Promise<boolean> {
    const result = await activities.scoreLead({ leadId: this.leadId, scoreKey: this.key('score'), at, reason });
    this.state.score = result.score;
    this.state.grade = result.grade;
    return result.mql;
  }

  /** No more e-mail to this lead (phone tasks go on): unsubscribed, bounced, complained or found suppressed at send time. */
  stopMail(reason: MailStop): void {
    this.memory.stopMail = true;
    this.state.mailStopped ??= reason;
  }

  /** What a send told us: a hard bounce or a suppressed address stops the mail. Histories from before `status` existed carry none. */
  afterSend(result: { status?: string }): void {
    if (result.status === 'bounced') this.stopMail('hard_bounce');
    else if (result.status === 'suppressed') this.stopMail('suppressed');
  }

  noteActivity(): void {
    this.memory.lastActivityAt = Date.now();
    this.state.stalled = false;
  }

  waitFor(what: string): void {
    this.state.waitingFor = what;
  }

  /** Upserts the search attributes and current details managers see, and keeps the lead row's board fields in step. */
  async publish(): Promise<void> {
    const s = this.state;
    upsertSearchAttributes([
      { key: SearchAttributes.LeadStage, value: s.stage },
      { key: SearchAttributes.LeadSource, value: this.input.source.channel },
      { key: SearchAttributes.LeadGrade, value: s.grade },
      { key: SearchAttributes.LeadScore, value: s.score },
      { key: SearchAttributes.AssignedRep, value: s.assignedRep },
      { key: SearchAttributes.AttemptCount, value: s.attempts },
      { key: SearchAttributes.SlaDeadline, value: s.slaDeadline ? new Date(s.slaDeadline) : null },
      { key: SearchAttributes.Stalled, value: s.stalled },
    ]);
    setCurrentDetails(`**${s.stage}** · waiting for ${s.waitingFor}`);
    const board = {
      attempts: s.attempts,
      recycleCount: s.recycleCount,
      slaDeadline: s.slaDeadline,
      nextActivity: s.nextAction?.what ?? null,
      nextActivityAt: s.nextAction?.at ?? null,
      stalled: s.stalled,
    };
    const fingerprint = JSON.stringify(board);
    if (fingerprint !== this.published) {
      this.published = fingerprint;
      await activities.syncLead({ leadId: this.leadId, ...board });
    }
  }

  /** Waits until `ready` or `at` (epoch ms), with a summary a manager understands in the timeline. */
  async waitUntil(ready: () => boolean, at: number | undefined, summary: string): Promise<boolean> {
    if (at === undefined) {
      await condition(ready);
      return true;
    }
    const ms = at - Date.now();
    if (ms <= 0) return ready();
    return condition(ready, ms, { summary });
  }

  carry(pending: unknown[], seenRequests: [string, LeadState][]): CarriedState {
    return { state: this.state, memory: this.memory as unknown as Record<string, unknown>, pending, seenRequests };
  }
}
