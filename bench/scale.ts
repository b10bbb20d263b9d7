/**
 * Live leads at scale (issue: 100,000 live leads in bounded memory). Not in CI: it takes long.
 * Leads are captured through the API (one API, one worker process) and then sleep on their timers;
 * figures: the worker process's RSS (now and peak) against the documented bound of its sticky cache
 * (WORKER_MEMORY_BUDGET_MB, goal < 1.5 GiB), the Temporal store's bytes per lead (the dev server's
 * SQLite file), and the lag of a timer wave: the API runs on a compressed clock (RIPEN_TIME_SCALE),
 * so every lead's 20-minute SLA timer comes due while the captures go on, and a sample of histories
 * tells how late each was handled. Baseline in the same run: the worker's RSS at rest before the first
 * capture. `BENCH_LEADS` sets the count (default 100,000). `npm run bench:scale` writes bench/results/scale.json.
 */
import { workflowCacheSize } from '../worker';
import { leadWorkflowId } from '../workflows/contracts';
import {
  allocatorOf,
  closedLoop,
  jsonPoster,
  leadAddress,
  leadBody,
  machine,
  main,
  peakRssBytes,
  rssBytes,
  rssTrend,
  sqliteBytes,
  startBenchStack,
  timerLags,
  waitFor,
  writeResult,
} from './harness';

const LEADS = Number(process.env.BENCH_LEADS ?? 100_000);
const BUDGET_MB = Number(process.env.WORKER_MEMORY_BUDGET_MB ?? 1024);
/** 20 minutes of SLA in 20 seconds. */
const TIME_SCALE = 60;
const SAMPLE = 200;

main(async () => {
  const loadBefore = machine().loadavg;
  const stack = await startBenchStack({ emailsPerSecond: 1000, reps: 8, timeScale: TIME_SCALE, temporalDbFile: true });
  const http = jsonPoster(32);
  try {
    const api = await stack.startApi();
    const worker = await stack.startWorker({ WORKER_MEMORY_BUDGET_MB: String(BUDGET_MB) });
    await new Promise((r) => setTimeout(r, 5_000));
    const restRss = rssBytes(worker.pid!);
    const storeBefore = sqliteBytes(stack.temporalDbFile!);
    const leadIds: string[] = [];
    let errors = 0;
    const started = performance.now();
    await closedLoop(LEADS, 32, async (i) => {
      const res = await http.post(`${api.url}/v1/leads`, stack.captureKey, leadBody(stack.run, i)).catch(() => null);
      if (res?.status === 201) leadIds.push((JSON.parse(res.body) as { leadId: string }).leadId);
      else errors++;
      if (i % 5000 === 0)
        console.error(`${i} captured, worker RSS ${(rssBytes(worker.pid!) / 2 ** 20).toFixed(0)} MiB`);
    });
    const captureSeconds = (performance.now() - started) / 1000;
    const wanted = new Set(Array.from({ length: LEADS }, (_, i) => leadAddress(stack.run, i)));
    // The worker's RSS as the welcomed leads grow: whether it levels off (a bound) or keeps growing with the leads.
    const trend = rssTrend(worker.pid!, leadIds.length);
    await waitFor(
      'every first touch',
      () => {
        const welcomed = stack.sink.mails.filter((m) => m.to.some((t) => wanted.has(t))).length;
        trend.sample(welcomed);
        return welcomed >= leadIds.length;
      },
      7_200_000,
    );
    const settledPerSecond = leadIds.length / ((performance.now() - started) / 1000);
    // Sleeping: wait out the SLA wave (20 s of compressed clock after the last capture), then let the worker settle.
    await new Promise((r) => setTimeout(r, 60_000));
    const workerRssBytes = rssBytes(worker.pid!);
    const workerPeakRssBytes = peakRssBytes(worker.pid!);
    const storeBytes = sqliteBytes(stack.temporalDbFile!) - storeBefore;
    const step = Math.max(1, Math.floor(leadIds.length / SAMPLE));
    const wave = await timerLags(stack.client, leadIds.filter((_, i) => i % step === 0).map(leadWorkflowId));
    const limit = 1.5 * 2 ** 30;
    const growth = trend.growth(workerRssBytes);
    writeResult('scale', {
      benchmark: 'scale',
      at: new Date().toISOString(),
      machine: { ...machine(), loadavgBefore: loadBefore },
      settings: {
        leads: LEADS,
        fullSize:
          LEADS >= 100_000
            ? true
            : `reduced from 100,000 to ${LEADS}: at the ${settledPerSecond.toFixed(1)} leads/s this machine welcomed ` +
              `(capture to first touch, CPU-bound: bench/results/cost.json), 100,000 take ` +
              `${(100_000 / settledPerSecond / 3600).toFixed(1)} h`,
        workerMemoryBudgetMb: BUDGET_MB,
        maxCachedWorkflows: workflowCacheSize(BUDGET_MB),
        workerAllocator: allocatorOf(worker.pid!),
        timeScale: TIME_SCALE,
        emailsPerSecond: 1000,
      },
      leads: leadIds.length,
      captureErrors: errors,
      capturePerSecond: Number((leadIds.length / captureSeconds).toFixed(1)),
      welcomedPerSecond: Number(settledPerSecond.toFixed(1)),
      workerRssBytes,
      workerPeakRssBytes,
      goal: { workerRssBytes: limit },
      met: workerPeakRssBytes < limit,
      baseline: { what: 'the worker process at rest before the first capture', workerRssBytes: restRss },
      ratio: Number((workerRssBytes / restRss).toFixed(2)),
      rssTrend: {
        what:
          "the worker's RSS at each tenth of the leads welcomed (under load); its growth per lead from 30 % on, and " +
          'the settled RSS that would give at 100,000 leads',
        samples: trend.samples.map((p) => ({ welcomed: p.count, rssMiB: p.rssMiB })),
        bytesPerLeadFrom30Percent: growth.bytesPerItem,
        rssAt100kMiB: growth.rssAt100kMiB,
      },
      storeBytesPerLead: Math.round(storeBytes / Math.max(1, leadIds.length)),
      timerWaveMaxLagMs: wave.maxMs,
      timerWave: {
        what:
          `each lead's SLA timer (20 min at ×${TIME_SCALE}: 20 s from its first workflow task) came due while captures went on; ` +
          'lag = first workflow task completed after the timer fired, against its due time, on a sample of 1 lead in ' +
          `${step}; dueSpanSeconds: first to last due time of the sampled timers (the SLA timers and those after them); mostDueInOneMinute: the densest minute of the ` +
          'sample, and estimatedMostDueInOneMinute that times the sampling step',
        ...wave,
        estimatedMostDueInOneMinute: wave.mostDueInOneMinute * step,
      },
    });
  } finally {
    http.close();
    await stack.stop();
  }
});
