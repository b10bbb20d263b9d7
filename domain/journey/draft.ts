/**
 * One decision in the making: a copy of the lead's state, the effects decided so far, and the
 * moves every decision shares (stage changes, cadences, scoring, notices). Pure: time is the
 * `now` the decision was given.
 */
import {
  CONTACT_ATTEMPTS,
  decide as interpret,
  definitionFor,
  LONG_TERM_NURTURE,
  migratePosition,
  nurtureTrack,
  startPosition,
  switchTrack,
  type Cadence,
  type Decision,
  type ExitCondition,
} from '../../cadences';
import { durationMs } from '../../cadences/duration';
import { formatLocal } from '../../cadences/send-window';
import { emailCategory } from '../email-category';
import type { ManagerNotice, RepNotice } from '../emails';
import type { Duration } from '../../cadences/duration';
import type { Effect, EffectBody, JourneyConfig, JourneyState, LeadStage } from './types';

/** Entries kept in the cadence log the lead's state shows. */
const CADENCE_LOG_ENTRIES = 100;
/** Engagement older than this, or beyond this many entries, is not kept for cadence branches. */
const ENGAGEMENT_MEMORY_MS = 180 * 24 * 60 * 60 * 1000;
const ENGAGEMENT_MEMORY_ENTRIES = 200;
const PROBLEMS_KEPT = 10;
const BUYER_STAGE_MOVES_KEPT = 10;

/**
 * Effects that must land in the order decided: the lead's touches (an outcome closes the rep's due
 * tasks), stage and board writes, so the board never shows a change before what it follows; an
 * opportunity's open and close; a junk flag and its review.
 */
const LANES: Partial<Record<EffectBody['kind'], string>> = {
  recordTouch: 'lead-row',
  recordStage: 'lead-row',
  syncLead: 'lead-row',
  openOpportunity: 'opportunity',
  closeOpportunity: 'opportunity',
  recordJunkFlag: 'junk',
  decideJunkFlag: 'junk',
};

/** Effects that go out through the mail provider's rate-limited queue. */
const EMAIL_KINDS: readonly EffectBody['kind'][] = ['notifyRep', 'notifyManager', 'sendEmail'];

function sameNotice(a: Effect, b: Effect): boolean {
  if (a.kind === 'notifyRep' && b.kind === 'notifyRep') return a.notice === b.notice && a.repId === b.repId;
  if (a.kind === 'notifyManager' && b.kind === 'notifyManager') return a.notice === b.notice;
  return false;
}

/** What a stage asks of cadences; nurture picks its track by buyer stage (R13). */
export type CadencePurpose = 'contact' | 'nurture' | 'long-term';

export class Draft {
  readonly effects: Effect[] = [];

  constructor(
    readonly s: JourneyState,
    readonly config: JourneyConfig,
    readonly now: number,
  ) {}

  get lead() {
    return this.s.lead;
  }

  iso(at = this.now): string {
    return new Date(at).toISOString();
  }

  /** A policy or cadence duration on this lead's clock (compressed by the time scale in demos). */
  ms(duration: Duration): number {
    return durationMs(duration) / this.config.timeScale;
  }

  /**
   * Decides an effect. While the welcome is in flight, e-mail waits behind it (R6: the first touch
   * goes first on the provider's rate): one notice of a kind is enough for the rep meanwhile.
   */
  emit(body: EffectBody, what: string = body.kind): Effect {
    const effect = { key: `${this.s.keyPrefix}/${++this.s.seq}-${what}`, ...body } as Effect;
    // Writes that must land in the order decided follow the last one of their kind still under way.
    const lane = LANES[body.kind];
    const before = lane && [...this.s.inFlight, ...this.effects].reverse().find((e) => LANES[e.kind] === lane);
    if (before) effect.after = [before.key];
    if (!this.s.welcoming || !EMAIL_KINDS.includes(body.kind)) this.effects.push(effect);
    else if (!this.s.held.some((held) => sameNotice(held, effect))) this.s.held.push(effect);
    return effect;
  }

  /** The welcome reported back: the e-mail that waited behind it goes, unless the lead can no longer be mailed. */
  releaseHeld(): void {
    for (const effect of this.s.held) {
      if (effect.kind === 'sendEmail' && !this.mayEmail(effect.template))
        this.logCadence(`email ${effect.template}: skipped, mail stopped`);
      else this.effects.push(effect);
    }
    this.s.held = [];
    this.s.welcoming = false;
  }

