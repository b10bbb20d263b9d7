/**
 * What each event does to a lead (R3–R20). Each handler changes the draft and decides effects;
 * none waits for one. Results of effects come back as events too (`effectDone`, `effectFailed`).
 */
import { inferBuyerStage } from '../buyer-stage';
import { isAdvanced, outcomeEffect } from '../lifecycle';
import type { Draft } from './draft';
import { boardOf, waitForRep } from './timers';
import type {
  ActivitySchedule,
  CaptureTouch,
  Effect,
  EffectResults,
  EngagementSignal,
  HandoffDecision,
  JourneyEvent,
  JunkFlagRequest,
  JunkReviewRequest,
  OpportunityClose,
  OutcomeReport,
} from './types';

/** At most this many scheduled activities wait for their reminders (bounds the state carried across continueAsNew). */
export const MAX_SCHEDULED = 50;
/** A scheduled activity's note is kept this long in the state (the rep's task holds all of it). */
const NOTE_KEPT = 200;

export function apply(d: Draft, event: JourneyEvent): void {
  switch (event.type) {
    case 'capture':
      return captured(d, event.touch);
    case 'outcome':
      return outcomeReported(d, event.report);
    case 'engagement':
      return engaged(d, event.signals);
    case 'mailStopped':
      d.lead.mailStopped ??= event.reason;
      return;
    case 'handoff':
      return handoffDecided(d, event.decision);
    case 'opportunity':
      return opportunityClosed(d, event.close);
    case 'junkFlag':
      return junkFlagged(d, event.request);
    case 'junkReview':
      return junkReviewed(d, event.request);
    case 'schedule':
      return scheduled(d, event.schedule);
    case 'reassign':
      return reassigned(d, event.reason, event.fromRep);
    case 'erase':
      d.startCadence(null);
      Object.assign(d.s, {
        erased: true,
        finished: true,
        scheduled: [],
        repWait: null,
        handoff: null,
        unreportedCalls: null,
        held: [],
        repNotices: [],
        scoring: { inFlight: false, queue: [] },
        afterScoring: [],
        regradeAt: null,
      });
      return;
    case 'tick':
      return; // settle fires what is due
    case 'resync': {
      // After every write under way (the lead-row lane), the row gets the whole board as this state has it. The rep
      // only if the state knows one: routing writes it to the row before its result comes back here.
      const { stage, assignedRep } = d.lead;
      d.emit({ kind: 'syncLead', board: { ...boardOf(d), stage, ...(assignedRep ? { assignedRep } : {}) } }, 'resync');
      return;
    }
    case 'effectDone':
    case 'effectFailed':
      return reported(d, event);
  }
}

function movesBuyerStage(d: Draft): boolean {
  return d.config.buyerStageMoves?.() ?? true;
}

/**
 * R16: the lead goes to another rep, the manager told. From a named rep (an admin's deactivation, which may
 * be sent again after an answer that came too late), only while it is theirs: a lead moved, or being moved,
 * away from them already stays as it is; one whose first routing is still under way routes again without them.
 */
function reassigned(d: Draft, reason: string, fromRep: string | undefined): void {
  if (isClosedStage(d)) return;
  const owner = d.lead.assignedRep;
  if (fromRep !== undefined) {
    const moving = d.s.inFlight.some(
      (e) => e.kind === 'assignRep' && e.purpose === 'reassign' && e.exclude.includes(fromRep),
    );
    if ((owner !== fromRep || moving) && (d.config.reassignFromOwnerOnly?.() ?? true)) {
      if (owner === null && !moving) d.assign('reassign', reason, [fromRep]);
      return;
    }
  }
  d.assign('reassign', reason, owner ? [owner] : []);
  d.lead.assignedRep = null;
}

function isClosedStage(d: Draft): boolean {
  return d.s.erased || d.lead.stage === 'converted' || d.lead.stage === 'disqualified';
}

function actorName(actor: { role: string; repId?: string | null }): string {
  return actor.repId ? `${actor.role}:${actor.repId}` : actor.role;
}

