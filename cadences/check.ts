/**
 * The cadence checker: run by a test and at worker start, so a cadence that could strand a lead,
 * loop for ever, send a template that does not exist or mail without consent never ships.
 */
import { msToNumber } from '@temporalio/common/lib/time';
import { BUYER_STAGES } from '../domain/lifecycle';
import type { Cadence, Condition, Step, TrackSet } from './types';

export interface CheckContext {
  /** Every template the mailer knows. */
  templates: readonly string[];
  /** Whether a template is sent as marketing mail (consent checked at send time). */
  isMarketing: (template: string) => boolean;
}

/** No wait may be longer than this: a longer pause is a different cadence. */
export const LONGEST_WAIT_MS = 400 * 24 * 60 * 60 * 1000;

function targets(step: Step, index: number, steps: readonly Step[]): string[] {
  const next = steps[index + 1]?.id;
  switch (step.kind) {
    case 'exit':
      return [];
    case 'branch':
      return [step.then, step.otherwise ?? next].filter((t): t is string => t !== undefined);
    case 'goto':
      return [step.to, next].filter((t): t is string => t !== undefined);
    default:
      return next ? [next] : [];
  }
}

function conditionSteps(c: Condition): string[] {
  if ('not' in c) return conditionSteps(c.not);
  return 'engagedSince' in c ? [c.engagedSince] : [];
}

/** Every problem with one cadence (and its pinned earlier versions), as sentences naming the step; empty when it is sound. */
export function checkCadence(cadence: Cadence, ctx: CheckContext): string[] {
  const problems: string[] = [];
  const at = (step: Step) => `${cadence.id} v${cadence.version} step ${step.id}`;
  const ids = new Map<string, number>();
  cadence.steps.forEach((s, i) => {
    if (ids.has(s.id)) problems.push(`${at(s)}: duplicate step id`);
    ids.set(s.id, i);
  });
  if (cadence.steps.length === 0) problems.push(`${cadence.id} v${cadence.version}: has no steps`);

  for (const step of cadence.steps) {
    switch (step.kind) {
      case 'wait': {
        if (step.for === undefined && step.until !== 'send_window')
          problems.push(`${at(step)}: wait has no bound (give it a duration or until: 'send_window')`);
        if (step.until === 'send_window' && !cadence.sendWindow)
          problems.push(`${at(step)}: waits for the send window, but the cadence has none`);
        if (step.for !== undefined) {
          let ms = NaN;
          try {
            ms = msToNumber(step.for);
          } catch {
            // reported below
          }
          if (!(ms >= 0) || ms > LONGEST_WAIT_MS)
            problems.push(`${at(step)}: wait ${String(step.for)} is not a duration between 0 and 400 days`);
        }
        break;
      }
      case 'email':
        if (step.answersTheLead && cadence.steps.slice(0, cadence.steps.indexOf(step)).some((s) => s.kind === 'wait')) {
          problems.push(`${at(step)}: only an e-mail before any wait may answer the lead in a quiet hour`);
        }
        if (!ctx.templates.includes(step.template))
          problems.push(`${at(step)}: template ${step.template} does not exist`);
        else if (cadence.purpose === 'marketing' && !ctx.isMarketing(step.template)) {
          problems.push(
            `${at(step)}: would bypass consent: ${step.template} goes out as personal mail in a marketing cadence (R18)`,
          );
        }
        break;
      case 'task':
        try {
          if (!(msToNumber(step.sla) > 0)) problems.push(`${at(step)}: task SLA must be positive`);
        } catch {
          problems.push(`${at(step)}: task SLA ${String(step.sla)} is not a duration`);
        }
        break;
      case 'branch':
        for (const t of [step.then, step.otherwise])
          if (t !== undefined && !ids.has(t)) problems.push(`${at(step)}: goes to ${t}, which does not exist`);
        for (const t of conditionSteps(step.when))
          if (!ids.has(t)) problems.push(`${at(step)}: looks at engagement since ${t}, which does not exist`);
        break;
      case 'goto':
        if (!ids.has(step.to)) problems.push(`${at(step)}: goes to ${step.to}, which does not exist`);
        if (!Number.isInteger(step.times) || step.times < 0 || step.times > 52)
          problems.push(`${at(step)}: loop bound must be a whole number from 0 to 52`);
        break;
    }
  }
  if (problems.length > 0) return problems;

  // Reachability from the first step.
  const seen = new Set<number>();
  const queue = [0];
  while (queue.length > 0) {
    const i = queue.pop()!;
    if (seen.has(i) || !cadence.steps[i]) continue;
    seen.add(i);
    for (const t of targets(cadence.steps[i]!, i, cadence.steps)) queue.push(ids.get(t)!);
  }
  cadence.steps.forEach((s, i) => {
    if (!seen.has(i)) problems.push(`${at(s)}: unreachable`);
  });

  // A cycle must pass through a bounded goto, and must wait: a branch going backwards is an unbounded loop.
  cadence.steps.forEach((s, i) => {
    if (s.kind === 'branch') {
      for (const t of [s.then, s.otherwise])
        if (t !== undefined && ids.get(t)! <= i)
          problems.push(`${at(s)}: branches back to ${t}: an unbounded loop (use a goto with a bound)`);
    }
    if (s.kind === 'goto' && ids.get(s.to)! <= i) {
      const body = cadence.steps.slice(ids.get(s.to)!, i);
      if (!body.some((b) => b.kind === 'wait')) problems.push(`${at(s)}: loops back to ${s.to} without a wait`);
    }
  });

  for (const older of cadence.previous ?? []) {
    if (older.id !== cadence.id || older.version >= cadence.version)
      problems.push(
        `${cadence.id} v${cadence.version}: earlier version ${older.id} v${older.version} is not an earlier version of it`,
      );
    problems.push(...checkCadence(older, ctx));
  }
  return problems;
}

