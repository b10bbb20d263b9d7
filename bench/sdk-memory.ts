/**
 * The SDK's own memory at scale, the baseline of bench:scale's RSS trend: a worker process with the
 * same sticky-cache bound as the lead worker's (from WORKER_MEMORY_BUDGET_MB) runs `BENCH_WORKFLOWS`
 * (default 20,000) workflows that each run one activity and then sleep on a timer, started straight
 * on the server (32 at a time). Figures: the worker's RSS at rest (the baseline), at each tenth of the
 * workflows started by the worker, settled, and its growth per workflow from 30 % on, as bench:scale
 * fits it. Levelling off here and growing there puts the lead worker's growth in what it adds to the
 * SDK, not in the SDK's cache. `npm run bench:sdk-memory` writes bench/results/sdk-memory.json.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import { freePort, startDevServer } from '../scripts/processes';
import { ensureTools } from '../scripts/tools';
import { workflowCacheSize } from '../worker';
import {
  closedLoop,
  machine,
  main,
  peakRssBytes,
  rssBytes,
  rssTrend,
  stopChild,
  waitFor,
  writeResult,
} from './harness';

const WORKFLOWS = Number(process.env.BENCH_WORKFLOWS ?? 20_000);
const BUDGET_MB = Number(process.env.WORKER_MEMORY_BUDGET_MB ?? 1024);

/** The worker process: prints how many workflows have run their activity. */
async function worker(address: string, taskQueue: string, maxCachedWorkflows: number): Promise<void> {
  let started = 0;
  const w = await Worker.create({
    connection: await NativeConnection.connect({ address }),
    taskQueue,
    workflowsPath: require.resolve('./workflows/sleeper'),
    activities: {
      async started() {
        if (++started % 100 === 0) process.stdout.write(`started ${started}\n`);
      },
    },
    maxCachedWorkflows,
  });
  await w.run();
}

if (process.argv[2] === 'worker') void worker(process.argv[3]!, process.argv[4]!, Number(process.argv[5]));
else
  main(async () => {
    const loadBefore = machine().loadavg;
    const maxCachedWorkflows = workflowCacheSize(BUDGET_MB);
    const port = await freePort();
    const dir = mkdtempSync(path.join(tmpdir(), 'ripen-sdk-memory-'));
    const server = await startDevServer({ bin: ensureTools().temporal, port, dbFile: path.join(dir, 'temporal.db') });
    const address = `127.0.0.1:${port}`;
    const taskQueue = `sdk-memory-${Date.now()}`;
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', __filename, 'worker', address, taskQueue, String(maxCachedWorkflows)],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let done = 0;
    child.stdout!.on('data', (chunk: Buffer) => {
      for (const m of chunk.toString().matchAll(/started (\d+)/g)) done = Math.max(done, Number(m[1]));
    });
    const connection = await Connection.connect({ address });
    try {
      await new Promise((r) => setTimeout(r, 8_000)); // started and polling
      const restRss = rssBytes(child.pid!);
      const client = new Client({ connection });
      const trend = rssTrend(child.pid!, WORKFLOWS);
      const sampler = setInterval(() => trend.sample(done), 250);
      const started = performance.now();
      await closedLoop(WORKFLOWS, 32, async (i) => {
        await client.workflow.start('sleeperWorkflow', { taskQueue, workflowId: `sleeper-${i}` });
      });
      await waitFor('every activity run', () => done >= WORKFLOWS, 3_600_000);
      clearInterval(sampler);
      trend.sample(done);
      const seconds = (performance.now() - started) / 1000;
      await new Promise((r) => setTimeout(r, 30_000));
      const workerRssBytes = rssBytes(child.pid!);
      const growth = trend.growth(workerRssBytes);
      writeResult('sdk-memory', {
        benchmark: 'sdk-memory',
        at: new Date().toISOString(),
        machine: { ...machine(), loadavgBefore: loadBefore },
        settings: { workflows: WORKFLOWS, workerMemoryBudgetMb: BUDGET_MB, maxCachedWorkflows, concurrency: 32 },
        workflows: done,
        workflowsPerSecond: Number((done / seconds).toFixed(1)),
        workerRssBytes,
        workerPeakRssBytes: peakRssBytes(child.pid!),
        baseline: { what: 'the worker process at rest before the first workflow', workerRssBytes: restRss },
        ratio: Number((workerRssBytes / restRss).toFixed(2)),
        rssTrend: {
          what:
            "the worker's RSS at each tenth of the workflows run (under load); its growth per workflow from 30 % on, " +
            'and the settled RSS that would give at 100,000',
          samples: trend.samples.map((p) => ({ started: p.count, rssMiB: p.rssMiB })),
          bytesPerWorkflowFrom30Percent: growth.bytesPerItem,
          rssAt100kMiB: growth.rssAt100kMiB,
        },
      });
    } finally {
      await stopChild(child, 'SIGKILL');
      await connection.close();
      await server.stop();
    }
  });
