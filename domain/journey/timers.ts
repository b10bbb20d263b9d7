/**
 * Everything a lead waits for, as absolute times in its state: the SLA, the cadence's next act,
 * the handoff's reminder and escalation, the silence alert, the rep's scheduled activities, the
 * rep's answer to a reply and unreported calls. `settle` fires whatever is due by `now`, then
 * notes the earliest timer left (`wake`) for the workflow to sleep until.
 */
import { completeStep } from '../../cadences';
import { watchesSilence } from '../lifecycle';
import type { Draft } from './draft';
import type { BoardFields } from './types';

interface Timer {
  at: number;
  /** What the lead waits for (shown as waitingFor). */
  what: string;
  /** The next act, when it differs from what the timer waits for (a cadence's next e-mail or task, shown as nextAction). */
  next?: string;
  /** Bookkeeping the lead's card does not show as what it waits for (a re-score when the grade changes with time). */
  quiet?: boolean;
  fire: () => void;
}

/** Safety net: a decision never fires more timers than this (each firing removes or moves its timer). */
const MAX_FIRINGS = 200;

export function isOver(d: Draft): boolean {
  const { stage } = d.lead;
  return d.s.finished || d.s.erased || stage === 'converted' || stage === 'disqualified';
}

/** Fires every timer due by now, then records the next one (wake), the lead's next action and what it waits for. */
export function settle(d: Draft): void {
  let upcoming: Timer[] = [];
  for (let i = 0; i < MAX_FIRINGS; i++) {
    upcoming = isOver(d) ? [] : timers(d);
    const due = upcoming.find((t) => t.at <= d.now);
    if (!due) break;
    due.fire();
  }
  d.s.wake = upcoming[0]?.at ?? null;
  const visible = upcoming.filter((t) => !t.quiet);
  const first = visible[0];
  const shown = visible.find((t) => t.next !== undefined) ?? first;
  d.lead.nextAction = shown ? { what: shown.next ?? shown.what, at: d.iso(shown.at) } : null;
  d.lead.waitingFor = isOver(d)
    ? d.s.erased
      ? 'nothing: the lead was erased'
      : d.s.finished
        ? 'a new capture: the year of nurture is over'
        : 'nothing: the lead is closed'
    : (first?.what ?? 'the rep or the lead to act');
  publishBoard(d);
}

/** Keeps the lead row's board fields in step with the state (R22), once per change. */
function publishBoard(d: Draft): void {
  const board = boardOf(d);
  const fingerprint = JSON.stringify(board);
  if (fingerprint === d.s.board) return;
  d.s.board = fingerprint;
  d.emit({ kind: 'syncLead', board }, 'sync');
}

/** The lead row's board fields as the state has them. */
export function boardOf({ lead }: Draft): BoardFields {
  return {
    attempts: lead.attempts,
    recycleCount: lead.recycleCount,
    slaDeadline: lead.slaDeadline,
    nextActivity: lead.nextAction?.what ?? null,
    nextActivityAt: lead.nextAction?.at ?? null,
    stalled: lead.stalled,
  };
}