const templatesOf = (cadence: Cadence): string[] =>
  cadence.steps.flatMap((s) => (s.kind === 'email' ? [s.template] : []));

/**
 * R13: every stage has a known cadence, and the decision stage is never on a slow track. R11: no
 * template can reach a lead twice. A lead whose stage moves switches to the new stage's track (its
 * current version, which is where a switch lands) having had what any version of its old track
 * sends, so no template of one track, in any version, may be in another stage's track. A stage,
 * once known, stays known: the unknown-stage track is left, never switched to.
 */
export function checkTracks(set: TrackSet, cadences: readonly Cadence[]): string[] {
  const problems: string[] = [];
  const byId = new Map(cadences.map((c) => [c.id, c]));
  for (const stage of [...BUYER_STAGES, 'unknown'] as const) {
    const id = stage === 'unknown' ? set.unknownStage : set.byStage[stage];
    const cadence = byId.get(id);
    if (!cadence) problems.push(`track set ${set.id}: ${stage} goes to ${id}, which does not exist`);
    else if (stage === 'decision' && cadence.pace === 'slow')
      problems.push(`track set ${set.id}: the decision stage lands on the slow track ${id} (R13)`);
  }
  const switchedTo = new Set(BUYER_STAGES.map((stage) => set.byStage[stage]));
  const repeats = new Set<string>();
  for (const fromId of new Set([set.unknownStage, ...switchedTo])) {
    for (const toId of switchedTo) {
      const from = byId.get(fromId);
      const to = byId.get(toId);
      if (fromId === toId || !from || !to) continue;
      const next = templatesOf(to);
      for (const had of [from, ...(from.previous ?? [])])
        for (const template of templatesOf(had).filter((t) => next.includes(t)))
          repeats.add(
            `track set ${set.id}: ${template} could reach a lead twice, on ${from.id} v${had.version} and again on ${to.id} v${to.version} when its buyer stage moves (R11)`,
          );
    }
  }
  return [...problems, ...repeats];
}

/** Every problem in every shipped cadence and track set; the worker refuses to start unless it is empty. */
export function checkAll(cadences: readonly Cadence[], tracks: readonly TrackSet[], ctx: CheckContext): string[] {
  const ids = cadences.map((c) => c.id);
  const duplicates = ids.filter((id, i) => ids.indexOf(id) !== i).map((id) => `cadence id ${id} is used twice`);
  return [
    ...duplicates,
    ...cadences.flatMap((c) => checkCadence(c, ctx)),
    ...tracks.flatMap((t) => checkTracks(t, cadences)),
  ];
}
