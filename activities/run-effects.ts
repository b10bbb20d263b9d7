/**
 * The lead's database effects of one decision, run in one activity (domain/journey/batch.ts says which):
 * each with the same activity function it has alone, in the order given. An effect that failed for good
 * (a non-retryable failure: a value PostgreSQL cannot store, a lead that does not exist) is reported for
 * its key and the others go on; any other error fails the attempt, which is retried whole (every effect
 * here is idempotent by its key, or a read).
 */
import { ApplicationFailure } from '@temporalio/activity';
import { BATCHED_ACTIVITIES, type BatchedActivity } from '../domain/journey';

export interface BatchedEffect {
  key: string;
  activity: BatchedActivity;
  input: unknown;
}
export type BatchedResult = { key: string; ok: true; result: unknown } | { key: string; ok: false; error: string };

export function createRunEffects(activities: Record<BatchedActivity, (input: never) => Promise<unknown>>) {
  return {
    async runEffects(input: { leadId: string; effects: BatchedEffect[] }): Promise<BatchedResult[]> {
      const results: BatchedResult[] = [];
      for (const effect of input.effects) {
        if (!BATCHED_ACTIVITIES.includes(effect.activity))
          throw ApplicationFailure.nonRetryable(`${effect.activity} is not run in a batch`, 'UnknownEffect');
        try {
          const result = await activities[effect.activity](effect.input as never);
          results.push({ key: effect.key, ok: true, result: result ?? null });
        } catch (err) {
          if (!(err instanceof ApplicationFailure && err.nonRetryable)) throw err;
          results.push({ key: effect.key, ok: false, error: `${err.type ?? 'Error'}: ${err.message}` });
        }
      }
      return results;
    },
  };
}
