/**
 * The state of one lead's run and the moves that change it. The story that drives it is in
 * lead.ts; the rules it applies are pure functions in domain/lifecycle.ts.
 */
import { condition, patched, setCurrentDetails, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import {
  cadenceById,
  CONTACT_ATTEMPTS as CONTACT_FLOW,
  decide,
  definitionFor,
  LONG_TERM_NURTURE,
  migratePosition,
  NURTURE_TRACKS,
  startPosition,
  switchTrack,
  trackFor,
  type Cadence as CadenceDefinition,
  type Decision,
  type ExitCondition,
  type Position,
} from '../cadences';
import { formatLocal } from '../cadences/send-window';
import { emailCategory } from '../domain/email-category';
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

/** Entries kept in the cadence log a lead's state shows. */
const CADENCE_LOG_ENTRIES = 100;
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
  /** Where the lead is in a cadence of the cadence language (patch `cadence-language`); absent on older runs. */
  flow?: Position | null;
  /** When the current language cadence ran off its last step. */
  flowEndedAt?: number | null;
  /** Time zone and branchable attributes, loaded when a language cadence first starts. */
  profile?: { timeZone: string; attributes: Record<string, string | null> } | null;
  /** Recent engagement (for `engagedSince` branches and the `replied` exit). */
  engagements?: { event: string; at: number }[];
  /** When each marketing e-mail went out, across cadences (frequency cap). */
  marketingSends?: number[];
  /** Every cadence template this lead has had, so a track switch never repeats one. */
  sentTemplates?: string[];
}

/** A call or meeting the rep scheduled, waiting for its reminder. */
export interface ScheduledActivity {
  kind: 'call' | 'meeting';
  at: number;
  note?: string;
}

/** What the stage asks for; the cadence language picks the cadence (by buyer stage for nurture, R13). */
export type CadencePurpose = 'contact' | 'nurture' | 'long-term';

