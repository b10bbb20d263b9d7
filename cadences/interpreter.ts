/**
 * The cadence interpreter: given a cadence, where the lead is in it and what is known about the
 * lead, what happens next. Pure and deterministic (the workflow calls it with workflow time):
 * branches, loops and elapsed waits are resolved here, and the workflow only sends, gives tasks
 * and sleeps.
 */
import { msToNumber } from '@temporalio/common/lib/time';
import { DEFAULT_FREQUENCY_CAP, nextUnderCap, type FrequencyCap } from './frequency';
import { nextAllowedInstant } from './send-window';
import type { BusinessCalendar, Cadence, Condition, EmailStep, LeadFacts, Position, Step, TaskStep } from './types';

/** What the lead's cadence wants now. `position` is where the lead stands after resolving branches and elapsed waits. */
export type Decision =
  | { type: 'email'; step: EmailStep; position: Position; trace: string[] }
  | { type: 'task'; step: TaskStep; dueAt: number; position: Position; trace: string[] }
  | { type: 'wait'; until: number; why: string; position: Position; trace: string[] }
  | { type: 'exit'; reason: string; position: Position; trace: string[] };

/** Safety net behind the checker: no cadence resolves more than this many steps without acting. */
const MAX_RESOLVED_STEPS = 1_000;

export function startPosition(cadence: Cadence, now: number): Position {
  const first = cadence.steps[0]?.id;
  return {
    cadence: cadence.id,
    version: cadence.version,
    at: 0,
    startedAt: now,
    reachedAt: now,
    reached: first ? { [first]: now } : {},
    loops: {},
    done: [],
  };
}

function moveTo(cadence: Cadence, position: Position, index: number, now: number): Position {
  const id = cadence.steps[index]?.id;
  return {
    ...position,
    at: index,
    reachedAt: now,
    reached: id ? { ...position.reached, [id]: now } : position.reached,
  };
}

function indexOf(cadence: Cadence, id: string): number {
  const i = cadence.steps.findIndex((s) => s.id === id);
  if (i < 0) throw new Error(`Cadence ${cadence.id} v${cadence.version} has no step ${id}`);
  return i;
}

/** Whether a branch condition holds, and why (for the timeline). */
export function evaluate(condition: Condition, facts: LeadFacts, position: Position): { holds: boolean; why: string } {
  if ('not' in condition) {
    const inner = evaluate(condition.not, facts, position);
    return { holds: !inner.holds, why: `not (${inner.why})` };
  }
  if ('grade' in condition)
    return {
      holds: facts.grade !== null && condition.grade.includes(facts.grade),
      why: `grade ${facts.grade ?? 'none'} in [${condition.grade.join(', ')}]`,
    };
  if ('scoreAtLeast' in condition)
    return {
      holds: (facts.score ?? 0) >= condition.scoreAtLeast,
      why: `score ${facts.score ?? 0} ≥ ${condition.scoreAtLeast}`,
    };
  if ('buyerStage' in condition)
    return {
      holds: facts.buyerStage !== null && (condition.buyerStage as readonly string[]).includes(facts.buyerStage),
      why: `buyer stage ${facts.buyerStage ?? 'unknown'} in [${condition.buyerStage.join(', ')}]`,
    };
  if ('engagedSince' in condition) {
    const since = position.reached[condition.engagedSince] ?? position.startedAt;
    const hits = facts.engagements.filter(
      (e) => e.at >= since && (!condition.events || condition.events.includes(e.event)),
    );
    return {
      holds: hits.length > 0,
      why: `${hits.length} engagement(s)${condition.events ? ` of ${condition.events.join('/')}` : ''} since step ${condition.engagedSince}`,
    };
  }
  const value = facts.attributes[condition.attribute];
  const normalised = value?.trim().toLowerCase() ?? null;
  return {
    holds: normalised !== null && condition.in.includes(normalised),
    why: `${condition.attribute} ${value ?? 'unset'} in [${condition.in.join(', ')}]`,
  };
}

/** The earliest instant an e-mail of this cadence may go: inside the send window and under the frequency cap. */
export function sendableAt(
  cadence: Cadence,
  step: EmailStep,
  facts: LeadFacts,
  from: number,
  realCap: FrequencyCap = DEFAULT_FREQUENCY_CAP,
): number {
  const scale = facts.timeScale ?? 1;
  const cap = scale === 1 ? realCap : { ...realCap, periodMs: realCap.periodMs / scale };
  const window = scale === 1 ? cadence.sendWindow : undefined;
  const timeZone = facts.timeZone ?? cadence.sendWindow?.fallbackTimeZone ?? 'UTC';
  let t = from;
  for (let i = 0; i < 10; i++) {
    const capped = facts.isMarketing(step.template) ? nextUnderCap(facts.marketingSends, t, cap) : t;
    const allowed =
      window && !step.answersTheLead ? nextAllowedInstant(capped, window, timeZone, facts.businessDays) : capped;
    if (allowed === t) return t;
    t = allowed;
  }
  return t;
}

