import type { DataConverter } from '@temporalio/common';
import { NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import { createActivities, createMailActivities, type ActivityDeps } from '../activities';
import { createReconcileActivities, type ReconcileDeps } from '../activities/reconcile';
import { CADENCES, NURTURE_TRACKS } from '../cadences';
import { checkAll } from '../cadences/check';
import { cadenceTemplates, emailCategory } from '../domain/emails';
import { emailTaskQueue, noticesTaskQueue } from '../workflows/contracts';

export interface LeadWorkerOptions {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  deps: ActivityDeps;
  /** A pre-built workflow bundle (tests build it once per run); otherwise the workflows are bundled at start. */
  workflowBundle?: WorkerOptions['workflowBundle'];
  /** Ripen's data converter (privacy/data-converter.ts): payloads encrypted per lead. The bundle must be built with its failure converter. */
  dataConverter: DataConverter;
  /** Cap on e-mails per second across every worker of this queue (the mail provider's limit); none if omitted. */
  emailsPerSecond?: number;
  /** The memory this worker process may use, in MiB: bounds its sticky cache (`workflowCacheSize`); the SDK's default if omitted. */
  memoryBudgetMb?: number;
  /** What the reconciliation sweep needs (a Temporal client); without it the worker does not run the sweep's activity. */
  reconcile?: Omit<ReconcileDeps, 'db' | 'taskQueue'>;
}

/**
 * What a worker process needs besides its cached workflows (Node, the SDK's core, the bundle, pools), in MiB, and
 * what one cached lead workflow adds, from `npm run bench:scale`: 350–400 MiB at rest; 0.85–0.9 MiB a cached lead
 * (5,000 leads with 832 cached settled at 1,049 MiB), counted as 1. The base is read at rest: under load the heaps'
 * working size adds to it, so the budget bounds the cache, not the whole process (docs/benchmarks.md, scale).
 */
export const WORKER_BASE_MB = 400;
export const CACHED_WORKFLOW_MB = 1;

/**
 * The sticky cache's bound for a memory budget: the workflows a worker keeps in memory between
 * tasks (`maxCachedWorkflows`). A lead evicted from the cache is not lost: its next task replays
 * its history, which costs CPU, not correctness. At least 10, so a tiny budget still works.
 */
export function workflowCacheSize(memoryBudgetMb: number): number {
  return Math.max(10, Math.floor((memoryBudgetMb - WORKER_BASE_MB) / CACHED_WORKFLOW_MB));
}

/** The lead worker, its e-mail worker and its notices worker, run and stopped together. */
export interface LeadWorkers {
  run(): Promise<void>;
  shutdown(): void;
  /** The sticky cache's bound (undefined: the SDK's default). */
  maxCachedWorkflows: number | undefined;
  /** How many lead workflows the sticky cache holds now. */
  cachedWorkflows(): number;
}

/**
 * Builds the workers (built here, run by main.ts, so tests build the same workers without running a process): lead
 * workflows with their activities on the lead queue, the e-mail activities on `<queue>-email`, where the server
 * enforces the per-provider send rate for all workers of the queue, and the notices to reps and managers on
 * `<queue>-notices`, outside that rate (internal mail must not delay a lead's first touch).
 */
export async function createLeadWorker({
  connection,
  namespace,
  taskQueue,
  deps,
  workflowBundle,
  emailsPerSecond,
  memoryBudgetMb,
  dataConverter,
  reconcile,
}: LeadWorkerOptions): Promise<LeadWorkers> {
  assertCadencesSound();
  const maxCachedWorkflows = memoryBudgetMb === undefined ? undefined : workflowCacheSize(memoryBudgetMb);
  const mailActivities = createMailActivities(deps);
  const [lead, mail, notices] = await Promise.all([
    Worker.create({
      connection,
      namespace,
      taskQueue,
      activities: {
        ...createActivities(deps),
        ...(reconcile ? createReconcileActivities({ db: deps.db, taskQueue, ...reconcile }) : {}),
      },
      dataConverter,
      ...(maxCachedWorkflows === undefined ? {} : { maxCachedWorkflows }),
      ...(workflowBundle ? { workflowBundle } : { workflowsPath: require.resolve('../workflows') }),
    }),
    Worker.create({
      connection,
      namespace,
      taskQueue: emailTaskQueue(taskQueue),
      activities: mailActivities,
      dataConverter,
      maxTaskQueueActivitiesPerSecond: emailsPerSecond,
    }),
    Worker.create({
      connection,
      namespace,
      taskQueue: noticesTaskQueue(taskQueue),
      activities: { notifyRep: mailActivities.notifyRep, notifyManager: mailActivities.notifyManager },
      dataConverter,
    }),
  ]);
  const workers = [lead, mail, notices];
  const stopAll = () => {
    for (const w of workers) if (w.getState() === 'RUNNING') w.shutdown();
  };
  return {
    async run() {
      // If one stops (or fails), the other stops too: half a worker would leave e-mails or workflows unserved.
      const results = await Promise.allSettled(workers.map((w) => w.run().finally(stopAll)));
      const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failed) throw failed.reason;
    },
    shutdown: stopAll,
    maxCachedWorkflows,
    cachedWorkflows: () => lead.getStatus().numCachedWorkflows,
  };
}

/** The cadence checker at start: a worker never runs a cadence that could strand, loop or mail without consent. */
export function assertCadencesSound(): void {
  const problems = checkAll(CADENCES, [NURTURE_TRACKS], {
    templates: cadenceTemplates(),
    isMarketing: (t) => emailCategory(t) === 'marketing',
  });
  if (problems.length > 0)
    throw new Error(`Refusing to start: the cadences have problems:\n- ${problems.join('\n- ')}`);
}