/** Engagement older than this is not kept in memory for branches. */
const ENGAGEMENT_MEMORY_MS = 180 * 24 * 60 * 60 * 1000;
const ENGAGEMENT_MEMORY_ENTRIES = 200;

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

  /**
   * Starts the cadence a stage asks for, or stops every cadence (null). Cadences started since
   * patch `cadence-language` run in the cadence language; a lead whose cadence started before it
   * finishes that one on the list-of-steps runner, so its history replays unchanged.
   */
  startCadence(purpose: CadencePurpose | null): void {
    const leaving = this.memory.flow;
    if (leaving && this.state.cadence) this.logCadence(`stop ${leaving.cadence} at ${this.state.cadence.step ?? 'its end'}: the lead is ${this.state.stage}`);
    this.memory.cadence = null;
    this.memory.flow = null;
    this.memory.flowEndedAt = null;
    if (this.state.cadence) this.state.cadence.step = null;
    if (!purpose) return;
    if (patched('cadence-language')) {
      const cadence = this.flowFor(purpose);
      this.memory.flow = startPosition(cadence, Date.now());
      this.logCadence(`start ${cadence.id} v${cadence.version} (${cadence.title})`, cadence);
      return;
    }
    const legacy = purpose === 'contact' ? CONTACT_ATTEMPTS : purpose === 'nurture' ? R10_NURTURE : longTermCadence(this.policy);
    this.memory.cadence = { id: legacy.id, startedAt: Date.now(), nextStep: 0 };
  }

  private flowFor(purpose: CadencePurpose): CadenceDefinition {
    if (purpose === 'contact') return CONTACT_FLOW;
    if (purpose === 'long-term') return LONG_TERM_NURTURE;
    return cadenceById(trackFor(NURTURE_TRACKS, this.state.buyerStage))!;
  }

  /** Whether the lead is on the long-term track already (either runner). */
  onLongTerm(): boolean {
    return this.memory.cadence?.id === 'long-term' || this.memory.flow?.cadence === LONG_TERM_NURTURE.id;
  }

  /** The definition the lead's position follows, moving it to a newer version where that one migrates (guarded by a patch per version). */
  flowCadence(): CadenceDefinition | undefined {
    const flow = this.memory.flow;
    if (!flow) return undefined;
    const found = definitionFor(flow);
    if (!found) return undefined;
    if (!found.migrate) return found.cadence;
    if (patched(`cadence-${found.cadence.id}-v${found.cadence.version}`) || !found.from) {
      this.memory.flow = migratePosition(found.from, found.cadence, flow);
      return found.cadence;
    }
    return found.from;
  }

  /** Loads the lead's time zone and attributes once, before its first language cadence decides anything. */
  async loadProfile(): Promise<void> {
    if (this.memory.flow && !this.memory.profile) {
      this.memory.profile = await activities.cadenceProfile({ leadId: this.leadId, fallbackTimeZone: 'Europe/Helsinki' });
    }
  }

  /** What the language cadence wants now; stores where that leaves the lead. */
  decideFlow(): { cadence: CadenceDefinition; decision: Decision } | undefined {
    const cadence = this.flowCadence();
    const flow = this.memory.flow;
    if (!cadence || !flow) return undefined;
    const decision = decide(cadence, flow, this.flowFacts(flow));
    this.memory.flow = decision.position;
    for (const line of decision.trace) this.logCadence(line, cadence);
    if (this.state.cadence) this.state.cadence.step = decision.type === 'exit' ? null : (cadence.steps[decision.position.at]?.id ?? null);
    return { cadence, decision };
  }

  /** An instant as the lead's local wall-clock time (minutes), for the cadence log. */
  localTime(at: number): string {
    const timeZone = this.memory.profile?.timeZone ?? 'UTC';
    return `${formatLocal(at, timeZone)} ${timeZone}`;
  }

  /** Adds a line to the cadence log the lead's state shows (not to history: replay-safe). */
  logCadence(what: string, cadence?: CadenceDefinition): void {
    const view = cadence && (!this.state.cadence || this.state.cadence.id !== cadence.id || this.state.cadence.version !== cadence.version)
      ? { id: cadence.id, version: cadence.version, step: cadence.steps[0]?.id ?? null, log: this.state.cadence?.log ?? [] }
      : this.state.cadence;
    if (!view) return;
    if (view.log.at(-1)?.what === what) return; // a wait re-decided after an event: logged once
    view.log = [...view.log, { at: iso(), what }].slice(-CADENCE_LOG_ENTRIES);
    this.state.cadence = view;
  }

  private flowFacts(flow: Position) {
    const { state, memory } = this;
    const engagements = memory.engagements ?? [];
    const exits: ExitCondition[] = [];
    if (engagements.some((e) => e.event === 'reply' && e.at >= flow.startedAt)) exits.push('replied');
    if (memory.meetingBooked) exits.push('meeting_booked');
    if (memory.stopMail) exits.push('unsubscribed');
    if (state.stage === 'qualified' || state.stage === 'handed_off') exits.push('qualified');
    if (state.stage === 'not_interested') exits.push('not_interested');
    return {
      now: Date.now(),
      score: state.score,
      grade: state.grade,
      buyerStage: state.buyerStage,
      attributes: memory.profile?.attributes ?? {},
      engagements,
      exits,
      timeZone: memory.profile?.timeZone ?? null,
      marketingSends: memory.marketingSends ?? [],
      isMarketing: (template: string) => emailCategory(template) === 'marketing',
      timeScale: this.input.timeScale,
    };
  }

  /** R12: engagement a branch may look at. */
  noteEngagement(event: string): void {
    const now = Date.now();
    // The latest ENGAGEMENT_MEMORY_ENTRIES are enough for any branch; a burst of a thousand opens must not bloat the state carried by continueAsNew.
    this.memory.engagements = [...(this.memory.engagements ?? []).filter((e) => e.at > now - ENGAGEMENT_MEMORY_MS), { event, at: now }].slice(-ENGAGEMENT_MEMORY_ENTRIES);
  }

  /** After a cadence e-mail went out: counts towards the frequency cap, and is never sent again after a track switch. */
  noteSent(template: string): void {
    const now = Date.now();
    if (emailCategory(template) === 'marketing') this.memory.marketingSends = [...(this.memory.marketingSends ?? []).filter((t) => t > now - ENGAGEMENT_MEMORY_MS), now];
    this.memory.sentTemplates = [...(this.memory.sentTemplates ?? []), template];
  }

  /** R13: a nurtured lead whose buyer stage moved switches to that stage's track, keeping its progress. */
  followBuyerStage(): void {
    const flow = this.memory.flow;
    if (!flow || this.state.stage !== 'nurturing' || this.onLongTerm()) return;
    const track = trackFor(NURTURE_TRACKS, this.state.buyerStage);
    if (track === flow.cadence) return;
    const to = cadenceById(track)!;
    this.memory.flow = switchTrack(to, flow, this.memory.sentTemplates ?? [], Date.now());
    this.memory.flowEndedAt = null;
    this.logCadence(`switch track: buyer stage ${this.state.buyerStage ?? 'unknown'} → ${to.id} v${to.version}, at step ${to.steps[this.memory.flow.at]?.id ?? 'end'} (R13)`, to);
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
        this.startCadence('contact');
        break;
      case 'nurturing':
        this.startCadence('nurture');
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
        this.startCadence('long-term');
        break;
      default:
        this.startCadence(null);
    }
    if (stage !== 'contacting') this.clearSla();
    await this.loadProfile();
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