/** When a wait step reached at `reachedAt` ends: its duration, then the next allowed send time. */
export function waitEnds(
  cadence: Cadence,
  step: Extract<Step, { kind: 'wait' }>,
  reachedAt: number,
  timeZone: string | null | undefined,
  timeScale = 1,
  calendar?: BusinessCalendar,
): number {
  const end = reachedAt + (step.for !== undefined ? msToNumber(step.for) / timeScale : 0);
  return cadence.sendWindow && timeScale === 1
    ? nextAllowedInstant(end, cadence.sendWindow, timeZone ?? cadence.sendWindow.fallbackTimeZone, calendar)
    : end;
}

/** What the cadence wants now, from `position`: exits first, then branches, loops and elapsed waits up to the next act or wait. */
export function decide(
  cadence: Cadence,
  position: Position,
  facts: LeadFacts,
  cap: FrequencyCap = DEFAULT_FREQUENCY_CAP,
): Decision {
  const trace: string[] = [];
  const exit = facts.exits.find((e) => cadence.exitOn.includes(e));
  if (exit) return { type: 'exit', reason: exit, position, trace };
  let pos = position;
  for (let n = 0; n < MAX_RESOLVED_STEPS; n++) {
    const step = cadence.steps[pos.at];
    if (!step) return { type: 'exit', reason: 'completed', position: pos, trace };
    switch (step.kind) {
      case 'exit':
        return { type: 'exit', reason: step.reason, position: pos, trace };
      case 'email': {
        if (pos.skip?.includes(step.template)) {
          trace.push(`skip ${step.id}: had ${step.template} before the track switch`);
          pos = moveTo(cadence, pos, pos.at + 1, pos.reachedAt);
          break;
        }
        const at = sendableAt(cadence, step, facts, facts.now, cap);
        if (at > facts.now)
          return {
            type: 'wait',
            until: at,
            why: `${step.summary}: outside the send window or over the frequency cap`,
            position: pos,
            trace,
          };
        return { type: 'email', step, position: pos, trace };
      }
      case 'task':
        return {
          type: 'task',
          step,
          dueAt: facts.now + msToNumber(step.sla) / (facts.timeScale ?? 1),
          position: pos,
          trace,
        };
      case 'wait': {
        const until = waitEnds(cadence, step, pos.reachedAt, facts.timeZone, facts.timeScale, facts.businessDays);
        if (until > facts.now)
          return {
            type: 'wait',
            until,
            why: step.summary ?? `wait ${step.for ?? 'for the send window'}`,
            position: pos,
            trace,
          };
        pos = moveTo(cadence, pos, pos.at + 1, until);
        break;
      }
      case 'branch': {
        const { holds, why } = evaluate(step.when, facts, pos);
        const target = holds ? step.then : step.otherwise;
        trace.push(`branch ${step.id}: ${why} → ${holds ? 'yes' : 'no'}, to ${target ?? 'the next step'}`);
        pos = moveTo(cadence, pos, target ? indexOf(cadence, target) : pos.at + 1, pos.reachedAt);
        break;
      }
      case 'goto': {
        const jumped = pos.loops[step.id] ?? 0;
        if (jumped < step.times) {
          trace.push(`loop ${step.id}: back to ${step.to} (${jumped + 1} of ${step.times})`);
          pos = moveTo(
            cadence,
            { ...pos, loops: { ...pos.loops, [step.id]: jumped + 1 } },
            indexOf(cadence, step.to),
            pos.reachedAt,
          );
        } else {
          trace.push(`loop ${step.id}: done after ${step.times}`);
          pos = moveTo(cadence, pos, pos.at + 1, pos.reachedAt);
        }
        break;
      }
    }
  }
  return { type: 'exit', reason: 'too many steps without acting (a checker miss)', position: pos, trace };
}

/** After the workflow has sent the e-mail or given the task of the current step: on to the next, from now. */
export function completeStep(cadence: Cadence, position: Position, now: number): Position {
  const step = cadence.steps[position.at];
  const done = step && (step.kind === 'email' || step.kind === 'task') ? [...position.done, step.id] : position.done;
  return moveTo(cadence, { ...position, done }, position.at + 1, now);
}
