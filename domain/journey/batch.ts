/**
 * Effects as activity calls (`callFor`: which activity on which queue, with what input), and which of one
 * decision's effects run together in one activity (issue 17: a new lead cost the Temporal
 * server and the worker an activity task and a workflow task for each of its database writes): the lead's
 * own writes and reads in PostgreSQL. An effect joins only if every effect it must follow (`after`) is in
 * the same batch or no longer under way, so a batch never waits on an e-mail or on an earlier decision's
 * effects; inside, they run in an order that keeps `after`. E-mail, routing and the opportunity writes
 * stay activities of their own.
 */
import type { Effect, EffectBody } from './types';

/** The effects that may share an activity (idempotent by their key, or reads), and the activity each is done by. */
const BATCHED = {
  recordStage: 'recordStage',
  recordTouch: 'recordTouch',
  score: 'scoreLead',
  loadProfile: 'cadenceProfile',
  syncLead: 'syncLead',
  createTask: 'createTask',
} as const satisfies Partial<Record<EffectBody['kind'], string>>;

export const BATCHED_KINDS: ReadonlySet<EffectBody['kind']> = new Set(Object.keys(BATCHED) as EffectBody['kind'][]);
/** The activities a batch may run. */
export const BATCHED_ACTIVITIES = Object.values(BATCHED);
export type BatchedActivity = (typeof BATCHED)[keyof typeof BATCHED];

/**
 * One decision's effects split into a batch (two or more, in an order that keeps `after`) and those run alone.
 * `underWay`: an earlier decision's effect not yet reported back. An effect of this decision kept out of the
 * batch is about to be under way, so what follows it stays out too (`ownOrder`; runs that decided before that
 * rule replay without it: a score could then be batched ahead of the outcome touch it counts).
 */
export function batchOf(
  effects: Effect[],
  underWay: (key: string) => boolean,
  { ownOrder = true } = {},
): { batch: Effect[]; alone: Effect[] } {
  const decided = new Set(effects.map((e) => e.key));
  const pending = (key: string) => underWay(key) || (ownOrder && decided.has(key));
  let batch = effects.filter((e) => BATCHED_KINDS.has(e.kind));
  for (;;) {
    const keys = new Set(batch.map((e) => e.key));
    const joined = batch.filter((e) => (e.after ?? []).every((k) => keys.has(k) || !pending(k)));
    if (joined.length === batch.length) break;
    batch = joined;
  }
  if (batch.length < 2) return { batch: [], alone: effects };
  const inBatch = new Set(batch.map((e) => e.key));
  const ordered: Effect[] = [];
  const placed = new Set<string>();
  while (ordered.length < batch.length) {
    const ready = batch.filter(
      (e) => !placed.has(e.key) && (e.after ?? []).every((k) => placed.has(k) || !inBatch.has(k)),
    );
    // `after` only names effects decided earlier, so there is no cycle; if there were, keep the decided order.
    for (const e of ready.length > 0 ? ready : batch.filter((e) => !placed.has(e.key))) {
      ordered.push(e);
      placed.add(e.key);
    }
  }
  return { batch: ordered, alone: effects.filter((e) => !inBatch.has(e.key)) };
}

/** An effect as the activity call that does it: the activity, its queue, its input and the summary the timeline shows. */
export interface Call {
  queue: 'lead' | 'mail' | 'notices';
  activity: string;
  input: object;
  summary?: string;
}

/** The activity that does an effect, and its input (`businessDays`: whether the profile asks for the country's calendar). */
export function callFor(leadId: string, effect: Effect, options: { businessDays: boolean }): Call {
  const key = effect.key;
  const lead = (activity: string, input: object, summary?: string): Call => ({
    queue: 'lead',
    activity,
    input,
    summary,
  });
  switch (effect.kind) {
    case 'welcome':
      return {
        queue: 'mail',
        activity: 'welcomeLead',
        summary: 'route the lead and send the personal first touch',
        input: {
          leadId,
          assignmentKey: key,
          at: effect.at,
          sendFirstTouch: effect.sendFirstTouch,
          sendKey: effect.sendKey,
        },
      };
    case 'sendEmail':
      return {
        queue: 'mail',
        activity: 'sendLeadEmail',
        summary: effect.summary,
        input: { leadId, repId: effect.repId, template: effect.template, sendKey: key },
      };
    case 'notifyRep':
    case 'notifyManager':
      return {
        queue: 'notices',
        activity: effect.kind,
        summary: `tell the ${effect.kind === 'notifyRep' ? 'rep' : 'manager'}: ${effect.notice}`,
        input: {
          leadId,
          repId: effect.repId,
          kind: effect.notice,
          sendKey: key,
          ...(effect.why ? { why: effect.why } : {}),
        },
      };
    case 'assignRep':
      return lead(
        'assignRep',
        {
          leadId,
          assignmentKey: key,
          at: effect.at,
          exclude: effect.exclude,
          reason: effect.reason,
          preferFormer: effect.preferFormer,
        },
        `find a rep: ${effect.reason}`,
      );
    case 'createTask':
      return lead(
        'createTask',
        { leadId, repId: effect.repId, taskKey: key, kind: effect.taskKind, title: effect.title, dueAt: effect.dueAt },
        `${effect.taskKind} task: ${effect.title}`,
      );
    case 'recordStage':
      return lead(
        'recordStage',
        {
          leadId,
          changeKey: key,
          from: effect.from,
          to: effect.to,
          reason: effect.reason,
          actor: effect.actor,
          at: effect.at,
        },
        `record the stage: ${effect.to}`,
      );
    case 'recordTouch':
      return lead('recordTouch', {
        leadId,
        touchKey: key,
        at: effect.at,
        kind: effect.touchKind,
        channel: effect.channel,
        details: effect.details,
      });
    case 'score':
      return lead(
        'scoreLead',
        { leadId, scoreKey: key, at: effect.at, reason: effect.reason },
        `score: ${effect.reason}`,
      );
    case 'loadProfile':
      return lead('cadenceProfile', {
        leadId,
        fallbackTimeZone: 'Europe/Helsinki',
        businessDays: options.businessDays,
      });
    case 'openOpportunity':
      return lead('openOpportunity', { leadId, repId: effect.repId, opportunityKey: key, at: effect.at });
    case 'closeOpportunity':
      return lead('closeOpportunity', { leadId, status: effect.status, at: effect.at });
    case 'recordJunkFlag':
      return lead('recordJunkFlag', { leadId, flagKey: key, reason: effect.reason, by: effect.by, at: effect.at });
    case 'decideJunkFlag':
      return lead('decideJunkFlag', { leadId, decision: effect.decision, by: effect.by, at: effect.at });
    case 'syncLead':
      return lead('syncLead', { leadId, ...effect.board });
  }
}