  /** Tells the lead's rep; while the rep is being routed, the notice waits for them. */
  notifyRep(notice: RepNotice, why?: string): void {
    if (this.lead.assignedRep) {
      const body = { kind: 'notifyRep' as const, repId: this.lead.assignedRep, notice, ...(why ? { why } : {}) };
      // R15: the handoff tells the rep why the lead qualified, so it waits for the scores under way.
      if (notice === 'handoff' && this.s.scoring.inFlight) this.s.afterScoring = [body];
      else this.emit(body, `notify-${notice}`);
    } else if (this.s.routing && !this.s.repNotices.some((n) => n.notice === notice)) {
      this.s.repNotices.push({ notice, ...(why ? { why } : {}) });
    }
  }

  /** A rep was found (or not): the notices that waited for one go out, the owner is known. */
  assigned(repId: string | null): void {
    this.s.routing = false;
    if (repId) {
      this.lead.assignedRep = repId;
      this.s.noRepEscalation = false;
    }
    const waiting = this.s.repNotices;
    this.s.repNotices = [];
    for (const { notice, why } of waiting) this.notifyRep(notice, why);
    if (!this.lead.assignedRep && !this.s.noRepEscalation) {
      this.s.noRepEscalation = true;
      this.notifyManager('no_rep_available');
    }
  }

  notifyManager(notice: ManagerNotice, why?: string): void {
    const body = { kind: 'notifyManager' as const, repId: this.lead.assignedRep, notice, ...(why ? { why } : {}) };
    this.emit(body, `notify-${notice}`);
  }

  problem(what: string): void {
    this.lead.problems = [...this.lead.problems, { at: this.iso(), what }].slice(-PROBLEMS_KEPT);
  }

  /**
   * Re-scores the lead (R14) as of `at`. One score at a time: a reason that comes meanwhile waits
   * its turn, and engagement waiting together is scored once (a burst of page views, one score).
   */
  rescore(reason: string, at = this.iso()): void {
    const { scoring } = this.s;
    if (!scoring.inFlight) {
      scoring.inFlight = true;
      const score = this.emit({ kind: 'score', at, reason }, 'score');
      // The score counts the touches decided before it: it follows their writes.
      const touches = [...this.s.inFlight, ...this.s.held, ...this.effects]
        .filter((e) => e.kind === 'recordTouch')
        .map((e) => e.key);
      if (touches.length > 0) score.after = touches;
      return;
    }
    const last = scoring.queue.at(-1);
    if (last && last.reason.startsWith('engagement') && reason.startsWith('engagement'))
      scoring.queue[scoring.queue.length - 1] = { reason: 'engagement since the last score', at };
    else scoring.queue.push({ reason, at });
  }

  /** The score in flight reported back: the next reason waiting is scored; once none is left, what waited for the score goes. */
  scored(): void {
    const next = this.s.scoring.queue.shift();
    this.s.scoring.inFlight = false;
    if (next) return this.rescore(next.reason, next.at);
    for (const body of this.s.afterScoring) {
      if (body.kind === 'notifyRep' && body.repId === this.lead.assignedRep && this.lead.stage === 'qualified')
        this.emit(body, `notify-${body.notice}`);
    }
    this.s.afterScoring = [];
  }

  /** Asks for a rep; the result decides whom to tell. */
  assign(purpose: 'sla_breach' | 'returning' | 'reassign', reason: string, exclude: string[] = []): void {
    this.s.routing = true;
    this.emit(
      { kind: 'assignRep', at: this.iso(), exclude, preferFormer: purpose === 'returning', purpose, reason },
      `assign-${purpose}`,
    );
  }

  noteActivity(): void {
    this.s.lastActivityAt = this.now;
    this.lead.stalled = false;
  }

  /** R15: interest shown after the first contact makes the lead a contact; no opportunity needed. */
  becomeContact(): void {
    if (this.lead.contactSince || !(this.lead.firstTouchEmailSent || this.lead.firstContactAt)) return;
    this.lead.contactSince = this.iso();
  }

  /** R6: a first contact is logged; the SLA is met. */
  contacted(): void {
    this.lead.firstContactAt ??= this.iso();
    if (this.s.awaitingFirstContact) {
      this.s.awaitingFirstContact = false;
      this.s.slaHandled = true;
      this.lead.slaDeadline = null;
    }
  }

  /** Starts a contacting spell: a rep (or the manager) owns it, the SLA runs, the contact cadence starts (R6, R8). */
  openContacting(): void {
    this.s.awaitingFirstContact = true;
    this.s.slaHandled = false;
    this.s.slaReassigned = false;
    this.lead.slaDeadline = this.iso(this.now + this.ms(this.config.policy.firstContactSla));
  }