/** R3, R4: the first capture welcomes the lead; a returning person re-enters the pipeline. */
function captured(d: Draft, touch: CaptureTouch): void {
  const { s, lead } = d;
  if (s.erased) return;
  lead.captures += 1;
  lead.lastCaptureTouchId = touch.touchId;
  s.firstTouch ??= { at: touch.at, channel: touch.source.channel };
  if (touch.marketingConsent !== undefined) s.marketingConsent = touch.marketingConsent; // a recorded consent, given or withdrawn (R18)
  if (touch.buyerStage && touch.buyerStage !== lead.buyerStage) {
    if (movesBuyerStage(d))
      d.moveBuyerStage(touch.buyerStage, `captured in this stage (${touch.source.channel})`, 'capture');
    else {
      lead.buyerStage = touch.buyerStage;
      d.followBuyerStage(); // R13: another stage, another track, progress kept
    }
  }
  if (lead.stage === 'new' && !s.returning) return welcome(d);
  s.returning = false;
  d.noteActivity();
  d.rescore('captured again');
  // A returning lead is owned from this capture on: its rep, or the rep routing finds (the former one when available).
  if (!lead.assignedRep && !s.routing) d.assign('returning', 'returning lead');
  if (lead.stage === 'converted') {
    // R15: a returning customer is a new sales case for the rep, not a new lead.
    d.moveTo('qualified', 'returning customer: a new opportunity for the rep (R15)');
  } else if (
    lead.stage === 'contacting' ||
    lead.stage === 'nurturing' ||
    lead.stage === 'qualified' ||
    lead.stage === 'handed_off'
  ) {
    if (lead.buyerStage === 'decision' && lead.stage !== 'qualified' && lead.stage !== 'handed_off')
      d.moveTo('qualified', 'returned in the decision stage (R13)');
    else if (!s.position && !s.handoff && lead.stage !== 'handed_off') reenter(d); // a run restarted on a stored stage
  } else {
    reenter(d);
  }
}

/** R4, R6: back to contacting with a rep (the former one when available) who is told, an SLA and the contact cadence. */
function reenter(d: Draft): void {
  const { lead } = d;
  if (lead.stage === 'contacting') {
    d.openContacting();
    d.startCadence('contact');
  } else {
    d.moveTo('contacting', 're-engaged: captured again (R4)');
  }
  d.notifyRep('returning_lead'); // the rep, or the rep routing finds
}

/** R16, R6, R7: route to a rep and answer personally at once, in one effect; everything else follows it. */
function welcome(d: Draft): void {
  const { s } = d;
  d.emit(
    { kind: 'welcome', at: d.iso(), sendFirstTouch: d.mayEmail('first-touch'), sendKey: s.firstTouchKey },
    'welcome',
  );
  s.welcoming = true;
  s.routing = true;
  d.notifyRep('new_lead');
  d.moveTo('contacting', 'captured: first contact under way (R6)');
  slaFromRequest(d);
  d.rescore('captured');
  if (isAdvanced(d.lead.buyerStage ?? undefined, false)) d.moveTo('qualified', 'captured in the decision stage (R13)');
}

/**
 * R6: the SLA runs from the request, not from when a worker first saw the lead (a backlog or a worker outage
 * delays that). A lead first seen after its SLA ran out: the manager is told, and the rep routing finds now
 * has the whole SLA, as a rep given a breached lead has.
 */
function slaFromRequest(d: Draft): void {
  const requestedAt = d.config.requestedAt?.() ?? null;
  if (requestedAt === null || requestedAt >= d.now) return;
  const deadline = requestedAt + d.ms(d.config.policy.firstContactSla);
  if (deadline > d.now) d.lead.slaDeadline = d.iso(deadline);
  else d.notifyManager('sla_missed_unseen');
}

/** How many stored engagements' request ids a lead remembers, so that one sent again is applied once (a request holds up to 100). */
export const RECORDED_ENGAGEMENTS = 200;

