/**
 * The effect runner: starts the effects the decision core asks for as activities, at once, and
 * reports each result back as an event. Nothing waits for an effect but the effects the core put
 * after it (`after`: the lead row's writes keep their order, a score follows the touches it counts);
 * a retrying activity holds up neither the lead's events nor its timers. A decision's database
 * effects share one activity (domain/journey/batch.ts): a new lead's writes cost one activity task
 * and one workflow task, not one of each per write.
 */
import { ActivityFailure, ApplicationFailure, patched } from '@temporalio/workflow';
import { batchOf, callFor, type BatchedActivity, type Effect, type JourneyEvent } from '../domain/journey';
import { activities, mail, notices } from './activities';
import { NOTICES_QUEUE_PATCH } from './contracts';

/** Issue 17: a decision's database effects share one activity; runs started before keep one activity each. */
export const BATCHED_EFFECTS_PATCH = 'batched-effects';
/** An effect that follows one of its own decision's effects kept out of the batch stays out with it (batchOf). */
export const BATCH_OWN_ORDER_PATCH = 'batch-own-order';

export class EffectRunner {
  /** Effects not yet reported back, by key, for those that must follow them. */
  private readonly running = new Map<string, Promise<void>>();

  constructor(
    private readonly leadId: string,
    private readonly report: (event: JourneyEvent) => void,
  ) {}

  /** One decision's effects: its database effects in one activity, where the code that batches them ran. */
  startAll(effects: Effect[]): void {
    const { batch, alone } = batchOf(effects, (key) => this.running.has(key), {
      ownOrder: patched(BATCH_OWN_ORDER_PATCH),
    });
    if (batch.length === 0 || !patched(BATCHED_EFFECTS_PATCH)) {
      for (const effect of effects) this.start(effect);
      return;
    }
    const done = runBatch(this.leadId, batch)
      .then(
        (results) =>
          batch.forEach(({ key }, i) => {
            const r = results[i]!;
            this.report(
              r.ok
                ? { type: 'effectDone', key, result: r.result ?? null }
                : { type: 'effectFailed', key, error: r.error },
            );
          }),
        (err: unknown) =>
          batch.forEach(({ key }) => this.report({ type: 'effectFailed', key, error: failureMessage(err) })),
      )
      .finally(() => batch.forEach(({ key }) => this.running.delete(key)));
    for (const { key } of batch) this.running.set(key, done);
    for (const effect of alone) this.start(effect);
  }

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

/** The batch as one activity; its summary lists what it does, and its result has one entry per effect, in order. */
async function runBatch(leadId: string, batch: Effect[]) {
  const calls = batch.map((effect) => callFor(leadId, effect, { businessDays: businessDays(effect) }));
  const results = await activities.runEffects.executeWithOptions(
    { summary: calls.map((c) => c.summary ?? c.activity).join('; ') },
    [
      {
        leadId,
        effects: calls.map((c, i) => ({ key: batch[i]!.key, activity: c.activity as BatchedActivity, input: c.input })),
      },
    ],
  );
  return batch.map(
    ({ key }) => results.find((r) => r.key === key) ?? { ok: false as const, error: 'no result came back' },
  );
}

/** One effect as its activity, with a summary a manager understands in the timeline where it has one. */
function perform(leadId: string, effect: Effect): Promise<unknown> {
  const { queue, activity, input, summary } = callFor(leadId, effect, { businessDays: businessDays(effect) });
  // Notices go through the notices queue; a run that scheduled them on the e-mail queue before the patch replays as it ran.
  const proxies =
    queue === 'lead' ? activities : queue === 'mail' || !patched(NOTICES_QUEUE_PATCH) ? mail() : notices();
  const fn = (proxies as unknown as Record<string, typeof activities.syncLead>)[activity]!;
  return summary ? fn.executeWithOptions({ summary }, [input as never]) : fn(input as never);
}

/** Leads started before the country calendars keep Monday–Friday (their histories asked for no calendar). */
function businessDays(effect: Effect): boolean {
  return effect.kind === 'loadProfile' && patched('business-days-by-country');
}