  /** Moves the lead to another stage: the audit row, then what the new stage starts. */
  moveTo(stage: LeadStage, reason: string, actor = 'workflow'): void {
    const from = this.lead.stage;
    if (from === stage) return;
    this.lead.stage = stage;
    this.emit({ kind: 'recordStage', from, to: stage, reason, actor, at: this.iso() }, `stage-${stage}`);
    this.s.handoff = null;
    this.lead.handoffDeadline = null;
    this.s.repWait = null;
    this.s.unreportedCalls = null;
    if (stage !== 'contacting') {
      this.s.awaitingFirstContact = false;
      this.lead.slaDeadline = null;
    }
    switch (stage) {
      case 'contacting':
        if (from === 'not_interested' || from === 'disqualified' || from === 'converted') this.lead.attempts = 0; // re-engaged: five fresh attempts (R4, R8)
        this.openContacting();
        this.startCadence('contact');
        break;
      case 'nurturing':
        this.startCadence('nurture');
        break;
      case 'qualified':
        // R15, R18: marketing hands the lead to sales with why it qualified (the score breakdown).
        this.startCadence(null);
        this.s.handoff = { since: this.now, reminded: false, escalated: false };
        this.lead.handoffDeadline = this.iso(this.now + this.ms(this.config.policy.handoffSla));
        this.notifyRep('handoff');
        break;
      case 'not_interested':
        this.startCadence('long-term');
        break;
      default:
        this.startCadence(null);
    }
  }

  /** Starts the cadence a purpose asks for, or stops every cadence (null). */
  startCadence(purpose: CadencePurpose | null): void {
    const leaving = this.s.position;
    if (leaving && this.lead.cadence?.step)
      this.logCadence(`stop ${leaving.cadence} at ${this.lead.cadence.step}: the lead is ${this.lead.stage}`);
    this.s.position = null;
    this.s.cadenceEndedAt = null;
    if (this.lead.cadence) this.lead.cadence.step = null;
    if (!purpose) return;
    const cadence =
      purpose === 'contact'
        ? CONTACT_ATTEMPTS
        : purpose === 'long-term'
          ? LONG_TERM_NURTURE
          : nurtureTrack(this.lead.buyerStage, this.contentByStage());
    // Never the same content twice in a lead's journey: a nurture started again skips what the lead already had.
    const start = startPosition(cadence, this.now);
    this.s.position =
      purpose === 'nurture' && this.s.sentTemplates.length > 0 ? { ...start, skip: [...this.s.sentTemplates] } : start;
    this.logCadence(`start ${cadence.id} v${cadence.version} (${cadence.title})`, cadence);
    if (!this.s.profile && !this.s.profileRequested) {
      this.s.profileRequested = true;
      this.emit({ kind: 'loadProfile' }, 'profile');
    }
  }

  /** Whether nurture tracks have content of their own by stage (issue 15; the workflow guards it with `patched`). */
  contentByStage(): boolean {
    return this.config.contentByStage?.() ?? true;
  }

  onLongTerm(): boolean {
    return this.s.position?.cadence === LONG_TERM_NURTURE.id;
  }

  /** The definition the position follows, moving it to a newer version where that one migrates and the workflow allows it. */
  currentCadence(): Cadence | undefined {
    const position = this.s.position;
    if (!position) return undefined;
    const found = definitionFor(position);
    if (!found) return undefined;
    if (!found.migrate) return found.cadence;
    if (!found.from || this.config.mayMigrate(found.cadence.id, found.cadence.version)) {
      this.s.position = migratePosition(found.from, found.cadence, position);
      if (found.from) this.logCadence(`migrate to ${found.cadence.id} v${found.cadence.version}`, found.cadence);
      return found.cadence;
    }
    return found.from;
  }

  /** What the cadence wants now; stores where that leaves the lead. Undefined while no cadence runs or its profile is loading. */
  decideCadence(): { cadence: Cadence; decision: Decision } | undefined {
    if (!this.s.position || !this.s.profile) return undefined;
    const cadence = this.currentCadence();
    const position = this.s.position;
    if (!cadence || !position) return undefined;
    const decision = interpret(cadence, position, this.cadenceFacts(position.startedAt));
    this.s.position = decision.position;
    for (const line of decision.trace) this.logCadence(line, cadence);
    if (this.lead.cadence)
      this.lead.cadence.step = decision.type === 'exit' ? null : (cadence.steps[decision.position.at]?.id ?? null);
    return { cadence, decision };
  }

