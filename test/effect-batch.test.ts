/**
 * Issue 17: a decision's database effects share one activity (domain/journey/batch.ts,
 * activities/run-effects.ts, workflows/effects.ts). Properties of the split over random effect
 * lists; the batch activity's failure handling; and a new lead on the real stack, whose writes
 * now cost one activity task where they cost one each.
 */
import { ApplicationFailure } from '@temporalio/common';
import fc from 'fast-check';
import { createRunEffects } from '../activities/run-effects';
import { BATCHED_ACTIVITIES, BATCHED_KINDS, batchOf, callFor, type Effect } from '../domain/journey';
import { scheduledActivities } from './helpers/history';
import { startStack, type Stack } from './helpers/stack';
import { waitUntil } from './helpers/wait';

const KINDS = ['recordStage', 'recordTouch', 'score', 'loadProfile', 'syncLead', 'createTask', 'welcome', 'notifyRep'];

/** Effects as a decision emits them: keys in order, `after` naming earlier ones of this list or of earlier decisions. */
const decision = fc
  .array(
    fc.record({
      kind: fc.constantFrom(...KINDS),
      after: fc.array(fc.oneof(fc.nat(20), fc.constantFrom('earlier-1', 'earlier-2')), { maxLength: 2 }),
    }),
    { maxLength: 12 },
  )
  .map((drafts) =>
    drafts.map(
      ({ kind, after }, i) =>
        ({
          key: `k${i}`,
          kind,
          after: after.flatMap((a) => (typeof a === 'number' ? (a < i ? [`k${a}`] : []) : [a])),
        }) as unknown as Effect,
    ),
  );

describe('which effects share an activity', () => {
  it('splits every decision into a batch of two or more database effects and the rest, each effect once', () => {
    fc.assert(
      fc.property(decision, fc.subarray(['earlier-1', 'earlier-2']), (effects, underWay) => {
        // Under way: earlier decisions' effects only, as the workflow's effect runner tells it.
        const { batch, alone } = batchOf(effects, (key) => underWay.includes(key));
        expect([...batch, ...alone].map((e) => e.key).sort()).toEqual(effects.map((e) => e.key).sort());
        expect(batch.length === 0 || batch.length >= 2).toBe(true);
        expect(batch.every((e) => BATCHED_KINDS.has(e.kind))).toBe(true);
        const position = new Map(batch.map((e, i) => [e.key, i]));
        for (const [i, e] of batch.entries())
          for (const k of e.after ?? []) {
            // Never runs ahead of what it follows: that is in the batch, earlier, or no longer under way (and not an
            // effect of this decision left to run alone, which starts only after the batch has).
            if (position.has(k)) expect(position.get(k)!).toBeLessThan(i);
            else expect(underWay.includes(k) || effects.some((x) => x.key === k)).toBe(false);
          }
      }),
    );
  });

  it('keeps a database effect that follows an e-mail out of the batch, and the rest together', () => {
    const effects = [
      { key: 'w', kind: 'welcome' },
      { key: 's', kind: 'recordStage' },
      { key: 'p', kind: 'loadProfile' },
      { key: 'c', kind: 'score', after: ['w'] },
      { key: 'b', kind: 'syncLead', after: ['s'] },
    ] as unknown as Effect[];
    const { batch, alone } = batchOf(effects, () => false);
    expect(batch.map((e) => e.key)).toEqual(['s', 'p', 'b']);
    expect(alone.map((e) => e.key)).toEqual(['w', 'c']);
  });

  it('keeps a score out of the batch when the outcome touch it counts waits for an earlier write (seen in the preview)', () => {
    // A rep's outcome: its touch follows the capture's board write still under way, the score follows the touch.
    const effects = [
      { key: 'touch', kind: 'recordTouch', after: ['earlier-sync'] },
      { key: 'score', kind: 'score', after: ['touch'] },
      { key: 'stage', kind: 'recordStage' },
      { key: 'sync', kind: 'syncLead', after: ['stage'] },
    ] as unknown as Effect[];
    const running = (key: string) => key === 'earlier-sync';
    const { batch, alone } = batchOf(effects, running);
    expect(batch.map((e) => e.key)).toEqual(['stage', 'sync']);
    expect(alone.map((e) => e.key)).toEqual(['touch', 'score']);
    // Runs that decided before the rule replay as they ran: the score went in the batch, ahead of its touch.
    expect(batchOf(effects, running, { ownOrder: false }).batch.map((e) => e.key)).toEqual(['score', 'stage', 'sync']);
  });
});