/** Every pending timer, earliest first. */
function timers(d: Draft): Timer[] {
  const { s, lead, config } = d;
  const { policy } = config;
  const list: Timer[] = [];
  if (lead.stage === 'contacting' && s.awaitingFirstContact && !s.slaHandled && lead.slaDeadline) {
    list.push({
      at: Date.parse(lead.slaDeadline),
      what: `the rep's first contact (SLA ${String(policy.firstContactSla)})`,
      fire: () => slaBreached(d),
    });
  }
  const cadence = cadenceTimer(d);
  if (cadence) list.push(cadence);
  if (s.handoff && lead.stage === 'qualified') {
    const sla = d.ms(policy.handoffSla);
    const handoff = s.handoff;
    if (!handoff.reminded)
      list.push({
        at: handoff.since + sla,
        what: 'the rep to accept or reject the handoff',
        fire: () => ((handoff.reminded = true), d.notifyRep('handoff_reminder')),
      });
    else if (!handoff.escalated)
      list.push({
        at: handoff.since + 2 * sla,
        what: 'the rep to accept or reject the handoff (reminded)',
        fire: () => ((handoff.escalated = true), d.notifyManager('handoff_overdue')),
      });
  }
  if (!lead.stalled && watchesSilence(lead.buyerStage ?? undefined, s.meetingBooked, lead.stage)) {
    list.push({
      at: s.lastActivityAt + d.ms(policy.silenceAlertAfter),
      what: `a sign of life (silence alert after ${String(policy.silenceAlertAfter)})`,
      fire: () => stalled(d),
    });
  }
  for (const activity of s.scheduled) {
    list.push({
      at: activity.at,
      what: `the ${activity.kind} the rep scheduled for ${d.iso(activity.at)} (reminder)`,
      fire: () => remind(d, activity),
    });
  }
  if (s.repWait) {
    const wait = s.repWait;
    list.push({
      at: wait.deadline,
      what: wait.managerTold
        ? 'the rep to answer the lead (manager told)'
        : 'the rep to answer the lead who wrote back',
      fire: () => repSilent(d),
    });
  }
  if (s.regradeAt != null) {
    list.push({
      at: s.regradeAt,
      what: 'the grade to change with time',
      quiet: true,
      fire: () => {
        s.regradeAt = null;
        d.rescore('time: the grade changes with no new action (decay, the window)');
      },
    });
  }
  if (s.unreportedCalls && !s.unreportedCalls.managerTold) {
    const calls = s.unreportedCalls;
    list.push({
      at: calls.since + d.ms(policy.lastAttemptGrace),
      what: 'the rep to report the contact attempts',
      fire: () => ((calls.managerTold = true), d.notifyManager('attempts_unreported')),
    });
  }
  return list.sort((a, b) => a.at - b.at);
}

/** The cadence's next act (now), its wait, or its end; a cadence that exited for a reason just stops. */
function cadenceTimer(d: Draft): Timer | undefined {
  const decided = d.decideCadence();
  if (!decided) return undefined;
  const { cadence, decision } = decided;
  switch (decision.type) {
    case 'email':
    case 'task':
      // The rep signs the e-mail and takes the task: while routing finds them, the act waits for the result.
      if (d.s.routing) return undefined;
      return { at: d.now, what: decision.step.summary, next: decision.step.summary, fire: () => act(d) };
    case 'wait': {
      const next = cadence.steps.slice(decision.position.at).find((s) => s.kind === 'email' || s.kind === 'task');
      d.logCadence(`wait until ${d.localTime(decision.until)}: ${decision.why}`);
      return {
        at: decision.until,
        what: decision.why,
        next: next && 'summary' in next ? next.summary : decision.why,
        fire: () => undefined,
      };
    }
    case 'exit': {
      const { stage } = d.lead;
      d.logCadence(`exit: ${decision.reason}`);
      if (decision.reason !== 'completed') {
        d.s.position = null;
        if (stage === 'nurturing') waitForRep(d); // e.g. unsubscribed: the rep decides what follows
        return undefined;
      }
      d.s.cadenceEndedAt ??= d.now;
      const grace = stage === 'contacting' ? d.ms(d.config.policy.lastAttemptGrace) : 0;
      const what = stage === 'contacting' ? 'the outcome of the last attempt' : `the end of ${cadence.title}`;
      return { at: d.s.cadenceEndedAt + grace, what, fire: () => cadenceDone(d) };
    }
  }
}