  private cadenceFacts(startedAt: number) {
    const { lead } = this;
    const exits: ExitCondition[] = [];
    if (this.s.engagements.some((e) => e.event === 'reply' && e.at >= startedAt)) exits.push('replied');
    if (this.s.meetingBooked) exits.push('meeting_booked');
    if (lead.mailStopped) exits.push('unsubscribed');
    if (lead.stage === 'qualified' || lead.stage === 'handed_off') exits.push('qualified');
    if (lead.stage === 'not_interested') exits.push('not_interested');
    return {
      now: this.now,
      score: lead.score,
      grade: lead.grade,
      buyerStage: lead.buyerStage,
      attributes: this.s.profile?.attributes ?? {},
      engagements: this.s.engagements,
      exits,
      timeZone: this.s.profile?.timeZone ?? null,
      businessDays: this.s.profile?.businessDays,
      marketingSends: this.s.marketingSends,
      isMarketing: (template: string) => emailCategory(template) === 'marketing',
      timeScale: this.config.timeScale,
    };
  }

  /** R13: a nurtured lead whose buyer stage moved switches to that stage's track, keeping its progress. */
  followBuyerStage(): void {
    const position = this.s.position;
    if (!position || this.lead.stage !== 'nurturing' || this.onLongTerm()) return;
    const byContent = this.contentByStage();
    const to = nurtureTrack(this.lead.buyerStage, byContent);
    if (to.id === position.cadence) return;
    this.s.position = switchTrack(to, position, this.s.sentTemplates, this.now, { keepProgress: !byContent });
    this.s.cadenceEndedAt = null;
    this.logCadence(
      `switch track: buyer stage ${this.lead.buyerStage ?? 'unknown'} → ${to.id} v${to.version}, at step ${to.steps[this.s.position.at]?.id ?? 'end'} (R13)`,
      to,
    );
  }

  /**
   * The buyer stage moves (R13): recorded with its reason on the lead's timeline (a `buyer_stage`
   * touch, which also moves the lead row's stage) and in the lead's state; a nurtured lead switches
   * track, never repeating a template it has had.
   */
  moveBuyerStage(to: string, reason: string, by: string): void {
    const from = this.lead.buyerStage;
    if (from === to) return;
    this.lead.buyerStage = to;
    const at = this.iso();
    this.lead.buyerStageSince = at;
    this.emit(
      { kind: 'recordTouch', at, touchKind: 'buyer_stage', channel: 'system', details: { from, to, reason, by } },
      `buyer-stage-${to}`,
    );
    this.lead.buyerStageMoves = [...(this.lead.buyerStageMoves ?? []), { at, from, to, reason }].slice(
      -BUYER_STAGE_MOVES_KEPT,
    );
    this.followBuyerStage();
  }

  /** R12: engagement a branch may look at, bounded so a burst cannot bloat the carried state. */
  noteEngagement(event: string, at: number): void {
    this.s.engagements = [
      ...this.s.engagements.filter((e) => e.at > this.now - ENGAGEMENT_MEMORY_MS),
      { event, at },
    ].slice(-ENGAGEMENT_MEMORY_ENTRIES);
  }

  /** A cadence e-mail decided: it counts towards the frequency cap and is never repeated after a track switch. */
  noteSent(template: string): void {
    if (emailCategory(template) === 'marketing')
      this.s.marketingSends = [...this.s.marketingSends.filter((t) => t > this.now - ENGAGEMENT_MEMORY_MS), this.now];
    if (!this.s.sentTemplates.includes(template)) this.s.sentTemplates = [...this.s.sentTemplates, template];
  }

  /** Whether an e-mail may go to the lead at all: an address, not stopped, not erased; marketing needs consent (R18). */
  mayEmail(template: string): boolean {
    if (!this.s.reachable.email || this.lead.mailStopped || this.s.erased) return false;
    return emailCategory(template) !== 'marketing' || this.s.marketingConsent;
  }

  /** An instant as the lead's local wall-clock time, for the cadence log. */
  localTime(at: number): string {
    const timeZone = this.s.profile?.timeZone ?? 'UTC';
    return `${formatLocal(at, timeZone)} ${timeZone}`;
  }

  /** Adds a line to the cadence log the lead's state shows. */
  logCadence(what: string, cadence?: Cadence): void {
    const current = this.lead.cadence;
    const view =
      cadence && (!current || current.id !== cadence.id || current.version !== cadence.version)
        ? { id: cadence.id, version: cadence.version, step: cadence.steps[0]?.id ?? null, log: current?.log ?? [] }
        : current;
    if (!view) return;
    if (view.log.at(-1)?.what === what) return; // a wait re-decided after an event: logged once
    view.log = [...view.log, { at: this.iso(), what }].slice(-CADENCE_LOG_ENTRIES);
    this.lead.cadence = view;
  }
}
