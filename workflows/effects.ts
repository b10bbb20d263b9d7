/**
 * The effect runner: starts each effect the decision core asks for as an activity, at once and
 * on its own, and reports its result back as an event. Nothing waits for an effect but the
 * effects the core put after it (`after`: the lead row's writes keep their order, a score follows
 * the touches it counts); a retrying activity holds up neither the lead's events nor its timers.
 */
import { ActivityFailure, ApplicationFailure, patched } from '@temporalio/workflow';
import type { Effect, JourneyEvent } from '../domain/journey';
import { activities, mail, notices } from './activities';
import { NOTICES_QUEUE_PATCH } from './contracts';

export class EffectRunner {
  /** Effects not yet reported back, by key, for those that must follow them. */
  private readonly running = new Map<string, Promise<void>>();

  constructor(
    private readonly leadId: string,
    private readonly report: (event: JourneyEvent) => void,
  ) {}

  start(effect: Effect): void {
    const run = () =>
      perform(this.leadId, effect).then(
        (result) => this.report({ type: 'effectDone', key: effect.key, result: result ?? null }),
        (err: unknown) => this.report({ type: 'effectFailed', key: effect.key, error: failureMessage(err) }),
      );
    const before = (effect.after ?? []).map((key) => this.running.get(key)).filter((p) => p !== undefined);
    const done = (before.length > 0 ? Promise.all(before).then(run) : run()).finally(() =>
      this.running.delete(effect.key),
    );
    this.running.set(effect.key, done);
  }
}

/** Why an activity failed for good (its retries are its own): the cause's type and message, no personal data. */
function failureMessage(err: unknown): string {
  const cause = err instanceof ActivityFailure ? err.cause : err;
  if (cause instanceof ApplicationFailure) return `${cause.type ?? 'Error'}: ${cause.message}`;
  return cause instanceof Error ? cause.message : String(cause);
}

/** Notices go through the notices queue; a run that scheduled them on the e-mail queue before the patch replays as it ran. */
function noticeSender() {
  return patched(NOTICES_QUEUE_PATCH) ? notices() : mail();
}

/** One effect as its activity, with a summary a manager understands in the timeline. */
function perform(leadId: string, effect: Effect): Promise<unknown> {
  const key = effect.key;
  switch (effect.kind) {
    case 'welcome':
      return mail().welcomeLead.executeWithOptions({ summary: 'route the lead and send the personal first touch' }, [
        { leadId, assignmentKey: key, at: effect.at, sendFirstTouch: effect.sendFirstTouch, sendKey: effect.sendKey },
      ]);
    case 'assignRep':
      return activities.assignRep.executeWithOptions({ summary: `find a rep: ${effect.reason}` }, [
        {
          leadId,
          assignmentKey: key,
          at: effect.at,
          exclude: effect.exclude,
          reason: effect.reason,
          preferFormer: effect.preferFormer,
        },
      ]);
    case 'sendEmail':
      return mail().sendLeadEmail.executeWithOptions({ summary: effect.summary }, [
        { leadId, repId: effect.repId, template: effect.template, sendKey: key },
      ]);
    case 'notifyRep':
      return noticeSender().notifyRep.executeWithOptions({ summary: `tell the rep: ${effect.notice}` }, [
        { leadId, repId: effect.repId, kind: effect.notice, sendKey: key, ...(effect.why ? { why: effect.why } : {}) },
      ]);
    case 'notifyManager':
      return noticeSender().notifyManager.executeWithOptions({ summary: `tell the manager: ${effect.notice}` }, [
        { leadId, repId: effect.repId, kind: effect.notice, sendKey: key, ...(effect.why ? { why: effect.why } : {}) },
      ]);
    case 'createTask':
      return activities.createTask.executeWithOptions({ summary: `${effect.taskKind} task: ${effect.title}` }, [
        { leadId, repId: effect.repId, taskKey: key, kind: effect.taskKind, title: effect.title, dueAt: effect.dueAt },
      ]);
    case 'recordStage':
      return activities.recordStage.executeWithOptions({ summary: `record the stage: ${effect.to}` }, [
        {
          leadId,
          changeKey: key,
          from: effect.from,
          to: effect.to,
          reason: effect.reason,
          actor: effect.actor,
          at: effect.at,
        },
      ]);
    case 'recordTouch':
      return activities.recordTouch({
        leadId,
        touchKey: key,
        at: effect.at,
        kind: effect.touchKind,
        channel: effect.channel,
        details: effect.details,
      });
    case 'score':
      return activities.scoreLead.executeWithOptions({ summary: `score: ${effect.reason}` }, [
        { leadId, scoreKey: key, at: effect.at, reason: effect.reason },
      ]);
    case 'loadProfile':
      // Leads started before the country calendars keep Monday–Friday (their histories asked for no calendar).
      return activities.cadenceProfile({
        leadId,
        fallbackTimeZone: 'Europe/Helsinki',
        businessDays: patched('business-days-by-country'),
      });
    case 'openOpportunity':
      return activities.openOpportunity({ leadId, repId: effect.repId, opportunityKey: key, at: effect.at });
    case 'closeOpportunity':
      return activities.closeOpportunity({ leadId, status: effect.status, at: effect.at });
    case 'recordJunkFlag':
      return activities.recordJunkFlag({ leadId, flagKey: key, reason: effect.reason, by: effect.by, at: effect.at });
    case 'decideJunkFlag':
      return activities.decideJunkFlag({ leadId, decision: effect.decision, by: effect.by, at: effect.at });
    case 'syncLead':
      return activities.syncLead({ leadId, ...effect.board });
  }
}