/** Sends the e-mail or gives the task the cadence wants now, then moves on to its next step. */
function act(d: Draft): void {
  const decided = d.decideCadence();
  if (!decided || (decided.decision.type !== 'email' && decided.decision.type !== 'task')) return;
  const { cadence, decision } = decided;
  const rep = d.lead.assignedRep;
  if (decision.type === 'email') {
    const { template, summary } = decision.step;
    if (d.mayEmail(template)) {
      d.emit({ kind: 'sendEmail', template, repId: rep, summary }, template);
      d.noteSent(template);
      d.logCadence(`email ${template}`);
      if (d.lead.stage === 'contacting') d.lead.attempts += 1; // an e-mail attempt (R8)
    } else {
      d.logCadence(`email ${template}: skipped, ${whyNoMail(d)}`);
    }
  } else if (rep && (decision.step.task !== 'call' || d.s.reachable.phone)) {
    const { task, summary } = decision.step;
    d.emit(
      { kind: 'createTask', repId: rep, taskKind: task, title: summary, dueAt: d.iso(decision.dueAt) },
      `${task}-task`,
    );
    d.logCadence(`task ${task} for ${rep}: ${summary}, due ${d.localTime(decision.dueAt)}`);
  } else {
    d.logCadence(`task ${decision.step.task}: skipped, ${rep ? 'no phone number' : 'no rep'}`);
  }
  const position = d.s.position;
  if (position) d.s.position = completeStep(cadence, position, d.now);
}

function whyNoMail(d: Draft): string {
  if (!d.s.reachable.email) return 'no e-mail address';
  if (d.lead.mailStopped) return `mail stopped (${d.lead.mailStopped})`;
  return 'no marketing consent';
}

/** A cadence ran its course (after the last attempt's grace when contacting). */
function cadenceDone(d: Draft): void {
  const { lead, s } = d;
  const longTerm = d.onLongTerm();
  s.position = null;
  s.cadenceEndedAt = null;
  if (lead.stage === 'contacting') {
    if (lead.attempts >= d.config.policy.maxAttempts) {
      d.moveTo('not_interested', `no reach after ${lead.attempts} attempts (R8)`);
    } else {
      // R8: fewer than five counted attempts: the calls were given but not reported. Never closed on that.
      s.unreportedCalls = { since: d.now, managerTold: false };
      d.notifyRep('calls_overdue', `${lead.attempts} of ${d.config.policy.maxAttempts} attempts reported`);
    }
  } else if (lead.stage === 'nurturing' && !longTerm && !(lead.buyerStage === 'post_purchase' && d.contentByStage())) {
    d.startCadence('long-term');
  } else {
    // A year of long-term nurture without a sign, or a customer's onboarding done (R13: re-engagement mail is
    // pre-sale mail): the run ends, the lead stays (R4).
    s.finished = true;
  }
}

/** R6: no logged contact within the SLA: tell the manager and, if the policy says so, give the lead to another rep once. */
function slaBreached(d: Draft): void {
  d.s.slaHandled = true;
  d.notifyManager('sla_breach');
  if (d.config.policy.reassignOnSlaBreach && !d.s.slaReassigned) {
    d.s.slaReassigned = true;
    d.assign(
      'sla_breach',
      'reassigned after first-contact SLA breach (R6)',
      d.lead.assignedRep ? [d.lead.assignedRep] : [],
    );
  }
}

/** R20: silence after the evaluation stage: alert the rep. */
function stalled(d: Draft): void {
  d.lead.stalled = true;
  d.notifyRep('stalled');
}

function remind(d: Draft, activity: { kind: string; at: number; note?: string }): void {
  d.s.scheduled = d.s.scheduled.filter((a) => a !== activity);
  d.notifyRep(
    'activity_due',
    `Scheduled ${activity.kind} at ${d.iso(activity.at)}${activity.note ? `: ${activity.note}` : ''}`,
  );
}

/** R17: a lead who wrote back waits for the rep; no automated e-mail goes out meanwhile. Silence past the SLA tells the manager, weekly while it lasts. */
export function waitForRep(d: Draft): void {
  d.s.repWait = { since: d.now, deadline: d.now + d.ms(d.config.policy.replySla), managerTold: false };
}

function repSilent(d: Draft): void {
  const wait = d.s.repWait!;
  wait.managerTold = true;
  wait.deadline = d.now + 7 * d.ms(d.config.policy.replySla);
  d.notifyManager('reply_unanswered');
}
