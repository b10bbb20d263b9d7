import type { DataConverter } from '@temporalio/common';
import { NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import { createActivities, createMailActivities, type ActivityDeps } from '../activities';
import { createReconcileActivities, type ReconcileDeps } from '../activities/reconcile';
import { CADENCES, NURTURE_TRACKS } from '../cadences';
import { checkAll } from '../cadences/check';
import { cadenceTemplates, emailCategory } from '../domain/emails';
import { emailTaskQueue } from '../workflows/contracts';

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
  /** What the reconciliation sweep needs (a Temporal client); without it the worker does not run the sweep's activity. */
  reconcile?: Omit<ReconcileDeps, 'db' | 'taskQueue'>;
}

/** The lead worker and its e-mail worker, run and stopped together. */
export interface LeadWorkers {
  run(): Promise<void>;
  shutdown(): void;
}

/**
 * Builds the workers (STYLE 11: built here, run by main.ts): lead workflows with their activities
 * on the lead queue, and the e-mail activities on `<queue>-email`, where the server enforces the
 * per-provider send rate for all workers of the queue.
 */
export async function createLeadWorker({
  connection,
  namespace,
  taskQueue,
  deps,
  workflowBundle,
  emailsPerSecond,
  dataConverter,
  reconcile,
}: LeadWorkerOptions): Promise<LeadWorkers> {
  assertCadencesSound();
  const [lead, mail] = await Promise.all([
    Worker.create({
      connection,
      namespace,
      taskQueue,
      activities: {
        ...createActivities(deps),
        ...(reconcile ? createReconcileActivities({ db: deps.db, taskQueue, ...reconcile }) : {}),
      },
      dataConverter,
      ...(workflowBundle ? { workflowBundle } : { workflowsPath: require.resolve('../workflows') }),
    }),
    Worker.create({
      connection,
      namespace,
      taskQueue: emailTaskQueue(taskQueue),
      activities: createMailActivities(deps),
      dataConverter,
      maxTaskQueueActivitiesPerSecond: emailsPerSecond,
    }),
  ]);
  const workers = [lead, mail];
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