it('does every kind that may share an activity with an activity the batch may run, on the lead queue', () => {
  for (const kind of BATCHED_KINDS) {
    const call = callFor('lead-1', { key: 'k', kind, board: {} } as unknown as Effect, { businessDays: true });
    expect({
      kind,
      queue: call.queue,
      batchable: (BATCHED_ACTIVITIES as readonly string[]).includes(call.activity),
    }).toEqual({
      kind,
      queue: 'lead',
      batchable: true,
    });
  }
});

describe('the batch activity', () => {
  const calls: string[] = [];
  const ok = (name: string) => async (input: never) => {
    calls.push(`${name}:${(input as { n: number }).n}`);
    return name === 'cadenceProfile' ? { timeZone: 'Europe/Helsinki' } : undefined;
  };
  const activities = {
    recordStage: ok('recordStage'),
    recordTouch: async () => {
      throw ApplicationFailure.nonRetryable('PostgreSQL refused the write (SQLSTATE 22P05)', 'DataRejected');
    },
    scoreLead: ok('scoreLead'),
    cadenceProfile: ok('cadenceProfile'),
    syncLead: async () => {
      throw new Error('connection terminated');
    },
    createTask: ok('createTask'),
  };
  const { runEffects } = createRunEffects(activities);
  beforeEach(() => (calls.length = 0));

  it('runs the effects in order and reports one that failed for good by its key, the others going on', async () => {
    const results = await runEffects({
      leadId: 'l',
      effects: [
        { key: 'a', activity: 'recordStage', input: { n: 1 } },
        { key: 'b', activity: 'recordTouch', input: { n: 2 } },
        { key: 'c', activity: 'cadenceProfile', input: { n: 3 } },
      ],
    });
    expect(calls).toEqual(['recordStage:1', 'cadenceProfile:3']);
    expect(results).toEqual([
      { key: 'a', ok: true, result: null },
      { key: 'b', ok: false, error: 'DataRejected: PostgreSQL refused the write (SQLSTATE 22P05)' },
      { key: 'c', ok: true, result: { timeZone: 'Europe/Helsinki' } },
    ]);
  });

  it('fails the attempt on an error a retry may fix (the whole batch is retried), and refuses an unknown activity', async () => {
    await expect(
      runEffects({
        leadId: 'l',
        effects: [
          { key: 'a', activity: 'scoreLead', input: { n: 1 } },
          { key: 'b', activity: 'syncLead', input: { n: 2 } },
        ],
      }),
    ).rejects.toThrow('connection terminated');
    await expect(
      runEffects({ leadId: 'l', effects: [{ key: 'x', activity: 'welcomeLead' as never, input: {} }] }),
    ).rejects.toMatchObject({ type: 'UnknownEffect', nonRetryable: true });
  });
});

describe('a new lead on the real stack', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack('effect-batch');
  });
  afterAll(() => stack.close());

  it('writes its stage, profile and score in one activity of the first workflow task, and they all land', async () => {
    const capture = await stack.authAs('capture');
    const res = await stack.call('POST', '/v1/leads', capture, {
      email: `batch.${stack.taskQueue.slice(-6)}@example.fi`,
      firstName: 'Pia',
      country: 'FI',
    });
    expect(res.status).toBe(201);
    const leadId = res.body.leadId as string;
    await waitUntil(
      async () =>
        (await stack.db.query('SELECT 1 FROM score_changes WHERE lead_id = $1', [leadId])).length > 0 &&
        (await stack.db.query('SELECT 1 FROM stage_changes WHERE lead_id = $1', [leadId])).length > 0,
      30_000,
    );
    const scheduled = await scheduledActivities(stack, leadId);
    const first = scheduled.filter((a) => a.workflowTask === scheduled[0]!.workflowTask);
    expect(first.filter((a) => a.batched).map((a) => a.activity)).toEqual(
      expect.arrayContaining(['recordStage', 'cadenceProfile', 'scoreLead']),
    );
    expect(first.filter((a) => a.batched).every((a) => a.taskQueue === stack.taskQueue)).toBe(true);
    // The welcome is an e-mail activity of its own, on its own queue.
    expect(first.filter((a) => !a.batched).map((a) => a.activity)).toEqual(['welcomeLead']);
  });
});