/** R12: engagement that arrived; a reply stops every cadence and goes to the rep (R17). */
function engaged(d: Draft, arrived: EngagementSignal[]): void {
  const { s, lead } = d;
  // An engagement the API stored and sent again (its first signal was not confirmed, the sweep re-sent it) counts once.
  const again = new Set(arrived.filter((x) => x.recorded && s.recordedEngagements?.includes(x.requestId)));
  const signals =
    again.size > 0 && (d.config.engagementOnce?.() ?? true) ? arrived.filter((x) => !again.has(x)) : arrived;
  if (s.erased || signals.length === 0) return;
  const recorded = signals.filter((x) => x.recorded).map((x) => x.requestId);
  if (recorded.length > 0)
    s.recordedEngagements = [...(s.recordedEngagements ?? []), ...recorded].slice(-RECORDED_ENGAGEMENTS);
  for (const signal of signals.filter((x) => !x.recorded)) {
    const channel = signal.event.startsWith('email') || signal.event === 'reply' ? 'email' : 'web';
    d.emit(
      {
        kind: 'recordTouch',
        at: signal.at,
        touchKind: 'engagement',
        channel,
        details: { event: signal.event, path: signal.path },
      },
      `engagement-${signal.requestId}`,
    );
  }
  const events = signals.map((x) => x.event);
  d.noteActivity();
  for (const x of signals)
    d.noteEngagement(x.event, Number.isFinite(Date.parse(x.at)) ? Math.min(Date.parse(x.at), d.now) : d.now);
  const latest = Math.max(d.now, ...signals.map((x) => Date.parse(x.at)).filter((t) => Number.isFinite(t)));
  d.rescore(`engagement ${describeEvents(events)}`, d.iso(latest));
  if (isClosedStage(d)) return;
  const inferred = movesBuyerStage(d) ? inferBuyerStage(lead.buyerStage, signals) : null;
  if (inferred) d.moveBuyerStage(inferred.to, `engagement: ${inferred.reason}`, 'engagement');
  const has = (e: string) => events.includes(e as EngagementSignal['event']);
  if (has('meeting')) s.meetingBooked = true; // new evidence
  if (has('reply') || has('meeting')) {
    if (lead.stage === 'contacting') d.contacted();
    d.becomeContact();
  }
  if (has('meeting') && lead.stage !== 'qualified' && lead.stage !== 'handed_off') {
    d.moveTo('qualified', 'meeting booked: skips the slow nurture track (R13)');
  } else if (has('reply')) {
    if (lead.stage === 'contacting' || lead.stage === 'not_interested')
      d.moveTo('nurturing', 'replied: reached, not ready yet (R17)');
    d.notifyRep('replied');
    if (lead.stage === 'nurturing') {
      d.startCadence(null); // no automated e-mail after a person wrote back: over to the rep
      waitForRep(d);
    }
  } else if (has('form_submit') && lead.stage === 'not_interested') {
    reenter(d);
  }
}

/** `page_visit`, or `1000 events: 998 × page_visit, 2 × email_open` for a batch. */
function describeEvents(events: string[]): string {
  if (events.length === 1) return events[0]!;
  const counts = new Map<string, number>();
  for (const e of events) counts.set(e, (counts.get(e) ?? 0) + 1);
  return `${events.length} events: ${[...counts].map(([e, n]) => `${n} × ${e}`).join(', ')}`;
}

/** R8, R13, R15, R17: what the rep reports moves the lead. */
function outcomeReported(d: Draft, report: OutcomeReport): void {
  const { s, lead } = d;
  const at = d.iso();
  d.emit(
    {
      kind: 'recordTouch',
      at,
      touchKind: 'outcome',
      channel: 'phone',
      details: { outcome: report.outcome, note: report.note, by: actorName(report.actor) },
    },
    `outcome-${report.requestId}`,
  );
  const effect = outcomeEffect(lead.stage, report.outcome, {
    attempts: lead.attempts,
    maxAttempts: d.config.policy.maxAttempts,
    buyerStage: lead.buyerStage ?? undefined,
    recycled: lead.recycleCount > 0,
  });
  d.contacted();
  if (effect.countsAsAttempt) lead.attempts += 1;
  if (effect.reached) d.becomeContact();
  if (report.outcome === 'meeting_booked') s.meetingBooked = true;
  if (effect.stopMail) lead.mailStopped ??= 'wrong_contact';
  d.noteActivity();
  s.repWait = null; // the rep answered: their outcome decides what follows
  s.unreportedCalls = null;
  if (report.nextActivity) {
    d.emit(
      {
        kind: 'createTask',
        repId: lead.assignedRep,
        taskKind: report.nextActivity.kind,
        title: `${report.nextActivity.kind} scheduled by the rep`,
        dueAt: report.nextActivity.at,
      },
      'next-activity',
    );
    remember(d, { kind: report.nextActivity.kind, at: Date.parse(report.nextActivity.at) });
  }
  d.rescore(`outcome ${report.outcome}`);
  // R13: the rep's word on the buyer stage, forward or back: recorded, and the track follows (a nurture started below
  // starts on it).
  if (report.buyerStage && movesBuyerStage(d))
    d.moveBuyerStage(report.buyerStage, `set by the rep with outcome ${report.outcome}`, actorName(report.actor));
  if (effect.next) d.moveTo(effect.next.stage, effect.next.reason, actorName(report.actor));
  if (lead.stage === 'nurturing' && !s.position) {
    d.logCadence(`the rep reported ${report.outcome}: nurture resumes`);
    d.startCadence('nurture');
  }
}

