/**
 * The worker's memory is bounded (issue: 100,000 live leads in bounded memory): its sticky cache is
 * sized from WORKER_MEMORY_BUDGET_MB, and a lead evicted from the cache is not lost — its next task
 * replays its history. Real dev server, database and SMTP server.
 */
import fc from 'fast-check';
import { loadConfig } from '../config';
import { CACHED_WORKFLOW_MB, WORKER_BASE_MB, workflowCacheSize } from '../worker';
import { leadStateQuery, leadWorkflowId } from '../workflows/contracts';
import { startStack, type Stack } from './helpers/stack';

describe('workflowCacheSize', () => {
  it('keeps the cached workflows inside the budget left after the base, and at least 10', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 64 * 1024 }), (budget) => {
        const size = workflowCacheSize(budget);
        expect(Number.isInteger(size)).toBe(true);
        expect(size).toBeGreaterThanOrEqual(10);
        if (size > 10) expect(WORKER_BASE_MB + size * CACHED_WORKFLOW_MB).toBeLessThanOrEqual(budget);
        // One more cached workflow would not fit (the bound is as large as the budget allows).
        expect(WORKER_BASE_MB + (size + 1) * CACHED_WORKFLOW_MB).toBeGreaterThan(budget);
      }),
    );
  });

  it('is read from WORKER_MEMORY_BUDGET_MB (default 1024 MiB), and a budget below the base is refused', () => {
    expect(loadConfig({}).WORKER_MEMORY_BUDGET_MB).toBe(1024);
    expect(loadConfig({ WORKER_MEMORY_BUDGET_MB: '2048' }).WORKER_MEMORY_BUDGET_MB).toBe(2048);
    expect(() => loadConfig({ WORKER_MEMORY_BUDGET_MB: '100' })).toThrow(/WORKER_MEMORY_BUDGET_MB/);
  });
});

describe('a worker with a small budget', () => {
  let stack: Stack;
  // Below the base: the smallest cache, ten workflows.
  beforeAll(async () => {
    stack = await startStack('worker-memory', { memoryBudgetMb: WORKER_BASE_MB });
  });
  afterAll(() => stack.close());

  it('holds no more workflows than its bound, and every lead evicted from the cache still runs', async () => {
    expect(stack.worker!.maxCachedWorkflows).toBe(10);
    const capture = await stack.authAs('capture');
    const tag = stack.taskQueue.slice(-6);
    const addresses = Array.from({ length: 25 }, (_, i) => `cache${i}.${tag}@example.fi`);
    const leadIds: string[] = [];
    for (const email of addresses) {
      const res = await stack.call('POST', '/v1/leads', capture, { email, firstName: 'Cache', country: 'QQ' });
      expect(res.status).toBe(201);
      leadIds.push(res.body.leadId as string);
    }
    await stack.smtp.waitFor((m) => m.envelopeTo.some((to) => addresses.includes(to)), {
      count: addresses.length,
      timeoutMs: 120_000,
    });
    expect(stack.worker!.cachedWorkflows()).toBeLessThanOrEqual(10);
    // The first leads were evicted long ago: a query makes the worker replay each from its history.
    for (const leadId of leadIds.slice(0, 5)) {
      const state = await stack.client.workflow.getHandle(leadWorkflowId(leadId)).query(leadStateQuery);
      expect(state).toMatchObject({ leadId, firstTouchEmailSent: true, captures: 1 });
    }
    expect(stack.worker!.cachedWorkflows()).toBeLessThanOrEqual(10);
  });
});