/** R15, R18: sales accepts (a contact and an opportunity) or rejects back to nurture until new evidence. */
function handoffDecided(d: Draft, decision: HandoffDecision): void {
  const actor = actorName(decision.actor);
  if (decision.decision === 'accept') {
    d.emit({ kind: 'openOpportunity', repId: d.lead.assignedRep, at: d.iso() }, 'opportunity');
    d.becomeContact();
    d.moveTo('handed_off', 'accepted by sales (SQL)', actor);
  } else {
    backToNurture(d, `handoff rejected: ${decision.reason ?? 'no reason given'}`, actor);
  }
}

function opportunityClosed(d: Draft, close: OpportunityClose): void {
  d.emit({ kind: 'closeOpportunity', status: close.status, at: d.iso() }, `opportunity-${close.status}`);
  if (close.status === 'won') d.moveTo('converted', 'opportunity won', actorName(close.actor));
  else backToNurture(d, `opportunity lost: ${close.reason ?? 'no reason given'}`, actorName(close.actor));
}

/** The evidence that qualified the lead is spent: only a new meeting, a score crossing from below or a decision-stage capture qualifies it again. */
function backToNurture(d: Draft, reason: string, actor: string): void {
  d.lead.recycleCount += 1;
  d.s.meetingBooked = false;
  d.moveTo('nurturing', reason, actor);
}

/** R5: anyone with a rep role flags "please delete"; an admin decides. */
function junkFlagged(d: Draft, request: JunkFlagRequest): void {
  d.emit({ kind: 'recordJunkFlag', reason: request.reason, by: actorName(request.actor), at: d.iso() }, 'junk-flag');
  d.lead.junkFlagged = true;
}

function junkReviewed(d: Draft, request: JunkReviewRequest): void {
  d.emit(
    {
      kind: 'decideJunkFlag',
      decision: request.decision === 'confirm' ? 'confirmed' : 'cleared',
      by: actorName(request.actor),
      at: d.iso(),
    },
    'junk-review',
  );
  d.lead.junkFlagged = false;
  if (request.decision === 'confirm')
    d.moveTo('disqualified', 'junk confirmed by an admin (R5)', actorName(request.actor));
}

/** R7: the rep's task at once, and a reminder when it is due. */
function scheduled(d: Draft, schedule: ActivitySchedule): void {
  const title = `${schedule.kind} scheduled by the rep${schedule.note ? `: ${schedule.note}` : ''}`;
  d.emit(
    { kind: 'createTask', repId: d.lead.assignedRep, taskKind: schedule.kind, title, dueAt: schedule.at },
    'scheduled-activity',
  );
  remember(d, { kind: schedule.kind, at: Date.parse(schedule.at), note: schedule.note });
}

function remember(d: Draft, activity: { kind: 'call' | 'meeting'; at: number; note?: string }): void {
  const note = activity.note?.slice(0, NOTE_KEPT);
  d.s.scheduled = [...d.s.scheduled, { kind: activity.kind, at: activity.at, ...(note ? { note } : {}) }].slice(
    -MAX_SCHEDULED,
  );
}

/** An effect reported back: what it found decides what follows. */
function reported(d: Draft, event: Extract<JourneyEvent, { type: 'effectDone' | 'effectFailed' }>): void {
  const { s, lead } = d;
  const effect = s.inFlight.find((e) => e.key === event.key);
  if (!effect) return; // reported twice, or from before an erasure
  s.inFlight = s.inFlight.filter((e) => e !== effect);
  const failed = event.type === 'effectFailed';
  if (failed) {
    d.problem(`${effect.kind} failed: ${event.error}`);
    if (d.config.recordFailures?.() ?? true) failedForGood(d, effect, event.error);
  }
  const result = failed ? undefined : event.result;
  switch (effect.kind) {
    case 'welcome': {
      const welcomed = result as EffectResults['welcome'] | undefined;
      if (welcomed?.email) {
        const status = welcomed.email.status;
        lead.firstTouchEmailSent = status === undefined || status === 'sent' || status === 'already_sent';
        afterSend(d, status);
      }
      d.releaseHeld();
      return d.assigned(welcomed?.assignment?.repId ?? null);
    }
    case 'assignRep': {
      const repId = (result as EffectResults['assignRep'] | undefined)?.repId ?? null;
      const before = lead.assignedRep;
      if (effect.purpose === 'sla_breach' && repId && repId !== before) {
        d.assigned(repId);
        d.notifyRep('new_lead');
        if (lead.stage === 'contacting' && s.awaitingFirstContact) {
          s.slaHandled = false; // the new rep gets the SLA afresh
          lead.slaDeadline = d.iso(d.now + d.ms(d.config.policy.firstContactSla));
        }
        return;
      }
      if (effect.purpose === 'reassign' && repId) {
        d.assigned(repId);
        d.notifyRep('new_lead');
        d.notifyManager('lead_reassigned');
        return;
      }
      return d.assigned(repId);
    }
    case 'sendEmail': {
      const status = (result as EffectResults['sendEmail'] | undefined)?.status;
      if (failed || (status && status !== 'sent' && status !== 'already_sent'))
        d.logCadence(`email ${effect.template}: ${status ?? 'failed'}`);
      return afterSend(d, status);
    }
    case 'score': {
      const score = result as EffectResults['score'] | undefined;
      if (score) {
        lead.score = score.score;
        lead.grade = score.grade;
        // The grade changes on its own then (decay, the window): the lead re-scores at that time.
        const regradeAt = score.nextChangeAt ? Date.parse(score.nextChangeAt) : NaN;
        s.regradeAt = Number.isFinite(regradeAt) && (d.config.timedScores?.() ?? true) ? regradeAt : null;
        const crossed = score.mql && !s.mql; // R14: crossing the threshold from below is new evidence
        s.mql = score.mql;
        if (crossed && (lead.stage === 'contacting' || lead.stage === 'nurturing' || lead.stage === 'not_interested')) {
          d.moveTo('qualified', 'score crossed the MQL threshold (R14)');
        }
      }
      return d.scored();
    }
    case 'loadProfile':
      s.profile = (result as EffectResults['loadProfile'] | undefined) ?? { timeZone: 'UTC', attributes: {} };
      return;
    default:
      return;
  }
}

/** Longest failure text kept on a touch or a manager's alert. */
const FAILURE_TEXT = 500;

/**
 * An effect failed in a way retrying cannot fix (its activity threw a non-retryable failure, e.g. a
 * value PostgreSQL cannot store): a touch on the lead's timeline says what, the manager is alerted
 * once per lead, and the journey goes on without it.
 */
function failedForGood(d: Draft, effect: Effect, error: string): void {
  if (d.s.erased) return;
  const what = error.slice(0, FAILURE_TEXT);
  // A problem touch that could not be written is not written again (no loop); the alert's failure stays on the timeline.
  if (!(effect.kind === 'recordTouch' && effect.touchKind === 'problem'))
    d.emit(
      {
        kind: 'recordTouch',
        at: d.iso(),
        touchKind: 'problem',
        channel: 'system',
        details: { effect: effect.kind, error: what },
      },
      'problem',
    );
  if (!d.s.failureAlerted && effect.kind !== 'notifyManager') {
    d.s.failureAlerted = true;
    d.notifyManager('effect_failed', `What failed: ${effect.kind} (${what})`);
  }
}

/** What a send told us: a hard bounce or a suppressed address stops the mail. */
function afterSend(d: Draft, status: string | undefined): void {
  if (status === 'bounced') d.lead.mailStopped ??= 'hard_bounce';
  else if (status === 'suppressed') d.lead.mailStopped ??= 'suppressed';
}
